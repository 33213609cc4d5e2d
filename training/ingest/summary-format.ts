// The end-of-ingest summary as plain text for the terminal (the JSON form is the IngestSummary itself).
import type { IngestSummary } from './ingest.js';

const n = (v: number) => v.toLocaleString('en-US');

function table(headers: string[], rows: (string | number)[][]): string {
  const cells = [headers, ...rows.map((r) => r.map((c) => (typeof c === 'number' ? n(c) : c)))];
  const widths = headers.map((_h, i) => Math.max(...cells.map((r) => String(r[i]).length)));
  const line = (r: (string | number)[]) =>
    r.map((c, i) => (i === 0 ? String(c).padEnd(widths[i]) : String(c).padStart(widths[i]))).join('  ');
  return [line(cells[0]), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.slice(1).map(line)].join('\n');
}

export function formatIngestSummary(s: IngestSummary): string {
  const out: string[] = [];
  const seconds = s.durationMs / 1000;
  out.push(`${s.format}: ${s.files.length} file(s) in ${seconds.toFixed(1)} s`);
  out.push(
    table(
      ['table', 'read', 'loaded', 'inserted', 'updated', 'unchanged', 'merged', 'filtered', 'rejected', 'implicit'],
      (['items', 'users', 'interactions'] as const).map((t) => {
        const r = s.tables[t];
        return [
          t,
          r.read,
          r.inserted + r.updated,
          r.inserted,
          r.updated,
          r.unchanged,
          r.merged,
          r.filtered,
          r.rejected,
          r.implicit,
        ];
      }),
    ),
  );
  out.push(
    '(loaded = inserted + updated; merged = duplicates collapsed; implicit = created because events referenced them)',
  );
  const events = s.tables.interactions.read;
  if (events > 0 && seconds > 0) out.push(`interactions: ${n(Math.round(events / seconds))} rows/s overall`);
  if (s.works) {
    out.push(
      `works: ${n(s.works.items)} items in ${n(s.works.works)} works; ${n(s.works.multiEditionWorks)} works group ${n(s.works.itemsInMultiEditionWorks)} editions; ${n(s.works.changed)} work ids changed`,
    );
  }
  const c = s.cleaning;
  const cleaned = [
    [c.text.mojibakeRepaired, 'mojibake repaired'],
    [c.text.entitiesDecoded, 'HTML entities decoded'],
    [c.text.unicodeNormalized, 'Unicode normalised'],
    [c.text.controlCharsRemoved, 'control characters removed'],
    [c.creatorsNormalized, 'creator names normalised'],
    [c.duplicateLabelsRemoved, 'duplicate labels removed'],
    [c.implicit.filtered, 'ratings below the positive threshold dropped'],
    [c.implicit.binarized, 'ratings binarised'],
    [s.reDecodedLines, 'lines decoded as Windows-1252'],
    [s.droppedValues, 'values dropped (see report)'],
  ].filter(([count]) => (count as number) > 0);
  if (cleaned.length > 0)
    out.push('cleaning: ' + cleaned.map(([count, what]) => `${n(count as number)} ${what}`).join(', '));
  const reasons = Object.entries(s.rejectReasons);
  if (reasons.length > 0) {
    out.push('rejects by reason:');
    for (const [reason, count] of reasons.slice(0, 10)) out.push(`  ${n(count)}  ${reason}`);
    if (reasons.length > 10) out.push(`  … ${reasons.length - 10} more reasons`);
  }
  if (s.rejectFile) out.push(`reject report: ${s.rejectFile}`);
  if (s.ignoredFiles.length > 0) out.push(`ignored (not part of this format): ${s.ignoredFiles.join(', ')}`);
  return out.join('\n');
}
