// The raw pg pool: used for bulk paths (COPY, set-based merges) and hot read paths where Prisma's overhead shows.
import pg from 'pg';

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
