// Creator normalisation lives in src/editions/creators.ts (edition grouping needs it on the serving side too).
export * from '../../src/editions/creators.js';
