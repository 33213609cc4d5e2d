// Trains the serving model from what Postgres holds: the default pipeline (training/models/pipeline.ts — one
// blended iALS ⊕ GF-CF low-pass vector per user and item, plus what fold-in needs), the text embedding for the
// semantic collection, and the popularity counts. Returns artifacts; exporting them to
// Qdrant is a separate step (training/export) so a version can be re-published without retraining.
import { randomBytes } from 'node:crypto';
import type pg from 'pg';
import { itemColumns } from '../../src/db/item-columns.js';
import { itemText } from '../../src/embedding/item-text.js';
import { buildInteractionMatrix } from '../data/interactions.js';
import { DefaultPipeline, type PipelineParams } from '../models/pipeline.js';
import { noopProgress, type ProgressSink } from '../progress.js';
import type { ModelArtifacts } from './artifacts.js';
import { trainTextEncoder } from './text-encoder.js';
import { readTrainingData } from './training-data.js';

export interface TrainOptions {
  /** Overrides of the iALS defaults (factors, iterations, regularization, alpha, regExponent). */
  params?: Record<string, number>;
  /** Overrides of the pipeline's other defaults (lowpassWeight, lowpassDims, …). */
  pipeline?: Partial<PipelineParams>;
  textDimension?: number;
  /** A sentence-transformers ONNX model directory (RECGRAPH_TEXT_MODEL) to embed text with instead of training the catalog encoder. */
  textModelPath?: string;
  progress?: ProgressSink;
  /** Train only on events created up to this instant (default: now). */
  cutoff?: Date;
}

export function newVersionLabel(now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `v${stamp}-${randomBytes(2).toString('hex')}`;
}

export async function trainModel(pool: pg.Pool, options: TrainOptions = {}): Promise<ModelArtifacts> {
  const progress = options.progress ?? noopProgress;
  const data = await readTrainingData(pool, options.cutoff);
  if (data.users.length === 0) throw new Error('no interactions to train on: ingest data or run `recgraph seed-demo` first');

  const matrix = buildInteractionMatrix(data.userIds.length, data.itemIds.length, data.users, data.items, data.weights);
  const pipeline = new DefaultPipeline({ ...ialsOverrides(options.params), ...options.pipeline });
  await pipeline.fit(matrix, progress);
  const { ials: model, layout, degrees } = pipeline.servingParts();
  // The blended vectors (iALS ⊕ low-pass): what Qdrant ranks by; the Gram matrix is of the plain iALS block.
  const items = pipeline.itemVectors();
  const users = pipeline.userVectors();

  const gram = Float32Array.from(model.itemGram());
  const itemCounts = new Float32Array(data.itemIds.length);
  for (let k = 0; k < data.items.length; k++) itemCounts[data.items[k]] += data.weights[k];

  const { rows } = await pool.query<{ id: number; title: string; creators: string[]; genres: string[]; tags: string[]; description: string | null }>(
    `SELECT ${itemColumns(['id', 'title', 'creators', 'genres', 'tags', 'description'])} FROM items WHERE id = ANY($1::int[])`,
    [Array.from(data.itemIds)],
  );
  const textById = new Map(rows.map((row) => [row.id, itemText(row)]));
  const documents = Array.from(data.itemIds, (id) => textById.get(id) ?? '');

  // Items with at least a few events have collaborative vectors worth imitating.
  const warmItems: number[] = [];
  itemCounts.forEach((count, index) => count >= 3 && warmItems.push(index));
  // The ONNX text encoder (trained on this catalog, or the sentence-transformers model configured) and its map
  // into the collaborative space: see training/train-job/text-encoder.ts.
  const text = await trainTextEncoder(documents, items.data, items.dim, warmItems, {
    textModelPath: options.textModelPath,
    encoderParams: options.textDimension ? { textDimension: options.textDimension } : undefined,
    progress,
  });

  return {
    version: newVersionLabel(),
    kind: pipeline.name,
    params: { ...pipeline.params, foldIn: { ...model.foldInParams() } },
    metrics: { users: data.userIds.length, items: data.itemIds.length, pairs: data.users.length },
    dimension: items.dim,
    cutoff: data.cutoff,
    itemIds: data.itemIds,
    userIds: data.userIds,
    itemVectors: items.data,
    userVectors: users.data,
    gram,
    itemCounts,
    text: { model: text.artifact, dimension: text.dimension, vectors: text.vectors },
    textToCf: text.textToCf,
    layout,
    degrees: Float32Array.from(degrees),
  };
}

/** `params` keeps its historical meaning (iALS overrides, e.g. { factors: 32 }); mapped to pipeline keys. */
function ialsOverrides(params: Record<string, number> = {}): Partial<PipelineParams> {
  const keys: Record<string, keyof PipelineParams> = {
    factors: 'ialsFactors',
    iterations: 'ialsIterations',
    regularization: 'ialsRegularization',
    alpha: 'ialsAlpha',
    regExponent: 'ialsRegExponent',
  };
  const out: Record<string, number> = {};
  for (const [key, value] of Object.entries(params)) {
    const mapped = keys[key];
    if (!mapped) throw new Error(`train: unknown iALS parameter "${key}" (known: ${Object.keys(keys).join(', ')})`);
    out[mapped] = value;
  }
  return out as Partial<PipelineParams>;
}
