// RECGRAPH_TEXT_MODEL end to end: a sentence-transformers-shaped ONNX model (built by the test, no download)
// embeds the catalog at training time and the queries and new items at serving time, over HTTP with real
// Postgres + Qdrant. A replica that cannot load the model the version was trained with says so and answers
// keyword matches instead of comparing vectors from two different spaces.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createPool } from '../../src/db/pool.js';
import { itemText } from '../../src/embedding/item-text.js';
import { startApp, type App } from '../../src/runtime/app.js';
import type { Infrastructure } from '../../src/runtime/infrastructure.js';
import { createLogger } from '../../src/logger.js';
import { generateDemoDataset } from '../../training/demo/generate.js';
import { loadDemoDataset } from '../../training/demo/seed.js';
import { wordSplitter } from '../../training/models/text-encoder/tokenizer-json.js';
import { trainAndPublish } from '../../training/train-job/bootstrap.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';
import { tinyModel, TINY_SPECIALS, writeTinyModel } from '../helpers/tiny-sentence-transformer.js';
import { testConfig } from '../helpers/served-app.js';

interface Found {
  search: { strategy: string; reason: string | null; items: Array<{ source: string; item: { id: string } }> };
}

describe('a sentence-transformers ONNX model configured by RECGRAPH_TEXT_MODEL', () => {
  let db: TestDatabase;
  let infra: Infrastructure;
  let app: App;
  let dir: string;
  let modelDir: string;
  const dataset = generateDemoDataset({ seed: 21, items: 200, users: 120, eventsPerUser: 15 });
  const documents = dataset.items.map((item) => itemText(item));
  const prefix = `stm_${Date.now().toString(36)}_`;

  async function search(target: App, query: string, mode = 'SEMANTIC'): Promise<Found['search']> {
    const response = await fetch(target.server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        query: `query($q: String!) { search(query: $q, mode: ${mode}, first: 5) { strategy reason items { source item { id } } } }`,
        variables: { q: query },
      }),
    });
    const body = (await response.json()) as { data?: Found; errors?: unknown[] };
    expect(body.errors, JSON.stringify(body.errors)).toBeUndefined();
    return body.data!.search;
  }

  beforeAll(async () => {
    db = await createTestDatabase();
    dir = await mkdtemp(path.join(os.tmpdir(), 'recgraph-st-e2e-'));
    const split = wordSplitter();
    const words = [...new Set(documents.flatMap((doc) => split(doc)))].filter((w) => /\p{L}/u.test(w)).sort();
    modelDir = await writeTinyModel(
      path.join(dir, 'sentence-model'),
      tinyModel(1, 48, 128, [...TINY_SPECIALS, ...words]),
    );
    const pool = createPool(db.url);
    await loadDemoDataset(pool, dataset);
    const config = testConfig({ databaseUrl: db.url, dataDir: dir, prefix, env: { RECGRAPH_TEXT_MODEL: modelDir } });
    infra = {
      databaseUrl: db.url,
      qdrantUrl: inject('qdrantUrl'),
      qdrantApiKey: undefined,
      embeddedPostgres: false,
      pool,
      stop: () => pool.end(),
    };
    app = await startApp(config, infra);
    await trainAndPublish(pool, app.vectorStore, createLogger('silent'), {
      dataDir: dir,
      prefix,
      params: { factors: 16, iterations: 4 },
      train: { model: 'blend' },
      textModelPath: config.textModelPath,
    });
  });

  afterAll(async () => {
    await app?.stop();
    await infra?.stop();
    await db?.drop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('records the external encoder on the version and fills the semantic collection in its space', async () => {
    const { rows } = await infra.pool.query<{
      text: { kind: string; source: string; dimension: number; path: string };
    }>(`SELECT artifacts->'text' AS text FROM model_versions WHERE status = 'active'`);
    expect(rows[0].text).toMatchObject({ kind: 'onnx', source: 'external', dimension: 48, path: modelDir });
  });

  it("embeds search queries with it: an item's own text finds that item first", async () => {
    for (const index of [0, 17, 99]) {
      const found = await search(app, documents[index]);
      expect(found.items[0]).toEqual({ source: 'SEMANTIC', item: { id: dataset.items[index].externalId } });
    }
  });

  it('embeds new items with it at once (upsertItems), so they are found by their text', async () => {
    const response = await fetch(app.server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        query: `mutation { upsertItems(input: [{ id: "st-new", title: "Galaxy of the Dragon", creators: ["Ada Quinn"], genres: ["fantasy"], description: "A star and a throne." }]) { created } }`,
      }),
    });
    expect(((await response.json()) as { data: { upsertItems: { created: number } } }).data.upsertItems.created).toBe(
      1,
    );
    const found = await search(
      app,
      itemText({
        title: 'Galaxy of the Dragon',
        creators: ['Ada Quinn'],
        genres: ['fantasy'],
        tags: [],
        description: 'A star and a throne.',
      }),
    );
    expect(found.items[0].item.id).toBe('st-new');
  });

  it('refuses to start with a RECGRAPH_TEXT_MODEL it cannot load, and says why', async () => {
    const config = testConfig({
      databaseUrl: db.url,
      dataDir: dir,
      prefix,
      env: { RECGRAPH_TEXT_MODEL: path.join(dir, 'no-such-model') },
    });
    await expect(startApp(config, infra)).rejects.toThrow(/no model\.onnx in .*no-such-model/);
  });

  it('a replica without that model answers keyword matches and says why, instead of mixing spaces', async () => {
    const config = testConfig({ databaseUrl: db.url, dataDir: dir, prefix });
    await rm(modelDir, { recursive: true, force: true });
    const replica = await startApp(config, infra);
    try {
      const found = await search(replica, 'dragon');
      expect(found.reason).toMatch(/text encoder unavailable: .*cannot be loaded here.*keyword matches only/);
      expect(found.items.length).toBeGreaterThan(0);
      expect(found.items.every((entry) => entry.source === 'KEYWORD')).toBe(true);
    } finally {
      await replica.stop();
    }
  });
});
