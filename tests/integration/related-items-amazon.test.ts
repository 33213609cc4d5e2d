// similarItems(mode: RELATED) on the real Amazon 2018 Gift Cards sample (../shared/datasets, read in place): after
// `ingest amazon`, an item's related list is its metadata's also_buy then also_view, in the file's order, reduced to
// the products the catalogue holds — checked against the raw file read here independently of the ingest.
import { createReadStream, existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createPool } from '../../src/db/pool.js';
import { createServices } from '../../src/runtime/app.js';
import { VectorStore } from '../../src/vector/client.js';
import { runIngest } from '../../training/ingest/ingest.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';
import { uniquePrefix } from '../helpers/qdrant.js';

const GIFT_CARDS = path.resolve(import.meta.dirname, '../../../shared/datasets/amazon-2018-gift-cards');

interface Meta {
  asin: string;
  also_buy?: string[];
  also_view?: string[];
}

async function readMeta(): Promise<Meta[]> {
  const lines = readline.createInterface({
    input: createReadStream(path.join(GIFT_CARDS, 'meta_Gift_Cards.json.gz')).pipe(zlib.createGunzip()),
  });
  const metas: Meta[] = [];
  for await (const line of lines) if (line.trim()) metas.push(JSON.parse(line) as Meta);
  return metas;
}

describe.skipIf(!existsSync(GIFT_CARDS))('similarItems(mode: RELATED) on Amazon 2018 Gift Cards', () => {
  let db: TestDatabase;
  let pool: ReturnType<typeof createPool>;
  let store: VectorStore;
  let services: ReturnType<typeof createServices>;

  beforeAll(async () => {
    db = await createTestDatabase();
    pool = createPool(db.url);
    await runIngest(pool, 'amazon', [GIFT_CARDS], { rejectFile: null });
    store = new VectorStore({ url: inject('qdrantUrl') });
    // Only the API's list-making is used: no training job is ever launched, so its data dir is never written.
    services = createServices(
      { collectionPrefix: uniquePrefix('related'), dataDir: os.tmpdir() },
      { pool, servingPool: undefined, databaseUrl: db.url, qdrantUrl: store.url, qdrantApiKey: undefined },
      store,
    );
  }, 120_000);
  afterAll(async () => {
    store?.close();
    await pool?.end();
    await db?.drop();
  });

  it("lists each item's also_buy then also_view products that the catalogue holds, in the file's order", async () => {
    const { rows } = await pool.query<{ external_id: string }>('SELECT external_id FROM items');
    const inCatalogue = new Set(rows.map((r) => r.external_id));
    const expectedOf = (meta: Meta) => {
      const seen = new Set<string>([meta.asin]);
      const out: Array<[string, string]> = [];
      for (const [ids, source] of [
        [meta.also_buy ?? [], 'ALSO_BOUGHT'],
        [meta.also_view ?? [], 'ALSO_VIEWED'],
      ] as const) {
        for (const id of ids) {
          if (!inCatalogue.has(id) || seen.has(id)) continue;
          seen.add(id);
          out.push([id, source]);
        }
      }
      return out;
    };
    const withRelations = (await readMeta())
      .filter((meta) => inCatalogue.has(meta.asin))
      .map((meta) => ({ meta, expected: expectedOf(meta) }))
      .filter(({ expected }) => expected.length >= 2)
      .sort((a, b) => b.expected.length - a.expected.length);
    expect(withRelations.length).toBeGreaterThan(10);
    const sources = new Set(withRelations.flatMap(({ expected }) => expected.map(([, source]) => source)));
    expect([...sources].sort()).toEqual(['ALSO_BOUGHT', 'ALSO_VIEWED']);

    for (const { meta, expected } of withRelations.slice(0, 15)) {
      const [item] = await services.items.byExternalIds([meta.asin]);
      const result = await services.recommender.similarTo(item!, 'RELATED', 100, {});
      const rowsOut = await services.items.byIds(result.items.map((e) => e.itemId));
      expect(result.strategy).toBe('RELATED');
      expect(result.items.map((e, i) => [rowsOut[i]!.externalId, e.source])).toEqual(expected.slice(0, 100));
    }
  });
});
