/**
 * The one contract every recommender implements (in the spirit of implicit's RecommenderBase and RecBole's
 * GeneralRecommender). The evaluator, the tuner, the exporter and the contract test suite only use this.
 *
 * Conventions
 * - Ids are dense 0-based internal ids (user = row, item = column of the InteractionMatrix).
 * - `scoreUsers` returns raw scores, higher is better, and does NOT mask training items: masking is the
 *   evaluator's / server's job, so every model is masked the same way.
 * - Vectors are exported row-major: row r of `data` is `data.subarray(r * dim, (r + 1) * dim)`.
 *   For models with `itemVectors` and `userVectors`, score(u, i) = dot(user_u, item_i) (what Qdrant retrieves).
 */
import type { VectorLayout } from '../../src/embedding/blended-foldin.js';
import type { RerankState } from '../../src/recommend/graph-rerank.js';
import type { InteractionMatrix } from '../data/interactions.js';
import type { ProgressSink } from '../progress.js';

export interface DenseVectors {
  /** Number of rows (items or users). */
  count: number;
  dim: number;
  /** count × dim, row-major. */
  data: Float32Array;
}

/**
 * What a model publishes for serving (exported to Qdrant and model_versions.artifacts, read by src/recommend):
 * its vectors, each item's training degree (fold-in), the block layout when fold-in is not plain iALS, and the
 * rerank stage of a two-stage model. Served score = dot(user, item) (+ the rerank term for the candidates).
 */
export interface PublishedModel {
  items: DenseVectors;
  users: DenseVectors;
  degrees: ArrayLike<number>;
  layout?: VectorLayout;
  /** Rows = dense item indices; the exporter passes the real ids. */
  rerank?: RerankState;
}

export interface Recommender {
  /** Registry name, e.g. "ials", "ease". */
  readonly name: string;
  /** The hyperparameters actually used (defaults merged with overrides); logged in reports. */
  readonly params: Readonly<Record<string, number | string | boolean>>;

  /** Trains on `data`. Calling fit again retrains from scratch. */
  fit(data: InteractionMatrix, progress?: ProgressSink): Promise<void>;

  /**
   * users.length × numItems raw scores (row-major); train items are not masked. Finite, except that a
   * pipeline may give −Infinity to items its retrieval stage did not return.
   */
  scoreUsers(users: Int32Array): Float32Array;

  /**
   * Scores an arbitrary history (a user unseen at training time, or a user's fresh events) against all items.
   * `values` defaults to 1 per item. Used for fold-in evaluation and by serving-side rerankers.
   */
  scoreHistory?(items: Int32Array, values?: Float32Array): Float32Array;

  /**
   * False when dot(user, item) of the exported vectors is only the retrieval score, not scoreUsers (GF-CF's
   * low-pass part, pipelines). Absent / true: the vectors reproduce scoreUsers exactly.
   */
  readonly vectorsScoreExactly?: boolean;

  /** Item vectors for the ANN index (dot-product space). */
  itemVectors?(): DenseVectors;
  /** User vectors in the same space as itemVectors, for users seen at training time. */
  userVectors?(): DenseVectors;
  /** User vector built from a history, in the itemVectors space (for users unseen at training time). */
  foldIn?(items: Int32Array, values?: Float32Array): Float32Array;

  /** Servable models: what training publishes (`itemIds` maps dense rows to published ids; default identity). */
  published?(itemIds?: Int32Array): PublishedModel;
}

/** A model factory: how the registry / tuner builds a model from (partial) params. */
export type RecommenderFactory = (params?: Record<string, number | string | boolean>) => Recommender;

/** Throws a clear error when a model is used before fit. */
export function assertFitted<T>(value: T | undefined, model: string): T {
  if (value === undefined) throw new Error(`${model}: call fit() first`);
  return value;
}

/**
 * Merges user overrides into defaults, rejecting unknown keys and type mismatches (so a typo in
 * `--models ials:factor=64` fails loudly instead of silently training with the default).
 */
export function mergeParams<P extends Record<string, number | string | boolean>>(
  model: string,
  defaults: P,
  overrides: Partial<Record<string, number | string | boolean>> = {},
): P {
  const out: Record<string, number | string | boolean> = { ...defaults };
  for (const [key, value] of Object.entries(overrides)) {
    if (value === undefined) continue;
    if (!(key in defaults)) {
      throw new Error(`${model}: unknown parameter "${key}" (known: ${Object.keys(defaults).join(', ')})`);
    }
    const expected = typeof defaults[key];
    if (typeof value !== expected) throw new Error(`${model}: parameter "${key}" must be a ${expected}`);
    out[key] = value;
  }
  return out as P;
}

/** Every training user's vector, folded in from their training history (models whose fold-in is exact). */
export function foldInTrainingUsers(
  x: InteractionMatrix,
  dim: number,
  foldIn: (items: Int32Array) => Float32Array,
): Float32Array {
  const data = new Float32Array(x.numUsers * dim);
  for (let u = 0; u < x.numUsers; u++) data.set(foldIn(x.indices.subarray(x.indptr[u], x.indptr[u + 1])), u * dim);
  return data;
}
