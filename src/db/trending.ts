// Items whose interactions grow fastest against their own baseline. Raw window counts would re-list the all-time
// popular items (they lead every window); growth asks "is this item getting more attention than usual?".
//
//   w      = distinct users with an event on the item in the window [now − W, now + a day)
//   b      = distinct users with an event on it in the baseline [now − (K+1)·W, now − W): K = 7 windows before
//   growth = (w + α) / (b / K + α), α = 3
//
// b / K is the item's usual count per window. α is a pseudo-count on both sides (additive smoothing): an item going
// from 0 to 1 user is not "infinitely" trending, and the same ratio backed by more users ranks higher
// ((30+3)/(10+3) = 2.5 beats (3+3)/(1+3) = 1.5 though both tripled). An item must have w ≥ 3 users in the window
// and growth > 1 (a falling item is not trending). Distinct users, not events: one user replaying an item 50 times
// is not a trend. Items new to the catalogue have b = 0 and trend on their window users alone — what "new and
// catching on" should do. Ranked in Postgres over the events since now − (K+1)·W (interactions_occurred_at_idx)
// and cached per window and filter for a minute, like popular lists.
import type pg from 'pg';
import type { ItemFilterInput } from '../catalogue.js';
import { itemFilterSql } from './item-filter-sql.js';

export type TrendingWindow = 'LAST_DAY' | 'LAST_7_DAYS' | 'LAST_30_DAYS';

export const TRENDING = {
  /** Baseline length, in windows. */
  baselineWindows: 7,
  /** Pseudo-count added to the window count and to the baseline rate. */
  smoothing: 3,
  /** Fewest distinct users in the window for an item to be listed. */
  minWindowUsers: 3,
} as const;

const WINDOW_DAYS: Record<TrendingWindow, number> = { LAST_DAY: 1, LAST_7_DAYS: 7, LAST_30_DAYS: 30 };

export interface TrendingItem {
  itemId: number;
  /** (w + α) / (b/K + α), see above. */
  growth: number;
  windowUsers: number;
  baselineUsers: number;
}

interface CacheEntry {
  at: number;
  items: Promise<TrendingItem[]>;
}

export class TrendingItems {
  private readonly cache = new Map<string, CacheEntry>();

  constructor(
    private readonly pool: pg.Pool,
    private readonly options: { ttlMs?: number; depth?: number; maxEntries?: number } = {},
  ) {}

  /** Items `offset` … of the growth order; `filter.excludeIds` are skipped (the cache holds the list before them). */
  async page(
    limit: number,
    offset: number,
    window: TrendingWindow,
    filter: ItemFilterInput = {},
  ): Promise<{ items: TrendingItem[]; hasMore: boolean; total: number }> {
    const { excludeIds, ...rest } = filter;
    const ranked = await this.ranked(window, rest);
    const exclude = new Set(excludeIds ?? []);
    const kept = exclude.size ? ranked.filter((item) => !exclude.has(item.itemId)) : ranked;
    return { items: kept.slice(offset, offset + limit), hasMore: kept.length > offset + limit, total: kept.length };
  }

  invalidate(): void {
    this.cache.clear();
  }

  private ranked(window: TrendingWindow, filter: ItemFilterInput): Promise<TrendingItem[]> {
    const key = JSON.stringify([window, filter]);
    const entry = this.cache.get(key);
    if (entry && Date.now() - entry.at < (this.options.ttlMs ?? 60_000)) return entry.items;
    if (!entry && this.cache.size >= (this.options.maxEntries ?? 500)) this.cache.clear();
    // Concurrent callers share one query; a failed one is not remembered.
    const items = this.query(window, filter);
    this.cache.set(key, { at: Date.now(), items });
    items.catch(() => this.cache.get(key)?.items === items && this.cache.delete(key));
    return items;
  }

  private async query(window: TrendingWindow, filter: ItemFilterInput): Promise<TrendingItem[]> {
    const { baselineWindows: k, smoothing, minWindowUsers } = TRENDING;
    const days = WINDOW_DAYS[window];
    const params: unknown[] = [this.options.depth ?? 1000, days, k, smoothing, minWindowUsers];
    const { rows } = await this.pool.query<TrendingItem>(
      `WITH counts AS (
         SELECT x.item_id,
                count(DISTINCT x.user_id) FILTER (WHERE x.occurred_at >= now() - make_interval(days => $2))::int AS w,
                count(DISTINCT x.user_id) FILTER (WHERE x.occurred_at < now() - make_interval(days => $2))::int AS b
           FROM interactions x
          WHERE x.occurred_at >= now() - make_interval(days => $2 * ($3 + 1))
          GROUP BY x.item_id
       ), scored AS (
         SELECT c.item_id, c.w, c.b, (c.w + $4::float8) / (c.b::float8 / $3 + $4::float8) AS growth
           FROM counts c WHERE c.w >= $5
       )
       SELECT s.item_id AS "itemId", s.growth, s.w AS "windowUsers", s.b AS "baselineUsers"
         FROM scored s JOIN items it ON it.id = s.item_id
        WHERE s.growth > 1 AND ${itemFilterSql(filter, params)}
        ORDER BY s.growth DESC, s.w DESC, s.item_id LIMIT $1`,
      params,
    );
    return rows;
  }
}
