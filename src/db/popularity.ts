// Most interacted-with live items per time window and filter. Computed in Postgres and cached for a short TTL:
// exact enough for a fallback list, and replicas converge within the TTL.
import type pg from 'pg';
import type { ItemFilterInput } from '../catalogue.js';
import { itemFilterSql } from './item-filter-sql.js';

export type PopularWindow = 'ALL_TIME' | 'LAST_30_DAYS' | 'LAST_7_DAYS';

export interface PopularItem {
  itemId: number;
  count: number;
  /** The item's first genre (null without genres): what the diversified order spreads over. */
  genre: string | null;
}

/** Each earlier pick of the same genre multiplies an item's count by this in the diversified order. */
const SAME_GENRE_DECAY = 0.6;

/**
 * Popularity order spread over genres: repeatedly takes the item with the highest count × DECAY^(items of its genre
 * already taken). Popular items still lead, but a cold-start list is not ten books of the one biggest genre.
 * Deterministic (ties keep the popularity order), computed once per cached list.
 */
export function diversifyByGenre(ranked: readonly PopularItem[]): PopularItem[] {
  const queues = new Map<string | null, PopularItem[]>();
  for (const item of ranked) {
    const queue = queues.get(item.genre);
    if (queue) queue.push(item);
    else queues.set(item.genre, [item]);
  }
  const rankOf = new Map(ranked.map((item, index) => [item, index]));
  const taken = new Map<string | null, number>();
  const heads = new Map<string | null, number>([...queues.keys()].map((genre) => [genre, 0]));
  const out: PopularItem[] = [];
  while (out.length < ranked.length) {
    let best: { genre: string | null; value: number; rank: number } | undefined;
    for (const [genre, queue] of queues) {
      const head = heads.get(genre)!;
      if (head >= queue.length) continue;
      const value = queue[head].count * SAME_GENRE_DECAY ** (taken.get(genre) ?? 0);
      const rank = rankOf.get(queue[head])!;
      if (!best || value > best.value || (value === best.value && rank < best.rank)) best = { genre, value, rank };
    }
    const queue = queues.get(best!.genre)!;
    out.push(queue[heads.get(best!.genre)!]);
    heads.set(best!.genre, heads.get(best!.genre)! + 1);
    taken.set(best!.genre, (taken.get(best!.genre) ?? 0) + 1);
  }
  return out;
}

const WINDOW_DAYS: Record<PopularWindow, number | null> = { ALL_TIME: null, LAST_30_DAYS: 30, LAST_7_DAYS: 7 };

export interface CacheObserver {
  (cache: string, hit: boolean): void;
}

/** Popularity among the users whose `attribute` in users.attributes has this value. */
export interface PopularSegment {
  attribute: string;
  value: string;
}

interface RankedList {
  items: PopularItem[];
  /** All events counted for the list (window, filter and segment applied), not only those of the items kept. */
  events: number;
}

interface CacheEntry extends RankedList {
  at: number;
  /** diversifyByGenre(items), computed on first use. */
  diverse?: PopularItem[];
  /** The refresh in flight, shared by every caller (one aggregate over the events at a time per key). */
  refreshing?: Promise<RankedList>;
}

export class PopularItems {
  private cache = new Map<string, CacheEntry>();

  constructor(
    private readonly pool: pg.Pool,
    private readonly options: {
      ttlMs?: number;
      depth?: number;
      maxEntries?: number;
      onLookup?: CacheObserver;
      /** Events of these kinds (dislike, return …) do not make an item popular. */
      negativeKinds?: readonly string[];
    } = {},
  ) {}

  /**
   * Top `limit` items; `filter.excludeIds` are skipped (the cache holds the list before exclusion). `events` is how
   * many events the ranking counted, so a caller can tell a segment too small to say anything from a real answer.
   */
  async top(
    limit: number,
    options: {
      window?: PopularWindow;
      filter?: ItemFilterInput;
      offset?: number;
      diverse?: boolean;
      segment?: PopularSegment;
    } = {},
  ): Promise<{ items: PopularItem[]; hasMore: boolean; events: number }> {
    const { excludeIds, ...filter } = options.filter ?? {};
    const { items: ranked, events } = await this.load(
      options.window ?? 'ALL_TIME',
      filter,
      options.segment,
      options.diverse ?? false,
    );
    const exclude = new Set(excludeIds ?? []);
    const kept = exclude.size ? ranked.filter((item) => !exclude.has(item.itemId)) : ranked;
    const start = options.offset ?? 0;
    return { items: kept.slice(start, start + limit), hasMore: kept.length > start + limit, events };
  }

  invalidate(): void {
    this.cache.clear();
  }

  /**
   * The cached list when fresh. A stale one is still served while one refresh runs in the background, and callers
   * arriving while the first load of a key runs wait for that same load: under load, an expired entry would
   * otherwise send every concurrent request into the same aggregate over all events at once.
   */
  private async load(
    window: PopularWindow,
    filter: ItemFilterInput,
    segment: PopularSegment | undefined,
    diverse: boolean,
  ): Promise<RankedList> {
    const key = JSON.stringify([window, filter, segment ? [segment.attribute, segment.value] : null]);
    const list = await this.loadRanked(key, () => this.query(window, filter, segment));
    if (!diverse) return list;
    const entry = this.cache.get(key);
    if (!entry || entry.items !== list.items) return { items: diversifyByGenre(list.items), events: list.events };
    entry.diverse ??= diversifyByGenre(list.items);
    return { items: entry.diverse, events: list.events };
  }

  private async loadRanked(key: string, query: () => Promise<RankedList>): Promise<RankedList> {
    const ttl = this.options.ttlMs ?? 60_000;
    const entry = this.cache.get(key);
    const observe = this.options.onLookup ?? (() => undefined);
    if (entry && Date.now() - entry.at < ttl) {
      observe('popular', true);
      return entry;
    }
    if (entry?.refreshing) {
      observe('popular', entry.at > 0);
      return entry.at > 0 ? entry : entry.refreshing;
    }
    if (!entry && this.cache.size >= (this.options.maxEntries ?? 500)) this.cache.clear();
    const target: CacheEntry = entry ?? { at: 0, items: [], events: 0 };
    const refreshing = query();
    target.refreshing = refreshing;
    this.cache.set(key, target);
    refreshing.then(
      ({ items, events }) =>
        Object.assign(target, { at: Date.now(), items, events, diverse: undefined, refreshing: undefined }),
      () => {
        target.refreshing = undefined;
        if (target.at === 0 && this.cache.get(key) === target) this.cache.delete(key);
      },
    );
    // A stale list answers now; only the very first load of a key is waited for.
    observe('popular', target.at > 0);
    return target.at > 0 ? { items: target.items, events: target.events } : refreshing;
  }

  private async query(
    window: PopularWindow,
    filter: ItemFilterInput,
    segment: PopularSegment | undefined,
  ): Promise<RankedList> {
    const params: unknown[] = [this.options.depth ?? 1000];
    const days = WINDOW_DAYS[window];
    const since = days === null ? '' : `AND x.occurred_at >= now() - interval '${days} days'`;
    let positive = '';
    if (this.options.negativeKinds?.length) {
      params.push(this.options.negativeKinds);
      positive = `AND x.kind <> ALL($${params.length}::text[])`;
    }
    let bySegment = '';
    if (segment) {
      params.push(segment.attribute, segment.value);
      bySegment = `AND x.user_id IN (SELECT u.id FROM users u WHERE u.attributes ->> $${params.length - 1} = $${params.length})`;
    }
    // The window sum runs before LIMIT: it counts every event of the list, not just those of the top items.
    const { rows } = await this.pool.query<PopularItem & { events: number }>(
      `SELECT x.item_id AS "itemId", count(*)::int AS count, min(it.genres[1]) AS genre,
              (sum(count(*)) OVER ())::float8 AS events
         FROM interactions x JOIN items it ON it.id = x.item_id
        WHERE ${itemFilterSql(filter, params)} ${since} ${bySegment} ${positive}
        GROUP BY x.item_id ORDER BY count(*) DESC, x.item_id LIMIT $1`,
      params,
    );
    return { items: rows.map(({ itemId, count, genre }) => ({ itemId, count, genre })), events: rows[0]?.events ?? 0 };
  }
}
