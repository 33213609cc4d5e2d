/**
 * Full-catalogue evaluation (README § Evaluation protocol): for every user with at least one test item, rank all items,
 * drop the user's training items, keep the top max(K), and score the list against the test items.
 *
 * Anything that produces top-K lists is a `TopKRanker`, so the same runner measures a model scored over the
 * whole catalogue, a simulated two-stage pipeline (exact dot-product retrieval + rerank), or the served path
 * (Qdrant retrieval: pass your own `RetrieveCandidates`).
 */
import { type InteractionMatrix, itemDegrees, rowItems } from '../data/interactions.js';
import type { DenseVectors, Recommender } from '../models/contract.js';
import { Rng } from '../../src/random.js';
import { scoreAllItems } from '../models/linalg/scoring.js';
import { noopProgress, type ProgressSink } from '../progress.js';
import { DEFAULT_KS, MetricAccumulator, type MetricRecord } from './metrics.js';
import { topKRow } from '../models/linalg/topk.js';

/**
 * Returns users.length × k item ids (row-major, best first, −1 padded). Implementations must exclude each
 * user's training items (the helpers below take `train` for that).
 */
export type TopKRanker = (users: Int32Array, k: number) => Int32Array | Promise<Int32Array>;

/**
 * The retrieval seam: up to `n` candidate item ids per user (users.length × n, −1 padded). The offline stand-in
 * is exactDotProductRetriever; the served path plugs in a Qdrant search here. Returned training items are
 * dropped by the two-stage ranker, so a retriever may over-fetch instead of filtering.
 */
export type RetrieveCandidates = (users: Int32Array, n: number) => Int32Array | Promise<Int32Array>;

export interface EvaluateOptions {
  ks?: readonly number[];
  /** Users scored per scoreUsers call (memory: batch × numItems floats). */
  batchSize?: number;
  progress?: ProgressSink;
  /** Evaluate only these users (default: every user with test items). */
  users?: Int32Array;
  /** Item embedding for intra-list diversity; default diversityEmbedding(train). Pass null to skip. */
  diversity?: DenseVectors | null;
  label?: string;
}

export interface EvaluationResult {
  metrics: MetricRecord;
  /** Users evaluated (with ≥ 1 test item). */
  users: number;
  seconds: number;
}

export function fullCatalogRanker(model: Recommender, train: InteractionMatrix): TopKRanker {
  return (users, k) => {
    const scores = model.scoreUsers(users);
    const numItems = train.numItems;
    if (scores.length !== users.length * numItems) {
      throw new Error(
        `${model.name}.scoreUsers returned ${scores.length} scores, expected ${users.length}×${numItems}`,
      );
    }
    const out = new Int32Array(users.length * k);
    const heapScores = new Float64Array(k);
    const heapItems = new Int32Array(k);
    for (let b = 0; b < users.length; b++) {
      topKRow(scores, b * numItems, numItems, k, rowItems(train, users[b]), out, b * k, heapScores, heapItems);
    }
    return out;
  };
}

/** Exact top-n by dot product, training items excluded: what an exact (brute-force) Qdrant search returns. */
export function exactDotProductRetriever(
  userVecs: DenseVectors,
  itemVecs: DenseVectors,
  train: InteractionMatrix,
): RetrieveCandidates {
  if (userVecs.dim !== itemVecs.dim) throw new Error('retriever: user and item vectors differ in dim');
  return (users, n) => {
    const numItems = itemVecs.count;
    const scores = scoreAllItems(userVecs.data, users, itemVecs.data, numItems, itemVecs.dim);
    const out = new Int32Array(users.length * n);
    const hs = new Float64Array(n);
    const hi = new Int32Array(n);
    for (let b = 0; b < users.length; b++)
      topKRow(scores, b * numItems, numItems, n, rowItems(train, users[b]), out, b * n, hs, hi);
    return out;
  };
}

/**
 * Two-stage pipeline: `retrieve` gives `candidates` items per user, `reranker.scoreUsers` orders them.
 * Offline the reranker scores the full row and reads the candidates' entries (same numbers a serving-side
 * reranker computes for just the candidates).
 */
export function twoStageRanker(
  retrieve: RetrieveCandidates,
  reranker: Recommender,
  train: InteractionMatrix,
  candidates: number,
): TopKRanker {
  return async (users, k) => {
    const cand = await retrieve(users, candidates);
    const scores = reranker.scoreUsers(users);
    const numItems = train.numItems;
    const out = new Int32Array(users.length * k);
    const hs = new Float64Array(k);
    const hi = new Int32Array(k);
    for (let b = 0; b < users.length; b++) {
      const row = cand.subarray(b * candidates, (b + 1) * candidates).filter((i) => i >= 0);
      topKRow(scores, b * numItems, numItems, k, rowItems(train, users[b]), out, b * k, hs, hi, row);
    }
    return out;
  };
}

/**
 * A model-independent item embedding for intra-list diversity: a seeded Gaussian random projection of each
 * item's (binary) user column, normalised. By Johnson–Lindenstrauss, cos(e_i, e_j) ≈ the cosine similarity of
 * the items' audiences (±≈1/√dim), so diversity = 1 − audience overlap without favouring any model.
 */
export function diversityEmbedding(train: InteractionMatrix, dim = 128, seed = 7): DenseVectors {
  const rng = new Rng(seed);
  const proj = new Float32Array(train.numUsers * dim);
  for (let k = 0; k < proj.length; k++) proj[k] = rng.normal();
  const data = new Float32Array(train.numItems * dim);
  for (let u = 0; u < train.numUsers; u++) {
    const po = u * dim;
    for (let p = train.indptr[u]; p < train.indptr[u + 1]; p++) {
      const io = train.indices[p] * dim;
      for (let j = 0; j < dim; j++) data[io + j] += proj[po + j];
    }
  }
  for (let i = 0; i < train.numItems; i++) {
    const io = i * dim;
    let norm = 0;
    for (let j = 0; j < dim; j++) norm += data[io + j] * data[io + j];
    const inv = norm > 0 ? 1 / Math.sqrt(norm) : 0;
    for (let j = 0; j < dim; j++) data[io + j] *= inv;
  }
  return { count: train.numItems, dim, data };
}

/** Users with at least one test item, ascending. */
export function testUsers(test: InteractionMatrix): Int32Array {
  const out: number[] = [];
  for (let u = 0; u < test.numUsers; u++) if (test.indptr[u + 1] > test.indptr[u]) out.push(u);
  return Int32Array.from(out);
}

export async function evaluateRanker(
  ranker: TopKRanker,
  train: InteractionMatrix,
  test: InteractionMatrix,
  options: EvaluateOptions = {},
): Promise<EvaluationResult> {
  const t0 = performance.now();
  if (train.numItems !== test.numItems) throw new Error('evaluate: train and test have different item counts');
  const ks = options.ks ?? DEFAULT_KS;
  const progress = options.progress ?? noopProgress;
  const degrees = itemDegrees(train);
  let trainUsers = 0;
  for (let u = 0; u < train.numUsers; u++) if (train.indptr[u + 1] > train.indptr[u]) trainUsers++;
  const acc = new MetricAccumulator({
    ks,
    numItems: train.numItems,
    itemPopularity: degrees,
    numTrainUsers: trainUsers,
    diversityEmbedding: options.diversity === null ? undefined : (options.diversity ?? diversityEmbedding(train)),
  });
  const users = (options.users ?? testUsers(test)).filter(
    (u) => u < test.numUsers && test.indptr[u + 1] > test.indptr[u],
  );
  const k = acc.depth;
  // Keep a batch's score block around 64 MB whatever the catalogue size.
  const batchSize =
    options.batchSize ?? Math.max(16, Math.min(1024, Math.floor(16_000_000 / Math.max(train.numItems, 1))));
  progress.start(users.length, options.label ?? 'evaluate');
  for (let b0 = 0; b0 < users.length; b0 += batchSize) {
    const batch = users.subarray(b0, Math.min(users.length, b0 + batchSize));
    const lists = await ranker(batch, k);
    for (let b = 0; b < batch.length; b++) acc.addUser(lists, b * k, rowItems(test, batch[b]));
    progress.tick(batch.length);
  }
  progress.stop();
  return { metrics: acc.result(), users: acc.userCount, seconds: (performance.now() - t0) / 1000 };
}

/** Full-catalogue evaluation of a fitted model. */
export function evaluateModel(
  model: Recommender,
  train: InteractionMatrix,
  test: InteractionMatrix,
  options: EvaluateOptions = {},
): Promise<EvaluationResult> {
  return evaluateRanker(fullCatalogRanker(model, train), train, test, { label: `eval ${model.name}`, ...options });
}

/** Sanity guard used by commands: a test split sharing no user with train cannot be evaluated. */
export function overlapUsers(train: InteractionMatrix, test: InteractionMatrix): number {
  let n = 0;
  const users = Math.min(train.numUsers, test.numUsers);
  for (let u = 0; u < users; u++) if (test.indptr[u + 1] > test.indptr[u] && train.indptr[u + 1] > train.indptr[u]) n++;
  return n;
}
