// Assembles the serving application from resolved infrastructure: repositories, vector store, recommendation service, HTTP.
import path from 'node:path';
import type { RecgraphConfig } from '../config.js';
import { buildConsoleAssets } from '../console/bundle.js';
import { consoleHandler } from '../console/routes.js';
import { CachedItemReader } from '../db/item-cache.js';
import { ItemRepository, ItemSearchRepository } from '../db/items.js';
import { PopularItems } from '../db/popularity.js';
import { UserRepository } from '../db/users.js';
import type { Services } from '../graphql/context.js';
import { LIMITS } from '../graphql/inputs.js';
import { OnnxSentenceEncoder } from '../embedding/onnx-sentence-encoder.js';
import { createMetrics, type ServerMetrics } from '../http/metrics.js';
import { startHttpServer, type RunningServer } from '../http/server.js';
import { ModelVersionAdmin } from '../recommend/model-versions-admin.js';
import { RecommendationService } from '../recommend/service.js';
import { ServingModelSource } from '../recommend/serving-model.js';
import { VectorStore } from '../vector/client.js';
import { aliasName } from '../vector/collections.js';
import type { Infrastructure } from './infrastructure.js';
import { createLogger, type Logger } from '../logger.js';

export interface App {
  server: RunningServer;
  /** Where the web console is served (RECGRAPH_CONSOLE), or undefined when it is off. */
  consoleUrl: string | undefined;
  services: Services;
  vectorStore: VectorStore;
  metrics: ServerMetrics;
  stop(): Promise<void>;
}

export function createVectorStore(infra: Pick<Infrastructure, 'qdrantUrl' | 'qdrantApiKey'>): VectorStore {
  return new VectorStore({ url: infra.qdrantUrl, apiKey: infra.qdrantApiKey });
}

export function createServices(
  config: Pick<RecgraphConfig, 'collectionPrefix'> &
    Partial<Pick<RecgraphConfig, 'textModelPath' | 'segmentAttribute' | 'segmentMinEvents' | 'rerank' | 'dataDir'>>,
  infra: Pick<Infrastructure, 'pool' | 'servingPool'>,
  store: VectorStore,
  onCacheLookup?: (cache: string, hit: boolean) => void,
): Services {
  const prefix = config.collectionPrefix;
  const pool = infra.servingPool ?? infra.pool;
  const items = new CachedItemReader(new ItemRepository(pool), { onLookup: onCacheLookup });
  const itemSearch = new ItemSearchRepository(pool, { onLookup: onCacheLookup });
  const segmentAttribute = config.segmentAttribute ?? 'segment';
  const users = new UserRepository(pool, { onLookup: onCacheLookup, segmentAttribute });
  // One onnxruntime session for the configured sentence-transformers model, shared by every request.
  const externalEncoder = config.textModelPath ? OnnxSentenceEncoder.fromDirectory(config.textModelPath) : undefined;
  externalEncoder?.catch(() => undefined); // surfaced by models.warmUp() at startup
  const models = new ServingModelSource(pool, { externalEncoder, rerank: config.rerank });
  const recommender = new RecommendationService({
    store,
    aliases: {
      itemsCollaborative: aliasName('items_collaborative', prefix),
      usersCollaborative: aliasName('users_collaborative', prefix),
      itemsSemantic: aliasName('items_semantic', prefix),
    },
    users,
    itemSearch,
    popular: new PopularItems(pool, { onLookup: onCacheLookup }),
    models,
    segments: { attribute: segmentAttribute, minEvents: config.segmentMinEvents ?? 100 },
  });
  const modelsDir = config.dataDir ? path.join(config.dataDir, 'models') : undefined;
  const modelVersions = new ModelVersionAdmin({ pool, store, prefix, models, modelsDir });
  return { items, itemSearch, users, recommender, models, modelVersions };
}

export async function startApp(
  config: RecgraphConfig,
  infra: Infrastructure,
  logger: Logger = createLogger(config.logLevel),
): Promise<App> {
  const vectorStore = createVectorStore(infra);
  const metrics = createMetrics();
  const services = createServices(config, infra, vectorStore, metrics.recordCacheLookup);
  try {
    await services.models.warmUp(); // a RECGRAPH_TEXT_MODEL that cannot be loaded stops startup here, with its reason
  } catch (error) {
    vectorStore.close();
    throw error;
  }
  // Built while the server starts; the first console request waits for it (a failure is logged and answered 500).
  const consoleAssets = config.console ? buildConsoleAssets() : undefined;
  consoleAssets?.then(
    (built) => logger.info({ buildMs: Math.round(built.buildMs) }, 'console built'),
    (error: unknown) => logger.error({ err: error }, 'console build failed'),
  );
  const server = await startHttpServer(
    {
      services,
      console: consoleAssets && consoleHandler(consoleAssets),
      production: config.production,
      logger,
      metrics,
      apiKeys: config.apiKeys,
      cors: { origins: config.corsOrigins },
      queryLimits: { maxDepth: config.maxQueryDepth, maxCost: config.maxQueryCost, maxFirst: LIMITS.first },
      maxBodyBytes: config.maxBodyBytes,
      readiness: [
        { name: 'postgres', check: async () => void (await (infra.servingPool ?? infra.pool).query('SELECT 1')) },
        {
          name: 'qdrant',
          check: async () => {
            if (!(await vectorStore.ready())) throw new Error(`no answer from ${infra.qdrantUrl}`);
          },
        },
      ],
    },
    { host: config.host, port: config.port },
  );
  return {
    server,
    consoleUrl: consoleAssets ? server.url.replace(/\/graphql$/, '/console/') : undefined,
    services,
    vectorStore,
    metrics,
    async stop() {
      await server.stop();
      vectorStore.close();
      await services.models.close();
    },
  };
}
