// The fusion (iALS ⊕ graph filter, training/models/fusion.ts) end to end: `train --model fusion` searches its
// weights on a split carved from the Postgres data, publishes the fused vectors (an iALS block in front of the
// filter's blocks), the iALS Gram matrix and the neighbour lists, and GraphQL serves Qdrant's candidates reranked
// by the item-item term — for known users, for a known user right after a new event (fold-in: the iALS block by
// its solve, the filter's blocks by sums), for a newcomer and for an anonymous session.
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
type List = { strategy: string; items: { score: number; item: { id: string } }[] };

describe('fusion served end to end', () => {
  let db: TestDatabase;
  let infra: Infrastructure;
  let app: App;
  let dataDir: string;
  let heldOut: Map<string, Set<string>>;
  let trainSeen: Map<string, Set<string>>;
  let trainCounts: Map<string, number>;

  const graphql = <T>(query: string, variables: Record<string, unknown> = {}) =>
    postGraphQL<T>(new URL(app.server.url.replace('localhost', '127.0.0.1')).origin, query, variables);
  const recommend = async (user: string) => {
    const result = await graphql<{ recommendations: List }>(
      `query($u: ID!) { recommendations(userId: $u, first: ${K}) { strategy items { score item { id } } } }`,
      { u: user },
    );
    expect(result.errors).toBeUndefined();
    return result.data!.recommendations;
  };

  beforeAll(async () => {
    db = await createTestDatabase();
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'recgraph-e2e-'));
    const dataset = generateDemoDataset({ seed: 7, items: 600, users: 400, eventsPerUser: 30 });
    // Per user, the latest 20% of events are held out: the model never sees them, the test scores against them.
    const holdout = demoHoldout(dataset.interactions);
    ({ heldOut, trainSeen, trainCounts } = holdout);
    const pool = createPool(db.url);
    await loadDemoDataset(pool, { ...dataset, interactions: holdout.train });

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
    await trainAndPublish(pool, app.vectorStore, createLogger('silent'), {
      dataDir,
      prefix,
      params: { factors: 16, iterations: 4 },
      train: {
        model: 'fusion',
        tuneBudgetSeconds: 30,
        // The item-item weight fixed > 0, so the served path has its rerank stage to exercise.
        fusion: { svdDims: 32, neighbors: 50, candidates: 150, linearWeight: 1 },
      },
    });
  });

  afterAll(async () => {
    await app?.stop();
    await infra?.stop();
    await db?.drop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('serves reranked lists that exclude seen items and beat popularity; reports the searched weights', async () => {
    const popularity = [...trainCounts.entries()]
      .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
      .map(([id]) => id);
    let modelRecall = 0;
    let popularRecall = 0;
    const users = [...heldOut.keys()].slice(0, 150);
    for (const user of users) {
      const list = await recommend(user);
      expect(list.strategy).toBe('MODEL');
      expect(list.items).toHaveLength(K);
      const scores = list.items.map((entry) => entry.score);
      expect([...scores].sort((a, b) => b - a)).toEqual(scores);
      const ids = list.items.map((entry) => entry.item.id);
      const seen = trainSeen.get(user)!;
      expect(ids.filter((id) => seen.has(id))).toEqual([]);
      const target = heldOut.get(user)!;
      const recall = (l: string[]) => l.filter((id) => target.has(id)).length / Math.min(K, target.size);
      modelRecall += recall(ids) / users.length;
      popularRecall += recall(popularity.filter((id) => !seen.has(id)).slice(0, K)) / users.length;
    }
    expect(modelRecall).toBeGreaterThan(popularRecall * 1.5);
    const info = await graphql<{ modelInfo: { kind: string; metrics: string } }>('{ modelInfo { kind metrics } }');
    expect(info.errors).toBeUndefined();
    expect(info.data!.modelInfo.kind).toBe('fusion');
    const { fusionTuning } = JSON.parse(info.data!.modelInfo.metrics) as {
      fusionTuning: { chosen: Record<string, number>; trials: number; validationRecall: number };
    };
    expect(fusionTuning.trials).toBeGreaterThan(1);
    expect(fusionTuning.chosen.linearWeight).toBe(1);
    expect(fusionTuning.validationRecall).toBeGreaterThan(0);
  });

  it("folds a known user's new event in at once: excluded, and the list follows it", async () => {
    const user = [...trainSeen.keys()][5];
    const before = await recommend(user);
    const top = before.items[0].item.id;
    const recorded = await graphql<{ recordInteractions: { recorded: number } }>(
      `
        mutation ($input: [InteractionInput!]!) {
          recordInteractions(input: $input) {
            recorded
          }
        }
      `,
      { input: [{ userId: user, itemId: top, kind: 'like' }] },
    );
    expect(recorded.data?.recordInteractions.recorded).toBe(1);
    const after = await recommend(user);
    expect(after.strategy).toBe('FOLD_IN');
    expect(after.items).toHaveLength(K);
    expect(after.items.map((e) => e.item.id)).not.toContain(top);
    const scores = after.items.map((e) => e.score);
    expect([...scores].sort((a, b) => b - a)).toEqual(scores);
  });

  it('a newcomer with fresh events and an anonymous session get personal, reranked lists', async () => {
    const donor = [...trainSeen.keys()][3];
    const items = [...trainSeen.get(donor)!].slice(0, 8);
    await graphql(
      `
        mutation ($input: [InteractionInput!]!) {
          recordInteractions(input: $input) {
            recorded
          }
        }
      `,
      {
        input: items.map((itemId) => ({ userId: 'fusion-newcomer', itemId, kind: 'like' })),
      },
    );
    const personal = await recommend('fusion-newcomer');
    expect(personal.strategy).toBe('FOLD_IN');
    expect(personal.items.map((e) => e.item.id).filter((id) => items.includes(id))).toEqual([]);
    const session = await graphql<{ recommendForSession: List }>(
      `query($ids: [ID!]!) { recommendForSession(itemIds: $ids, first: ${K}) { strategy items { score item { id } } } }`,
      { ids: items },
    );
    expect(session.errors).toBeUndefined();
    const list = session.data!.recommendForSession;
    expect(list.strategy).toBe('SESSION');
    expect(list.items).toHaveLength(K);
    expect(list.items.map((e) => e.item.id).filter((id) => items.includes(id))).toEqual([]);
    // The same history folded in for a user or a session ranks the same items.
    expect(list.items.map((e) => e.item.id)).toEqual(personal.items.map((e) => e.item.id));
  });
});
