// Title matching keys live in src/editions/titles.ts (edition grouping needs them on the serving side too).
export * from '../../src/editions/titles.js';
