// Generic CSV and JSON Lines files with a column mapping, for sources that have no dedicated reader.
//
// The mapping says what the rows are (table) and which column holds each field:
//   interactions: user*, item*, value, time, kind
//   items:        id*, title*, creators, publisher, year, genres, tags, description, image, language
//   users:        id*
// (* required). For items and users every column that is not mapped is kept in attributes (lossless).
// Given as flags (--table interactions --map "user=userId,item=movieId,value=rating,time=timestamp") or as a JSON
// file (--mapping m.json), either one spec for all files or one per file name:
//   { "table": "interactions", "columns": { "user": "userId", "item": "movieId" }, "timeUnit": "s" }
//   { "files": { "movies.csv": { "table": "items", "columns": { "id": "movieId", "title": "title", "genres": "genres" } },
//                "ratings.csv": { "table": "interactions", "columns": { "user": "userId", "item": "movieId", "value": "rating" } } } }
// CSV: header row expected (columns by name) unless header=false (columns by 0-based index); the delimiter is
// detected from the first line unless given. JSONL: columns are property names, dotted for nested objects ("a.b").
import { readFile } from 'node:fs/promises';
import type { InteractionRecord, ItemRecord, TableName, UserRecord } from '../records.js';
import { emptyReaderStats, FatalIngestError, RowGuard, type ReaderContext } from './context.js';
import type { Dataset } from './dataset.js';
import { readDelimited } from './delimited.js';
import { jsonObjectLines } from './json-lines.js';
import { parseIntStrict, parseNumberStrict, parseUnixTime, plausibleYear, latestEventTime } from './fields.js';
import { listInputs, type InputFile } from './files.js';
import { readLines } from './lines.js';

export interface GenericOptions {
  table?: string;
  /** "field=column,field=column". */
  map?: string;
  mappingFile?: string;
  delimiter?: string;
  header?: boolean;
  listSeparator?: string;
  timeUnit?: string;
  kind?: string;
}

export interface GenericSpec {
  table: TableName;
  columns: Record<string, string>;
  delimiter?: string;
  header: boolean;
  listSeparator: string;
  timeUnit: 'auto' | 's' | 'ms';
  kind?: string;
}

const FIELDS: Record<TableName, { required: string[]; optional: string[] }> = {
  interactions: { required: ['user', 'item'], optional: ['value', 'time', 'kind'] },
  items: {
    required: ['id', 'title'],
    optional: ['creators', 'publisher', 'year', 'genres', 'tags', 'description', 'image', 'language'],
  },
  users: { required: ['id'], optional: [] },
};

function parseMapText(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of text
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new FatalIngestError(`mapping "${pair}" is not field=column`);
    out[pair.slice(0, eq).trim()] = pair.slice(eq + 1).trim();
  }
  return out;
}

/** Checks and completes one spec; every problem is a clear fatal error before anything is read. */
export function normalizeSpec(raw: Record<string, unknown>, defaults: GenericOptions = {}): GenericSpec {
  const table = String(raw.table ?? defaults.table ?? 'interactions');
  if (!(table in FIELDS))
    throw new FatalIngestError(`mapping table must be interactions, items or users, got "${table}"`);
  const t = table as TableName;
  const columns =
    raw.columns !== undefined
      ? (raw.columns as Record<string, string>)
      : defaults.map
        ? parseMapText(defaults.map)
        : {};
  if (typeof columns !== 'object' || columns === null)
    throw new FatalIngestError('mapping "columns" must be an object of field → column');
  const known = [...FIELDS[t].required, ...FIELDS[t].optional];
  for (const field of Object.keys(columns)) {
    if (!known.includes(field))
      throw new FatalIngestError(`mapping for ${t}: unknown field "${field}" (fields: ${known.join(', ')})`);
  }
  for (const field of FIELDS[t].required) {
    if (!columns[field])
      throw new FatalIngestError(
        `mapping for ${t} needs a column for "${field}" (e.g. --map "${FIELDS[t].required.map((f) => `${f}=<column>`).join(',')}")`,
      );
  }
  const timeUnit = String(raw.timeUnit ?? defaults.timeUnit ?? 'auto');
  if (!['auto', 's', 'ms'].includes(timeUnit))
    throw new FatalIngestError(`timeUnit must be auto, s or ms, got "${timeUnit}"`);
  const delimiter = (raw.delimiter as string | undefined) ?? defaults.delimiter;
  const kind = (raw.kind as string | undefined) ?? defaults.kind;
  return {
    table: t,
    columns,
    ...(delimiter ? { delimiter: delimiter === '\\t' ? '\t' : delimiter } : {}),
    header: (raw.header as boolean | undefined) ?? defaults.header ?? true,
    listSeparator: String(raw.listSeparator ?? defaults.listSeparator ?? '|'),
    timeUnit: timeUnit as GenericSpec['timeUnit'],
    ...(kind ? { kind } : {}),
  };
}

/** The spec for each file: from the mapping file (global or per file name) or from the flags. */
export async function resolveSpecs(files: InputFile[], options: GenericOptions): Promise<Map<InputFile, GenericSpec>> {
  const out = new Map<InputFile, GenericSpec>();
  if (options.mappingFile) {
    let json: Record<string, unknown>;
    try {
      json = JSON.parse(await readFile(options.mappingFile, 'utf8')) as Record<string, unknown>;
    } catch (error) {
      throw new FatalIngestError(`cannot read mapping file ${options.mappingFile}: ${(error as Error).message}`);
    }
    if (json.files && typeof json.files === 'object') {
      const perFile = json.files as Record<string, Record<string, unknown>>;
      for (const f of files) {
        const key = Object.keys(perFile).find((k) => k.toLowerCase() === f.name || k.toLowerCase() === f.name + '.gz');
        if (key) out.set(f, normalizeSpec(perFile[key], options));
        else if (f.explicit)
          throw new FatalIngestError(`mapping file ${options.mappingFile} has no entry for ${f.path}`);
      }
      return out;
    }
    for (const f of files) out.set(f, normalizeSpec(json, options));
    return out;
  }
  for (const f of files) out.set(f, normalizeSpec({}, options));
  return out;
}

/** Reads "a.b.c" from nested objects. */
function pick(row: Record<string, unknown>, column: string): unknown {
  if (column in row) return row[column];
  let value: unknown = row;
  for (const part of column.split('.')) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

function asText(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

function asList(value: unknown, separator: string): string[] | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (Array.isArray(value)) return value.map((v) => asText(v) ?? '').filter(Boolean);
  return String(value)
    .split(separator)
    .map((s) => s.trim())
    .filter(Boolean);
}

export function parseTime(value: unknown, unit: GenericSpec['timeUnit']): Date | null {
  if (typeof value === 'number') return parseUnixTime(value, unit);
  const text = asText(value)?.trim();
  if (!text) return null;
  if (parseNumberStrict(text) !== null) return parseUnixTime(text, unit);
  const ms = Date.parse(text);
  return Number.isFinite(ms) && ms >= 0 && ms <= latestEventTime() ? new Date(ms) : null;
}

type Row = { values: Record<string, unknown>; line: number; raw: string };

/** Rows of a generic file as objects keyed by column name (or index when there is no header). */
async function* genericRows(
  file: InputFile,
  spec: GenericSpec,
  json: boolean,
  ctx: ReaderContext,
  guard: RowGuard,
): AsyncGenerator<Row> {
  if (json) {
    for await (const { value, line, raw } of jsonObjectLines(file, ctx, guard)) yield { values: value, line, raw };
    return;
  }
  let delimiter = spec.delimiter;
  if (!delimiter) {
    // Detected from the first line: the candidate that occurs most often. (A private context: the peek is
    // neither progress nor re-decoded lines.)
    const peek = { ...ctx, progress: { bytesRead: 0, totalBytes: 0 }, stats: emptyReaderStats() };
    for await (const { text } of readLines(file.path, peek, () => undefined)) {
      const counts = [',', ';', '\t', '|']
        .map((d) => [d, text.split(d).length - 1] as const)
        .sort((a, b) => b[1] - a[1]);
      delimiter = counts[0][1] > 0 ? counts[0][0] : ',';
      break;
    }
  }
  let header: string[] | null = null;
  for await (const r of readDelimited(
    file.path,
    ctx,
    { delimiter: delimiter ?? ',', quoted: true, header: spec.header },
    (p) => guard.reject(p.line, p.reason, p.raw),
  )) {
    if (spec.header && header === null) {
      header = r.fields.map((h) => h.trim());
      const missing = Object.values(spec.columns).filter((c) => !header!.includes(c));
      if (missing.length > 0) {
        throw new FatalIngestError(
          `${file.path}: column(s) ${missing.map((m) => `"${m}"`).join(', ')} not in the header (${header.join(', ')})`,
        );
      }
      continue;
    }
    if (header && r.fields.length !== header.length) {
      guard.reject(r.line, `expected ${header.length} fields, found ${r.fields.length}`, r.raw);
      continue;
    }
    const values: Record<string, unknown> = {};
    r.fields.forEach((v, i) => (values[header ? header[i] : String(i)] = v));
    yield { values, line: r.line, raw: r.raw };
  }
}

export async function openGeneric(
  kind: 'csv' | 'jsonl',
  paths: string[],
  ctx: ReaderContext,
  options: GenericOptions = {},
): Promise<Dataset> {
  const all = await listInputs(paths);
  const pattern = kind === 'csv' ? /\.(csv|tsv|txt)$/ : /\.(jsonl|ndjson|json)$/;
  const candidates = all.filter((f) => f.explicit || pattern.test(f.name));
  const specs = await resolveSpecs(candidates, options);
  const files = candidates.filter((f) => specs.has(f));
  const ignored = all.filter((f) => !files.includes(f));
  if (files.length === 0) throw new FatalIngestError(`no ${kind} files in ${paths.join(', ')}`);
  const id = (v: string) => ctx.idPrefix + v.trim();
  const json = kind === 'jsonl';

  function filesFor(table: TableName): InputFile[] {
    return files.filter((f) => specs.get(f)!.table === table);
  }

  async function* items(): AsyncGenerator<ItemRecord> {
    for (const file of filesFor('items')) {
      const spec = specs.get(file)!;
      const c = spec.columns;
      const guard = new RowGuard(ctx, 'items', file.path, `${kind} items`);
      const mapped = new Set(Object.values(c));
      for await (const r of genericRows(file, spec, json, ctx, guard)) {
        const externalId = asText(pick(r.values, c.id))?.trim();
        const title = asText(pick(r.values, c.title));
        if (!externalId || title === undefined) {
          guard.reject(r.line, !externalId ? 'missing item id' : 'missing title', r.raw);
          continue;
        }
        let year: number | null = null;
        if (c.year) {
          const rawYear = asText(pick(r.values, c.year))?.trim();
          year = rawYear ? plausibleYear(parseIntStrict(rawYear)) : null;
          if (rawYear && year === null) guard.dropValue(r.line, `implausible year "${rawYear}"`, r.raw);
        }
        guard.ok();
        const attributes: Record<string, unknown> = {};
        for (const [k, v] of Object.entries(r.values))
          if (!mapped.has(k) && v !== '' && v !== null && v !== undefined) attributes[k] = v;
        const text = (field: string) => (c[field] ? (asText(pick(r.values, c[field])) ?? null) : undefined);
        const list = (field: string) => (c[field] ? asList(pick(r.values, c[field]), spec.listSeparator) : undefined);
        const record: ItemRecord = { externalId: id(externalId), title, origin: { file: file.path, line: r.line } };
        const creators = list('creators');
        const genres = list('genres');
        const tags = list('tags');
        if (creators) record.creators = creators;
        if (genres) record.genres = genres;
        if (tags) record.tags = tags;
        if (c.year) record.year = year;
        for (const [field, key] of [
          ['publisher', 'publisher'],
          ['description', 'description'],
          ['image', 'imageUrl'],
          ['language', 'language'],
        ] as const) {
          const v = text(field);
          if (v !== undefined) record[key] = v || null;
        }
        if (Object.keys(attributes).length > 0) record.attributes = attributes;
        yield record;
      }
      guard.finish();
    }
  }

  async function* users(): AsyncGenerator<UserRecord> {
    for (const file of filesFor('users')) {
      const spec = specs.get(file)!;
      const guard = new RowGuard(ctx, 'users', file.path, `${kind} users`);
      for await (const r of genericRows(file, spec, json, ctx, guard)) {
        const externalId = asText(pick(r.values, spec.columns.id))?.trim();
        if (!externalId) {
          guard.reject(r.line, 'missing user id', r.raw);
          continue;
        }
        guard.ok();
        const attributes: Record<string, unknown> = {};
        for (const [k, v] of Object.entries(r.values))
          if (k !== spec.columns.id && v !== '' && v !== null && v !== undefined) attributes[k] = v;
        yield { externalId: id(externalId), attributes, origin: { file: file.path, line: r.line } };
      }
      guard.finish();
    }
  }

  async function* interactions(): AsyncGenerator<InteractionRecord> {
    for (const file of filesFor('interactions')) {
      const spec = specs.get(file)!;
      const c = spec.columns;
      const guard = new RowGuard(ctx, 'interactions', file.path, `${kind} interactions`);
      for await (const r of genericRows(file, spec, json, ctx, guard)) {
        const user = asText(pick(r.values, c.user))?.trim();
        const item = asText(pick(r.values, c.item))?.trim();
        if (!user || !item) {
          guard.reject(r.line, !user ? 'missing user id' : 'missing item id', r.raw);
          continue;
        }
        const record: InteractionRecord = {
          userExternalId: id(user),
          itemExternalId: id(item),
          origin: { file: file.path, line: r.line },
        };
        const rawValue = c.value ? pick(r.values, c.value) : undefined;
        if (rawValue !== undefined && rawValue !== null && rawValue !== '') {
          const value = typeof rawValue === 'number' ? rawValue : parseNumberStrict(asText(rawValue) ?? '');
          if (value === null || !Number.isFinite(value)) {
            guard.reject(r.line, `value is not a number: "${asText(rawValue)}"`, r.raw);
            continue;
          }
          record.value = value;
        }
        const rawTime = c.time ? pick(r.values, c.time) : undefined;
        if (rawTime !== undefined && rawTime !== null && rawTime !== '') {
          const time = parseTime(rawTime, spec.timeUnit);
          if (time === null) {
            guard.reject(r.line, `invalid time "${asText(rawTime)}"`, r.raw);
            continue;
          }
          record.occurredAt = time;
        }
        const rowKind = c.kind ? asText(pick(r.values, c.kind))?.trim() : undefined;
        record.kind = rowKind || spec.kind || (record.value !== undefined ? 'rating' : 'interaction');
        guard.ok();
        yield record;
      }
      guard.finish();
    }
  }

  return {
    format: kind,
    files,
    ignored,
    ...(filesFor('items').length ? { items: items() } : {}),
    ...(filesFor('users').length ? { users: users() } : {}),
    ...(filesFor('interactions').length ? { interactions: interactions() } : {}),
    createMissingItems: false,
  };
}
