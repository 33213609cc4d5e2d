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
