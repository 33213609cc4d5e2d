// End to end on real parts: generated catalog → Postgres → iALS → Qdrant (alias swap) → GraphQL over HTTP.
// The planted taste structure must show: the served lists find far more held-out events than popularity.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createPool } from '../../src/db/pool.js';
import { startApp, type App } from '../../src/runtime/app.js';
import type { Infrastructure } from '../../src/runtime/infrastructure.js';
import { createLogger } from '../../src/logger.js';
import { generateDemoDataset } from '../../training/demo/generate.js';
import { loadDemoDataset } from '../../training/demo/seed.js';
import { trainAndPublish } from '../../training/train-job/bootstrap.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { demoHoldout } from '../helpers/demo-holdout.js';
import { postGraphQL, testConfig } from '../helpers/served-app.js';

const K = 10;

describe('spine end to end', () => {
  let db: TestDatabase;
  let infra: Infrastructure;
  let app: App;
  let dataDir: string;
  let heldOut: Map<string, Set<string>>;
  let trainSeen: Map<string, Set<string>>;
  let trainCounts: Map<string, number>;

  const graphql = <T>(query: string, variables: Record<string, unknown> = {}) =>
    postGraphQL<T>(new URL(app.server.url.replace('localhost', '127.0.0.1')).origin, query, variables);

  beforeAll(async () => {
    db = await createTestDatabase();
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'recgraph-e2e-'));
    const dataset = generateDemoDataset({ seed: 7, items: 600, users: 400, eventsPerUser: 30 });
    // Per user, the latest 20% of events are held out: the model never sees them, the test scores against them.
    const holdout = demoHoldout(dataset.interactions);
    ({ heldOut, trainSeen, trainCounts } = holdout);
    const train = holdout.train;
    const pool = createPool(db.url);
    await loadDemoDataset(pool, { ...dataset, interactions: train });

    const prefix = `e2e_${Date.now().toString(36)}_`;
    const config = testConfig({ databaseUrl: db.url, dataDir, prefix });
    infra = {
      databaseUrl: db.url,
      qdrantUrl: inject('qdrantUrl'),
      qdrantApiKey: undefined,
      embeddedPostgres: false,
      pool,
      stop: () => pool.end(),
    };
    app = await startApp(config, infra);
    const log = createLogger('silent');
    await trainAndPublish(pool, app.vectorStore, log, {
      dataDir,
      prefix,
      params: { factors: 32, iterations: 8 },
      train: { model: 'blend' },
    });
  });

  afterAll(async () => {
    await app?.stop();
    await infra?.stop();
    await db?.drop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('serves recommendations that exclude seen items and beat the recall of popularity on held-out events', async () => {
    const query = `query($u: ID!) { recommendations(userId: $u, first: ${K}) { strategy modelVersion items { score source item { id } } } }`;
    const popularity = [...trainCounts.entries()]
      .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
      .map(([id]) => id);
    // Recall@K: share of each user's held-out items found in their list, averaged over users.
    let modelRecall = 0;
    let popularRecall = 0;
    const users = [...heldOut.keys()].slice(0, 150);
    for (const user of users) {
      const result = await graphql<{
        recommendations: { strategy: string; modelVersion: string; items: { item: { id: string } }[] };
      }>(query, { u: user });
      expect(result.errors).toBeUndefined();
      const list = result.data!.recommendations;
      expect(list.strategy).toBe('MODEL');
      expect(list.items).toHaveLength(K);
      const ids = list.items.map((entry) => entry.item.id);
      const seen = trainSeen.get(user)!;
      expect(ids.filter((id) => seen.has(id))).toEqual([]);
      const target = heldOut.get(user)!;
      const recall = (list: string[]) => list.filter((id) => target.has(id)).length / Math.min(K, target.size);
      modelRecall += recall(ids) / users.length;
      popularRecall += recall(popularity.filter((id) => !seen.has(id)).slice(0, K)) / users.length;
    }
    expect(modelRecall).toBeGreaterThan(popularRecall * 1.5);
    expect(modelRecall).toBeGreaterThan(0.1);
  });

  it('falls back to popular items for an unknown user, with a reason', async () => {
    const result = await graphql<{ recommendations: { strategy: string; reason: string; items: unknown[] } }>(`
      {
        recommendations(userId: "nobody-knows-me", first: 5) {
          strategy
          reason
          items {
            item {
              id
            }
          }
        }
      }
    `);
    expect(result.data!.recommendations.strategy).toBe('POPULAR');
    expect(result.data!.recommendations.reason).toMatch(/unknown user/);
    expect(result.data!.recommendations.items).toHaveLength(5);
  });

  it('answers similarItems and item with metadata joined from Postgres', async () => {
    const result = await graphql<{
      item: { id: string; title: string; genres: string[] };
      similarItems: { items: { item: { id: string } }[] };
    }>(`
      {
        item(id: "book-00001") {
          id
          title
          genres
        }
        similarItems(itemId: "book-00001", first: 5) {
          items {
            score
            item {
              id
              title
            }
          }
        }
      }
    `);
    expect(result.errors).toBeUndefined();
    expect(result.data!.item.id).toBe('book-00001');
    expect(result.data!.item.title.length).toBeGreaterThan(0);
    expect(result.data!.similarItems.items).toHaveLength(5);
    expect(result.data!.similarItems.items.map((e) => e.item.id)).not.toContain('book-00001');
  });

  it('rejects bad input with precise codes', async () => {
    const tooMany = await graphql(`
      {
        recommendations(userId: "reader-00001", first: 5000) {
          strategy
        }
      }
    `);
    expect(tooMany.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    const unknownItem = await graphql(`
      {
        similarItems(itemId: "no-such-item") {
          strategy
        }
      }
    `);
    expect(unknownItem.errors?.[0].extensions?.code).toBe('NOT_FOUND');
    const missing = await graphql<{ item: null }>(`
      {
        item(id: "no-such-item") {
          id
        }
      }
    `);
    expect(missing.data!.item).toBeNull();
  });

  it('reports readiness of both backing services', async () => {
    const response = await fetch(app.server.url.replace('/graphql', '/health/ready').replace('localhost', '127.0.0.1'));
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ checks: { postgres: 'ok', qdrant: 'ok' } });
  });
});
