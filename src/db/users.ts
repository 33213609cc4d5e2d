// Users, their histories and new events on the serving path.
import type pg from 'pg';

export interface UserRow {
  id: number;
  externalId: string;
}

export interface HistoryItem {
  itemId: number;
  /** Summed strength of the user's events on the item. */
  value: number;
  /** Creation time of the user's latest event on the item (compared with the model's data cutoff). */
  lastCreatedAt: Date;
}

export interface HistoryEventRow {
  itemId: number;
  kind: string;
  value: number;
  occurredAt: Date;
}

export interface NewInteraction {
  userId: number;
  itemId: number;
  kind: string;
  value: number;
  occurredAt: Date;
}

export class UserRepository {
  constructor(private readonly pool: pg.Pool) {}

  async byExternalIds(externalIds: readonly string[]): Promise<(UserRow | undefined)[]> {
    const { rows } = await this.pool.query<UserRow>(
      `SELECT id, external_id AS "externalId" FROM users WHERE external_id = ANY($1::text[])`,
      [externalIds],
    );
    const byExternal = new Map(rows.map((row) => [row.externalId, row]));
    return externalIds.map((id) => byExternal.get(id));
  }

  /** Distinct items the user interacted with, most recent first: what lists exclude and what fold-in reads. */
  async historyItems(userId: number, limit = 5000): Promise<HistoryItem[]> {
    const { rows } = await this.pool.query<HistoryItem>(
      `SELECT item_id AS "itemId", sum(value)::float8 AS value, max(created_at) AS "lastCreatedAt"
         FROM interactions WHERE user_id = $1
        GROUP BY item_id ORDER BY max(occurred_at) DESC LIMIT $2`,
      [userId, limit],
    );
    return rows;
  }

  /** Raw events, newest first, for the `history` field. */
  async events(userId: number, limit: number, offset: number): Promise<HistoryEventRow[]> {
    const { rows } = await this.pool.query<HistoryEventRow>(
      `SELECT item_id AS "itemId", kind, value, occurred_at AS "occurredAt"
         FROM interactions WHERE user_id = $1 ORDER BY occurred_at DESC, id DESC LIMIT $2 OFFSET $3`,
      [userId, limit, offset],
    );
    return rows;
  }

  /** Ids for these external ids, creating the users that do not exist yet (one statement each way). */
  async ensure(externalIds: readonly string[]): Promise<Map<string, number>> {
    const unique = [...new Set(externalIds)];
    await this.pool.query(
      `INSERT INTO users (external_id) SELECT unnest($1::text[]) ON CONFLICT (external_id) DO NOTHING`,
      [unique],
    );
    const rows = await this.byExternalIds(unique);
    return new Map(rows.filter((row): row is UserRow => row !== undefined).map((row) => [row.externalId, row.id]));
  }

  /** Inserts events in one statement; exact duplicates (same user, item, kind and time) are ignored. */
  async recordInteractions(events: readonly NewInteraction[]): Promise<number> {
    if (!events.length) return 0;
    const result = await this.pool.query(
      `INSERT INTO interactions (user_id, item_id, kind, value, occurred_at)
       SELECT * FROM unnest($1::int[], $2::int[], $3::text[], $4::float8[], $5::timestamptz[])
       ON CONFLICT (user_id, item_id, kind, occurred_at) DO NOTHING`,
      [
        events.map((e) => e.userId),
        events.map((e) => e.itemId),
        events.map((e) => e.kind),
        events.map((e) => e.value),
        events.map((e) => e.occurredAt.toISOString()),
      ],
    );
    return result.rowCount ?? 0;
  }
}
