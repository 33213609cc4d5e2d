// The newest live items, by when they entered the catalogue: `items.created_at`, set once by the first ingest or
// upsert of the item and never touched by a re-ingest or an update (those write updated_at). Not the release year:
// `year` is coarse (every item of a year ties), missing for many catalogues and says when a work came out, not
// when the shop started offering it. Answered by the items_created_at_idx index scan, newest first, so it needs no
// cache: an item upserted a moment ago is listed at once.
import type pg from 'pg';
import type { ItemFilterInput } from '../catalogue.js';
import { itemFilterSql } from './item-filter-sql.js';

export interface LatestItem {
  itemId: number;
  /** When the item entered the catalogue. */
  addedAt: Date;
}

export class LatestItems {
  constructor(private readonly pool: pg.Pool) {}

  /** Items `offset` … `offset + limit − 1` of the newest-first order (ties by id: the later row is newer). */
  async page(
    limit: number,
    offset: number,
    filter: ItemFilterInput | undefined,
  ): Promise<{ items: LatestItem[]; hasMore: boolean }> {
    const params: unknown[] = [limit + 1, offset];
    const { rows } = await this.pool.query<LatestItem>(
      `SELECT it.id AS "itemId", it.created_at AS "addedAt" FROM items it
        WHERE ${itemFilterSql(filter, params)}
        ORDER BY it.created_at DESC, it.id DESC LIMIT $1 OFFSET $2`,
      params,
    );
    return { items: rows.slice(0, limit), hasMore: rows.length > limit };
  }
}
