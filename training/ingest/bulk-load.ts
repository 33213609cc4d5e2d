// The bulk loader: typed records (items, users, interactions) → Postgres, at COPY speed, in one transaction.
//
// How: every source is streamed with COPY into a TEMP staging table (ON COMMIT DROP) — or with batched
// unnest() inserts on the embedded PGlite, which has no COPY (staging.ts) — then merged into the real tables with a
// few set-based statements (for big loads the interactions indexes are rebuilt rather than maintained row by row,
// see interaction-merge.ts); one advisory lock serialises concurrent ingests. Everything happens in
// one transaction, so a failure (bad connection, constraint, a source that throws) rolls back to exactly the state
// before: never half-loaded. Node memory stays bounded whatever the input size: rows are streamed with
// back-pressure and nothing but counters is held in memory.
//
// Policies (documented here because callers rely on them):
// - Idempotent: loading the same records twice leaves the same rows. Items and users are matched on external_id
//   (kept verbatim from the source); interactions on the schema's unique key (user, item, kind, occurred_at).
//   A row is only rewritten when a value really changes (counted as updated, otherwise unchanged).
// - Missing occurredAt → the Unix epoch (1970-01-01T00:00:00Z), NOT now(): a source without timestamps
//   (splits files, Book-Crossing) must map to the same key on every run or re-ingest would duplicate it.
// - Duplicate events in the input (same user, item, kind, instant) are merged into one row, the last one wins;
//   counted as `merged`. Duplicate items/users (same external id) likewise.
// - Users referenced by interactions but absent from the users source are created (ratings files define users;
//   several formats have no users file). Counted as users.implicit.
// - Items referenced by interactions but unknown to the catalog (neither in this load nor already stored) are
//   rejected and reported, unless options.createMissingItems (formats without a catalog, e.g. splits): then a
//   placeholder item is created (title = external id, attributes.placeholder = true; the placeholder flag is
//   removed when the real catalog record arrives later).
// - Absent optional fields (undefined or null) never erase stored values: a later partial record (e.g. a reviews
//   file that only knows an item's id) cannot wipe a catalog record. Attributes are merged key by key.
// - Soft-deleted items stay deleted (deleted_at is an admin decision, not the source's).
// - After the merge, editions are grouped into works (items.work_id, see training/clean/editions.ts) over the
//   whole catalog, inside the same transaction; `groupEditions: false` skips it.
import type pg from 'pg';
import { inTransaction } from '../../src/db/transaction.js';
import { arrayLiteral, copyText } from './copy-text.js';
import { cursorRows } from './pg-cursor.js';
import { createStagingTable, detectStagingMode, stageRecords, type StageColumn, type StagingMode } from './staging.js';
import type { InteractionRecord, ItemRecord, RejectHandler, RejectRecord, TableName, UserRecord } from '../records.js';
import { assignWorkIds, type WorkGroupingOptions, type WorkGroupingSummary } from './work-ids.js';
import { applyKCore, type KCoreOptions } from '../clean/k-core.js';
import { mergeInteractions, type EventSource, type IndexStrategy } from './interaction-merge.js';

export type {
  InteractionRecord,
  ItemRecord,
  RejectRecord,
  UserRecord,
  SourceOrigin,
  TableName,
  RejectHandler,
} from '../records.js';

type Source<T> = AsyncIterable<T> | Iterable<T>;

export interface LoadSource {
  items?: Source<ItemRecord>;
  users?: Source<UserRecord>;
  interactions?: Source<InteractionRecord>;
}

export interface TableSummary {
  /** Records received from the source. read = rejected + filtered + merged + inserted + updated + unchanged. */
  read: number;
  /** Invalid records and interactions with an unknown item; each one went through onReject. */
  rejected: number;
  /** Removed on purpose by a policy (k-core); not errors. */
  filtered: number;
  /** Duplicates within the input collapsed into another record (same external id / same event key). */
  merged: number;
  inserted: number;
  updated: number;
  unchanged: number;
  /** Rows created because interactions referenced them (not part of `read`). */
  implicit: number;
}

export interface LoadSummary {
  items: TableSummary;
  users: TableSummary;
  interactions: TableSummary;
  works: WorkGroupingSummary | null;
  /** Which index strategy the interactions merge used (null when there were no interactions). */
  interactionStrategy: 'keep' | 'rebuild' | null;
  durationMs: number;
  /** Milliseconds per step (stage.* = reading + COPY, merge.* = set-based SQL), to see where time goes. */
  timings: Record<string, number>;
}

export interface LoadProgress {
  table: TableName | 'works';
  phase: 'stage' | 'merge' | 'done';
  /** Records read so far from this table's source. */
  rows: number;
}

export interface BulkLoadOptions {
  onProgress?: (progress: LoadProgress) => void;
  /** Called once per rejected record (invalid, or unknown item). Without it rejects are still counted. */
  onReject?: RejectHandler;
  /** Create placeholder items for unknown item ids instead of rejecting those interactions. Default false. */
  createMissingItems?: boolean;
  /** Group editions into works after the merge. Default true. */
  groupEditions?: boolean | WorkGroupingOptions;
  /** Keep only users and items with at least this many interactions in this load (iterated to a fixed point). */
  kCore?: KCoreOptions;
  /** Report progress every this many records. Default 50,000. */
  progressEvery?: number;
  /** 'copy' (real Postgres) or 'insert' (embedded PGlite, no COPY). Default: detected from the server. */
  staging?: StagingMode;
  /** How interactions' indexes are maintained during the merge (see interaction-merge.ts). Default 'auto'. */
  indexStrategy?: IndexStrategy;
}

const EPOCH_MS = 0;
const INGEST_LOCK_KEY = 0x7265_6367; // 'recg': one ingest at a time per database

function emptyTable(): TableSummary {
  return { read: 0, rejected: 0, filtered: 0, merged: 0, inserted: 0, updated: 0, unchanged: 0, implicit: 0 };
}

function isNonEmptyString(v: unknown): v is string {
  return typeof v === 'string' && v.trim().length > 0;
}

function isStringArray(v: unknown): v is string[] {
  return Array.isArray(v) && v.every((x) => typeof x === 'string');
}

function describe(record: object): string {
  const { origin: _origin, ...rest } = record as { origin?: unknown };
  const text = JSON.stringify(rest);
  return text.length > 2000 ? text.slice(0, 2000) + '…' : text;
}

/** Why an item record cannot be stored, or null when it can. */
export function itemProblem(r: ItemRecord): string | null {
  if (!isNonEmptyString(r.externalId)) return 'missing item id';
  if (typeof r.title !== 'string') return 'missing title';
  if (r.creators !== undefined && !isStringArray(r.creators)) return 'creators is not a list of strings';
  if (r.genres !== undefined && !isStringArray(r.genres)) return 'genres is not a list of strings';
  if (r.tags !== undefined && !isStringArray(r.tags)) return 'tags is not a list of strings';
  if (r.year !== undefined && r.year !== null && !(Number.isInteger(r.year) && r.year >= -9999 && r.year <= 9999))
    return `absurd year ${String(r.year)}`;
  if (
    r.attributes !== undefined &&
    (r.attributes === null || typeof r.attributes !== 'object' || Array.isArray(r.attributes))
  )
    return 'attributes is not an object';
  return null;
}

export function userProblem(r: UserRecord): string | null {
  if (!isNonEmptyString(r.externalId)) return 'missing user id';
  if (
    r.attributes !== undefined &&
    (r.attributes === null || typeof r.attributes !== 'object' || Array.isArray(r.attributes))
  )
    return 'attributes is not an object';
  return null;
}

const MIN_TIME = Date.UTC(1, 0, 1);
const MAX_TIME = Date.UTC(9999, 11, 31);

export function interactionProblem(r: InteractionRecord): string | null {
  if (!isNonEmptyString(r.userExternalId)) return 'missing user id';
  if (!isNonEmptyString(r.itemExternalId)) return 'missing item id';
  if (r.kind !== undefined && !isNonEmptyString(r.kind)) return 'empty kind';
  if (r.value !== undefined && !Number.isFinite(r.value)) return `value is not a finite number (${String(r.value)})`;
  if (r.occurredAt !== undefined) {
    const t = r.occurredAt instanceof Date ? r.occurredAt.getTime() : NaN;
    if (!(t >= MIN_TIME && t <= MAX_TIME)) return 'invalid timestamp';
  }
  return null;
}

/** Files named in origins are staged as small integers; this keeps the name ↔ number table. */
class FileNames {
  private readonly ids = new Map<string, number>();
  readonly names: string[] = [];
  id(name: string): number {
    let id = this.ids.get(name);
    if (id === undefined) {
      id = this.names.length;
      this.names.push(name);
      this.ids.set(name, id);
    }
    return id;
  }
}

export async function bulkLoad(pool: pg.Pool, source: LoadSource, options: BulkLoadOptions = {}): Promise<LoadSummary> {
  const started = Date.now();
  const summary: LoadSummary = {
    items: emptyTable(),
    users: emptyTable(),
    interactions: emptyTable(),
    works: null,
    interactionStrategy: null,
    durationMs: 0,
    timings: {},
  };
  const timed = async <T>(label: string, fn: () => Promise<T>): Promise<T> => {
    const t0 = Date.now();
    try {
      return await fn();
    } finally {
      summary.timings[label] = (summary.timings[label] ?? 0) + Date.now() - t0;
    }
  };
  const progressEvery = options.progressEvery ?? 50_000;
  const onProgress = options.onProgress ?? (() => undefined);
  const files = new FileNames();

  const reject = (
    table: TableName,
    reason: string,
    record: object,
    origin: { file: string; line: number } | undefined,
    ordinal: number,
  ) => {
    summary[table].rejected++;
    const entry: RejectRecord = {
      table,
      reason,
      file: origin?.file ?? `<${table} input>`,
      line: origin?.line ?? ordinal,
      raw: describe(record),
    };
    options.onReject?.(entry);
  };

  /**
   * Validation of one source, as a callback of the staging loop (no generator in between: one less async step
   * per row): counts reads and rejects, returns a valid record's input ordinal, or -1 for a rejected one.
   */
  function validator<T extends { origin?: { file: string; line: number } }>(
    table: TableName,
    problem: (r: T) => string | null,
  ): (record: T) => number {
    const counts = summary[table];
    return (record) => {
      const seq = ++counts.read;
      if (seq % progressEvery === 0) onProgress({ table, phase: 'stage', rows: seq });
      const why = problem(record);
      if (why !== null) {
        reject(table, why, record, record.origin, seq);
        return -1;
      }
      return seq;
    };
  }
  const stage = async <T extends { origin?: { file: string; line: number } }>(
    table: TableName,
    columns: StageColumn<T>[],
    records: Source<T>,
    problem: (r: T) => string | null,
    mode: StagingMode,
    copyRow?: (record: T, seq: number) => string,
  ) => {
    await stageRecords(client, `stage_${table}`, columns, records, validator(table, problem), mode, copyRow);
    onProgress({ table, phase: 'stage', rows: summary[table].read });
  };

  const client = await pool.connect();
  // A connection the server drops mid-load also emits 'error' on the client; the failing query already rejects
  // with it, so this listener only keeps the event from crashing the process.
  const onClientError = () => undefined;
  client.on('error', onClientError);
  let released = false;
  try {
    const mode = options.staging ?? (await detectStagingMode(client));
    // Staging tables are TEMP tables, which live in per-session buffers (8 MB by default): with more, millions of
    // staged rows are not pushed through the OS one 8 kB page at a time. Takes effect only before the session's
    // first temp table (later calls are ignored by Postgres, not errors), and is only an upper bound.
    await client.query(`SET temp_buffers = '256MB'`);
    await inTransaction(
      client,
      async () => {
        await client.query('SELECT pg_advisory_xact_lock($1)', [INGEST_LOCK_KEY]);
        // Sorting millions of staged events for dedup is the merge's main cost; give it memory for this transaction only.
        await client.query(`SET LOCAL work_mem = '128MB'`);

        const interactionColumns = stageInteractionColumns(files);
        await createStagingTable(client, 'stage_items', ITEM_COLUMNS);
        await createStagingTable(client, 'stage_users', USER_COLUMNS);
        await createStagingTable(client, 'stage_interactions', interactionColumns);

        // 1. Stage everything (sources are read one after the other, each exactly once).
        if (source.items)
          await timed('stage.items', () => stage('items', ITEM_COLUMNS, source.items!, itemProblem, mode));
        if (source.users)
          await timed('stage.users', () => stage('users', USER_COLUMNS, source.users!, userProblem, mode));
        if (source.interactions) {
          const input = source.interactions;
          await timed('stage.interactions', () =>
            stage('interactions', interactionColumns, input, interactionProblem, mode, interactionCopyRow(files)),
          );
        }

        // 2. Users.
        if (source.users) {
          onProgress({ table: 'users', phase: 'merge', rows: summary.users.read });
          const merged = await timed('merge.users', () =>
            mergeByExternalId(client, 'users', 'stage_users', USER_UPDATE),
          );
          Object.assign(summary.users, merged);
        }

        // 3. Items.
        if (source.items) {
          onProgress({ table: 'items', phase: 'merge', rows: summary.items.read });
          const merged = await timed('merge.items', () =>
            mergeByExternalId(client, 'items', 'stage_items', ITEM_UPDATE),
          );
          Object.assign(summary.items, merged);
        }

        // 4. Interactions: implicit users, unknown items, dedup, optional k-core, merge.
        if (source.interactions) {
          onProgress({ table: 'interactions', phase: 'merge', rows: summary.interactions.read });
          await timed('merge.analyze', () => client.query('ANALYZE stage_interactions'));
          const implicitUsers = await timed('merge.implicitUsers', () =>
            client.query(`
            INSERT INTO users (external_id)
            SELECT DISTINCT s.user_ext FROM stage_interactions s
            WHERE NOT EXISTS (SELECT 1 FROM users u WHERE u.external_id = s.user_ext)
            ON CONFLICT (external_id) DO NOTHING`),
          );
          summary.users.implicit = implicitUsers.rowCount ?? 0;

          if (options.createMissingItems) {
            const implicitItems = await timed('merge.implicitItems', () =>
              client.query(`
              INSERT INTO items (external_id, title, attributes)
              SELECT DISTINCT s.item_ext, s.item_ext, '{"placeholder": true}'::jsonb FROM stage_interactions s
              WHERE NOT EXISTS (SELECT 1 FROM items i WHERE i.external_id = s.item_ext)
              ON CONFLICT (external_id) DO NOTHING`),
            );
            summary.items.implicit = implicitItems.rowCount ?? 0;
          } else {
            await timed('merge.unknownItems', async () => {
              for await (const row of cursorRows<{
                src: number | null;
                line: number | null;
                seq: string;
                user_ext: string;
                item_ext: string;
                kind: string;
                value: number;
                occurred_ms: string;
              }>(
                client,
                `SELECT s.src, s.line, s.seq, s.user_ext, s.item_ext, s.kind, s.value, s.occurred_ms FROM stage_interactions s
                 WHERE NOT EXISTS (SELECT 1 FROM items i WHERE i.external_id = s.item_ext) ORDER BY s.seq`,
              )) {
                const origin =
                  row.src === null ? undefined : { file: files.names[row.src], line: row.line ?? Number(row.seq) };
                const record = {
                  userExternalId: row.user_ext,
                  itemExternalId: row.item_ext,
                  kind: row.kind,
                  value: row.value,
                  occurredAt: new Date(Number(row.occurred_ms)).toISOString(),
                };
                reject('interactions', `unknown item "${row.item_ext}"`, record, origin, Number(row.seq));
              }
            });
          }

          // Resolve ids and collapse duplicate events (last one in input order wins). This sort is the biggest one of
          // the load; it runs with the transaction's work_mem: giving it room for 5M events in memory (1 GB, one big
          // quicksort) was measured slower than the spilled sort (dedup + insert 24 s vs 15 s for 5M events).
          const dedupSelect = `
            SELECT DISTINCT ON (u.id, i.id, s.kind, s.occurred_ms)
                   u.id AS user_id, i.id AS item_id, s.kind, s.value, to_timestamp(s.occurred_ms / 1000.0)::timestamptz(3) AS occurred_at
            FROM stage_interactions s
            JOIN users u ON u.external_id = s.user_ext
            JOIN items i ON i.external_id = s.item_ext
            ORDER BY u.id, i.id, s.kind, s.occurred_ms, s.seq DESC`;
          const materialize = () =>
            timed(
              'merge.dedup',
              async () =>
                (await client.query(`CREATE TEMP TABLE stage_events ON COMMIT DROP AS ${dedupSelect}`)).rowCount ?? 0,
            );
          // Staged rows that found their item = everything valid minus the unknown-item rejects counted above.
          const joined = summary.interactions.read - summary.interactions.rejected;

          let events: EventSource;
          if (options.kCore) {
            // k-core needs the de-duplicated events as a table before anything is merged.
            const kCore = options.kCore;
            const deduped = await materialize();
            summary.interactions.merged = joined - deduped;
            const removed = await timed('merge.kCore', () => applyKCore(client, 'stage_events', kCore));
            summary.interactions.filtered = removed;
            events = { estimate: deduped - removed, materialize: async () => deduped - removed };
          } else {
            // Materialized only when the merge needs the table: a first load into an empty table inserts straight
            // from the de-duplicating query (see interaction-merge.ts).
            events = { estimate: joined, materialize, select: dedupSelect };
          }

          // merge.interactions is the merge without the dedup, which is timed as merge.dedup even when the merge runs it.
          const dedupBefore = summary.timings['merge.dedup'] ?? 0;
          const mergeStarted = Date.now();
          const merged = await mergeInteractions(client, options.indexStrategy ?? 'auto', events, timed);
          summary.timings['merge.interactions'] =
            Date.now() - mergeStarted - ((summary.timings['merge.dedup'] ?? 0) - dedupBefore);
          if (!options.kCore) summary.interactions.merged = joined - merged.events;
          summary.interactionStrategy = merged.strategy;
          summary.interactions.inserted = merged.inserted;
          summary.interactions.updated = merged.updated;
          summary.interactions.unchanged = merged.events - summary.interactions.inserted - summary.interactions.updated;
        }

        // 5. Works: group editions over the whole catalog (new items may join existing works).
        const grouping = options.groupEditions ?? true;
        if (grouping !== false && (source.items || summary.items.implicit > 0)) {
          onProgress({ table: 'works', phase: 'merge', rows: 0 });
          summary.works = await timed('works', () => assignWorkIds(client, grouping === true ? {} : grouping, mode));
        }
      },
      { commit: (commit) => timed('commit', commit) },
    );
  } catch (error) {
    // A connection that failed mid-COPY is not safe to reuse.
    client.release(true);
    released = true;
    throw error;
  } finally {
    client.off('error', onClientError);
    if (!released) client.release();
  }
  summary.durationMs = Date.now() - started;
  for (const table of ['users', 'items', 'interactions'] as const)
    onProgress({ table, phase: 'done', rows: summary[table].read });
  return summary;
}

const text = (v: string | null | undefined): string | null => (v === undefined || v === null ? null : v);
const list = (v: readonly string[] | undefined): string | null => (v === undefined ? null : arrayLiteral(v));
const json = (v: Record<string, unknown> | undefined): string | null => (v === undefined ? null : JSON.stringify(v));

const ITEM_COLUMNS: StageColumn<ItemRecord>[] = [
  { name: 'seq', type: 'bigint', value: (_r, seq) => String(seq), plain: true },
  { name: 'external_id', type: 'text', value: (r) => r.externalId.trim() },
  { name: 'title', type: 'text', value: (r) => r.title },
  { name: 'creators', type: 'text[]', value: (r) => list(r.creators) },
  { name: 'publisher', type: 'text', value: (r) => text(r.publisher) },
  {
    name: 'year',
    type: 'int',
    value: (r) => (r.year === undefined || r.year === null ? null : String(r.year)),
    plain: true,
  },
  { name: 'genres', type: 'text[]', value: (r) => list(r.genres) },
  { name: 'tags', type: 'text[]', value: (r) => list(r.tags) },
  { name: 'description', type: 'text', value: (r) => text(r.description) },
  { name: 'image_url', type: 'text', value: (r) => text(r.imageUrl) },
  { name: 'language', type: 'text', value: (r) => text(r.language) },
  { name: 'attributes', type: 'jsonb', value: (r) => json(r.attributes) },
];

const USER_COLUMNS: StageColumn<UserRecord>[] = [
  { name: 'seq', type: 'bigint', value: (_r, seq) => String(seq), plain: true },
  { name: 'external_id', type: 'text', value: (r) => r.externalId.trim() },
  { name: 'attributes', type: 'jsonb', value: (r) => json(r.attributes) },
];

/** Event time is staged as epoch milliseconds (an integer is far cheaper to format than an ISO string). */
function stageInteractionColumns(files: FileNames): StageColumn<InteractionRecord>[] {
  return [
    { name: 'seq', type: 'bigint', value: (_r, seq) => String(seq), plain: true },
    { name: 'user_ext', type: 'text', value: (r) => r.userExternalId.trim() },
    { name: 'item_ext', type: 'text', value: (r) => r.itemExternalId.trim() },
    { name: 'kind', type: 'text', value: (r) => r.kind ?? 'interaction' },
    { name: 'value', type: 'float8', value: (r) => String(r.value ?? 1), plain: true },
    {
      name: 'occurred_ms',
      type: 'bigint',
      value: (r) => String(r.occurredAt ? r.occurredAt.getTime() : EPOCH_MS),
      plain: true,
    },
    { name: 'src', type: 'int', value: (r) => (r.origin ? String(files.id(r.origin.file)) : null), plain: true },
    { name: 'line', type: 'int', value: (r) => (r.origin ? String(r.origin.line) : null), plain: true },
  ];
}

/** The COPY text line of stageInteractionColumns, in one expression (the hot path; same text as the columns give). */
function interactionCopyRow(files: FileNames): (r: InteractionRecord, seq: number) => string {
  return (r, seq) =>
    seq +
    '\t' +
    copyText(r.userExternalId.trim()) +
    '\t' +
    copyText(r.itemExternalId.trim()) +
    '\t' +
    copyText(r.kind ?? 'interaction') +
    '\t' +
    String(r.value ?? 1) +
    '\t' +
    String(r.occurredAt ? r.occurredAt.getTime() : EPOCH_MS) +
    (r.origin ? '\t' + files.id(r.origin.file) + '\t' + r.origin.line + '\n' : '\t\\N\t\\N\n');
}

interface MergeCounts {
  merged: number;
  inserted: number;
  updated: number;
  unchanged: number;
}

// The SET list and change test for existing rows. Absent fields (NULL in staging) keep the stored value;
// attributes merge key by key; a placeholder item loses its placeholder flag when its real record arrives.
const ITEM_UPDATE = {
  columns: 'external_id, title, creators, publisher, year, genres, tags, description, image_url, language, attributes',
  insertValues: `s.external_id, s.title, COALESCE(s.creators, '{}'), s.publisher, s.year, COALESCE(s.genres, '{}'),
    COALESCE(s.tags, '{}'), s.description, s.image_url, s.language, COALESCE(s.attributes, '{}')`,
  newValues: {
    title: 's.title',
    creators: 'COALESCE(s.creators, t.creators)',
    publisher: 'COALESCE(s.publisher, t.publisher)',
    year: 'COALESCE(s.year, t.year)',
    genres: 'COALESCE(s.genres, t.genres)',
    tags: 'COALESCE(s.tags, t.tags)',
    description: 'COALESCE(s.description, t.description)',
    image_url: 'COALESCE(s.image_url, t.image_url)',
    language: 'COALESCE(s.language, t.language)',
    attributes: `(t.attributes - 'placeholder') || COALESCE(s.attributes, '{}')`,
  } as Record<string, string>,
  touch: 'updated_at = now()',
  ownWorkId: true,
};

const USER_UPDATE = {
  columns: 'external_id, attributes',
  insertValues: `s.external_id, COALESCE(s.attributes, '{}')`,
  newValues: { attributes: `t.attributes || COALESCE(s.attributes, '{}')` } as Record<string, string>,
  touch: null as string | null,
};

/** Set-based upsert of a staged table keyed by external_id; counts what happened to each distinct record. */
async function mergeByExternalId(
  client: pg.PoolClient,
  table: 'items' | 'users',
  stage: string,
  spec: {
    columns: string;
    insertValues: string;
    newValues: Record<string, string>;
    touch: string | null;
    ownWorkId?: boolean;
  },
): Promise<MergeCounts> {
  const dedup = `${stage}_dedup`;
  const staged = await client.query<{ n: string }>(`SELECT count(*) AS n FROM ${stage}`);
  const distinct = await client.query(`
    CREATE TEMP TABLE ${dedup} ON COMMIT DROP AS
    SELECT DISTINCT ON (external_id) * FROM ${stage} ORDER BY external_id, seq DESC`);
  await client.query(`CREATE UNIQUE INDEX ON ${dedup} (external_id); ANALYZE ${dedup}`);
  const distinctCount = distinct.rowCount ?? 0;

  const columns = Object.keys(spec.newValues);
  const sets = columns.map((c) => `${c} = ${spec.newValues[c]}`);
  if (spec.touch) sets.push(spec.touch);
  const oldRow = columns.map((c) => `t.${c}`).join(', ');
  const newRow = columns.map((c) => spec.newValues[c]).join(', ');
  const updated = await client.query(`
    UPDATE ${table} t SET ${sets.join(', ')}
    FROM ${dedup} s
    WHERE t.external_id = s.external_id AND ROW(${oldRow}) IS DISTINCT FROM ROW(${newRow})`);
  // New items are their own work from the start (work_id = id, what assignWorkIds gives a lone edition): the
  // grouping then rewrites only the items that join a multi-edition work. Rewriting every row instead recomputes
  // its stored search_document and GIN entries — the largest step of a first load of a million items.
  const inserted = spec.ownWorkId
    ? await client.query(`
    INSERT INTO ${table} (id, work_id, ${spec.columns})
    SELECT s.new_id, s.new_id, ${spec.insertValues} FROM (
      SELECT nextval(pg_get_serial_sequence('${table}', 'id')) AS new_id, q.* FROM (
        SELECT d.* FROM ${dedup} d
        WHERE NOT EXISTS (SELECT 1 FROM ${table} t WHERE t.external_id = d.external_id)
        ORDER BY d.seq
      ) q
    ) s`)
    : await client.query(`
    INSERT INTO ${table} (${spec.columns})
    SELECT ${spec.insertValues} FROM ${dedup} s
    WHERE NOT EXISTS (SELECT 1 FROM ${table} t WHERE t.external_id = s.external_id)
    ORDER BY s.seq`);
  const insertedCount = inserted.rowCount ?? 0;
  const updatedCount = updated.rowCount ?? 0;
  return {
    merged: Number(staged.rows[0].n) - distinctCount,
    inserted: insertedCount,
    updated: updatedCount,
    unchanged: distinctCount - insertedCount - updatedCount,
  };
}
