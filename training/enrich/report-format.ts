// The lines `recgraph enrich` prints: what was asked and spent, each failed item with its reason, the vocabulary.
import type { EnrichPipelineReport } from './pipeline.js';

const MAX_FAILURES_LISTED = 50;

export function formatEnrichReport(report: EnrichPipelineReport): string[] {
  const r = report.requests;
  const lines = [
    `enrich run ${r.runId}: ${r.status}; ${r.selected} item(s) lacked the fields, ${r.enriched} enriched, ` +
      `${r.failed.length} failed; ${r.requests} request(s), ${r.tokens} token(s)`,
  ];
  if (r.skippedByTokenCap)
    lines.push(`token cap reached: ${r.skippedByTokenCap} item(s) not asked (a later run picks them up)`);
  if (r.fatal) lines.push(`stopped: ${r.fatal}`);
  for (const failure of r.failed.slice(0, MAX_FAILURES_LISTED))
    lines.push(`  item ${failure.itemId}: ${failure.reason}`);
  if (r.failed.length > MAX_FAILURES_LISTED)
    lines.push(`  … and ${r.failed.length - MAX_FAILURES_LISTED} more (table enrichment_failures)`);
  if (report.encoder) lines.push(`vocabulary (labels embedded with ${report.encoder}):`);
  for (const vocabulary of report.vocabularies)
    lines.push(
      `  ${vocabulary.field}: ${vocabulary.distinct} distinct answer(s) → ${vocabulary.names.length} name(s): ` +
        vocabulary.names.map((n) => `${n.name} (${n.items})`).join(', '),
    );
  const applied = Object.entries(report.applied).map(([field, count]) => `${field} ${count}`);
  if (applied.length) lines.push(`items updated: ${applied.join(', ')}`);
  return lines;
}
