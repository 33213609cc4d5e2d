// The serving path's pure helpers: exclusion by over-fetching, the item metadata cache, the per-version vector cache.
import { describe, expect, it } from 'vitest';
import { CachedItemReader, type ItemReader } from '../../src/db/item-cache.js';
import { diversifyByGenre } from '../../src/db/popularity.js';
import type { ItemRow } from '../../src/db/items.js';
import { MAX_LOCAL_EXCLUSIONS, searchExcluding } from '../../src/recommend/exclusions.js';
import { MISS, VectorCache } from '../../src/recommend/vector-cache.js';
import type { QdrantFilter } from '../../src/vector/filters.js';

describe('searchExcluding', () => {
  // A ranked "collection" of ids 1..100, best first; records what each call asked for.
  const calls: Array<{ limit: number; filter: QdrantFilter | undefined }> = [];
  const search = async (limit: number, filter: QdrantFilter | undefined) => {
    calls.push({ limit, filter });
    return Array.from({ length: Math.min(limit, 100) }, (_, i) => ({ id: i + 1, score: 100 - i }));
  };

  it('over-fetches by the number of excluded ids and drops them, so the list stays full', async () => {
    calls.length = 0;
    const hits = await searchExcluding({ excludeIds: [1, 3, 4], genres: ['poetry'] }, 5, search);
    expect(hits!.map((h) => h.id)).toEqual([2, 5, 6, 7, 8]);
    expect(calls).toEqual([{ limit: 8, filter: { must: [{ key: 'genres', match: { any: ['poetry'] } }] } }]);
  });

  it('sends a large exclusion set to Qdrant as a has_id filter instead', async () => {
    calls.length = 0;
    const many = Array.from({ length: MAX_LOCAL_EXCLUSIONS + 1 }, (_, i) => 1000 + i);
    await searchExcluding({ excludeIds: many }, 5, search);
    expect(calls[0].limit).toBe(5);
    expect(calls[0].filter?.must_not).toEqual([{ has_id: many }]);
  });

  it('passes "no such point" through', async () => {
    expect(await searchExcluding({ excludeIds: [1] }, 5, async () => undefined)).toBeUndefined();
  });
});

describe('CachedItemReader', () => {
  const row = (id: number, title = `t${id}`): ItemRow => ({
    id,
    externalId: `e${id}`,
    title,
    creators: [],
    genres: [],
    tags: [],
    year: null,
    publisher: null,
    description: null,
    imageUrl: null,
    language: null,
    deletedAt: null,
  });
  function source() {
    const rows = new Map([1, 2, 3].map((id) => [id, row(id)]));
    const reads: number[][] = [];
    const reader: ItemReader = {
      byIds: async (ids) => (reads.push([...ids]), ids.map((id) => rows.get(id))),
      byExternalIds: async (ids) => ids.map((e) => rows.get(Number(e.slice(1)))),
    };
    return { rows, reads, reader };
  }

  it('loads only what it has not seen, by either id, and does not remember unknown ids', async () => {
    const { reads, reader, rows } = source();
    const cache = new CachedItemReader(reader);
    expect((await cache.byIds([1, 2])).map((r) => r?.title)).toEqual(['t1', 't2']);
    expect((await cache.byIds([2, 3, 9])).map((r) => r?.title)).toEqual(['t2', 't3', undefined]);
    expect((await cache.byExternalIds(['e1', 'e3'])).map((r) => r?.id)).toEqual([1, 3]);
    expect(reads).toEqual([
      [1, 2],
      [3, 9],
    ]);
    rows.set(9, row(9));
    expect((await cache.byIds([9]))[0]?.title).toBe('t9');
  });

  it('forgets invalidated rows and expires the rest after the TTL', async () => {
    const { rows, reader } = source();
    let now = 0;
    const realNow = Date.now;
    Date.now = () => now;
    try {
      const cache = new CachedItemReader(reader, { ttlMs: 1000 });
      await cache.byIds([1, 2]);
      rows.set(1, row(1, 'renamed'));
      rows.set(2, row(2, 'renamed'));
      cache.invalidate({ externalIds: ['e1'] });
      expect((await cache.byIds([1, 2])).map((r) => r?.title)).toEqual(['renamed', 't2']);
      now = 1500;
      expect((await cache.byIds([2]))[0]?.title).toBe('renamed');
    } finally {
      Date.now = realNow;
    }
  });
});

describe('VectorCache', () => {
  it('answers per model version, remembers absent points, and forgets ids on demand', () => {
    const cache = new VectorCache();
    expect(cache.get('v1', 'users', 7)).toBe(MISS);
    cache.set('v1', 'users', 7, [1, 2]);
    cache.set('v1', 'users', 8, undefined);
    cache.set('v1', 'items', 7, [3]);
    expect(cache.get('v1', 'users', 7)).toEqual([1, 2]);
    expect(cache.get('v1', 'users', 8)).toBeUndefined();
    cache.forget(['items'], [7]);
    expect(cache.get('v1', 'items', 7)).toBe(MISS);
    expect(cache.get('v2', 'users', 7)).toBe(MISS);
    cache.set('v2', 'users', 1, [0]);
    expect(cache.get('v1', 'users', 7)).toBe(MISS);
  });
});

describe('VectorCache storage', () => {
  it('returns what was stored (as float32), reuses forgotten rows, and evicts the oldest past its cap', () => {
    const cache = new VectorCache(20);
    const vector = (id: number) => [id + 0.1, -id, 1 / 3];
    for (let id = 1; id <= 19; id++) cache.set('v1', 'items', id, vector(id));
    expect(cache.get('v1', 'items', 7)).toEqual(Array.from(Float32Array.from(vector(7))));
    cache.forget(['items'], [7]);
    cache.set('v1', 'items', 100, vector(100)); // takes row 7's place
    expect(cache.get('v1', 'items', 100)).toEqual(Array.from(Float32Array.from(vector(100))));
    expect(cache.get('v1', 'items', 7)).toBe(MISS);
    for (let id = 1; id <= 19; id++)
      if (id !== 7) expect(cache.get('v1', 'items', id)).toEqual(Array.from(Float32Array.from(vector(id))));
    cache.set('v1', 'users', 1, undefined);
    expect(cache.size).toBe(20);
    cache.set('v1', 'items', 200, vector(200)); // over the cap: the oldest two items go
    expect(cache.get('v1', 'items', 1)).toBe(MISS);
    expect(cache.get('v1', 'items', 2)).toBe(MISS);
    expect(cache.get('v1', 'items', 3)).toEqual(Array.from(Float32Array.from(vector(3))));
    expect(cache.get('v1', 'items', 200)).toEqual(Array.from(Float32Array.from(vector(200))));
    expect(cache.get('v1', 'users', 1)).toBeUndefined();
    // A view holds the same values as a copy, without one.
    expect(Array.from(cache.view('v1', 'items', 200) as Float32Array)).toEqual(cache.get('v1', 'items', 200));
    expect(cache.view('v1', 'users', 1)).toBeUndefined();
    expect(cache.view('v1', 'items', 1)).toBe(MISS);
    expect(cache.view('v2', 'items', 200)).toBe(MISS);
  });
});

describe('diversifyByGenre', () => {
  it('keeps the most popular first but spreads the list over genres, deterministically', () => {
    const ranked = [
      { itemId: 1, count: 100, genre: 'fantasy' },
      { itemId: 2, count: 90, genre: 'fantasy' },
      { itemId: 3, count: 80, genre: 'fantasy' },
      { itemId: 4, count: 70, genre: 'horror' },
      { itemId: 5, count: 30, genre: 'poetry' },
      { itemId: 6, count: 20, genre: null },
    ];
    const order = diversifyByGenre(ranked).map((item) => item.itemId);
    // 100; then horror 70 beats fantasy 90 × 0.6 = 54; then fantasy 54 beats poetry 30; fantasy 80 × 0.36 = 28.8 …
    expect(order).toEqual([1, 4, 2, 5, 3, 6]);
    expect(diversifyByGenre(ranked).map((item) => item.itemId)).toEqual(order);
    expect(new Set(order).size).toBe(ranked.length);
  });
});

describe('VectorCache.preload', () => {
  const pages = (alias: string, offset: number | undefined) => {
    const start = offset ?? 1;
    const ids = [start, start + 1].filter((id) => id <= 5);
    return Promise.resolve({
      points: ids.map((id) => ({ id, vector: [id, alias.length] })),
      nextOffset: start + 2 <= 5 ? start + 2 : undefined,
    });
  };
  const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

  it('reads every page of every collection once per version, up to the cap', async () => {
    const cache = new VectorCache();
    let calls = 0;
    const counted = (alias: string, offset: number | undefined) => (calls++, pages(alias, offset));
    cache.preload('v1', ['users', 'items'], 100, counted);
    cache.preload('v1', ['users', 'items'], 100, counted); // already running: no second pass
    for (let i = 0; i < 10; i++) await settle();
    expect(calls).toBe(6);
    expect(cache.get('v1', 'users', 5)).toEqual([5, 5]);
    expect(cache.get('v1', 'items', 1)).toEqual([1, 5]);
    expect(cache.size).toBe(10);

    const capped = new VectorCache();
    capped.preload('v1', ['users'], 2, pages);
    for (let i = 0; i < 10; i++) await settle();
    expect(capped.size).toBe(2);
  });

  it('stops when a newer version is cached meanwhile, and retries only later after a failure', async () => {
    const cache = new VectorCache();
    cache.preload('v1', ['users'], 100, async (alias, offset) => {
      cache.set('v2', 'users', 99, [9]);
      return pages(alias, offset);
    });
    for (let i = 0; i < 10; i++) await settle();
    expect(cache.currentVersion).toBe('v2');
    expect(cache.size).toBe(1);

    const failing = new VectorCache();
    let attempts = 0;
    failing.preload('v1', ['users'], 100, async () => (attempts++, Promise.reject(new Error('down'))));
    await settle();
    failing.preload('v1', ['users'], 100, async () => (attempts++, Promise.reject(new Error('down'))));
    await settle();
    expect(attempts).toBe(1);
  });
});

describe('VectorCache byte cap (RECGRAPH_VECTOR_CACHE_MAX_MB)', () => {
  // Dimension 4: 16 B of floats + 64 B of index per entry, so 800 B hold 10 entries.
  const vector = (id: number) => [id, id + 0.5, -id, 1];
  const stored = (id: number) => Array.from(Float32Array.from(vector(id)));

  it('holds at most its bytes, evicts the oldest, and still answers right for what it keeps', () => {
    const cache = new VectorCache(1_000_000, 800);
    for (let id = 1; id <= 30; id++) {
      cache.set('v1', 'users', id, vector(id));
      expect(cache.bytes).toBeLessThanOrEqual(800);
    }
    expect(cache.size).toBeLessThanOrEqual(10);
    expect(cache.get('v1', 'users', 30)).toEqual(stored(30));
    expect(cache.get('v1', 'users', 29)).toEqual(stored(29));
    expect(cache.get('v1', 'users', 1)).toBe(MISS);
    // What is kept is exact, whatever rows were reused.
    for (let id = 1; id <= 30; id++) {
      const answer = cache.get('v1', 'users', id);
      if (answer !== MISS) expect(answer).toEqual(stored(id));
    }
  });

  it('does not reuse an evicted row for a tenth of the cap of insertions (a request may still hold its view)', () => {
    const cache = new VectorCache(1_000_000, 8000); // 100 entries
    for (let id = 1; id <= 100; id++) cache.set('v1', 'users', id, vector(id));
    const view = cache.view('v1', 'users', 1) as Float32Array;
    cache.set('v1', 'users', 101, vector(101)); // full: the oldest tenth (ids 1–10) goes
    expect(cache.get('v1', 'users', 1)).toBe(MISS);
    expect(cache.get('v1', 'users', 11)).toEqual(stored(11));
    for (let id = 102; id <= 110; id++) cache.set('v1', 'users', id, vector(id));
    expect(Array.from(view)).toEqual(stored(1)); // still id 1's numbers
    for (let id = 101; id <= 110; id++) expect(cache.get('v1', 'users', id)).toEqual(stored(id));
  });

  it('stops a preload when full instead of evicting what it read', async () => {
    const cache = new VectorCache(1_000_000, 800);
    let pages = 0;
    cache.preload('v1', ['users'], 1_000, async (_alias, offset) => {
      pages++;
      const start = offset ?? 1;
      return {
        points: Array.from({ length: 4 }, (_, k) => ({ id: start + k, vector: vector(start + k) })),
        nextOffset: start + 4,
      };
    });
    for (let i = 0; i < 20; i++) await new Promise((resolve) => setTimeout(resolve, 0));
    expect(cache.size).toBe(10);
    expect(pages).toBe(3);
    expect(cache.get('v1', 'users', 1)).toEqual(stored(1));
  });
});
