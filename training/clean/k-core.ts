// k-core filtering: keep only users with ≥ minUser distinct items and items with ≥ minItem distinct users,
// repeated until nothing changes (removing a sparse item can push a user under the threshold, and so on).
// Runs set-based on the loader's staged events table (user_id, item_id, …) so memory is Postgres's problem,
// not Node's. Off by default: it drops real data, so it must be asked for; the removed count is reported.
import type pg from 'pg';

export interface KCoreOptions {
  /** Minimum distinct items per user (0 or 1: no constraint). */
  minUser?: number;
  /** Minimum distinct users per item. */
  minItem?: number;
  /** Safety bound on rounds; real data converges in a handful. Default 100. */
  maxRounds?: number;
}

function threshold(value: number | undefined, name: string): number {
  const v = value ?? 0;
  if (!Number.isInteger(v) || v < 0)
    throw new Error(`k-core ${name} must be a non-negative integer, got ${String(value)}`);
  return v;
}

/** Deletes rows of `table` outside the k-core; returns how many rows were removed. */
export async function applyKCore(client: pg.PoolClient, table: string, options: KCoreOptions): Promise<number> {
  const minUser = threshold(options.minUser, 'minUser');
  const minItem = threshold(options.minItem, 'minItem');
  const maxRounds = options.maxRounds ?? 100;
  let removed = 0;
  for (let round = 0; round < maxRounds; round++) {
    let changed = 0;
    if (minUser > 1) {
      const r = await client.query(
        `DELETE FROM ${table} WHERE user_id IN (SELECT user_id FROM ${table} GROUP BY user_id HAVING count(DISTINCT item_id) < $1)`,
        [minUser],
      );
      changed += r.rowCount ?? 0;
    }
    if (minItem > 1) {
      const r = await client.query(
        `DELETE FROM ${table} WHERE item_id IN (SELECT item_id FROM ${table} GROUP BY item_id HAVING count(DISTINCT user_id) < $1)`,
        [minItem],
      );
      changed += r.rowCount ?? 0;
    }
    removed += changed;
    if (changed === 0) return removed;
  }
  throw new Error(`k-core filtering did not converge in ${maxRounds} rounds`);
}
