// The two-stage graph filter end to end: `train --model graphfilter` tunes its weights on a split carved from the
// Postgres data, publishes vectors + neighbour lists (model_versions.artifacts), and GraphQL serves Qdrant's
// candidates reranked by the item-item term — for known users and for anonymous sessions.
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

describe('two-stage graph filter served end to end', () => {
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
      train: {
        model: 'graphfilter',
        tuneBudgetSeconds: 10,
        graphFilter: { svdDims: 32, neighbors: 50, candidates: 150 },
      },
    });
  });

  afterAll(async () => {
    await app?.stop();
    await infra?.stop();
    await db?.drop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('serves reranked lists that exclude seen items and beat popularity; reports the chosen weights', async () => {
    const query = `query($u: ID!) { recommendations(userId: $u, first: ${K}) { strategy modelVersion items { score item { id } } } }`;
    const popularity = [...trainCounts.entries()]
      .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
      .map(([id]) => id);
    let modelRecall = 0;
    let popularRecall = 0;
    const users = [...heldOut.keys()].slice(0, 150);
    for (const user of users) {
      const result = await graphql<{
        recommendations: { strategy: string; items: { score: number; item: { id: string } }[] };
      }>(query, { u: user });
      expect(result.errors).toBeUndefined();
      const list = result.data!.recommendations;
      expect(list.strategy).toBe('MODEL');
      expect(list.items).toHaveLength(K);
      const scores = list.items.map((entry) => entry.score);
      expect([...scores].sort((a, b) => b - a)).toEqual(scores);
      const ids = list.items.map((entry) => entry.item.id);
      const seen = trainSeen.get(user)!;
      expect(ids.filter((id) => seen.has(id))).toEqual([]);
      const target = heldOut.get(user)!;
      const recall = (list: string[]) => list.filter((id) => target.has(id)).length / Math.min(K, target.size);
      modelRecall += recall(ids) / users.length;
      popularRecall += recall(popularity.filter((id) => !seen.has(id)).slice(0, K)) / users.length;
    }
    expect(modelRecall).toBeGreaterThan(popularRecall * 1.5);
    const info = await graphql<{ modelInfo: { kind: string; metrics: string } }>('{ modelInfo { kind metrics } }');
    expect(info.errors).toBeUndefined();
    expect(info.data!.modelInfo.kind).toBe('graphfilter');
    const { tuning } = JSON.parse(info.data!.modelInfo.metrics) as {
      tuning: { chosen: Record<string, number>; trials: number };
    };
    expect(tuning.trials).toBeGreaterThan(1);
    expect(Object.keys(tuning.chosen).sort()).toEqual([
      'alpha',
      'degreePower',
      'historyPower',
      'linearTop',
      'linearWeight',
      'secondOrder',
      'sharpen',
    ]);
  });

  it('reranks an anonymous session by its items', async () => {
    const user = [...trainSeen.keys()][3];
    const items = [...trainSeen.get(user)!].slice(0, 8);
    const result = await graphql<{
      recommendForSession: { strategy: string; items: { score: number; item: { id: string } }[] };
    }>(
      `query($ids: [ID!]!) { recommendForSession(itemIds: $ids, first: ${K}) { strategy items { score item { id } } } }`,
      { ids: items },
    );
    expect(result.errors).toBeUndefined();
    const list = result.data!.recommendForSession;
    expect(list.strategy).toBe('SESSION');
    expect(list.items).toHaveLength(K);
    expect(list.items.map((e) => e.item.id).filter((id) => items.includes(id))).toEqual([]);
    const scores = list.items.map((e) => e.score);
    expect([...scores].sort((a, b) => b - a)).toEqual(scores);
  });
});
