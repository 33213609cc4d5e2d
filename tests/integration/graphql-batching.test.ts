// DataLoader batching: the number of SQL statements a request sends must not grow with the number of items in
// the answer (no N+1). Statements are counted on the real pool the server uses.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { createPool } from '../../src/db/pool.js';
import { startApp, type App } from '../../src/runtime/app.js';
import { createLogger } from '../../src/logger.js';
import { generateDemoDataset } from '../../training/demo/generate.js';
import { loadDemoDataset } from '../../training/demo/seed.js';
import { trainAndPublish } from '../../training/train-job/bootstrap.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';

describe('SQL statements per request', () => {
  let db: TestDatabase;
  let app: App;
  let pool: pg.Pool;
  let dataDir: string;
  let statements = 0;

  beforeAll(async () => {
    db = await createTestDatabase();
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'recgraph-batching-'));
    pool = createPool(db.url);
    await loadDemoDataset(pool, generateDemoDataset({ seed: 3, items: 400, users: 200, eventsPerUser: 25 }));
    const prefix = `batch_${Date.now().toString(36)}_`;
    const config = {
      ...loadConfig({ LOG_LEVEL: 'silent' }),
      dataDir,
      host: '127.0.0.1',
      port: 0,
      collectionPrefix: prefix,
    };
    // Count every statement sent through the pool (the real pool still runs them).
    const counted = new Proxy(pool, {
      get(target, property, receiver) {
        if (property === 'query') {
          return (...args: unknown[]) => {
            statements++;
            return (target.query as (...a: unknown[]) => unknown).apply(target, args);
          };
        }
        const value = Reflect.get(target, property, receiver);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    app = await startApp(config, {
      databaseUrl: db.url,
      qdrantUrl: inject('qdrantUrl'),
      qdrantApiKey: undefined,
      embeddedPostgres: false,
      pool: counted,
      stop: async () => {},
    });
    await trainAndPublish(pool, app.vectorStore, createLogger('silent'), {
      dataDir,
      prefix,
      params: { factors: 16, iterations: 6 },
      train: { model: 'blend' },
    });
  });

  afterAll(async () => {
    await app?.stop();
    await pool?.end();
    await db?.drop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  async function countFor(query: string): Promise<number> {
    // Warm the short-TTL caches (active model, popular lists) so both sizes are measured alike.
    await fetch(app.server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query }),
    });
    // …but not the item metadata cache: the metadata join is what is counted here.
    app.services.items.clear();
    const before = statements;
    const response = await fetch(app.server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query }),
    });
    const body = (await response.json()) as { errors?: unknown[] };
    expect(body.errors).toBeUndefined();
    return statements - before;
  }

  it.each([
    [
      'recommendations',
      (n: number) =>
        `{ recommendations(userId: "reader-00001", first: ${n}, explain: true) { items { item { id title } explanation { becauseOf { id title } } } } }`,
    ],
    [
      'similarItems',
      (n: number) => `{ similarItems(itemId: "book-00001", first: ${n}) { items { item { id title } } } }`,
    ],
    ['popular', (n: number) => `{ popular(first: ${n}) { items { item { id title } } } }`],
    ['search', (n: number) => `{ search(query: "dragon", first: ${n}) { items { item { id title } } } }`],
    [
      'user history',
      (n: number) => `{ user(id: "reader-00002") { history(first: ${n}) { events { item { id title } } } } }`,
    ],
  ])('%s: the same few statements for 5 or 50 items', async (_name, query) => {
    const small = await countFor(query(5));
    const large = await countFor(query(50));
    expect(large).toBe(small);
    expect(large).toBeGreaterThan(0); // the metadata join itself
    expect(large).toBeLessThanOrEqual(5);
  });

  it("serves repeated item metadata and a known user's unchanged history from the in-process caches", async () => {
    const popular = `{ popular(first: 30) { items { item { id title } } } }`;
    await countFor(popular);
    let before = statements;
    await fetch(app.server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: popular }),
    });
    expect(statements - before).toBe(0);

    // Recommendations: one statement reads the user with their history watermark; nothing else while unchanged.
    const recommendations = `{ recommendations(userId: "reader-00004", first: 10) { items { item { id } } } }`;
    await countFor(recommendations);
    before = statements;
    await fetch(app.server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: recommendations }),
    });
    expect(statements - before).toBe(1);
  });
});
