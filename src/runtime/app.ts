// Assembles the serving application from resolved infrastructure: repositories, vector store, recommendation service, HTTP.
import type { RecgraphConfig } from '../config.js';
import { CachedItemReader } from '../db/item-cache.js';
import { ItemRepository, ItemSearchRepository } from '../db/items.js';
import { PopularItems } from '../db/popularity.js';
import { UserRepository } from '../db/users.js';
import type { Services } from '../graphql/context.js';
import { LIMITS } from '../graphql/inputs.js';
import { OnnxSentenceEncoder } from '../embedding/onnx-sentence-encoder.js';
import { createMetrics, type ServerMetrics } from '../http/metrics.js';
import { startHttpServer, type RunningServer } from '../http/server.js';
import { RecommendationService } from '../recommend/service.js';
import { ServingModelSource } from '../recommend/serving-model.js';
import { VectorStore } from '../vector/client.js';
import { aliasName } from '../vector/collections.js';
import type { Infrastructure } from './infrastructure.js';
import { createLogger, type Logger } from '../logger.js';

export interface App {
  server: RunningServer;
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
    Partial<Pick<RecgraphConfig, 'textModelPath' | 'segmentAttribute' | 'segmentMinEvents' | 'rerank'>>,
  infra: Pick<Infrastructure, 'pool' | 'servingPool'>,
  store: VectorStore,
  onCacheLookup?: (cache: string, hit: boolean) => void,
  onRerank?: (seconds: number) => void,
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
  const models = new ServingModelSource(pool, { externalEncoder, rerank: config.rerank, onRerank });
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
  return { items, itemSearch, users, recommender, models };
}

export async function startApp(
  config: RecgraphConfig,
  infra: Infrastructure,
  logger: Logger = createLogger(config.logLevel),
): Promise<App> {
  const vectorStore = createVectorStore(infra);
  const metrics = createMetrics();
  const services = createServices(config, infra, vectorStore, metrics.recordCacheLookup, metrics.recordRerank);
  try {
    await services.models.warmUp(); // a RECGRAPH_TEXT_MODEL that cannot be loaded stops startup here, with its reason
  } catch (error) {
    vectorStore.close();
    throw error;
  }
  const server = await startHttpServer(
    {
      services,
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
