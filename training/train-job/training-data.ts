// Reads what a model trains on from Postgres: live items, users with events, and one weight per (user, item)
// pair, mapped to dense 0-based indices. Pairs are aggregated in SQL, so the result set is one row per pair.
import type pg from 'pg';
import { withTransaction } from '../../src/db/transaction.js';

export interface TrainingData {
  /** Dense index → internal (Postgres) id. */
  userIds: Int32Array;
  itemIds: Int32Array;
  /** Per item index, its work id (items.work_id; the item's own id when ungrouped). */
  workIds: Int32Array;
  /** One entry per distinct (user, item) pair, as dense indices; weight = number of events (≥ 1). */
  users: Int32Array;
  items: Int32Array;
  weights: Float32Array;
  /** Events created after this instant are not in the data (the serving side folds them in). */
  cutoff: Date;
}

export async function readTrainingData(pool: pg.Pool, cutoff = new Date()): Promise<TrainingData> {
  // A snapshot so the two reads agree even while feedback keeps arriving.
  const { items, pairs } = await withTransaction(
    pool,
    async (client) => ({
      items: await client.query<{ id: number; workId: number }>(
        `SELECT id, COALESCE(work_id, id) AS "workId" FROM items WHERE deleted_at IS NULL ORDER BY id`,
      ),
      pairs: await client.query<{ u: number; i: number; w: number }>(
        `SELECT x.user_id AS u, x.item_id AS i, count(*)::float4 AS w
           FROM interactions x JOIN items it ON it.id = x.item_id AND it.deleted_at IS NULL
          WHERE x.created_at <= $1
          GROUP BY x.user_id, x.item_id ORDER BY x.user_id, x.item_id`,
        [cutoff],
      ),
    }),
    { begin: 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY' },
  );

  const itemIds = Int32Array.from(items.rows, (row) => row.id);
  const workIds = Int32Array.from(items.rows, (row) => row.workId);
  const itemIndex = new Map<number, number>();
  itemIds.forEach((id, index) => itemIndex.set(id, index));
  const userIndex = new Map<number, number>();
  const userIdList: number[] = [];
  const n = pairs.rows.length;
  const users = new Int32Array(n);
  const itemsOut = new Int32Array(n);
  const weights = new Float32Array(n);
  pairs.rows.forEach((row, k) => {
    let u = userIndex.get(row.u);
    if (u === undefined) {
      u = userIdList.length;
      userIndex.set(row.u, u);
      userIdList.push(row.u);
    }
    users[k] = u;
    itemsOut[k] = itemIndex.get(row.i)!;
    weights[k] = row.w;
  });
  return { userIds: Int32Array.from(userIdList), itemIds, workIds, users, items: itemsOut, weights, cutoff };
}
