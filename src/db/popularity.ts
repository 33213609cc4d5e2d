// Most interacted-with live items per time window and filter. Computed in Postgres and cached for a short TTL:
// exact enough for a fallback list, and replicas converge within the TTL.
import type pg from 'pg';
import type { ItemFilterInput } from '../vector/filters.js';
import { itemFilterSql } from './item-filter-sql.js';

export type PopularWindow = 'ALL_TIME' | 'LAST_30_DAYS' | 'LAST_7_DAYS';

export interface PopularItem {
  itemId: number;
  count: number;
}

const WINDOW_DAYS: Record<PopularWindow, number | null> = { ALL_TIME: null, LAST_30_DAYS: 30, LAST_7_DAYS: 7 };

export interface CacheObserver {
  (cache: string, hit: boolean): void;
}

export class PopularItems {
  private cache = new Map<string, { at: number; items: PopularItem[] }>();

  constructor(
    private readonly pool: pg.Pool,
    private readonly options: { ttlMs?: number; depth?: number; maxEntries?: number; onLookup?: CacheObserver } = {},
  ) {}

  /** Top `limit` items; `filter.excludeIds` are skipped (the cache holds the list before exclusion). */
  async top(limit: number, options: { window?: PopularWindow; filter?: ItemFilterInput; offset?: number } = {}): Promise<{ items: PopularItem[]; hasMore: boolean }> {
    const { excludeIds, ...filter } = options.filter ?? {};
    const ranked = await this.load(options.window ?? 'ALL_TIME', filter);
    const exclude = new Set(excludeIds ?? []);
    const kept = ranked.filter((item) => !exclude.has(item.itemId));
    const start = options.offset ?? 0;
    return { items: kept.slice(start, start + limit), hasMore: kept.length > start + limit };
  }

  invalidate(): void {
    this.cache.clear();
  }

  private async load(window: PopularWindow, filter: ItemFilterInput): Promise<PopularItem[]> {
    const key = JSON.stringify([window, filter]);
    const ttl = this.options.ttlMs ?? 60_000;
    const cached = this.cache.get(key);
    const hit = cached !== undefined && Date.now() - cached.at < ttl;
    this.options.onLookup?.('popular', hit);
    if (hit) return cached.items;
    const params: unknown[] = [this.options.depth ?? 1000];
    const days = WINDOW_DAYS[window];
    const since = days === null ? '' : `AND x.occurred_at >= now() - interval '${days} days'`;
    const { rows } = await this.pool.query<PopularItem>(
      `SELECT x.item_id AS "itemId", count(*)::int AS count
         FROM interactions x JOIN items it ON it.id = x.item_id
        WHERE ${itemFilterSql(filter, params)} ${since}
        GROUP BY x.item_id ORDER BY count(*) DESC, x.item_id LIMIT $1`,
      params,
    );
    if (this.cache.size >= (this.options.maxEntries ?? 500)) this.cache.clear();
    this.cache.set(key, { at: Date.now(), items: rows });
    return rows;
  }
}
