// Edition grouping lives in src/editions/matcher.ts: ingest (training/ingest/work-ids.ts) and the API's upsertItems
// must group with the same rule, and serving never imports training/.
export * from '../../src/editions/matcher.js';
