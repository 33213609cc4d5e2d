// The one BEGIN … COMMIT / ROLLBACK of the repository: a failed statement rolls the whole transaction back and
// the error propagates. On a pooled connection, a deadlock or serialization failure is retried (Postgres undid
// everything), and a connection whose ROLLBACK failed too is discarded instead of going back to the pool.
import type pg from 'pg';

export interface TransactionOptions {
  /** The statement that opens the transaction (default BEGIN), e.g. with an isolation level. */
  begin?: string;
  /** Wraps the COMMIT (e.g. to time it). */
  commit?: (commit: () => Promise<unknown>) => Promise<unknown>;
}

const RETRYABLE_SQLSTATES = new Set(['40001', '40P01']);

async function transaction<C extends pg.ClientBase, T>(
  client: C,
  fn: (client: C) => Promise<T>,
  options: TransactionOptions,
  onRollbackFailed: (error: Error) => void,
): Promise<T> {
  await client.query(options.begin ?? 'BEGIN');
  try {
    const result = await fn(client);
    const commit = () => client.query('COMMIT');
    await (options.commit ? options.commit(commit) : commit());
    return result;
  } catch (error) {
    // On a broken connection the ROLLBACK fails too; the original error is the one to report.
    await client.query('ROLLBACK').catch(onRollbackFailed);
    throw error;
  }
}

/** Runs `fn` in a transaction on a client the caller holds (and releases). */
export function inTransaction<C extends pg.ClientBase, T>(
  client: C,
  fn: (client: C) => Promise<T>,
  options: TransactionOptions = {},
): Promise<T> {
  return transaction(client, fn, options, () => undefined);
}

/** Runs `fn` in a transaction on a pooled connection, up to `attempts` times on deadlock / serialization failure. */
export async function withTransaction<T>(
  pool: pg.Pool,
  fn: (client: pg.PoolClient) => Promise<T>,
  options: TransactionOptions & { attempts?: number } = {},
): Promise<T> {
  const attempts = options.attempts ?? 3;
  for (let attempt = 1; ; attempt++) {
    const client = await pool.connect();
    let broken: Error | undefined;
    try {
      return await transaction(client, fn, options, (error) => (broken = error));
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      if (attempt < attempts && typeof code === 'string' && RETRYABLE_SQLSTATES.has(code)) continue;
      throw error;
    } finally {
      client.release(broken);
    }
  }
}
