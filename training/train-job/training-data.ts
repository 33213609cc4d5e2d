// Reads what a model trains on from Postgres: live items, users with events, and one weight per (user, item)
// pair, mapped to dense 0-based indices. Events are counted per (pair, kind) in SQL and weighed by the feedback
// policy (src/feedback/event-weights.ts, the function fold-in uses too); negative pairs are left out — never a
// positive, so every model treats them as unobserved, i.e. as negatives.
import type pg from 'pg';
import { feedbackPolicyFrom } from '../../src/config.js';
import { withTransaction } from '../../src/db/transaction.js';
import {
  pairFeedback,
  ratingThresholdParam,
  type FeedbackPolicy,
  type KindCount,
} from '../../src/feedback/event-weights.js';

export interface TrainingData {
  /** Dense index → internal (Postgres) id. */
  userIds: Int32Array;
  itemIds: Int32Array;
  /** Per item index, its work id (items.work_id; the item's own id when ungrouped). */
  workIds: Int32Array;
  /** One entry per positive (user, item) pair, as dense indices; weight = the pair's confidence (> 0). */
  users: Int32Array;
  items: Int32Array;
  weights: Float32Array;
  /** Events created after this instant are not in the data (the serving side folds them in). */
  cutoff: Date;
  /** Pairs left out for being negative (a dislike, a return, a low rating …). */
  negativePairs: number;
}

export async function readTrainingData(
  pool: pg.Pool,
  cutoff = new Date(),
  feedback: FeedbackPolicy = feedbackPolicyFrom(),
): Promise<TrainingData> {
  // A snapshot so the two reads agree even while feedback keeps arriving.
  const { items, pairs } = await withTransaction(
    pool,
    async (client) => ({
      items: await client.query<{ id: number; workId: number }>(
        `SELECT id, COALESCE(work_id, id) AS "workId" FROM items WHERE deleted_at IS NULL ORDER BY id`,
      ),
      pairs: await client.query<{ u: number; i: number; kind: string; n: number; below: number }>(
        `SELECT x.user_id AS u, x.item_id AS i, x.kind, count(*)::int AS n,
                count(*) FILTER (WHERE x.value < $2::float8)::int AS below
           FROM interactions x JOIN items it ON it.id = x.item_id AND it.deleted_at IS NULL
          WHERE x.created_at <= $1
          GROUP BY x.user_id, x.item_id, x.kind ORDER BY x.user_id, x.item_id`,
        [cutoff, ratingThresholdParam(feedback)],
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
  const users: number[] = [];
  const itemsOut: number[] = [];
  const weights: number[] = [];
  let negativePairs = 0;
  // Rows come sorted by pair: each run of rows is one pair's kinds.
  const rows = pairs.rows;
  for (let start = 0; start < rows.length;) {
    let end = start + 1;
    while (end < rows.length && rows[end].u === rows[start].u && rows[end].i === rows[start].i) end++;
    const kinds: KindCount[] = [];
    for (let k = start; k < end; k++) kinds.push({ kind: rows[k].kind, count: rows[k].n, below: rows[k].below });
    const { u: userId, i: itemId } = rows[start];
    start = end;
    const { confidence, negative } = pairFeedback(kinds, feedback);
    if (negative) negativePairs++;
    if (negative || confidence <= 0) continue;
    let u = userIndex.get(userId);
    if (u === undefined) {
      u = userIdList.length;
      userIndex.set(userId, u);
      userIdList.push(userId);
    }
    users.push(u);
    itemsOut.push(itemIndex.get(itemId)!);
    weights.push(confidence);
  }
  return {
    userIds: Int32Array.from(userIdList),
    itemIds,
    workIds,
    users: Int32Array.from(users),
    items: Int32Array.from(itemsOut),
    weights: Float32Array.from(weights),
    cutoff,
    negativePairs,
  };
}
