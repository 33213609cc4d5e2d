// Assembles the serving application from resolved infrastructure: repositories, vector store, recommendation service, HTTP.
import path from 'node:path';
import type { RecgraphConfig } from '../config.js';
import { BusinessRuleStore } from '../db/business-rules.js';
import { buildConsoleAssets } from '../console/bundle.js';
import { consoleHandler } from '../console/routes.js';
import { CachedItemReader } from '../db/item-cache.js';
import { ItemRepository, ItemSearchRepository } from '../db/items.js';
import { LatestItems } from '../db/latest.js';
import { PopularItems } from '../db/popularity.js';
import { TrendingItems } from '../db/trending.js';
import { UserRepository } from '../db/users.js';
import { WorkMapSource } from '../db/works.js';
import type { Services } from '../graphql/context.js';
import { LIMITS } from '../graphql/inputs.js';
import { DEFAULT_FEEDBACK_POLICY } from '../feedback/event-weights.js';
import { OnnxSentenceEncoder } from '../embedding/onnx-sentence-encoder.js';
import { createMetrics, type ServerMetrics } from '../http/metrics.js';
import { startHttpServer, type RunningServer } from '../http/server.js';
import { ModelVersionAdmin } from '../recommend/model-versions-admin.js';
import { RecommendationService } from '../recommend/service.js';
import { ServingModelSource } from '../recommend/serving-model.js';
import { Experiments } from '../experiments/experiments.js';
import { TrainingLauncher } from '../training-jobs/launcher.js';
import { RuleCache } from '../rules/rule-cache.js';
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

export function createVectorStore(
  infra: Pick<Infrastructure, 'qdrantUrl' | 'qdrantApiKey' | 'qdrantLayout'>,
): VectorStore {
  return new VectorStore({ url: infra.qdrantUrl, apiKey: infra.qdrantApiKey, layout: infra.qdrantLayout });
}

export function createServices(
  config: Pick<RecgraphConfig, 'collectionPrefix' | 'dataDir'> &
    Partial<
      Pick<
        RecgraphConfig,
        | 'textModelPath'
        | 'segmentAttribute'
        | 'segmentMinEvents'
        | 'rerank'
        | 'retrainEveryMs'
        | 'promotionTolerance'
        | 'keepVersions'
        | 'feedback'
        | 'rulesRefreshMs'
        | 'popularTtlMs'
        | 'vectorCacheMaxMb'
      >
    >,
  infra: Pick<Infrastructure, 'pool' | 'servingPool' | 'databaseUrl' | 'qdrantUrl' | 'qdrantApiKey'> &
    Partial<Pick<Infrastructure, 'embeddedPostgres'>>,
  store: VectorStore,
  onCacheLookup?: (cache: string, hit: boolean) => void,
  logger?: Logger,
  onRerank?: (seconds: number) => void,
): Services {
  const prefix = config.collectionPrefix;
  const pool = infra.servingPool ?? infra.pool;
  const items = new CachedItemReader(new ItemRepository(pool), { onLookup: onCacheLookup });
  const itemSearch = new ItemSearchRepository(pool, { onLookup: onCacheLookup });
  const segmentAttribute = config.segmentAttribute ?? 'segment';
  const feedback = config.feedback ?? DEFAULT_FEEDBACK_POLICY;
  // The embedded PGlite runs every pooled connection on one session, where named statements would collide.
  const users = new UserRepository(pool, {
    onLookup: onCacheLookup,
    segmentAttribute,
    feedback,
    preparedStatements: !infra.embeddedPostgres,
  });
  // One onnxruntime session for the configured sentence-transformers model, shared by every request.
  const externalEncoder = config.textModelPath ? OnnxSentenceEncoder.fromDirectory(config.textModelPath) : undefined;
  externalEncoder?.catch(() => undefined); // surfaced by models.warmUp() at startup
  const works = new WorkMapSource(pool, { onLookup: onCacheLookup });
  const models = new ServingModelSource(pool, {
    externalEncoder,
    rerank: config.rerank,
    onRerank,
    sharedSession: infra.embeddedPostgres,
  });
  const ruleStore = new BusinessRuleStore(pool);
  const ruleCache = new RuleCache(ruleStore, { refreshMs: config.rulesRefreshMs ?? 1_000 });
  const recommender = new RecommendationService({
    store,
    aliases: {
      itemsCollaborative: aliasName('items_collaborative', prefix),
      usersCollaborative: aliasName('users_collaborative', prefix),
      itemsSemantic: aliasName('items_semantic', prefix),
      itemsImage: aliasName('items_image', prefix),
    },
    users,
    itemSearch,
    popular: new PopularItems(pool, {
      onLookup: onCacheLookup,
      negativeKinds: [...feedback.negativeKinds],
      ttlMs: config.popularTtlMs,
    }),
    latest: new LatestItems(pool),
    trending: new TrendingItems(pool, { ttlMs: config.popularTtlMs }),
    models,
    works,
    segments: { attribute: segmentAttribute, minEvents: config.segmentMinEvents ?? 100 },
    feedback,
    rules: ruleCache,
    items,
    vectorCacheMaxMb: config.vectorCacheMaxMb,
  });
  const modelsDir = config.dataDir ? path.join(config.dataDir, 'models') : undefined;
  const modelVersions = new ModelVersionAdmin({ pool, store, prefix, models, modelsDir });
  const experiments = new Experiments(pool, { log: logger });
  // Training jobs run as child processes against the same stores (src/training-jobs/launcher.ts).
  const training = new TrainingLauncher(
    infra.pool,
    {
      databaseUrl: infra.databaseUrl,
      qdrantUrl: infra.qdrantUrl,
      qdrantApiKey: infra.qdrantApiKey,
      collectionPrefix: prefix,
      dataDir: config.dataDir,
      promotionTolerance: config.promotionTolerance ?? 0.02,
      keepVersions: config.keepVersions ?? 3,
    },
    { retrainEveryMs: config.retrainEveryMs, log: logger },
  );
  return {
    items,
    itemSearch,
    users,
    recommender,
    models,
    experiments,
    training,
    rules: { store: ruleStore, cache: ruleCache },
    works,
    modelVersions,
  };
}

export async function startApp(
  config: RecgraphConfig,
  infra: Infrastructure,
  logger: Logger = createLogger(config.logLevel),
): Promise<App> {
  const vectorStore = createVectorStore(infra);
  const metrics = createMetrics();
  const services = createServices(config, infra, vectorStore, metrics.recordCacheLookup, logger, metrics.recordRerank);
  try {
    await services.experiments.warmUp();
    await services.models.warmUp(); // a RECGRAPH_TEXT_MODEL that cannot be loaded stops startup here, with its reason
  } catch (error) {
    vectorStore.close();
    throw error;
  }
  services.training.startSchedule();
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
      graphqlJit: config.graphqlJit,
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
      await services.training.stop();
      vectorStore.close();
      await services.models.close();
    },
  };
}
