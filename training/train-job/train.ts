// Trains the serving model from what Postgres holds: the default pipeline (training/models/ials-lowpass-blend.ts — one
// blended iALS ⊕ GF-CF low-pass vector per user and item, plus what fold-in needs), the text embedding for the
// semantic collection, and the popularity counts. Returns artifacts; exporting them to
// Qdrant is a separate step (training/export) so a version can be re-published without retraining.
import { randomBytes } from 'node:crypto';
import type pg from 'pg';
import { itemColumns } from '../../src/db/item-columns.js';
import { itemText } from '../../src/embedding/item-text.js';
import { buildInteractionMatrix, type InteractionMatrix } from '../data/interactions.js';
import { IalsLowpassBlend, type IalsLowpassParams } from '../models/ials-lowpass-blend.js';
import { GraphFilter, type GraphFilterParams } from '../models/graph-filter.js';
import { Fusion, type FusionParams } from '../models/fusion.js';
import type { FusionTuning } from '../eval/tune-fusion.js';
import { AUTO_SELECT_DEFAULTS, AutoSelect, type Selection } from '../models/auto-select.js';
import type { GraphFilterTuning } from '../eval/tune-graph-filter.js';
import type { FeedbackPolicy } from '../../src/feedback/event-weights.js';
import type { VectorLayout } from '../../src/embedding/blended-foldin.js';
import type { RerankState } from '../../src/recommend/graph-rerank.js';
import type { DenseVectors } from '../models/contract.js';
import { noopProgress, type ProgressSink } from '../progress.js';
import type { ModelArtifacts } from './artifacts.js';
import { trainTextEncoder } from './text-encoder.js';
import { readTrainingData } from './training-data.js';
import { loadConfig } from '../../src/config.js';
import { expandToEditions, expandValues, pairsOnWorks, workColumns, type WorksMode } from './works.js';
import { trainImageVectors } from './image-vectors.js';
import type { EmbedImagesOptions } from '../images/embed-items.js';

/**
 * Which model `train` publishes: 'auto' (default) chooses between the blend and the graph filter on a validation
 * split carved from the data (training/models/auto-select.ts); 'blend' (alias 'default', its former name) the
 * iALS ⊕ low-pass blend; 'graphfilter' the two-stage graph filter; 'fusion' iALS ⊕ the graph filter, two-stage
 * (training/models/fusion.ts).
 */
export type TrainedModelKind = 'auto' | 'blend' | 'default' | 'graphfilter' | 'fusion';

export interface TrainOptions {
  /** Default 'auto'. */
  model?: TrainedModelKind;
  /**
   * auto / graphfilter: seconds for the validation search on a split carved from the training data (seeded, per
   * user), enforced — or false to skip it (auto then picks by a density prior, graphfilter uses its defaults).
   */
  tuneBudgetSeconds?: number | false;
  /** Fusion parameter overrides (weights given here are not searched). */
  fusion?: Partial<FusionParams>;
  /** Graph filter parameter overrides (applied after tuning). */
  graphFilter?: Partial<GraphFilterParams>;
  /** Overrides of the iALS defaults (factors, iterations, regularization, alpha, regExponent). */
  params?: Record<string, number>;
  /** Overrides of the pipeline's other defaults (lowpassWeight, lowpassDims, …). */
  pipeline?: Partial<IalsLowpassParams>;
  textDimension?: number;
  /** A sentence-transformers ONNX model directory (RECGRAPH_TEXT_MODEL) to embed text with instead of training the catalog encoder. */
  textModelPath?: string;
  /** A CLIP-style ONNX image encoder directory (RECGRAPH_IMAGE_MODEL): item images are embedded into items_image. */
  imageModelPath?: string;
  /** How item images are fetched (timeout, size limit, root of relative paths). */
  imageFetch?: EmbedImagesOptions;
  progress?: ProgressSink;
  /** Train only on events created up to this instant (default: now). */
  cutoff?: Date;
  /**
   * One column per work instead of per edition (works.ts): 'auto' (default, RECGRAPH_TRAIN_ON_WORKS) when some work
   * groups two or more editions. The graph filter trains on editions (its neighbour lists are per edition).
   */
  works?: WorksMode;
  /** Event weights and negative kinds (default: from the environment, as the server reads them). */
  feedback?: FeedbackPolicy;
}

export function newVersionLabel(now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `v${stamp}-${randomBytes(2).toString('hex')}`;
}

export async function trainModel(pool: pg.Pool, options: TrainOptions = {}): Promise<ModelArtifacts> {
  const progress = options.progress ?? noopProgress;
  const data = await readTrainingData(pool, options.cutoff, options.feedback);
  if (data.users.length === 0)
    throw new Error('no interactions to train on: ingest data or run `recgraph seed-demo` first');

  const requested = options.model ?? 'auto';
  // Works (editions grouped, issue 18) train the blend: one vector per work, served for every edition. The graph
  // filter's neighbour lists are per edition, so it trains on editions; and `auto` on a catalogue with works takes
  // the blend on works rather than choosing between a per-work blend and a per-edition filter.
  const works =
    requested === 'graphfilter' || requested === 'fusion'
      ? undefined
      : workColumns(data.workIds, options.works ?? loadConfig().trainOnWorks);
  const kind = works && requested === 'auto' ? 'blend' : requested;
  const matrix = works
    ? buildInteractionMatrix(
        data.userIds.length,
        works.columns,
        data.users,
        pairsOnWorks(data.items, works),
        data.weights,
      )
    : buildInteractionMatrix(data.userIds.length, data.itemIds.length, data.users, data.items, data.weights);
  const fitted =
    kind === 'graphfilter'
      ? await fitGraphFilter(matrix, data.itemIds, options, progress)
      : kind === 'fusion'
        ? await fitFusion(matrix, data.itemIds, options, progress)
        : kind === 'auto'
          ? await fitAuto(matrix, data.itemIds, options, progress)
          : await fitDefault(matrix, options, progress);
  const { users, layout, gram } = fitted;
  // Every edition is served with its work's vector (and its work's degree for fold-in).
  const items = works ? expandToEditions(fitted.items, works) : fitted.items;
  const degrees = works ? expandValues(fitted.degrees, works) : fitted.degrees;
  const itemCounts = new Float32Array(data.itemIds.length);
  for (let k = 0; k < data.items.length; k++) itemCounts[data.items[k]] += data.weights[k];

  const { rows } = await pool.query<{
    id: number;
    title: string;
    creators: string[];
    genres: string[];
    tags: string[];
    description: string | null;
  }>(
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

  const image = options.imageModelPath
    ? await trainImageVectors(pool, data.itemIds, options.imageModelPath, { ...options.imageFetch, progress })
    : undefined;

  return {
    version: newVersionLabel(),
    kind: fitted.kind,
    params: { ...fitted.params, foldIn: fitted.foldIn },
    metrics: {
      users: data.userIds.length,
      items: data.itemIds.length,
      pairs: data.users.length,
      trainedOn: works ? 'works' : 'editions',
      ...(works ? { works: works.columns, multiEditionWorks: works.multiEditionWorks } : {}),
      ...(fitted.tuning ? { tuning: tuningSummary(fitted.tuning) } : {}),
      ...(fitted.fusionTuning ? { fusionTuning: fusionTuningSummary(fitted.fusionTuning) } : {}),
      ...(image ? { images: image.counts } : {}),
      ...(fitted.selection ? { selection: selectionSummary(fitted.selection) } : {}),
    },
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
    ...(fitted.rerank ? { rerank: fitted.rerank } : {}),
    ...(image ? { image } : {}),
  };
}

interface FittedForServing {
  kind: string;
  params: Record<string, unknown>;
  items: DenseVectors;
  users: DenseVectors;
  layout: VectorLayout;
  degrees: ArrayLike<number>;
  gram: Float32Array;
  foldIn: Record<string, number>;
  rerank?: RerankState;
  tuning?: GraphFilterTuning;
  fusionTuning?: FusionTuning;
  selection?: Selection;
}

async function fitAuto(
  matrix: InteractionMatrix,
  itemIds: Int32Array,
  options: TrainOptions,
  progress: ProgressSink,
): Promise<FittedForServing> {
  const budget = options.tuneBudgetSeconds;
  const auto = new AutoSelect(
    { tuneBudget: budget === false ? 0 : (budget ?? AUTO_SELECT_DEFAULTS.tuneBudget) },
    { blend: { ...ialsOverrides(options.params), ...options.pipeline }, graphFilter: options.graphFilter },
  );
  await auto.fit(matrix, progress);
  const chosen = auto.chosen;
  const fitted = chosen instanceof GraphFilter ? servingGraphFilter(chosen, itemIds, matrix) : servingBlend(chosen);
  return { ...fitted, selection: auto.selection };
}

async function fitDefault(
  matrix: InteractionMatrix,
  options: TrainOptions,
  progress: ProgressSink,
): Promise<FittedForServing> {
  const pipeline = new IalsLowpassBlend({ ...ialsOverrides(options.params), ...options.pipeline });
  await pipeline.fit(matrix, progress);
  return servingBlend(pipeline);
}

function servingBlend(pipeline: IalsLowpassBlend): FittedForServing {
  const { ials: model, layout, degrees } = pipeline.servingParts();
  // The blended vectors (iALS ⊕ low-pass): what Qdrant ranks by; the Gram matrix is of the plain iALS block.
  return {
    kind: pipeline.name,
    params: { ...pipeline.params },
    items: pipeline.itemVectors(),
    users: pipeline.userVectors(),
    layout,
    degrees,
    gram: Float32Array.from(model.itemGram()),
    foldIn: { ...model.foldInParams() },
  };
}

/** Default time budget of the validation search (seconds); the search reports what it spent. */
export const DEFAULT_TUNE_BUDGET_SECONDS = 60;

async function fitGraphFilter(
  matrix: InteractionMatrix,
  itemIds: Int32Array,
  options: TrainOptions,
  progress: ProgressSink,
): Promise<FittedForServing> {
  const budget = options.tuneBudgetSeconds ?? DEFAULT_TUNE_BUDGET_SECONDS;
  const model = new GraphFilter({ ...options.graphFilter, tuneBudget: budget === false ? 0 : budget });
  await model.fit(matrix, progress);
  return servingGraphFilter(model, itemIds, matrix);
}

function servingGraphFilter(model: GraphFilter, itemIds: Int32Array, matrix: InteractionMatrix): FittedForServing {
  const tuning = model.tuning;
  const published = model.published(itemIds);
  return {
    kind: model.name,
    params: { ...model.params },
    items: published.items,
    users: published.users,
    layout: published.layout!,
    degrees: published.degrees,
    gram: new Float32Array(0),
    foldIn: { regularization: 0, alpha: 0, regExponent: 0, numItems: matrix.numItems },
    rerank: published.rerank,
    ...(tuning ? { tuning } : {}),
  };
}

async function fitFusion(
  matrix: InteractionMatrix,
  itemIds: Int32Array,
  options: TrainOptions,
  progress: ProgressSink,
): Promise<FittedForServing> {
  const budget = options.tuneBudgetSeconds ?? FUSION_TUNE_BUDGET_SECONDS;
  const model = new Fusion({
    ...fusionIalsOverrides(options),
    ...options.fusion,
    tuneBudget: budget === false ? 0 : budget,
  });
  await model.fit(matrix, progress);
  return { ...servingFusion(model, itemIds), ...(model.tuning ? { fusionTuning: model.tuning } : {}) };
}

/** Default time budget of the fusion's weight search (seconds). */
export const FUSION_TUNE_BUDGET_SECONDS = 120;

/** The fused vectors (iALS block + the filter's blocks), the iALS Gram matrix for fold-in, the rerank lists. */
function servingFusion(model: Fusion, itemIds: Int32Array): FittedForServing {
  const { ials } = model.servingParts();
  const published = model.published(itemIds);
  return {
    kind: model.name,
    params: { ...model.params },
    items: published.items,
    users: published.users,
    layout: published.layout!,
    degrees: published.degrees,
    gram: Float32Array.from(ials.itemGram()),
    foldIn: { ...ials.foldInParams() },
    ...(published.rerank ? { rerank: published.rerank } : {}),
  };
}

/** `params` (iALS overrides, as for the blend) under the fusion's ials* keys. */
function fusionIalsOverrides(options: TrainOptions): Partial<FusionParams> {
  const { ialsFactors, ialsIterations, ialsRegularization, ialsAlpha, ialsRegExponent } = ialsOverrides(options.params);
  return Object.fromEntries(
    Object.entries({ ialsFactors, ialsIterations, ialsRegularization, ialsAlpha, ialsRegExponent }).filter(
      ([, v]) => v !== undefined,
    ),
  );
}

/** What modelInfo.metrics shows of the validation search: the choice, its score, the cost. */
function tuningSummary(t: GraphFilterTuning): Record<string, unknown> {
  return {
    chosen: t.best,
    validationRecall: t.bestRecall,
    validationNdcg: t.bestNdcg,
    trials: t.trials.length,
    validationUsers: t.users,
    seconds: Math.round(t.seconds * 10) / 10,
    budgetSeconds: t.budgetSeconds,
    ...(t.stoppedEarly ? { stoppedEarly: true } : {}),
    ...(t.skipped ? { skipped: t.skipped } : {}),
  };
}

/** What modelInfo.metrics shows of the fusion's weight search. */
export function fusionTuningSummary(t: FusionTuning): Record<string, unknown> {
  return {
    chosen: t.best,
    validationRecall: t.bestRecall,
    validationNdcg: t.bestNdcg,
    ialsAloneRecall: t.ialsAlone,
    trials: t.trials.length,
    validationUsers: t.users,
    seconds: Math.round(t.seconds * 10) / 10,
    budgetSeconds: t.budgetSeconds,
    ...(t.stoppedEarly ? { stoppedEarly: true } : {}),
    ...(t.skipped ? { skipped: t.skipped } : {}),
  };
}

/** The model choice for modelInfo.metrics: which won, every candidate's validation score and cost. */
function selectionSummary(s: Selection): Record<string, unknown> {
  return {
    chosen: s.chosen,
    by: s.by,
    candidates: s.candidates,
    validationUsers: s.validationUsers,
    budgetSeconds: s.budgetSeconds,
    seconds: Math.round(s.seconds * 10) / 10,
    params: s.params,
    ...(s.graphFilterTuning ? { graphFilterTuning: tuningSummary(s.graphFilterTuning) } : {}),
    ...(s.bounds ? { bounds: s.bounds } : {}),
  };
}

/** `params` keeps its historical meaning (iALS overrides, e.g. { factors: 32 }); mapped to pipeline keys. */
export function ialsOverrides(params: Record<string, number> = {}): Partial<IalsLowpassParams> {
  const keys: Record<string, keyof IalsLowpassParams> = {
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
  return out as Partial<IalsLowpassParams>;
}
