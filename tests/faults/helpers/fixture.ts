// A seeded, trained catalog for the fault suite: its own database cloned from the run's template, the demo dataset,
// a model published to the given Qdrant under a unique prefix, and the environment a child app needs to serve it.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createPool } from '../../../src/db/pool.js';
import { createLogger } from '../../../src/logger.js';
import { VectorStore } from '../../../src/vector/client.js';
import { generateDemoDataset, type DemoDataset } from '../../../training/demo/generate.js';
import { loadDemoDataset } from '../../../training/demo/seed.js';
import { trainAndPublish } from '../../../training/train-job/bootstrap.js';
import { createTestDatabase, type TestDatabase } from '../../helpers/db.js';
import { uniquePrefix } from '../../helpers/qdrant.js';

export interface FaultFixture {
  db: TestDatabase;
  pool: ReturnType<typeof createPool>;
  dataset: DemoDataset;
  prefix: string;
  /** Where the trained versions' artifacts are saved. */
  dataDir: string;
  /** The child app's environment: production mode, an API key, this database and Qdrant. */
  env(overrides?: { databaseUrl?: string; qdrantUrl?: string }): Record<string, string>;
  drop(): Promise<void>;
}

export const API_KEY = 'fault-suite-key';

export async function prepareFixture(
  qdrantUrl: string,
  size = { seed: 71, items: 300, users: 150, eventsPerUser: 20 },
): Promise<FaultFixture> {
  const db = await createTestDatabase();
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'recgraph-faults-'));
  const pool = createPool(db.url);
  const dataset = generateDemoDataset(size);
  await loadDemoDataset(pool, dataset);
  const prefix = uniquePrefix('faults');
  const store = new VectorStore({ url: qdrantUrl });
  try {
    await trainAndPublish(pool, store, createLogger('silent'), {
      dataDir,
      prefix,
      params: { factors: 16, iterations: 6 },
      train: { model: 'blend' },
    });
  } finally {
    store.close();
  }
  return {
    db,
    pool,
    dataset,
    prefix,
    dataDir,
    env: (overrides = {}) => ({
      NODE_ENV: 'production',
      RECGRAPH_API_KEY: API_KEY,
      DATABASE_URL: overrides.databaseUrl ?? db.url,
      QDRANT_URL: overrides.qdrantUrl ?? qdrantUrl,
      RECGRAPH_COLLECTION_PREFIX: prefix,
      RECGRAPH_DATA_DIR: dataDir,
    }),
    async drop() {
      await pool.end().catch(() => undefined);
      await db.drop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
