// The raw pg pool: used for bulk paths (COPY, set-based merges) and hot read paths where Prisma's overhead shows.
import pg from 'pg';
import type { ServingPoolSettings } from '../config.js';

// BIGINT (interaction ids, counts) as JS numbers: our ids stay far below 2^53.
pg.types.setTypeParser(pg.types.builtins.INT8, (value: string) => Number(value));

export function createPool(connectionString: string, options: Partial<pg.PoolConfig> = {}): pg.Pool {
  const pool = new pg.Pool({ connectionString, max: 10, idleTimeoutMillis: 30_000, ...options });
  // An idle pooled connection that the server drops (restart, failover, network cut) is reported here; without a
  // listener Node treats it as an uncaught error and the whole process dies. The pool discards the client itself,
  // and the next query opens a fresh connection (or fails with a connection error the API reports as such).
  pool.on('error', () => undefined);
  return pool;
}

/**
 * The serving path's pool options: bounded waits everywhere, so an unresponsive Postgres (a blackholed network:
 * sockets open, no bytes) fails requests within ≈ 2 s with SERVICE_UNAVAILABLE instead of hanging them for the whole
 * outage. Offline commands (ingest, train) use a pool without them: their statements run for minutes.
 * - connectionTimeoutMillis: waiting for a pooled connection or opening a new one;
 * - statement_timeout: Postgres itself cancels a statement running longer (error 57014, the connection stays usable);
 * - query_timeout: the client gives up on a statement Postgres never answers, a little after statement_timeout so a
 *   live server's own cancel comes first; the connection is then discarded and the next query opens a fresh one;
 * - idle_in_transaction_session_timeout: a transaction left open (a client lost mid-way) cannot hold locks for long.
 */
export function servingPoolOptions(settings: ServingPoolSettings): Partial<pg.PoolConfig> {
  return {
    max: settings.poolMax,
    connectionTimeoutMillis: settings.connectTimeoutMs,
    statement_timeout: settings.queryTimeoutMs,
    query_timeout: settings.queryTimeoutMs + 250,
    idle_in_transaction_session_timeout: settings.idleInTransactionTimeoutMs,
  };
}

// Serialization failures and deadlocks: the transaction did nothing and may simply be run again.
const RETRYABLE_SQLSTATES = new Set(['40001', '40P01']);

/**
 * Runs `work` in one transaction on one pooled connection: COMMIT when it resolves, ROLLBACK when it throws. A
 * deadlock or serialization failure is retried (up to `attempts` runs in all), since Postgres undid everything.
 */
export async function withTransaction<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>, attempts = 3): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    const client = await pool.connect();
    let broken: Error | undefined;
    try {
      await client.query('BEGIN');
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch((rollbackError: Error) => (broken = rollbackError));
      const code = (error as { code?: unknown }).code;
      if (attempt < attempts && typeof code === 'string' && RETRYABLE_SQLSTATES.has(code)) continue;
      throw error;
    } finally {
      // A connection whose ROLLBACK failed is in an unknown state: the pool discards it.
      client.release(broken);
    }
  }
}
