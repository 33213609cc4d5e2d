// The cleaning steps applied between the readers and the loader, as stream transforms (record in, record out),
// each on by default where it cannot lose information, switchable, and counted for the report.
//   items:        text repair (mojibake, entities, NFC, control characters) of every text field, creators
//                 normalised to one canonical form, genres/tags de-duplicated. Titles keep their edition noise
//                 for display; the noise is only ignored when grouping editions (titles.ts, editions.ts).
//   interactions: implicit policy (off by default). Duplicate events are merged by the loader, k-core runs there.
import type { InteractionRecord, ItemRecord } from '../records.js';
import { splitCreators } from './creators.js';
import { applyImplicitPolicy, emptyImplicitStats, type ImplicitPolicy, type ImplicitStats } from './implicit.js';
import { cleanText, emptyTextStats, type TextCleaningOptions, type TextCleaningStats } from './text.js';

export interface CleaningOptions {
  /** Text repair; false turns it off entirely. Default on. */
  text?: TextCleaningOptions | false;
  /** Canonical creator names ("Tolkien, J.R.R." → "J. R. R. Tolkien"). Default on. */
  normalizeCreators?: boolean;
  /** Default: no policy (all events kept as read). */
  implicit?: ImplicitPolicy;
}

export interface CleaningReport {
  text: TextCleaningStats;
  /** Creator names whose written form changed. */
  creatorsNormalized: number;
  /** Duplicate genres/tags/creators removed inside one item. */
  duplicateLabelsRemoved: number;
  implicit: ImplicitStats;
}

export function emptyCleaningReport(): CleaningReport {
  return { text: emptyTextStats(), creatorsNormalized: 0, duplicateLabelsRemoved: 0, implicit: emptyImplicitStats() };
}

function unique(values: string[], report: CleaningReport): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const v of values) {
    const key = v.toLowerCase();
    if (!v || seen.has(key)) {
      if (v) report.duplicateLabelsRemoved++;
      continue;
    }
    seen.add(key);
    out.push(v);
  }
  return out;
}

/** Cleans one item (pure apart from the counters). */
export function cleanItem(item: ItemRecord, options: CleaningOptions, report: CleaningReport): ItemRecord {
  const textOptions = options.text;
  const clean = (s: string) => (textOptions === false ? s.trim() : cleanText(s, textOptions, report.text));
  const cleanMaybe = (s: string | null | undefined) => (s === undefined || s === null ? s : clean(s) || null);
  // Descriptions keep their paragraphs: only runs of spaces inside lines are collapsed.
  const cleanParagraphs = (s: string | null | undefined) =>
    s === undefined || s === null ? s : s.split(/\n+/).map(clean).filter(Boolean).join('\n') || null;

  let creators = item.creators?.map(clean).filter(Boolean);
  if (creators && options.normalizeCreators !== false) {
    creators = creators.flatMap((c) => {
      const parts = splitCreators(c);
      if (parts.length !== 1 || parts[0] !== c) report.creatorsNormalized++;
      return parts;
    });
  }
  return {
    ...item,
    title: clean(item.title),
    ...(creators ? { creators: unique(creators, report) } : {}),
    ...(item.publisher !== undefined ? { publisher: cleanMaybe(item.publisher) } : {}),
    ...(item.genres ? { genres: unique(item.genres.map(clean), report) } : {}),
    ...(item.tags ? { tags: unique(item.tags.map(clean), report) } : {}),
    ...(item.description !== undefined ? { description: cleanParagraphs(item.description) } : {}),
    ...(item.language !== undefined ? { language: cleanMaybe(item.language) } : {}),
  };
}

export async function* cleanItems(
  items: AsyncIterable<ItemRecord>,
  options: CleaningOptions,
  report: CleaningReport,
): AsyncGenerator<ItemRecord> {
  for await (const item of items) yield cleanItem(item, options, report);
}

export function cleanInteractions(
  events: AsyncIterable<InteractionRecord>,
  options: CleaningOptions,
  report: CleaningReport,
): AsyncIterable<InteractionRecord> {
  const policy = options.implicit;
  // No policy: hand the stream through untouched (no extra async step per event on the hot path).
  if (!policy || policy.positiveThreshold === undefined) return events;
  return (async function* () {
    for await (const event of events) {
      const kept = applyImplicitPolicy(event, policy, report.implicit);
      if (kept) yield kept;
    }
  })();
}
