// Delimited text records (CSV, TSV, "::"-separated) with hostile-input recovery, parsed by csv-parse.
//
// csv-parse alone, streaming, loses the rest of the file after an unterminated quote (the quoted field swallows
// every following line). So records are framed here, line by line, and csv-parse parses each framed record:
//  - a line without any quote character is split on the delimiter directly (nothing to unquote; the fast path
//    for ratings files with tens of millions of rows);
//  - runs of quoted lines are parsed by csv-parse in batches and accepted when each line gave exactly one record;
//  - otherwise a line is parsed alone, and if its quotes do not close, following lines are appended (quoted
//    newlines, as in Kaggle's Books.csv) until csv-parse accepts the text as one record with the expected number
//    of columns — at most `maxRecordLines` lines. If they never do, only the first line is rejected ("unterminated
//    quote") and reading resumes at the next line, so one bad quote costs one row, not the rest of the file.
import { parse as parseCsv } from 'csv-parse/sync';
import type { ReaderContext } from './context.js';
import { readLineBatches, type Line } from './lines.js';

export interface DelimitedOptions {
  /** Field separator: ',', ';', '\t', '|', '::' … */
  delimiter: string;
  /** Fields may be double-quoted (CSV). False for formats that never quote (u.data, *.dat). */
  quoted: boolean;
  /** Escape character inside quoted fields: '"' (RFC 4180, default) or '\\' (the original Book-Crossing dump). */
  escape?: '"' | '\\';
  /** Number of fields a record must have, when known before reading (else the caller checks). */
  columns?: number;
  /** The first record is a header: its field count becomes `columns` when that is not given. */
  header?: boolean;
  /** Longest multi-line record accepted. Default 50 lines. */
  maxRecordLines?: number;
}

export interface DelimitedRecord {
  fields: string[];
  /** Line the record starts on (1-based). */
  line: number;
  /** The record's text as read (lines joined with \n). */
  raw: string;
}

/** A framing failure: the caller rejects the row with this reason. */
export interface DelimitedProblem {
  line: number;
  raw: string;
  reason: string;
}

const BATCH = 500;

function countQuotes(text: string): number {
  let n = 0;
  for (let i = text.indexOf('"'); i !== -1; i = text.indexOf('"', i + 1)) n++;
  return n;
}

/**
 * Records of a delimited file. Rows that cannot be framed are passed to `onProblem` (never thrown);
 * a broken gzip stream is reported the same way at the line where it stopped.
 */
export async function* readDelimited(
  file: string,
  ctx: ReaderContext,
  options: DelimitedOptions,
  onProblem: (problem: DelimitedProblem) => void,
): AsyncGenerator<DelimitedRecord> {
  for await (const batch of readDelimitedBatches(file, ctx, options, onProblem)) yield* batch;
}

/**
 * The same records in batches (typically one per chunk read, thousands of records): a consumer that loops over
 * a batch synchronously saves an async step per record, which matters for files of tens of millions of rows.
 */
export async function* readDelimitedBatches(
  file: string,
  ctx: ReaderContext,
  options: DelimitedOptions,
  onProblem: (problem: DelimitedProblem) => void,
): AsyncGenerator<DelimitedRecord[]> {
  const { delimiter, quoted } = options;
  const maxLines = options.maxRecordLines ?? 50;
  const csvOptions = {
    delimiter,
    escape: options.escape ?? '"',
    relax_quotes: true,
    relax_column_count: true,
    skip_empty_lines: false,
    bom: false,
  } as const;
  // The header, when there is one, fixes the field count for the rest of the file: that is what makes
  // multi-line recovery reliable.
  let columns = options.columns;
  let headerPending = options.header === true && columns === undefined;
  const fits = (fields: string[]) => columns === undefined || fields.length === columns;

  const parseOne = (text: string, strict = false): string[] | null => {
    try {
      const records = parseCsv(text, strict ? { ...csvOptions, relax_quotes: false } : csvOptions) as string[][];
      return records.length === 1 ? records[0] : null;
    } catch {
      return null;
    }
  };

  const batches = readLineBatches(file, ctx, (line, message) => onProblem({ line, raw: '', reason: message }));
  // Lines not yet looked at: the current batch from `position` on, after any lines sent back for a second look.
  let current: Line[] = [];
  let position = 0;
  const replay: Line[] = [];
  const nextLine = async (): Promise<Line | undefined> => {
    if (replay.length > 0) return replay.shift();
    while (position >= current.length) {
      const r = await batches.next();
      if (r.done) return undefined;
      current = r.value;
      position = 0;
    }
    return current[position++];
  };

  // Quoted lines with balanced quotes waiting to be parsed as one batch (one csv-parse call per ~500 lines).
  let batch: Line[] = [];
  let out: DelimitedRecord[] = [];
  const emit = (fields: string[], line: number, raw: string) => {
    if (headerPending) {
      headerPending = false;
      columns = fields.length;
    }
    out.push({ fields, line, raw });
  };
  const flushBatch = () => {
    if (batch.length === 0) return;
    const lines = batch;
    batch = [];
    let records: string[][] | null;
    try {
      records = parseCsv(lines.map((l) => l.text).join('\n'), csvOptions) as string[][];
    } catch {
      records = null;
    }
    if (records && records.length === lines.length && (headerPending || records.every(fits))) {
      for (let i = 0; i < lines.length; i++) emit(records[i], lines[i].line, lines[i].text);
      return;
    }
    // Something in the batch was odd: parse its lines one by one. (Each has balanced quotes, so none of them
    // opens a multi-line field in practice.)
    for (const l of lines) {
      const fields = parseOne(l.text);
      if (fields && (headerPending || fits(fields))) emit(fields, l.line, l.text);
      else
        onProblem({
          line: l.line,
          raw: l.text,
          reason: fields ? `expected ${columns} fields, found ${fields.length}` : 'malformed quoted field',
        });
    }
  };

  for (;;) {
    // The common case, synchronously over the current batch: lines without quotes are split directly.
    while (replay.length === 0 && position < current.length) {
      const l = current[position];
      const { text } = l;
      if (quoted && text.includes('"')) break;
      position++;
      flushBatch();
      if (text !== '') emit(text.split(delimiter), l.line, text);
    }
    if (out.length > 0) {
      const ready = out;
      out = [];
      yield ready;
    }
    const l = await nextLine();
    if (l === undefined) break;
    const { text, line } = l;
    if (!quoted || !text.includes('"')) {
      flushBatch();
      if (text !== '') emit(text.split(delimiter), line, text);
      continue;
    }
    if (countQuotes(text) % 2 === 0) {
      batch.push(l);
      if (batch.length >= BATCH) flushBatch();
      continue;
    }
    flushBatch();

    const alone = parseOne(text);
    if (alone && fits(alone)) {
      // A stray quote inside an unquoted field (relax_quotes keeps it as text).
      emit(alone, line, text);
      continue;
    }
    // Quotes that do not close on this line: a field with embedded newlines, or a broken quote.
    const pending: Line[] = [l];
    let joined = text;
    let accepted: string[] | null = null;
    while (pending.length < maxLines) {
      const more = await nextLine();
      if (more === undefined) break;
      pending.push(more);
      joined += '\n' + more.text;
      // Strict quoting here: a genuine multi-line field is properly quoted, and leniency would let a broken
      // quote swallow the following rows as one "valid" record.
      const record = parseOne(joined, true);
      if (record && fits(record)) {
        accepted = record;
        break;
      }
    }
    if (accepted) {
      emit(accepted, line, joined);
      continue;
    }
    onProblem({
      line,
      raw: text,
      reason: alone ? `expected ${columns} fields, found ${alone.length}` : 'unterminated or malformed quoted field',
    });
    // Only the first line is lost: the lines read ahead are looked at again.
    replay.unshift(...pending.slice(1));
  }
  flushBatch();
  if (out.length > 0) yield out;
}
