// The typed client SDK against a live server: every method, typed results, errors with their codes.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { createPool } from '../../src/db/pool.js';
import { startApp, type App } from '../../src/runtime/app.js';
import { createLogger } from '../../src/logger.js';
import { createRecgraphClient, RecgraphError, type RecgraphClient } from '../../src/sdk/index.js';
import { loadDemoDataset } from '../../training/demo/seed.js';
import { generateDemoDataset } from '../../training/demo/generate.js';
import { trainAndPublish } from '../../training/train-job/bootstrap.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';

describe('client SDK', () => {
  let db: TestDatabase;
  let app: App;
  let dataDir: string;
  let client: RecgraphClient;
  let pool: ReturnType<typeof createPool>;

  beforeAll(async () => {
    db = await createTestDatabase();
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'recgraph-sdk-'));
    pool = createPool(db.url);
    await loadDemoDataset(pool, generateDemoDataset({ seed: 5, items: 300, users: 150, eventsPerUser: 20 }));
    const prefix = `sdk_${Date.now().toString(36)}_`;
    const config = {
      ...loadConfig({ LOG_LEVEL: 'silent' }),
      dataDir,
      host: '127.0.0.1',
      port: 0,
      collectionPrefix: prefix,
    };
    app = await startApp(config, {
      databaseUrl: db.url,
      qdrantUrl: inject('qdrantUrl'),
      qdrantApiKey: undefined,
      embeddedPostgres: false,
      pool,
      stop: async () => {},
    });
    await trainAndPublish(pool, app.vectorStore, createLogger('silent'), {
      dataDir,
      prefix,
      params: { factors: 16, iterations: 6 },
      // The blend explicitly (not the validation choice): these tests check its vector layout and fold-in.
      train: { model: 'blend' },
    });
    client = createRecgraphClient({ url: app.server.url });
  });

  afterAll(async () => {
    await app?.stop();
    await pool?.end();
    await db?.drop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('reads: recommendations, similar items, search, session, popular, items, history, model info', async () => {
    const recs = await client.recommendations({ userId: 'reader-00001', first: 3, explain: true });
    expect(recs.strategy).toBe('MODEL');
    expect(recs.items).toHaveLength(3);
    expect(recs.items[0].item.title.length).toBeGreaterThan(0);
    const next = await client.recommendations({ userId: 'reader-00001', first: 3, after: recs.pageInfo.endCursor });
    expect(next.items.map((e) => e.item.id)).not.toContain(recs.items[0].item.id);

    expect((await client.similarItems({ itemId: 'book-00001', mode: 'COLLABORATIVE', first: 4 })).items).toHaveLength(
      4,
    );
    expect(
      (await client.search({ query: 'dragon', mode: 'KEYWORD', first: 5 })).items.every((e) => e.source === 'KEYWORD'),
    ).toBe(true);
    expect((await client.recommendForSession({ itemIds: ['book-00001', 'book-00013'], first: 5 })).strategy).toBe(
      'SESSION',
    );
    expect((await client.popular({ first: 5 })).items).toHaveLength(5);
    expect((await client.item('book-00002'))?.id).toBe('book-00002');
    expect(await client.items(['book-00002', 'nope'])).toEqual([expect.objectContaining({ id: 'book-00002' }), null]);
    expect((await client.userHistory({ id: 'reader-00001', first: 2 }))?.history.events).toHaveLength(2);
    expect((await client.modelInfo())?.kind).toBe('blend');
  });

  it('writes: record, upsert, delete', async () => {
    expect(await client.recordInteractions([{ userId: 'sdk-user', itemId: 'book-00003' }])).toEqual({
      recorded: 1,
      rejected: [],
    });
    const upserted = await client.upsertItems([{ id: 'sdk-item', title: 'Made by the SDK', genres: ['travel'] }]);
    expect(upserted).toMatchObject({ created: 1, updated: 0 });
    expect(await client.deleteItems(['sdk-item'])).toEqual({ deleted: 1, notFound: [] });
  });

  it('experiments: create, start, attributed events, report, end; training jobs listed', async () => {
    const created = await client.createExperiment({
      name: 'sdk-ab',
      variants: [
        { name: 'a', share: 0.5 },
        { name: 'b', share: 0.5, diversity: 0.5 },
      ],
    });
    expect(created).toMatchObject({ name: 'sdk-ab', status: 'DRAFT', salt: 'sdk-ab' });
    expect((await client.startExperiment('sdk-ab')).status).toBe('RUNNING');
    const list = await client.recommendations({ userId: 'reader-00002', first: 3 });
    expect(list.experiment?.name).toBe('sdk-ab');
    const shown = list.items[0].item.id;
    await client.recordInteractions([
      { userId: 'reader-00002', itemId: shown, kind: 'click', recommendationId: list.recommendationId },
    ]);
    const report = await client.experimentReport({ name: 'sdk-ab', k: 3 });
    const variant = report.variants.find((v) => v.variant === list.experiment!.variant)!;
    expect(variant).toMatchObject({ impressions: 1, users: 1, ctrAtK: { successes: 1, trials: 1, rate: 1 } });
    expect((await client.endExperiment('sdk-ab')).status).toBe('ENDED');
    expect((await client.experiments()).map((e) => e.status)).toEqual(['ENDED']);
    expect(await client.trainingJobs()).toEqual([]);
    expect(await client.trainingJob('12345')).toBeNull();
    const bad = await client.trainModel({ params: [{ name: 'factors', value: 0 }] }).catch((e: unknown) => e);
    expect((bad as RecgraphError).code).toBe('BAD_USER_INPUT');
  });

  it('throws RecgraphError carrying extensions.code', async () => {
    const error = await client.similarItems({ itemId: 'missing' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RecgraphError);
    expect((error as RecgraphError).code).toBe('NOT_FOUND');
    const bad = await client.recommendations({ userId: 'reader-00001', first: 1000 }).catch((e: unknown) => e);
    expect((bad as RecgraphError).code).toBe('BAD_USER_INPUT');
  });
});
