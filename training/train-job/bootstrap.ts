// What `recgraph start` does before serving: seed the demo catalog into an empty database, and train + publish a
// model when none is active (or when asked to retrain). A second start reuses everything stored.
import type pg from 'pg';
import { activeVersion } from '../../src/db/model-versions.js';
import type { Logger } from '../../src/logger.js';
import type { VectorStore } from '../../src/vector/client.js';
import { aliasName } from '../../src/vector/collections.js';
import { isDatabaseEmpty, seedDemo } from '../demo/seed.js';
import { publishModel } from '../export/publish.js';
import type { ProgressSink } from '../progress.js';
import { formatImageCounts } from '../images/embed-items.js';
import { artifactsDir, saveArtifacts } from './artifacts.js';
import type { TrainOptions } from './train.js';

export interface BootstrapOptions {
  /** Model choice and tuning for the fit (train.ts). */
  train?: Pick<TrainOptions, 'model' | 'tuneBudgetSeconds' | 'graphFilter' | 'fusion' | 'works'>;
  dataDir: string;
  prefix: string;
  retrain?: boolean;
  /** Versions whose collections are kept for rollback (default 3, RECGRAPH_KEEP_VERSIONS). */
  keepVersions?: number;
  /** iALS overrides (tests train small models). */
  params?: Record<string, number>;
  seedDemo?: boolean;
  /** RECGRAPH_TEXT_MODEL: a sentence-transformers ONNX directory to embed text with (default: train the catalog encoder). */
  textModelPath?: string;
  /** RECGRAPH_IMAGE_MODEL: a CLIP-style ONNX image encoder directory; item images go to items_image. */
  imageModelPath?: string;
  /** How item images are fetched (timeout, size limit, root of relative paths). */
  imageFetch?: TrainOptions['imageFetch'];
  progress?: ProgressSink;
}

export async function trainAndPublish(
  pool: pg.Pool,
  store: VectorStore,
  log: Logger,
  options: BootstrapOptions,
): Promise<string> {
  const started = Date.now();
  // Loaded only when a model is trained: training pulls in tfjs (≈ 85 MB resident with its wasm backend), which a
  // server that finds its model live never needs.
  const { trainModel } = await import('./train.js');
  const model = await trainModel(pool, {
    progress: options.progress,
    params: options.params,
    textModelPath: options.textModelPath,
    imageModelPath: options.imageModelPath,
    imageFetch: options.imageFetch,
    ...(options.train ?? {}),
  });
  const trained = Date.now();
  if (model.image) log.info(formatImageCounts(model.image.counts));
  await saveArtifacts(artifactsDir(options.dataDir, model.version), model);
  await publishModel(store, pool, model, {
    prefix: options.prefix,
    progress: options.progress,
    keepVersions: options.keepVersions,
  });
  log.info(
    `model ${model.version} (${model.kind}, ${model.userIds.length} users × ${model.itemIds.length} items) trained in ${((trained - started) / 1000).toFixed(1)} s, exported and live in ${((Date.now() - trained) / 1000).toFixed(1)} s`,
  );
  return model.version;
}

/** True when the active version's collections are reachable through the aliases (Qdrant may have lost them). */
async function liveModelServes(pool: pg.Pool, store: VectorStore, prefix: string): Promise<boolean> {
  if ((await activeVersion(pool)) === undefined) return false;
  const collection = await store.resolveAlias(aliasName('items_collaborative', prefix));
  return collection !== undefined && (await store.collectionExists(collection));
}

export async function bootstrap(
  pool: pg.Pool,
  store: VectorStore,
  log: Logger,
  options: BootstrapOptions,
): Promise<void> {
  if (options.seedDemo !== false && (await isDatabaseEmpty(pool))) {
    log.info('empty database: seeding the demo catalog');
    const summary = await seedDemo(pool);
    log.info(`seeded ${summary.items} items, ${summary.users} users, ${summary.interactions} interactions`);
  }
  if (options.retrain || !(await liveModelServes(pool, store, options.prefix))) {
    if (await isDatabaseEmpty(pool)) {
      log.warn('no interactions yet: serving popular items until `recgraph train` runs');
      return;
    }
    log.info(options.retrain ? 'retraining as asked' : 'no live model: training one');
    await trainAndPublish(pool, store, log, options);
  }
}
