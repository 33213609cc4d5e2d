// The raw pg pool: used for bulk paths (COPY, set-based merges) and hot read paths where Prisma's overhead shows.
import pg from 'pg';

// BIGINT (interaction ids, counts) as JS numbers: our ids stay far below 2^53.
pg.types.setTypeParser(pg.types.builtins.INT8, (value: string) => Number(value));

export function createPool(connectionString: string, options: Partial<pg.PoolConfig> = {}): pg.Pool {
  return new pg.Pool({ connectionString, max: 10, idleTimeoutMillis: 30_000, ...options });
}
