// The lists served under experiments and the events attributed to them (recommendation_impressions,
// recommendation_events), and the per-variant counts the experiment report is made of.
import type pg from 'pg';

type Queryable = Pick<pg.ClientBase, 'query'>;

export interface Impression {
  recommendationId: string;
  experimentId: number;
  variant: string;
  userKey: string;
  itemIds: readonly number[];
}

export interface AttributedEvent {
  recommendationId: string;
  userId: number;
  itemId: number;
  kind: string;
  occurredAt: Date;
}

export interface VariantCounts {
  variant: string;
  impressions: number;
  users: number;
  /** Lists with ≥ 1 `clickKind` event on an item at rank ≤ k. */
  clickedLists: number;
  /** Distinct items shown. */
  itemsShown: number;
  /** Per kind: lists with ≥ 1 event of that kind on one of their items. */
  listsByKind: Record<string, number>;
}

export async function recordImpression(db: Queryable, impression: Impression): Promise<void> {
  await db.query(
    `INSERT INTO recommendation_impressions (recommendation_id, experiment_id, variant, user_key, item_ids)
     VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING`,
    [impression.recommendationId, impression.experimentId, impression.variant, impression.userKey, impression.itemIds],
  );
}

/** Stores the attribution of stored events (call it in the events' own transaction). */
export async function recordAttributions(db: Queryable, events: readonly AttributedEvent[]): Promise<void> {
  if (!events.length) return;
  await db.query(
    `INSERT INTO recommendation_events (recommendation_id, user_id, item_id, kind, occurred_at)
     SELECT * FROM unnest($1::uuid[], $2::int[], $3::int[], $4::text[], $5::timestamptz[])
     ON CONFLICT DO NOTHING`,
    [
      events.map((e) => e.recommendationId),
      events.map((e) => e.userId),
      events.map((e) => e.itemId),
      events.map((e) => e.kind),
      events.map((e) => e.occurredAt.toISOString()),
    ],
  );
}

/**
 * Per variant of the experiment: lists, users, lists clicked in their top k, distinct items shown, and lists with
 * an event of each kind. An event counts for a list only when the list showed its item and it came from the
 * list's user (a recommendation id sent with another item or by someone else is ignored).
 */
export async function variantCounts(
  db: Queryable,
  experimentId: number,
  k: number,
  clickKind: string,
): Promise<VariantCounts[]> {
  const [base, kinds] = await Promise.all([
    db.query<{ variant: string; impressions: number; users: number; clicked: number; items: number }>(
      `WITH imp AS (SELECT * FROM recommendation_impressions WHERE experiment_id = $1),
            hits AS (
              SELECT DISTINCT i.recommendation_id
                FROM imp i
                JOIN recommendation_events e ON e.recommendation_id = i.recommendation_id
                JOIN users u ON u.id = e.user_id AND u.external_id = i.user_key
               WHERE e.kind = $3 AND array_position(i.item_ids, e.item_id) <= $2)
       SELECT i.variant, count(*)::int AS impressions, count(DISTINCT i.user_key)::int AS users,
              count(h.recommendation_id)::int AS clicked,
              (SELECT count(DISTINCT x)::int FROM imp j, unnest(j.item_ids) x WHERE j.variant = i.variant) AS items
         FROM imp i LEFT JOIN hits h ON h.recommendation_id = i.recommendation_id
        GROUP BY i.variant ORDER BY i.variant`,
      [experimentId, k, clickKind],
    ),
    db.query<{ variant: string; kind: string; lists: number }>(
      `SELECT i.variant, e.kind, count(DISTINCT i.recommendation_id)::int AS lists
         FROM recommendation_impressions i
         JOIN recommendation_events e ON e.recommendation_id = i.recommendation_id
         JOIN users u ON u.id = e.user_id AND u.external_id = i.user_key
        WHERE i.experiment_id = $1 AND e.item_id = ANY(i.item_ids)
        GROUP BY i.variant, e.kind ORDER BY i.variant, e.kind`,
      [experimentId],
    ),
  ]);
  return base.rows.map((row) => ({
    variant: row.variant,
    impressions: row.impressions,
    users: row.users,
    clickedLists: row.clicked,
    itemsShown: row.items,
    listsByKind: Object.fromEntries(kinds.rows.filter((r) => r.variant === row.variant).map((r) => [r.kind, r.lists])),
  }));
}

/** Items a list could show: the live catalogue. */
export async function catalogueSize(db: Queryable): Promise<number> {
  const { rows } = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM items WHERE deleted_at IS NULL`);
  return rows[0].n;
}
