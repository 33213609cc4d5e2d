/**
 * GF-CF (Shen et al. 2021, "How Powerful is Graph Convolution for Recommendation?"): a training-free graph
 * filter on the normalised interaction matrix R̃ = D_U^{-1/2} R D_I^{-1/2}:
 *     s_u = r_u · ( R̃ᵀR̃  +  α · D_I^{-1/2} V Vᵀ D_I^{1/2} )
 * the first term a linear low-pass filter (normalised item-item co-occurrence), the second an ideal low-pass
 * filter through the top-k right singular vectors V of R̃ (randomized SVD, linalg/randomized-svd.ts).
 *
 * Dot-product vectors: the ideal low-pass term factorises, item_i = √α · d_i^{1/2} V_i and
 * user_u = √α · Σ_j r_uj d_j^{-1/2} V_j — a user vector is computable from the history alone (fold-in is exact
 * and free). They reproduce only that term; the item-item term is applied as a reranker (scoreHistory).
 * `vectorsScoreExactly` is false for that reason.
 *
 * The item-item term is dense (items²) up to `denseMaxItems`; above, each item keeps its `neighbors`
 * strongest normalised co-occurrences (sparse), which is what makes Gowalla-size catalogues fit.
 */
import { binarize, itemDegrees, transpose, userDegrees, type InteractionMatrix } from '../data/interactions.js';
import { noopProgress, type ProgressSink } from '../progress.js';
import { assertFitted, foldInTrainingUsers, mergeParams, type DenseVectors, type Recommender } from './contract.js';
import { randomizedSvd } from './linalg/randomized-svd.js';
import { ItemVectorIndex } from './linalg/scoring.js';
import { accumulateRows, scaleMatrix, sparseGram } from './linalg/sparse.js';
import { ItemNeighbors, normalizedCooccurrenceNeighbors } from './linalg/item-neighbors.js';

export const GFCF_DEFAULTS = {
  /** k: singular vectors in the ideal low-pass filter. */
  svdDims: 256,
  /** α: weight of the ideal low-pass term. */
  alpha: 0.3,
  /** Power iterations of the randomized SVD (accuracy of the top-k subspace). */
  powerIterations: 4,
  /** Catalogues up to this size use a dense items² item-item matrix. */
  denseMaxItems: 12000,
  /** Neighbours kept per item when the item-item term is sparse. */
  neighbors: 200,
  /**
   * Whether the linear (item-item) filter takes part. Off: only the ideal low-pass term, i.e. exactly what the
   * exported vectors score (the default pipeline serves it that way, see ials-lowpass-blend.ts), and no items² work.
   */
  linearFilter: true,
  seed: 1,
};
export type GfcfParams = typeof GFCF_DEFAULTS;

export class GFCF implements Recommender {
  /** "gfcf/lowpass" when the linear filter is off, so report rows tell the two apart. */
  readonly name: string;
  readonly params: GfcfParams;
  get vectorsScoreExactly(): boolean {
    return !this.params.linearFilter;
  }
  private train?: InteractionMatrix;
  private dense?: Float32Array;
  private sparse?: ItemNeighbors;
  /** item vectors √α · d_i^{1/2} V_i  (items × k) */
  private items?: Float32Array;
  /** V_i · √α · d_i^{-1/2}: what a history item contributes to a user vector (items × k) */
  private userBasis?: Float32Array;
  private k = 0;
  private numItems = 0;
  private index?: ItemVectorIndex;
  private userCache?: Float32Array;

  constructor(params: Partial<GfcfParams> = {}) {
    this.params = mergeParams('gfcf', GFCF_DEFAULTS, params);
    this.name = this.params.linearFilter ? 'gfcf' : 'gfcf/lowpass';
  }

  async fit(data: InteractionMatrix, progress: ProgressSink = noopProgress): Promise<void> {
    const x = binarize(data);
    const n = x.numItems;
    this.index?.dispose();
    this.index = undefined;
    this.userCache = undefined;
    const du = userDegrees(x);
    const di = itemDegrees(x);
    const invSqrt = (d: Float64Array) => d.map((v) => (v > 0 ? 1 / Math.sqrt(v) : 0));
    const rn = scaleMatrix(x, invSqrt(du), invSqrt(di));
    const rnT = transpose(rn);

    if (!this.params.linearFilter) {
      this.dense = undefined;
      this.sparse = undefined;
    } else if (n <= this.params.denseMaxItems) {
      this.dense = sparseGram(rn);
      this.sparse = undefined;
    } else {
      this.sparse = normalizedCooccurrenceNeighbors(rnT, rn, this.params.neighbors, progress);
      this.dense = undefined;
    }

    const k = Math.min(this.params.svdDims, n - 1, x.numUsers - 1);
    const svd = await randomizedSvd(rn, rnT, k, {
      powerIterations: this.params.powerIterations,
      seed: this.params.seed,
      progress,
    });
    const sa = Math.sqrt(this.params.alpha);
    const items = new Float32Array(n * k);
    const basis = new Float32Array(n * k);
    for (let i = 0; i < n; i++) {
      const up = di[i] > 0 ? Math.sqrt(di[i]) : 0;
      const down = di[i] > 0 ? 1 / Math.sqrt(di[i]) : 0;
      for (let j = 0; j < k; j++) {
        items[i * k + j] = sa * up * svd.v[i * k + j];
        basis[i * k + j] = sa * down * svd.v[i * k + j];
      }
    }
    this.items = items;
    this.userBasis = basis;
    this.k = k;
    this.numItems = n;
    this.train = x;
  }

  scoreUsers(users: Int32Array): Float32Array {
    const x = assertFitted(this.train, this.name);
    return this.scoreHistories(users.length, (r) => x.indices.subarray(x.indptr[users[r]], x.indptr[users[r] + 1]));
  }

  scoreHistory(items: Int32Array): Float32Array {
    return this.scoreHistories(1, () => items);
  }

  /** Low-pass term as one batched GEMM (user vectors × item vectors), plus the item-item term per row. */
  private scoreHistories(count: number, history: (r: number) => Int32Array): Float32Array {
    const n = this.numItems;
    const k = this.k;
    const userVecs = new Float32Array(count * k);
    for (let r = 0; r < count; r++) userVecs.set(this.foldIn(history(r)), r * k);
    this.index ??= new ItemVectorIndex(assertFitted(this.items, this.name), n, k);
    const out = this.index.score(userVecs, count);
    for (let r = 0; r < count; r++) {
      if (this.dense) accumulateRows(history(r), undefined, this.dense, n, out, r * n);
      else if (this.sparse) this.sparse.accumulate(history(r), out, r * n);
    }
    return out;
  }

  itemVectors(): DenseVectors {
    return { count: this.numItems, dim: this.k, data: assertFitted(this.items, this.name) };
  }

  /** Training users' vectors (computed once per fit, then cached). */
  userVectors(): DenseVectors {
    const x = assertFitted(this.train, this.name);
    this.userCache ??= foldInTrainingUsers(x, this.k, (items) => this.foldIn(items));
    return { count: x.numUsers, dim: this.k, data: this.userCache };
  }

  /** user vector = Σ_{j ∈ history} √α d_j^{-1/2} V_j — exact for any history, no solve needed. */
  foldIn(items: Int32Array): Float32Array {
    const basis = assertFitted(this.userBasis, this.name);
    const k = this.k;
    const v = new Float32Array(k);
    for (const j of items) {
      const o = j * k;
      for (let c = 0; c < k; c++) v[c] += basis[o + c];
    }
    return v;
  }
}
