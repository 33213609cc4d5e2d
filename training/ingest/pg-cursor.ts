// Reading a large result set in bounded memory inside the current transaction, with a server-side cursor
// (DECLARE ... NO SCROLL CURSOR / FETCH n). The transaction must already be open (cursors live in it).
import type pg from 'pg';

let cursorCounter = 0;

/**
 * Yields the result in arrays of up to batchSize rows. Use this (not cursorRows) when the consumer issues its own
 * statements on the same connection between batches (e.g. a COPY per batch): a connection cannot FETCH while
 * a COPY is streaming.
 */
export async function* cursorBatches<Row extends pg.QueryResultRow>(
  client: pg.PoolClient,
  sql: string,
  params: unknown[] = [],
  batchSize = 10_000,
): AsyncGenerator<Row[]> {
  const name = `recgraph_cursor_${++cursorCounter}`;
  await client.query(`DECLARE ${name} NO SCROLL CURSOR FOR ${sql}`, params);
  try {
    for (;;) {
      const { rows } = await client.query<Row>(`FETCH ${batchSize} FROM ${name}`);
      if (rows.length > 0) yield rows;
      if (rows.length < batchSize) break;
    }
  } finally {
    await client.query(`CLOSE ${name}`).catch(() => undefined);
  }
}

/** Yields rows one by one; the consumer must not use the connection until the iteration ends. */
export async function* cursorRows<Row extends pg.QueryResultRow>(
  client: pg.PoolClient,
  sql: string,
  params: unknown[] = [],
  batchSize = 10_000,
): AsyncGenerator<Row> {
  for await (const rows of cursorBatches<Row>(client, sql, params, batchSize)) yield* rows;
}
