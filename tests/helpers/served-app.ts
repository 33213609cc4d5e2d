// A served recgraph on a small generated catalog, for end-to-end tests over HTTP: its own cloned database, the
// given (or shared) Qdrant under a unique collection prefix, a trained and published model, and a `graphql` helper.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { inject } from 'vitest';
import { loadConfig, type RecgraphConfig } from '../../src/config.js';
import { createPool, servingPoolOptions } from '../../src/db/pool.js';
import { startApp, type App } from '../../src/runtime/app.js';
import type { Infrastructure } from '../../src/runtime/infrastructure.js';
import { createLogger } from '../../src/logger.js';
import { generateDemoDataset, type DemoDataset } from '../../training/demo/generate.js';
import { loadDemoDataset } from '../../training/demo/seed.js';
import { trainAndPublish } from '../../training/train-job/bootstrap.js';
import { createTestDatabase, type TestDatabase } from './db.js';
import { uniquePrefix } from './qdrant.js';

export interface GraphQLResponse<T = Record<string, unknown>> {
  status: number;
  headers: Headers;
  data?: T;
  errors?: Array<{ message: string; extensions?: Record<string, unknown> & { code?: string } }>;
  extensions?: Record<string, unknown>;
}

export interface ServedApp {
  app: App;
  pool: ReturnType<typeof createPool>;
  dataset: DemoDataset;
  config: RecgraphConfig;
  /** http://127.0.0.1:<port> */
  origin: string;
  graphql<T = Record<string, unknown>>(
    query: string,
    variables?: Record<string, unknown>,
    headers?: Record<string, string>,
  ): Promise<GraphQLResponse<T>>;
  /** Stops the server (if still running), drops the database, removes the data directory. */
  stop(): Promise<void>;
}

export interface ServedAppOptions {
  dataset?: { seed: number; items: number; users: number; eventsPerUser: number };
  /** Defaults to the run's shared Qdrant. */
  qdrantUrl?: string;
  /** Environment for loadConfig (NODE_ENV, RECGRAPH_API_KEY, limits …); LOG_LEVEL defaults to silent. */
  env?: Record<string, string>;
  /** Override the pool (e.g. one reaching Postgres through a proxy the test can cut). */
  databaseUrl?: (realUrl: string) => string;
  train?: boolean;
  /** Loads the catalogue instead of the generated demo dataset (e.g. files through `recgraph ingest`). */
  load?: (pool: ReturnType<typeof createPool>) => Promise<void>;
}

/**
 * The config every in-process test server uses: silent logs (unless `env` says otherwise), loopback on a free port,
 * the run's shared Qdrant unless another is given, and the test's own collection prefix.
 */
export function testConfig(options: {
  databaseUrl: string | undefined;
  dataDir: string;
  prefix: string;
  qdrantUrl?: string;
  env?: Record<string, string>;
}): RecgraphConfig {
  return {
    // DATABASE_URL as a deployment sets it: the serving pool's waits are those of an external server.
    ...loadConfig({
      LOG_LEVEL: 'silent',
      ...(options.databaseUrl ? { DATABASE_URL: options.databaseUrl } : {}),
      ...options.env,
    }),
    databaseUrl: options.databaseUrl,
    qdrantUrl: options.qdrantUrl ?? inject('qdrantUrl'),
    dataDir: options.dataDir,
    host: '127.0.0.1',
    port: 0,
    collectionPrefix: options.prefix,
  };
}

/** One GraphQL POST to a running server (`origin` = http://127.0.0.1:<port>). */
export async function postGraphQL<T = Record<string, unknown>>(
  origin: string,
  query: string,
  variables: Record<string, unknown> = {},
  headers: Record<string, string> = {},
): Promise<GraphQLResponse<T>> {
  const response = await fetch(`${origin}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as Omit<GraphQLResponse<T>, 'status' | 'headers'>;
  return { status: response.status, headers: response.headers, ...body };
}

export async function startServedApp(options: ServedAppOptions = {}): Promise<ServedApp> {
  const db: TestDatabase = await createTestDatabase();
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'recgraph-served-'));
  const dataset = generateDemoDataset(options.dataset ?? { seed: 21, items: 300, users: 150, eventsPerUser: 20 });
  const seedPool = createPool(db.url);
  if (options.load) await options.load(seedPool);
  else await loadDemoDataset(seedPool, dataset);
  const databaseUrl = options.databaseUrl ? options.databaseUrl(db.url) : db.url;
  const pool = databaseUrl === db.url ? seedPool : createPool(databaseUrl);
  if (pool !== seedPool) await seedPool.end();
  const qdrantUrl = options.qdrantUrl ?? inject('qdrantUrl');
  const prefix = uniquePrefix('e2e');
  const config = testConfig({ databaseUrl, dataDir, prefix, qdrantUrl, env: options.env });
  // Served like `recgraph start` serves: from a pool with the configured timeouts (the test's own pool seeds and
  // trains).
  const servingPool = createPool(databaseUrl, servingPoolOptions(config.postgres));
  const infra: Infrastructure = {
    databaseUrl,
    qdrantUrl,
    qdrantApiKey: undefined,
    qdrantLayout: config.qdrantLayout,
    embeddedPostgres: false,
    pool,
    servingPool,
    stop: async () => {
      await servingPool.end();
      await pool.end();
    },
  };
  const app = await startApp(config, infra, createLogger(config.logLevel));
  if (options.train !== false) {
    await trainAndPublish(pool, app.vectorStore, createLogger('silent'), {
      dataDir,
      prefix,
      params: { factors: 16, iterations: 6 },
      train: { model: 'blend' },
    });
  }
  const origin = new URL(app.server.url.replace('localhost', '127.0.0.1')).origin;
  let stopped = false;
  return {
    app,
    pool,
    dataset,
    config,
    origin,
    graphql: (query, variables, headers) => postGraphQL(origin, query, variables, headers),
    async stop() {
      if (!stopped) {
        stopped = true;
        await app.stop().catch(() => undefined);
      }
      await servingPool.end().catch(() => undefined);
      await pool.end().catch(() => undefined);
      await db.drop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
