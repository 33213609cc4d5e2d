/**
 * A normalised item-item graph filter with a higher-order spectral term — GF-CF (Shen et al., CIKM 2021, "How
 * Powerful is Graph Convolution for Recommendation?") extended in the spirit of BSPM (Choi et al., SIGIR 2023,
 * "Blurring-Sharpening Process Models for Collaborative Filtering"), training-free:
 *
 *     s_u = r_u P̃  +  c₂ · r_u P̃²  +  α · r_u D_I^{-1/2} V Vᵀ D_I^{1/2}  +  r_u V diag(a·σ² + c·σ⁴) Vᵀ
 *
 * with r_u the binarised history, R̃ = D_U^{-1/2} R D_I^{-1/2}, P̃ = R̃ᵀR̃ the linear low-pass filter, V / σ the top-k
 * right singular vectors / values of R̃ (so P̃ V = V Σ²). The first two terms are GF-CF. The third is a polynomial
 * of P̃ on its top-k eigenspace: c·σ⁴ is the second-order term r P̃² that BSPM's sharpening step (s ← s − T·s P̃ on
 * the blurred s = r P̃) subtracts (c < 0), and P̃² ≈ V Σ⁴ Vᵀ because the eigenvalues outside the top-k are small
 * (their squares smaller still) — so the higher-order filter costs k-dim dot products, not a second items-wide
 * sparse pass per user. a·σ² re-weights the linear filter inside that eigenspace. c₂ · r P̃² is the same
 * second-order term over the whole spectrum (`secondOrder`, off by default, chosen on validation): rows of P̃²
 * from P̃'s pruned rows, pruned in turn and merged into the neighbour lists, so it costs nothing per request
 * beyond longer lists.
 *
 * Served as two stages (the dot-product part cannot carry the full-rank P̃):
 *   - vectors: item_i = [√α d_i^{1/2} V_i ; sgn(w) √|w| ⊙ V_i], user_u = [√α Σ_{j∈u} d_j^{-1/2} V_j ; √|w| ⊙ Σ_{j∈u} V_j]
 *     with w = aσ² + cσ⁴, reproduce the spectral terms exactly; a user row is a sum of per-item rows, each the
 *     item's own vector with the first block divided by its degree and the second times sgn(w) — so any history
 *     folds in from the exported item vectors, no solve (spectralFoldInSigns());
 *   - rerank: r_u P̃ from each item's `neighbors` strongest normalised co-occurrences (row j of P̃ pruned, plus
 *     c₂ times row j of P̃² pruned), summed over the history — the sparse lists are built at fit time and
 *     published with the model version.
 * `linear: 'exact'` computes r_u P̃ exactly by sparse products ((r_u R̃ᵀ) R̃, no items² matrix) to measure what
 * the pruning costs; the default 'pruned' is what serving computes, so offline and served rows score alike.
 */
import { binarize, itemDegrees, transpose, userDegrees, type InteractionMatrix } from '../data/interactions.js';
import type { RerankState } from '../../src/recommend/graph-rerank.js';
import type { GraphFilterTuning } from '../eval/tune-graph-filter.js';
import { noopProgress, type ProgressSink } from '../progress.js';
import {
  assertFitted,
  foldInTrainingUsers,
  mergeParams,
  type DenseVectors,
  type PublishedModel,
  type Recommender,
} from './contract.js';
import {
  addNeighbors,
  ItemNeighbors,
  normalizedCooccurrenceNeighbors,
  squareNeighbors,
} from './linalg/item-neighbors.js';
import { boundedNeighbors } from './graph-filter-bounds.js';
import { randomizedSvd } from './linalg/randomized-svd.js';
import { ItemVectorIndex } from './linalg/scoring.js';
import { gramTimesRows, scaleMatrix } from './linalg/sparse.js';

export const GRAPH_FILTER_DEFAULTS = {
  /** k: eigenvectors of P̃ in the spectral terms. */
  svdDims: 256,
  // The weights' defaults (used when no search runs: `--no-tune`, or a budget too small for the fit) are the
  // setting of the validation grid closest to the best on both yelp2018's and ml-1m's validation splits
  // (bench/graph-filter-valid.ts: 99.3 % of each one's best Recall@20; the former 0.3 / 0 / 1 reached 95.6 % / 96.2 %).
  /** α: GF-CF's ideal low-pass weight. */
  alpha: 0.3,
  /**
   * a: extra weight of P̃ on its top-k eigenspace (a·σ²). It also puts the bulk of the linear term into the
   * retrieval vectors, so Qdrant's candidates are those the full score ranks high (0: the vectors hold only the
   * low-pass and sharpening terms and retrieval misses what the item-item term would promote).
   */
  linearTop: 0,
  /** c: second-order weight on the top-k eigenspace (c·σ⁴); negative sharpens (BSPM). */
  sharpen: -0.5,
  /** Weight of the linear filter r P̃ (the rerank stage). */
  linearWeight: 1,
  /**
   * γ: the final score of item i is multiplied by d_i^γ (d = training degree; γ > 0 favours popular items, γ < 0
   * the long tail). Servable at no cost: it scales the item vectors and the neighbour weights of column i.
   * Chosen on validation with the other weights (GF-CF's symmetric normalisation is not what every catalogue
   * wants).
   */
  degreePower: 0,
  /**
   * β: each history item j enters the user's signal with weight d_j^β instead of 1 (input-side degree
   * normalisation, as in ChebyCF's degree-based normalisation). Servable at no cost: fold-in weights each history
   * item's vector by it (layout.historyPower) and the neighbour rows are pre-scaled. Pruned linear mode only.
   */
  historyPower: 0,
  /** "pruned": each item's row of P̃ cut to `neighbors` entries (what serving uses); "exact": sparse products. */
  linear: 'pruned',
  /** Entries kept per row of P̃ (each costs 8 bytes in the published neighbour lists). */
  neighbors: 200,
  /**
   * c₂: weight of the exact second-order term r P̃² (BSPM's sharpening s ← s − T·s P̃ on the blurred r P̃, over the
   * whole spectrum, not only the top-k eigenspace of `sharpen`). Servable at no extra request cost beyond longer
   * lists: row j of P̃² (from the pruned rows: Σ_m P̃_jm P̃_m) is cut to `secondOrderNeighbors` entries at fit time
   * and merged into row j of the published neighbour lists (P̃_j + c₂ (P̃²)_j on the union of their supports).
   * Pruned linear mode only; 0 = off.
   */
  secondOrder: 0,
  /** Entries kept per row of P̃² when secondOrder ≠ 0. */
  secondOrderNeighbors: 100,
  /** Served: candidates Qdrant retrieves per request for the rerank stage. */
  candidates: 300,
  powerIterations: 4,
  seed: 1,
  /**
   * Seconds for choosing the term weights (alpha, sharpen, linearTop) on a validation split carved from the
   * fit data before the final fit (training/eval/tune-graph-filter.ts); 0 = use the given weights. Weights passed
   * explicitly are never overridden.
   */
  tuneBudget: 60,
};
export type GraphFilterParams = typeof GRAPH_FILTER_DEFAULTS;

interface Fitted {
  train: InteractionMatrix;
  /** R̃ and R̃ᵀ (for the exact linear term). */
  rn: InteractionMatrix;
  rnT: InteractionMatrix;
  /** What the rerank sums: P̃ pruned (+ c₂ P̃² pruned), re-weighted by β and γ. */
  neighbors?: ItemNeighbors;
  /** P̃ pruned, unweighted (the tuner's 'linear' term). */
  pruned?: ItemNeighbors;
  /** P̃² pruned (built when secondOrder ≠ 0, or on first use by the tuner's 'secondOrder' term). */
  square?: ItemNeighbors;
  /** items × 2k: [√α d^{1/2} V ; (aσ² + cσ⁴) V] */
  items: Float32Array;
  /** items × 2k: what one history item adds to a user vector, [√α d^{-1/2} V ; V] */
  basis: Float32Array;
  dim: number;
  /** The eigen-decomposition behind the spectral terms (re-weighted by the tuner without refitting). */
  svd: { k: number; s: Float64Array; v: Float32Array };
  degrees: Float64Array;
  /** d_i^γ per item (undefined when γ = 0). */
  itemScale?: Float32Array;
  /** d_j^β per history item (undefined when β = 0). */
  historyScale?: Float32Array;
  index?: ItemVectorIndex;
  userCache?: Float32Array;
}

/** The filter's terms, each scored on its own with unit weight (the tuner recombines them). */
export type GraphFilterTerm = 'linear' | 'ideal' | 'linearTop' | 'sharpen' | 'secondOrder';

/** Per-term scores of a batch of users, users.length × numItems each (see GraphFilter.termScorer()). */
export interface GraphFilterTermScorer {
  score(
    users: Int32Array,
    terms: readonly GraphFilterTerm[],
    historyPower?: number,
  ): Map<GraphFilterTerm, Float32Array>;
  dispose(): void;
}

/** Weights of the terms; s_u = Σ weight · term. */
export type GraphFilterWeights = Pick<GraphFilterParams, 'alpha' | 'linearTop' | 'sharpen' | 'linearWeight'> & {
  degreePower?: number;
  historyPower?: number;
  secondOrder?: number;
};

export class GraphFilter implements Recommender {
  readonly name: string;
  readonly params: GraphFilterParams;
  /** The vectors carry the spectral terms only; the linear filter is the rerank stage. */
  readonly vectorsScoreExactly = false;
  private fitted?: Fitted;
  private scratch?: Float32Array;
  private readonly explicit: ReadonlySet<string>;
  /** The validation search of the last fit (when it ran): its choice and cost, for reports and modelInfo. */
  tuning?: GraphFilterTuning;

  constructor(params: Partial<GraphFilterParams> = {}) {
    this.params = mergeParams('graphfilter', GRAPH_FILTER_DEFAULTS, params);
    this.explicit = new Set(Object.keys(params).filter((key) => params[key as keyof GraphFilterParams] !== undefined));
    const p = this.params;
    if (p.linear !== 'pruned' && p.linear !== 'exact') {
      throw new Error(`graphfilter: linear must be "pruned" or "exact", got "${p.linear}"`);
    }
    if (!Number.isInteger(p.neighbors) || p.neighbors < 1)
      throw new Error('graphfilter: neighbors must be a positive integer');
    if (p.alpha < 0 || p.linearWeight < 0) throw new Error('graphfilter: alpha and linearWeight must be ≥ 0');
    if (p.linear === 'exact' && p.historyPower !== 0)
      throw new Error('graphfilter: historyPower needs linear "pruned" (the exact products weigh history items by 1)');
    if (p.linear === 'exact' && p.secondOrder !== 0)
      throw new Error('graphfilter: secondOrder needs linear "pruned" (its rows are built from the pruned lists)');
    if (!Number.isInteger(p.secondOrderNeighbors) || p.secondOrderNeighbors < 1)
      throw new Error('graphfilter: secondOrderNeighbors must be a positive integer');
    this.name = p.linear === 'exact' ? 'graphfilter/exact' : 'graphfilter';
  }

  async fit(data: InteractionMatrix, progress: ProgressSink = noopProgress): Promise<void> {
    this.fitted?.index?.dispose();
    this.fitted = undefined;
    const tunable = (['alpha', 'sharpen', 'linearTop', 'degreePower', 'historyPower', 'secondOrder'] as const).filter(
      (key) => !this.explicit.has(key),
    );
    if (this.params.tuneBudget > 0 && tunable.length > 0) {
      // Imported lazily: the tuner itself builds GraphFilters (with tuneBudget 0).
      const { tuneGraphFilter } = await import('../eval/tune-graph-filter.js');
      const fixed = Object.fromEntries(
        [...this.explicit].map((key) => [key, this.params[key as keyof GraphFilterParams]]),
      );
      this.tuning = await tuneGraphFilter(data, {
        params: { ...fixed, tuneBudget: 0 },
        budgetSeconds: this.params.tuneBudget,
        progress,
      });
      const params = this.params as Record<string, number | string | boolean>;
      for (const key of tunable) params[key] = this.tuning.best[key] ?? params[key];
    }
    const p = this.params;
    const x = binarize(data);
    const di = itemDegrees(x);
    const invSqrt = (d: Float64Array) => d.map((v) => (v > 0 ? 1 / Math.sqrt(v) : 0));
    const rn = scaleMatrix(x, invSqrt(userDegrees(x)), invSqrt(di));
    const rnT = transpose(rn);
    // The published lists stay storable and servable whatever the catalogue (graph-filter-bounds.ts).
    // With a second-order term each item's published list is the union of its P̃ row and its P̃² row: the two
    // share the cap.
    const lists = p.linear === 'pruned' && p.secondOrder !== 0 ? 2 : 1;
    const neighborCount = boundedNeighbors(p.neighbors, x.numItems * lists);
    if (neighborCount < p.neighbors) (this.params as { neighbors: number }).neighbors = neighborCount;
    const squareCount = boundedNeighbors(p.secondOrderNeighbors, x.numItems * lists);
    if (squareCount < p.secondOrderNeighbors)
      (this.params as { secondOrderNeighbors: number }).secondOrderNeighbors = squareCount;
    const pruned =
      p.linear === 'pruned' ? normalizedCooccurrenceNeighbors(rnT, rn, neighborCount, progress) : undefined;
    const itemScale = degreeScale(di, p.degreePower);
    const historyScale = degreeScale(di, p.historyPower);
    const square = pruned && p.secondOrder !== 0 ? squareNeighbors(pruned, squareCount) : undefined;
    const merged = pruned && square ? addNeighbors(pruned, square, p.secondOrder) : pruned;
    const neighbors = merged && (itemScale || historyScale) ? scaleNeighbors(merged, historyScale, itemScale) : merged;
    const k = Math.max(1, Math.min(p.svdDims, x.numItems - 1, x.numUsers - 1));
    const svd = await randomizedSvd(rn, rnT, k, { powerIterations: p.powerIterations, seed: p.seed, progress });
    const { items, basis } = spectralVectors({ k, s: svd.s, v: svd.v }, di, p, itemScale);
    this.fitted = {
      train: x,
      rn,
      rnT,
      neighbors,
      pruned,
      square,
      items,
      basis,
      dim: 2 * k,
      svd: { k, s: svd.s, v: svd.v },
      degrees: di,
      itemScale,
      historyScale,
    };
  }

  /**
   * users.length × numItems scores of one term with unit weight (the tuner's building block: one fit, any
   * weights). See termScorer(); this scores one term once (the scorer keeps its per-term item matrices between
   * batches).
   */
  termScores(users: Int32Array, term: GraphFilterTerm, historyPower = 0): Float32Array {
    const scorer = this.termScorer();
    try {
      return scorer.score(users, [term], historyPower).get(term)!;
    } finally {
      scorer.dispose();
    }
  }

  /**
   * Scores of the filter's terms, each with unit weight, for batches of users — s_u = Σ weight · term is then a
   * weighted sum of these rows (what the tuner searches). The terms carry the fitted item re-weighting d_i^γ;
   * `historyPower` β weighs each history item by d_j^β (instead of the fitted model's own β: the tuner fits with
   * β = 0). 'linear' follows the fitted `linear` mode (pruned or exact); 'secondOrder' is r P̃² from the pruned
   * rows (built on first use). The spectral terms' item matrices are built once per scorer (dispose() frees them).
   */
  termScorer(): GraphFilterTermScorer {
    const m = this.model;
    const x = m.train;
    const n = x.numItems;
    const k = m.svd.k;
    const indices = new Map<GraphFilterTerm, ItemVectorIndex>();
    const indexOf = (term: GraphFilterTerm): ItemVectorIndex => {
      let index = indices.get(term);
      if (!index) {
        const rows = new Float32Array(n * k);
        const power = term === 'linearTop' ? 2 : term === 'sharpen' ? 4 : 0;
        const spectral = Float64Array.from(m.svd.s, (s) => s ** power);
        for (let i = 0; i < n; i++) {
          if (!(m.degrees[i] > 0)) continue;
          const f = (term === 'ideal' ? Math.sqrt(m.degrees[i]) : 1) * (m.itemScale ? m.itemScale[i] : 1);
          for (let j = 0; j < k; j++) rows[i * k + j] = f * spectral[j] * m.svd.v[i * k + j];
        }
        index = new ItemVectorIndex(rows, n, k);
        indices.set(term, index);
      }
      return index;
    };
    const score = (users: Int32Array, terms: readonly GraphFilterTerm[], historyPower = 0) => {
      const out = new Map<GraphFilterTerm, Float32Array>();
      const history = (r: number) => x.indices.subarray(x.indptr[users[r]], x.indptr[users[r] + 1]);
      const weightsOf = (items: Int32Array) =>
        historyPower === 0 ? undefined : Float32Array.from(items, (j) => m.degrees[j] ** historyPower);
      // The spectral terms' user vectors: Σ w_j d_j^{-1/2} V_j (ideal) and Σ w_j V_j (the eigenspace terms).
      let plain: Float32Array | undefined;
      for (const term of terms) {
        if (term === 'linear' || term === 'secondOrder') {
          const lists =
            term === 'linear' ? m.pruned : (m.square ??= squareNeighbors(m.pruned!, this.params.secondOrderNeighbors));
          if (term === 'secondOrder' && !m.pruned)
            throw new Error('graphfilter: secondOrder needs the pruned linear term');
          const rows = new Float32Array(users.length * n);
          for (let r = 0; r < users.length; r++) {
            const h = history(r);
            if (lists) lists.accumulate(h, rows, r * n, weightsOf(h));
            else if (historyPower !== 0) throw new Error('graphfilter: historyPower needs the pruned linear term');
            else {
              gramTimesRows(m.rnT, m.rn, h, rows.subarray(r * n, (r + 1) * n));
            }
            if (m.itemScale) for (let i = 0; i < n; i++) rows[r * n + i] *= m.itemScale[i];
          }
          out.set(term, rows);
          continue;
        }
        const userVecs = new Float32Array(users.length * k);
        if (term === 'ideal' || !plain) {
          for (let r = 0; r < users.length; r++) {
            const h = history(r);
            const w = weightsOf(h) ?? new Float32Array(h.length).fill(1);
            if (term === 'ideal') for (let t = 0; t < h.length; t++) w[t] /= Math.sqrt(m.degrees[h[t]]);
            userVecs.set(sumRows(m.svd.v, k, h, w), r * k);
          }
          if (term !== 'ideal') plain = userVecs;
        }
        out.set(term, indexOf(term).score(term === 'ideal' ? userVecs : plain!, users.length));
      }
      return out;
    };
    return { score, dispose: () => indices.forEach((index) => index.dispose()) };
  }

  private addLinear(history: Int32Array, out: Float32Array, off: number, weight: number): void {
    const m = this.model;
    const n = m.train.numItems;
    if (m.neighbors && weight === 1) return m.neighbors.accumulate(history, out, off);
    const linear = (this.scratch = this.scratch?.length === n ? this.scratch.fill(0) : new Float32Array(n));
    if (m.neighbors) m.neighbors.accumulate(history, linear, 0);
    else {
      gramTimesRows(m.rnT, m.rn, history, linear);
      if (m.itemScale) for (let i = 0; i < n; i++) linear[i] *= m.itemScale[i];
    }
    for (let i = 0; i < n; i++) out[off + i] += weight * linear[i];
  }

  private get model(): Fitted {
    return assertFitted(this.fitted, this.name);
  }

  scoreUsers(users: Int32Array): Float32Array {
    const x = this.model.train;
    return this.scoreHistories(users.length, (r) => x.indices.subarray(x.indptr[users[r]], x.indptr[users[r] + 1]));
  }

  scoreHistory(items: Int32Array): Float32Array {
    const unique = Int32Array.from(new Set(items)).sort();
    return this.scoreHistories(1, () => unique);
  }

  private scoreHistories(count: number, history: (r: number) => Int32Array): Float32Array {
    const m = this.model;
    const n = m.train.numItems;
    const userVecs = new Float32Array(count * m.dim);
    for (let r = 0; r < count; r++) userVecs.set(this.foldIn(history(r)), r * m.dim);
    m.index ??= new ItemVectorIndex(m.items, n, m.dim);
    const out = m.index.score(userVecs, count);
    const w = this.params.linearWeight;
    if (w > 0) for (let r = 0; r < count; r++) this.addLinear(history(r), out, r * n, w);
    return out;
  }

  itemVectors(): DenseVectors {
    const m = this.model;
    return { count: m.train.numItems, dim: m.dim, data: m.items };
  }

  userVectors(): DenseVectors {
    const m = this.model;
    const x = m.train;
    m.userCache ??= foldInTrainingUsers(x, m.dim, (items) => this.foldIn(items));
    return { count: x.numUsers, dim: m.dim, data: m.userCache };
  }

  /** user vector = Σ_{j ∈ history} basis_j — exact for any history (the history is binary: repeats count once). */
  foldIn(items: Int32Array): Float32Array {
    const m = this.model;
    const scale = m.historyScale;
    return sumRows(m.basis, m.dim, items, scale ? Float32Array.from(items, (j) => scale[j]) : undefined);
  }

  /**
   * What the rerank stage needs (published with the version), rows = dense item indices (the exporter maps them
   * to item ids); undefined for the exact variant, whose linear term is offline-only.
   */
  rerankState(itemIds?: Int32Array): RerankState | undefined {
    const m = this.model;
    if (!m.neighbors) return undefined;
    const n = m.train.numItems;
    return {
      lists: {
        itemIds: itemIds ?? Int32Array.from({ length: n }, (_, i) => i),
        indptr: m.neighbors.indptr,
        neighbors: m.neighbors.indices,
        weights: m.neighbors.weights,
      },
      linearWeight: this.params.linearWeight,
      candidates: this.params.candidates,
    };
  }

  /** sgn(w) per spectral dimension: what the server multiplies the second block of item vectors by to fold in. */
  spectralFoldInSigns(): Int8Array {
    const m = this.model;
    const p = this.params;
    return Int8Array.from(m.svd.s, (s) => (p.linearTop * s * s + p.sharpen * s ** 4 < 0 ? -1 : 1));
  }

  /** Binarised training degree of each item (payload of the exported items; 0 = not in the model). */
  degrees(): Float64Array {
    return itemDegrees(this.model.train);
  }

  published(itemIds?: Int32Array): PublishedModel {
    const signs = Array.from(this.spectralFoldInSigns());
    return {
      items: this.itemVectors(),
      users: this.userVectors(),
      degrees: this.degrees(),
      // No iALS block: the whole user vector is a sum over the history (src/embedding/blended-foldin.ts).
      layout: {
        ialsDim: 0,
        ialsScale: 1,
        lowpassScale: 1,
        lowpassDims: signs.length,
        spectralSigns: signs,
        ...(this.params.degreePower !== 0 ? { degreePower: this.params.degreePower } : {}),
        ...(this.params.historyPower !== 0 ? { historyPower: this.params.historyPower } : {}),
      },
      rerank: this.rerankState(itemIds),
    };
  }

  dispose(): void {
    this.fitted?.index?.dispose();
  }
}

/** Item vectors and fold-in rows (see the header) for the given weights. */
function spectralVectors(
  svd: { k: number; s: Float64Array; v: Float32Array },
  degrees: Float64Array,
  w: Pick<GraphFilterWeights, 'alpha' | 'linearTop' | 'sharpen'>,
  itemScale?: Float32Array,
): { items: Float32Array; basis: Float32Array } {
  const { k } = svd;
  const dim = 2 * k;
  const n = degrees.length;
  const items = new Float32Array(n * dim);
  const basis = new Float32Array(n * dim);
  const sa = Math.sqrt(w.alpha);
  const spectral = Float64Array.from(svd.s, (s) => w.linearTop * s * s + w.sharpen * s ** 4);
  for (let i = 0; i < n; i++) {
    if (!(degrees[i] > 0)) continue; // an item nobody interacted with has no spectral coordinates
    const up = Math.sqrt(degrees[i]);
    const o = i * dim;
    const scale = itemScale ? itemScale[i] : 1;
    for (let j = 0; j < k; j++) {
      const v = svd.v[i * k + j];
      items[o + j] = sa * up * v * scale;
      basis[o + j] = (sa / up) * v;
      // Split √|w| between item and user so the user row is the item row up to a sign (fold-in from item vectors).
      const root = Math.sqrt(Math.abs(spectral[j]));
      items[o + k + j] = Math.sign(spectral[j]) * root * v * scale;
      basis[o + k + j] = root * v;
    }
  }
  return { items, basis };
}

/** d_i^γ per item, or undefined when γ = 0 (nothing to scale). */
function degreeScale(degrees: Float64Array, power: number): Float32Array | undefined {
  if (power === 0) return undefined;
  return Float32Array.from(degrees, (d) => (d > 0 ? d ** power : 0));
}

/**
 * The neighbour lists with every weight W[j, i] multiplied by rowScale[j] (history item's weight d_j^β) and
 * colScale[i] (the final-score re-weighting d_i^γ): what the rerank sums is then the re-weighted filter.
 */
function scaleNeighbors(lists: ItemNeighbors, rowScale?: Float32Array, colScale?: Float32Array): ItemNeighbors {
  const weights = new Float32Array(lists.weights.length);
  for (let j = 0; j < lists.numItems; j++) {
    const r = rowScale ? rowScale[j] : 1;
    for (let p = lists.indptr[j]; p < lists.indptr[j + 1]; p++)
      weights[p] = lists.weights[p] * r * (colScale ? colScale[lists.indices[p]] : 1);
  }
  return new ItemNeighbors(lists.numItems, lists.indptr, lists.indices, weights);
}

/** Σ_h w_h · rows[items[h]] (w = 1 when absent). */
function sumRows(rows: Float32Array, dim: number, items: ArrayLike<number>, weights?: ArrayLike<number>): Float32Array {
  const v = new Float32Array(dim);
  for (let h = 0; h < items.length; h++) {
    const o = items[h] * dim;
    const w = weights ? weights[h] : 1;
    for (let c = 0; c < dim; c++) v[c] += w * rows[o + c];
  }
  return v;
}
