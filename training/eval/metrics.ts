/**
 * Ranking metrics for top-K lists against held-out items (binary relevance), averaged over test users.
 *
 * Definitions (those that reproduce the reference figures in ENVIRONMENT.md; LightGCN / RecBole conventions):
 *   hits@K      = |top-K ∩ T|                       (T = the user's test items)
 *   recall@K    = hits@K / |T|
 *   precision@K = hits@K / K
 *   ndcg@K      = Σ_{r ≤ K, item_r ∈ T} 1/log2(r+1)  /  Σ_{r ≤ min(|T|,K)} 1/log2(r+1)
 *   hitrate@K   = 1 if hits@K > 0
 *   mrr@K       = 1 / rank of the first hit within K (0 if none)
 *   map@K       = Σ_{r ≤ K, item_r ∈ T} precision@r  /  min(|T|, K)
 * Beyond accuracy (over all evaluated users' top-K lists):
 *   coverage@K  = distinct recommended items / catalogue size
 *   novelty@K   = mean self-information −log2(p_i) of recommended items, p_i = (train users of i + 1)/(train users + 1)
 *   diversity@K = mean intra-list distance 1 − cos(e_i, e_j) over pairs of a list, e = a fixed item embedding
 *                 shared by all models of a run (see diversityEmbedding in evaluate.ts), so the figure is
 *                 comparable across models.
 */
import { isExcluded as sortedHas } from '../models/linalg/topk.js';

export const DEFAULT_KS = [10, 20, 50] as const;

/** "recall@20" → value. */
export type MetricRecord = Record<string, number>;

export const ACCURACY_METRICS = ['recall', 'ndcg', 'precision', 'hitrate', 'mrr', 'map'] as const;
export const BEYOND_ACCURACY_METRICS = ['coverage', 'diversity', 'novelty'] as const;

export interface MetricContext {
  ks: readonly number[];
  numItems: number;
  /** Training users per item (item degree), for novelty. */
  itemPopularity: ArrayLike<number>;
  /** Number of training users with at least one item, for novelty. */
  numTrainUsers: number;
  /** Unit-norm item embedding (numItems × dim, row-major) for intra-list diversity; omitted → no diversity. */
  diversityEmbedding?: { dim: number; data: Float32Array };
}

const LOG2_DISCOUNT: number[] = [];
function discount(rank: number): number {
  // rank is 1-based
  while (LOG2_DISCOUNT.length <= rank) LOG2_DISCOUNT.push(1 / Math.log2(LOG2_DISCOUNT.length + 1));
  return LOG2_DISCOUNT[rank];
}

/** Sums per-user metrics; `result()` divides by the number of users added. */
export class MetricAccumulator {
  private readonly sums = new Map<string, number>();
  private readonly recommended: Uint8Array[];
  private readonly selfInfo: Float64Array;
  private users = 0;
  private readonly maxK: number;
  private readonly sumVec: Float64Array;

  private readonly ks: number[];

  constructor(private readonly ctx: MetricContext) {
    this.ks = [...new Set(ctx.ks)].sort((a, b) => a - b);
    if (this.ks.length === 0 || this.ks[0] < 1) throw new Error('metrics: ks must be positive integers');
    this.maxK = this.ks[this.ks.length - 1];
    this.recommended = this.ks.map(() => new Uint8Array(ctx.numItems));
    this.selfInfo = new Float64Array(ctx.numItems);
    for (let i = 0; i < ctx.numItems; i++) {
      this.selfInfo[i] = -Math.log2((ctx.itemPopularity[i] + 1) / (ctx.numTrainUsers + 1));
    }
    this.sumVec = new Float64Array(ctx.diversityEmbedding?.dim ?? 0);
  }

  private add(key: string, v: number): void {
    this.sums.set(key, (this.sums.get(key) ?? 0) + v);
  }

  /**
   * Adds one user: `ranked[off .. off + maxK)` are item ids best first (−1 = empty slot), `relevant` the user's
   * test items sorted ascending (must be non-empty).
   */
  addUser(ranked: Int32Array, off: number, relevant: Int32Array): void {
    this.users++;
    const numRelevant = relevant.length;
    let hits = 0;
    let dcg = 0;
    let firstHit = 0;
    let apSum = 0;
    let kIndex = 0;
    const ks = this.ks;
    let novelty = 0;
    let listed = 0;
    for (let r = 1; r <= this.maxK; r++) {
      const item = ranked[off + r - 1];
      if (item >= 0) {
        listed++;
        novelty += this.selfInfo[item];
        if (sortedHas(relevant, item)) {
          hits++;
          dcg += discount(r);
          if (firstHit === 0) firstHit = r;
          apSum += hits / r;
        }
      }
      while (kIndex < ks.length && ks[kIndex] === r) {
        const k = r;
        let idcg = 0;
        const idealHits = Math.min(numRelevant, k);
        for (let q = 1; q <= idealHits; q++) idcg += discount(q);
        this.add(`recall@${k}`, hits / numRelevant);
        this.add(`precision@${k}`, hits / k);
        this.add(`ndcg@${k}`, dcg / idcg);
        this.add(`hitrate@${k}`, hits > 0 ? 1 : 0);
        this.add(`mrr@${k}`, firstHit > 0 ? 1 / firstHit : 0);
        this.add(`map@${k}`, apSum / idealHits);
        this.add(`novelty@${k}`, listed > 0 ? novelty / listed : 0);
        const seen = this.recommended[kIndex];
        for (let q = 0; q < k; q++) {
          const it = ranked[off + q];
          if (it >= 0) seen[it] = 1;
        }
        if (this.ctx.diversityEmbedding) this.add(`diversity@${k}`, this.intraListDistance(ranked, off, k));
        kIndex++;
      }
    }
  }

  /**
   * Mean pairwise 1 − cos over a list of unit vectors in O(k·dim): Σ_{a<b} cos = (‖Σ e‖² − Σ‖e‖²) / 2.
   */
  private intraListDistance(ranked: Int32Array, off: number, k: number): number {
    const emb = this.ctx.diversityEmbedding!;
    const d = emb.dim;
    const s = this.sumVec.fill(0);
    let n = 0;
    let selfNorm = 0;
    for (let q = 0; q < k; q++) {
      const it = ranked[off + q];
      if (it < 0) continue;
      n++;
      const o = it * d;
      for (let j = 0; j < d; j++) {
        s[j] += emb.data[o + j];
        selfNorm += emb.data[o + j] * emb.data[o + j];
      }
    }
    if (n < 2) return 0;
    let sq = 0;
    for (let j = 0; j < d; j++) sq += s[j] * s[j];
    const pairs = (n * (n - 1)) / 2;
    return 1 - (sq - selfNorm) / 2 / pairs;
  }

  /** Averages over users; coverage is a catalogue-level figure. */
  result(): MetricRecord {
    const out: MetricRecord = {};
    const n = Math.max(this.users, 1);
    for (const k of this.ks) {
      for (const m of ACCURACY_METRICS) out[`${m}@${k}`] = (this.sums.get(`${m}@${k}`) ?? 0) / n;
    }
    this.ks.forEach((k, idx) => {
      let covered = 0;
      for (const v of this.recommended[idx]) covered += v;
      out[`coverage@${k}`] = covered / this.ctx.numItems;
      if (this.ctx.diversityEmbedding) out[`diversity@${k}`] = (this.sums.get(`diversity@${k}`) ?? 0) / n;
      out[`novelty@${k}`] = (this.sums.get(`novelty@${k}`) ?? 0) / n;
    });
    return out;
  }

  /** The largest K: rankers must return lists at least this long. */
  get depth(): number {
    return this.maxK;
  }

  get userCount(): number {
    return this.users;
  }
}
