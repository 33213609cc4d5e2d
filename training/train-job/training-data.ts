// Reads what a model trains on from Postgres: live items, users with events, and one weight per (user, item)
// pair, mapped to dense 0-based indices. Events are counted per (pair, kind) in SQL and weighed by the feedback
// policy (src/feedback/event-weights.ts, the function fold-in uses too); negative pairs are left out — never a
// positive, so every model treats them as unobserved, i.e. as negatives.
import type pg from 'pg';
import { feedbackPolicyFrom } from '../../src/config.js';
import { withTransaction } from '../../src/db/transaction.js';
import { cursorBatches } from '../ingest/pg-cursor.js';
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

/** Pair rows fetched per round trip: bounded memory whatever the number of events (20M events ≈ 2,000 fetches). */
const PAIR_BATCH = 10_000;

/** A typed array that doubles when full: the pairs are streamed, their number is not known in advance. */
class GrowableInt32 {
  data = new Int32Array(1 << 16);
  length = 0;
  push(v: number): void {
    if (this.length === this.data.length) {
      const next = new Int32Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = v;
  }
  toArray(): Int32Array {
    return this.data.slice(0, this.length);
  }
}

export async function readTrainingData(
  pool: pg.Pool,
  cutoff = new Date(),
  feedback: FeedbackPolicy = feedbackPolicyFrom(),
): Promise<TrainingData> {
  // Pairs are read through a cursor and kept only as typed arrays: one result set of 20M row objects would take
  // several GB of heap (measured at the 1M-item scale benchmark). Weights are few distinct numbers but are kept
  // as float32 per pair (4 bytes; the matrix the models build holds them anyway).
  const users = new GrowableInt32();
  const itemsOut = new GrowableInt32();
  let weights = new Float32Array(1 << 16);
  const userIdList = new GrowableInt32();
  let negativePairs = 0;
  let itemIds = new Int32Array(0);
  let workIds = new Int32Array(0);
  // A snapshot so the two reads agree even while feedback keeps arriving.
  await withTransaction(
    pool,
    async (client) => {
      const items = await client.query<{ id: number; workId: number }>(
        `SELECT id, COALESCE(work_id, id) AS "workId" FROM items WHERE deleted_at IS NULL ORDER BY id`,
      );
      itemIds = Int32Array.from(items.rows, (row) => row.id);
      workIds = Int32Array.from(items.rows, (row) => row.workId);
      items.rows.length = 0;
      const itemIndex = new Map<number, number>();
      itemIds.forEach((id, index) => itemIndex.set(id, index));
      // Users arrive in id order (the query sorts by user), so a user's index is assigned at its first pair.
      let lastUser = -1;
      let u = -1;
      let pending: { u: number; i: number; kinds: KindCount[] } | undefined;
      const flush = () => {
        if (!pending) return;
        const { confidence, negative } = pairFeedback(pending.kinds, feedback);
        const userId = pending.u;
        const itemId = pending.i;
        pending = undefined;
        if (negative) negativePairs++;
        if (negative || confidence <= 0) return;
        if (userId !== lastUser) {
          lastUser = userId;
          u = userIdList.length;
          userIdList.push(userId);
        }
        if (users.length === weights.length) {
          const next = new Float32Array(weights.length * 2);
          next.set(weights);
          weights = next;
        }
        weights[users.length] = confidence;
        users.push(u);
        itemsOut.push(itemIndex.get(itemId)!);
      };
      // Rows come sorted by pair: each run of rows is one pair's kinds (a run may span two batches).
      for await (const batch of cursorBatches<{ u: number; i: number; kind: string; n: number; below: number }>(
        client,
        `SELECT x.user_id AS u, x.item_id AS i, x.kind, count(*)::int AS n,
                count(*) FILTER (WHERE x.value < $2::float8)::int AS below
           FROM interactions x JOIN items it ON it.id = x.item_id AND it.deleted_at IS NULL
          WHERE x.created_at <= $1
          GROUP BY x.user_id, x.item_id, x.kind ORDER BY x.user_id, x.item_id`,
        [cutoff, ratingThresholdParam(feedback)],
        PAIR_BATCH,
      )) {
        for (const row of batch) {
          if (!pending || pending.u !== row.u || pending.i !== row.i) {
            flush();
            pending = { u: row.u, i: row.i, kinds: [] };
          }
          pending.kinds.push({ kind: row.kind, count: row.n, below: row.below });
        }
      }
      flush();
    },
    { begin: 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY' },
  );
  return {
    userIds: userIdList.toArray(),
    itemIds,
    workIds,
    users: users.toArray(),
    items: itemsOut.toArray(),
    weights: weights.slice(0, users.length),
    cutoff,
    negativePairs,
  };
}
