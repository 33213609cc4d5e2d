// The one BEGIN … COMMIT / ROLLBACK of the repository: a failed statement rolls the whole transaction back and
// the error propagates; the connection goes back to the pool either way.
import type pg from 'pg';

export interface TransactionOptions {
  /** The statement that opens the transaction (default BEGIN), e.g. with an isolation level. */
  begin?: string;
  /** Wraps the COMMIT (e.g. to time it). */
  commit?: (commit: () => Promise<unknown>) => Promise<unknown>;
}

/** Runs `fn` in a transaction on a client the caller holds (and releases). */
export async function inTransaction<T>(
  client: pg.ClientBase,
  fn: (client: pg.ClientBase) => Promise<T>,
  options: TransactionOptions = {},
): Promise<T> {
  await client.query(options.begin ?? 'BEGIN');
  try {
    const result = await fn(client);
    const commit = () => client.query('COMMIT');
    await (options.commit ? options.commit(commit) : commit());
    return result;
  } catch (error) {
    // Best effort: on a broken connection the ROLLBACK fails too, and the original error is the one to report.
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}

/** Runs `fn` in a transaction on a pooled connection. */
export async function withTransaction<T>(
  pool: pg.Pool,
  fn: (client: pg.ClientBase) => Promise<T>,
  options: TransactionOptions = {},
): Promise<T> {
  const client = await pool.connect();
  try {
    return await inTransaction(client, fn, options);
  } finally {
    client.release();
  }
}
