// Streaming rows into a staging table, two ways:
// - 'copy': COPY ... FROM STDIN (text format) — the fast path on a real Postgres server;
// - 'insert': batched INSERT ... SELECT FROM unnest($1::text[], …) — for the embedded PGlite, whose wire
//   protocol has no COPY. Same columns, same SQL casts, so both paths stage identical rows.
// Each column yields its value in Postgres's text input form (or null); the path decides how to ship it.
import type pg from 'pg';
import { once } from 'node:events';
import { from as copyFrom } from 'pg-copy-streams';
import { copyText } from './copy-text.js';

export type StagingMode = 'copy' | 'insert';

export interface StageColumn<T> {
  name: string;
  /** Postgres type of the staging column (the text form is cast to it). */
  type: string;
  /** Text input form of the value, or null for NULL. */
  value: (record: T, seq: number) => string | null;
  /** The value never contains characters COPY must escape (numbers): skip the escaping pass. */
  plain?: boolean;
}

export async function createStagingTable<T>(
  client: pg.PoolClient,
  table: string,
  columns: StageColumn<T>[],
): Promise<void> {
  await client.query(
    `CREATE TEMP TABLE ${table} (${columns.map((c) => `${c.name} ${c.type}`).join(', ')}) ON COMMIT DROP`,
  );
}

/** Rows numbered by the caller ([record, seq] pairs). */
export async function stageRows<T>(
  client: pg.PoolClient,
  table: string,
  columns: StageColumn<T>[],
  records: AsyncIterable<[T, number]>,
  mode: StagingMode,
): Promise<void> {
  const pairColumns: StageColumn<[T, number]>[] = columns.map((c) => ({
    ...c,
    value: (pair, seq) => c.value(pair[0], seq),
  }));
  await stageRecords(client, table, pairColumns, records, (pair) => pair[1], mode);
}

/**
 * Records straight from a source: `seqOf` gives each record's ordinal, or -1 to leave it out (rejected). No
 * wrapping generator or [record, seq] pair per row: this loop runs tens of millions of times.
 * `copyRow`, for such hot tables: the whole COPY text line of a record in one expression (it must equal what the
 * columns give); measured at about a third less CPU than a closure call and two appends per column.
 */
export async function stageRecords<T>(
  client: pg.PoolClient,
  table: string,
  columns: StageColumn<T>[],
  records: AsyncIterable<T> | Iterable<T>,
  seqOf: (record: T) => number,
  mode: StagingMode,
  copyRow?: (record: T, seq: number) => string,
): Promise<void> {
  if (mode === 'copy') {
    // Rows are appended to one string and written in ~256 KiB chunks, waiting for 'drain' when the socket is
    // busy (bounded memory).
    const stream = client.query(copyFrom(`COPY ${table} FROM STDIN`));
    const finished = once(stream, 'finish');
    finished.catch(() => undefined); // awaited below; an early error must not be reported as unhandled
    const n = columns.length;
    let buffer = '';
    try {
      for await (const record of records) {
        const seq = seqOf(record);
        if (seq < 0) continue;
        if (copyRow !== undefined) {
          buffer += copyRow(record, seq);
        } else {
          for (let i = 0; i < n; i++) {
            const column = columns[i];
            const v = column.value(record, seq);
            buffer += v === null ? '\\N' : column.plain ? v : copyText(v);
            buffer += i === n - 1 ? '\n' : '\t';
          }
        }
        if (buffer.length >= 256 * 1024) {
          const ok = stream.write(buffer);
          buffer = '';
          if (!ok) await once(stream, 'drain');
        }
      }
    } catch (error) {
      // The source failed: abort the COPY (pg-copy-streams sends CopyFail), the caller rolls back.
      stream.destroy(error as Error);
      throw error;
    }
    stream.end(buffer);
    await finished;
    return;
  }

  const BATCH = 5_000;
  const sql =
    `INSERT INTO ${table} (${columns.map((c) => c.name).join(', ')}) ` +
    `SELECT ${columns.map((c, i) => `c${i}::${c.type}`).join(', ')} ` +
    `FROM unnest(${columns.map((_c, i) => `$${i + 1}::text[]`).join(', ')}) AS x(${columns.map((_c, i) => `c${i}`).join(', ')})`;
  let batch: (string | null)[][] = columns.map(() => []);
  let size = 0;
  const flush = async () => {
    if (size === 0) return;
    await client.query(sql, batch);
    batch = columns.map(() => []);
    size = 0;
  };
  for await (const record of records) {
    const seq = seqOf(record);
    if (seq < 0) continue;
    for (let i = 0; i < columns.length; i++) batch[i].push(columns[i].value(record, seq));
    if (++size >= BATCH) await flush();
  }
  await flush();
}

/** PGlite (Postgres in wasm) speaks the wire protocol but not COPY; everything else is a real server. */
export async function detectStagingMode(client: pg.PoolClient): Promise<StagingMode> {
  const { rows } = await client.query<{ version: string }>('SELECT version() AS version');
  return /pglite|emscripten|wasm32/i.test(rows[0].version) ? 'insert' : 'copy';
}
