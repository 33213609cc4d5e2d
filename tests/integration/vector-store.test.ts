// VectorStore against a real Qdrant: collections, points, search (order, filters, batch), retrieve, errors.
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VectorStore } from '../../src/vector/client.js';
import { freePort } from '../../src/net/free-port.js';
import { isQdrantUnavailable, QdrantError, QdrantUnavailableError } from '../../src/vector/errors.js';
import type { ItemFilterInput } from '../../src/catalogue.js';
import { buildItemFilter, ITEM_PAYLOAD_INDEXES } from '../../src/vector/filters.js';
import { dropPrefixed, getTestQdrant, uniquePrefix, type TestQdrant } from '../helpers/qdrant.js';
import { uniform } from '../../src/random.js';

const DIM = 8;
const COUNT = 300;
const GENRES = ['Action', 'Comedy', 'Drama', 'Horror', 'Sci-Fi'];

interface ItemPayload extends Record<string, unknown> {
  genres: string[];
  year: number;
  creators: string[];
  popularity: number;
}

const random = uniform(42);
const ids = Array.from({ length: COUNT }, (_, i) => 1000 + i * 3); // sparse ids, like Postgres ids after deletes
const vectors = Float32Array.from({ length: COUNT * DIM }, () => random() * 2 - 1);
const payloads: ItemPayload[] = ids.map((_, i) => ({
  genres: [GENRES[i % GENRES.length]!, ...(i % 7 === 0 ? [GENRES[(i + 2) % GENRES.length]!] : [])],
  year: 1950 + (i % 70),
  creators: [`c${i % 13}`],
  popularity: (i % 100) / 100,
}));

const rowOf = (index: number) => vectors.subarray(index * DIM, (index + 1) * DIM);
const dot = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i]! * b[i]!;
  return sum;
};

/** Brute-force expectation: ids matching `filter`, best dot score first. */
function expectedTop(query: number[], limit: number, filter: ItemFilterInput = {}): number[] {
  const matches = (p: ItemPayload, id: number) =>
    (!filter.genres?.length || p.genres.some((g) => filter.genres!.includes(g))) &&
    (filter.yearFrom === undefined || p.year >= filter.yearFrom) &&
    (filter.yearTo === undefined || p.year <= filter.yearTo) &&
    (!filter.creators?.length || p.creators.some((c) => filter.creators!.includes(c))) &&
    !filter.excludeIds?.includes(id);
  return ids
    .map((id, i) => ({ id, i, score: dot(rowOf(i), query) }))
    .filter(({ id, i }) => matches(payloads[i]!, id))
    .sort((a, b) => b.score - a.score)
    .slice(0, limit)
    .map(({ id }) => id);
}

let qdrant: TestQdrant;
let store: VectorStore;
const prefix = uniquePrefix('vstore');
const items = `${prefix}items`;
const query = Array.from({ length: DIM }, () => random() * 2 - 1);

beforeAll(async () => {
  qdrant = await getTestQdrant();
  store = new VectorStore({ url: qdrant.url });
  await store.createCollection(items, { dimension: DIM, distance: 'Dot', bulkLoad: true });
  await store.createPayloadIndexes(items, ITEM_PAYLOAD_INDEXES);
  // Small batches + 2 in flight exercise the batching path.
  await store.upsert(items, { ids, vectors, payloads }, { batchSize: 64, parallel: 2 });
  await store.finishBulkLoad(items);
});

afterAll(async () => {
  if (store) {
    await dropPrefixed(store, prefix);
    store.close();
  }
  await qdrant?.stop();
});

describe('collections', () => {
  it('reports existence, listing, exact count and config', async () => {
    expect(await store.collectionExists(items)).toBe(true);
    expect(await store.collectionExists(`${prefix}missing`)).toBe(false);
    expect(await store.listCollections()).toContain(items);
    expect(await store.count(items)).toBe(COUNT);
    expect(await store.count(items, buildItemFilter({ genres: ['Horror'] }))).toBe(
      payloads.filter((p) => p.genres.includes('Horror')).length,
    );
    const info = await store.collectionInfo(items);
    expect(info.config.params.vectors).toMatchObject({ size: DIM, distance: 'Dot' });
    expect(info.config.params.on_disk_payload).toBe(false);
    expect(Object.keys(info.payload_schema).sort()).toEqual(Object.keys(ITEM_PAYLOAD_INDEXES).sort());
    expect(info.payload_schema.year?.data_type).toBe('integer');
  });

  it('creates, deletes and reports deletion of an absent collection', async () => {
    const name = `${prefix}tmp`;
    await store.createCollection(name, { dimension: 3, distance: 'Cosine', hnsw: { m: 8, efConstruct: 64 } });
    const info = await store.collectionInfo(name);
    expect(info.config.hnsw_config).toMatchObject({ m: 8, ef_construct: 64 });
    expect(info.config.params.vectors).toMatchObject({ distance: 'Cosine' });
    expect(await store.deleteCollection(name)).toBe(true);
    expect(await store.deleteCollection(name)).toBe(false);
  });
});

describe('search', () => {
  it('returns the best dot-product scores first, with exact scores', async () => {
    const hits = await store.search<ItemPayload>(items, { vector: query, limit: 20, exact: true });
    expect(hits.map((h) => h.id)).toEqual(expectedTop(query, 20));
    for (const hit of hits) {
      expect(hit.score).toBeCloseTo(dot(rowOf(ids.indexOf(hit.id)), query), 4);
      expect(hit.payload).toBeUndefined();
      expect(hit.vector).toBeUndefined();
    }
    for (let i = 1; i < hits.length; i++) expect(hits[i - 1]!.score).toBeGreaterThanOrEqual(hits[i]!.score);
  });

  it('accepts a Float32Array query, offset and a payload key selection', async () => {
    const all = await store.search(items, { vector: Float32Array.from(query), limit: 10, exact: true });
    const paged = await store.search<ItemPayload>(items, {
      vector: query,
      limit: 5,
      offset: 5,
      exact: true,
      withPayload: ['year'],
    });
    expect(paged.map((h) => h.id)).toEqual(all.slice(5).map((h) => h.id));
    for (const hit of paged) expect(hit.payload).toEqual({ year: payloads[ids.indexOf(hit.id)]!.year });
  });

  it('drops hits under the score threshold', async () => {
    const hits = await store.search(items, { vector: query, limit: COUNT, exact: true, scoreThreshold: 0.5 });
    expect(hits.length).toBeGreaterThan(0);
    expect(hits.every((h) => h.score >= 0.5)).toBe(true);
    expect(hits.length).toBe(ids.filter((_, i) => dot(rowOf(i), query) >= 0.5).length);
  });

  it.each<[string, ItemFilterInput]>([
    ['genre match any', { genres: ['Comedy', 'Horror'] }],
    ['year range', { yearFrom: 1980, yearTo: 1989 }],
    ['open year range', { yearFrom: 2010 }],
    ['creators', { creators: ['c3', 'c4'] }],
    ['excluded ids', { excludeIds: expectedTop(query, 5) }],
    [
      'all together',
      { genres: ['Drama'], yearFrom: 1960, excludeIds: expectedTop(query, 3, { genres: ['Drama'], yearFrom: 1960 }) },
    ],
  ])('filters: %s', async (_, filter) => {
    const hits = await store.search<ItemPayload>(items, {
      vector: query,
      limit: 15,
      filter: buildItemFilter(filter),
      withPayload: true,
      exact: true,
    });
    expect(hits.map((h) => h.id)).toEqual(expectedTop(query, 15, filter));
    expect(hits.length).toBe(15);
    for (const hit of hits) expect(hit.payload).toEqual(payloads[ids.indexOf(hit.id)]);
  });

  it('HNSW search (not exact) returns the same top results on this small collection', async () => {
    const hits = await store.search(items, {
      vector: query,
      limit: 10,
      hnswEf: 128,
      filter: buildItemFilter({ genres: ['Action'] }),
    });
    expect(hits.map((h) => h.id)).toEqual(expectedTop(query, 10, { genres: ['Action'] }));
  });

  it('runs several searches in one batch request, results in query order', async () => {
    const other = query.map((v) => -v);
    const [first, second, third] = await store.searchBatch<ItemPayload>(items, [
      { vector: query, limit: 5, exact: true },
      { vector: other, limit: 3, exact: true, withVector: true },
      { vector: query, limit: 4, exact: true, filter: buildItemFilter({ yearTo: 1960 }), withPayload: ['year'] },
    ]);
    expect(first!.map((h) => h.id)).toEqual(expectedTop(query, 5));
    expect(second!.map((h) => h.id)).toEqual(expectedTop(other, 3));
    expect(second![0]!.vector).toHaveLength(DIM);
    expect(third!.map((h) => h.id)).toEqual(expectedTop(query, 4, { yearTo: 1960 }));
    expect(third!.every((h) => (h.payload as { year: number }).year <= 1960)).toBe(true);
    expect(await store.searchBatch(items, [])).toEqual([]);
  });

  it('recommends by example ids: nearest to their average vector, examples excluded', async () => {
    const examples = [0, 1];
    const average = Array.from({ length: DIM }, (_, d) => (rowOf(0)[d]! + rowOf(1)[d]!) / 2);
    const hits = await store.recommend(items, { positive: examples.map((i) => ids[i]!), limit: 10, exact: true });
    const expected = expectedTop(average, 12)
      .filter((id) => id !== ids[0] && id !== ids[1])
      .slice(0, 10);
    expect(hits.map((h) => h.id)).toEqual(expected);
  });
});

describe('points', () => {
  it('scrolls through every point in id order, page by page, with vectors', async () => {
    const seen: number[] = [];
    let offset: number | undefined;
    let pages = 0;
    do {
      const page = await store.scroll(items, { limit: 7, offset, withVector: true });
      for (const point of page.points) {
        seen.push(point.id);
        expect(Float32Array.from(point.vector!)).toEqual(rowOf(ids.indexOf(point.id)));
      }
      offset = page.nextOffset;
      pages++;
    } while (offset !== undefined);
    expect(seen).toEqual([...ids].sort((a, b) => a - b));
    expect(pages).toBe(Math.ceil(ids.length / 7));
  });

  it('retrieves points in the requested order with exact float32 vectors, skipping unknown ids', async () => {
    const wanted = [ids[10]!, 999_999, ids[3]!];
    const records = await store.retrieve<ItemPayload>(items, wanted, { withVector: true, withPayload: true });
    expect(records.map((r) => r.id)).toEqual([ids[10], ids[3]]);
    expect(Float32Array.from(records[0]!.vector!)).toEqual(rowOf(10));
    expect(Float32Array.from(records[1]!.vector!)).toEqual(rowOf(3));
    expect(records[0]!.payload).toEqual(payloads[10]);
    const bare = await store.retrieve(items, [ids[10]!]);
    expect(bare).toEqual([{ id: ids[10] }]);
  });

  it('upserts over existing ids, sets payload and deletes points', async () => {
    const name = `${prefix}points`;
    await store.createCollection(name, { dimension: 2, distance: 'Dot' });
    await store.upsert(name, {
      ids: [1, 2, 3],
      vectors: [
        [1, 0],
        [0, 1],
        [1, 1],
      ],
      payloads: [{ year: 2000 }, { year: 2001 }, undefined],
    });
    await store.upsert(name, { ids: [2], vectors: new Float32Array([2, 2]) });
    expect(await store.count(name)).toBe(3);
    expect((await store.retrieve(name, [2], { withVector: true, withPayload: true }))[0]).toEqual({
      id: 2,
      vector: [2, 2],
      payload: {},
    });

    await store.setPayload(name, [1, 3], { popularity: 0.5 });
    const withPayload = await store.retrieve(name, [1, 3], { withPayload: true });
    expect(withPayload.map((r) => r.payload)).toEqual([{ year: 2000, popularity: 0.5 }, { popularity: 0.5 }]);

    await store.deletePoints(name, [1, 2]);
    expect(await store.count(name)).toBe(1);
    expect((await store.search(name, { vector: [1, 1], limit: 10 })).map((h) => h.id)).toEqual([3]);
  });

  it('rejects a wrong dimension before sending', async () => {
    await expect(
      store.upsert(items, {
        ids: [1, 2],
        vectors: [
          [1, 2],
          [3, 4, 5],
        ],
      }),
    ).rejects.toThrow(/expected 2/);
  });
});

describe('errors', () => {
  it("unknown collection → QdrantError 404 with Qdrant's message", async () => {
    const missing = `${prefix}nope`;
    const error = await store.search(missing, { vector: query, limit: 1 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(QdrantError);
    expect(error).toMatchObject({ status: 404, method: 'POST' });
    expect((error as QdrantError).qdrantMessage).toMatch(new RegExp(`Collection .${missing}. doesn't exist`));
    expect(isQdrantUnavailable(error)).toBe(false);
  });

  it('bad request → QdrantError 400 naming the problem', async () => {
    const error = await store.search(items, { vector: [1, 2, 3], limit: 1 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(QdrantError);
    expect(error).toMatchObject({ status: 400 });
    expect((error as QdrantError).qdrantMessage).toMatch(/dimension/i);
  });

  it('unreachable server → QdrantUnavailableError (connection refused), ready() is false', async () => {
    const port = await freePort();
    const offline = new VectorStore({ url: `http://127.0.0.1:${port}` });
    try {
      const error = await offline.search(items, { vector: query, limit: 1 }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(QdrantUnavailableError);
      expect(error).toMatchObject({ reason: 'connection', code: 'ECONNREFUSED' });
      expect(isQdrantUnavailable(error)).toBe(true);
      expect(await offline.ready(200)).toBe(false);
    } finally {
      offline.close();
    }
  });

  it('a server that never answers → QdrantUnavailableError (timeout) after the deadline', async () => {
    const sockets: net.Socket[] = [];
    const silent = net.createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as net.AddressInfo;
    const stalled = new VectorStore({ url: `http://127.0.0.1:${port}`, timeoutMs: 150 });
    try {
      const started = performance.now();
      const error = await stalled.count(items).catch((e: unknown) => e);
      expect(error).toMatchObject({ name: 'QdrantUnavailableError', reason: 'timeout' });
      expect(performance.now() - started).toBeLessThan(2000);
      expect(await stalled.ready(100)).toBe(false);
    } finally {
      stalled.close();
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  });

  it('ready() is true against the live server', async () => {
    expect(await store.ready()).toBe(true);
  });
});
