/**
 * Score-level fusion of iALS and the two-stage graph filter ("fusion"), servable through the same two-stage
 * path as the filter:
 *
 *     s_u = w · (σ_lin/σ_ials) · (x_u · y_i)  +  filter_u(i)
 *     filter_u(i) = α·ideal + a·(r_u V σ² Vᵀ) + c·(r_u V σ⁴ Vᵀ)  +  λ·r_u P̃        (graph-filter.ts)
 *
 * iALS (Hu, Koren & Volinsky 2008; tuned as in Rendle et al. 2022, "Revisiting the Performance of iALS on Item
 * Recommendation Benchmarks") and the filter — GF-CF (Shen et al., CIKM 2021) with BSPM-style higher-order terms
 * (Choi et al., SIGIR 2023) — are strong on different data (iALS on dense catalogues like ml-1m, the item-item
 * filter on sparse ones like yelp2018); a weighted sum of their scores is at least as good as either on a
 * validation split, because either alone is a point of the search. The iALS score is put on the filter's scale
 * (σ = the spread of a score over a seeded sample of users' non-history items, as in blend.ts: σ_lin of the
 * filter's linear term r P̃, the unit the filter's weights are in), so w is comparable across catalogues.
 *
 * A sum of dot products is one dot product of concatenated vectors (as in ials-lowpass-blend.ts), so the fusion is
 * published as the filter's two stages with an iALS block in front:
 *
 *     item_i = [ √c · y_i ; filter item vector ]      user_u = [ √c · x_u ; filter user vector ]     (c = w·σ_lin/σ_ials)
 *
 * Qdrant retrieves the top `candidates` on the fused vectors (iALS + the filter's spectral terms), the rerank adds
 * λ·r_u P̃ from the filter's pruned neighbour lists (src/recommend/graph-rerank.ts). Fold-in stays exact with the
 * existing layout (src/embedding/blended-foldin.ts): the iALS block by iALS fold-in (Gram matrix YᵀY published
 * with the version), the filter's blocks by sums over the history.
 *
 * With `tuneBudget` > 0, fit first chooses w and the filter's weights on a validation split carved from the data
 * (training/eval/tune-fusion.ts); weights passed explicitly are kept.
 */
import { binarize, itemDegrees, type InteractionMatrix } from '../data/interactions.js';
import { Rng } from '../../src/random.js';
import { noopProgress, type ProgressSink } from '../progress.js';
import { assertFitted, mergeParams, type DenseVectors, type PublishedModel, type Recommender } from './contract.js';
import { GRAPH_FILTER_DEFAULTS, GraphFilter } from './graph-filter.js';
import { IALS_DEFAULTS, ialsFromPrefixed, type IALS } from './ials.js';
import type { FusionTuning } from '../eval/tune-fusion.js';
import { scoreSpread } from './score-spread.js';

export const FUSION_DEFAULTS = {
  /** w: weight of the iALS score in units of the filter's linear term (0 = the filter alone). */
  ialsWeight: 1,
  /** The filter's term weights (graph-filter.ts); linearWeight 0 and the others 0 = iALS alone. */
  alpha: GRAPH_FILTER_DEFAULTS.alpha,
  linearTop: GRAPH_FILTER_DEFAULTS.linearTop,
  sharpen: GRAPH_FILTER_DEFAULTS.sharpen,
  linearWeight: GRAPH_FILTER_DEFAULTS.linearWeight,
  degreePower: 0,
  historyPower: 0,
  svdDims: GRAPH_FILTER_DEFAULTS.svdDims,
  neighbors: GRAPH_FILTER_DEFAULTS.neighbors,
  candidates: GRAPH_FILTER_DEFAULTS.candidates,
  ialsFactors: IALS_DEFAULTS.factors,
  ialsIterations: IALS_DEFAULTS.iterations,
  ialsRegularization: IALS_DEFAULTS.regularization,
  ialsAlpha: IALS_DEFAULTS.alpha,
  ialsRegExponent: IALS_DEFAULTS.regExponent,
  /** Seconds for choosing the weights on a validation split before the final fit (0 = use them as given). */
  tuneBudget: 0,
};
export type FusionParams = typeof FUSION_DEFAULTS;

/** The weights the validation search chooses. */
export const FUSION_WEIGHT_KEYS = ['ialsWeight', 'alpha', 'linearTop', 'sharpen', 'linearWeight'] as const;
export type FusionWeights = Pick<FusionParams, (typeof FUSION_WEIGHT_KEYS)[number]>;

/** Users whose scores set the global scales (seeded sample of users with a history). */
const SCALE_USERS = 256;

interface Fitted {
  ials: IALS;
  filter: GraphFilter;
  /** c = w·σ_lin/σ_ials: the iALS score's multiplier (its block carries √c). */
  ialsScale: number;
  items: Float32Array;
  users: Float32Array;
  ialsDim: number;
  dim: number;
  numItems: number;
  numUsers: number;
  degrees: Float64Array;
}

export class Fusion implements Recommender {
  readonly name = 'fusion';
  readonly params: FusionParams;
  /** The vectors hold the retrieval score; the linear filter is the rerank stage. */
  readonly vectorsScoreExactly = false;
  /** The validation search of the last fit (when it ran). */
  tuning?: FusionTuning;
  private fitted?: Fitted;
  private readonly explicit: ReadonlySet<string>;

  constructor(params: Partial<FusionParams> = {}) {
    this.params = mergeParams('fusion', FUSION_DEFAULTS, params);
    this.explicit = new Set(Object.keys(params).filter((key) => params[key as keyof FusionParams] !== undefined));
    const p = this.params;
    if (!(p.ialsWeight >= 0) || !(p.alpha >= 0) || !(p.linearWeight >= 0))
      throw new Error('fusion: ialsWeight, alpha and linearWeight must be ≥ 0');
    if (!(p.tuneBudget >= 0)) throw new Error('fusion: tuneBudget must be ≥ 0 seconds');
  }

  async fit(data: InteractionMatrix, progress: ProgressSink = noopProgress): Promise<void> {
    this.dispose();
    this.fitted = undefined;
    const tunable = FUSION_WEIGHT_KEYS.filter((key) => !this.explicit.has(key));
    if (this.params.tuneBudget > 0 && tunable.length > 0) {
      const { tuneFusion } = await import('../eval/tune-fusion.js');
      const fixed = Object.fromEntries([...this.explicit].map((key) => [key, this.params[key as keyof FusionParams]]));
      this.tuning = await tuneFusion(data, {
        params: { ...fixed, tuneBudget: 0 },
        budgetSeconds: this.params.tuneBudget,
        progress,
      });
      const params = this.params as Record<string, number>;
      for (const key of tunable) params[key] = this.tuning.best[key];
    }
    const p = this.params;
    const ials = ialsFromPrefixed(p);
    await ials.fit(data, progress);
    const filter = fusionFilter(p);
    await filter.fit(data, progress);
    const ialsScale = p.ialsWeight * ialsUnit(ials, filter, data);
    const iv = ials.itemVectors();
    const uv = ials.userVectors();
    const fi = filter.itemVectors();
    const fu = filter.userVectors();
    // w = 0: the iALS block would be all zeros (and fold-in divides by its scale): leave it out.
    const withIals = ialsScale > 0;
    const root = Math.sqrt(ialsScale);
    this.fitted = {
      ials,
      filter,
      ialsScale,
      items: withIals ? concatRows(iv, root, fi) : fi.data,
      users: withIals ? concatRows(uv, root, fu) : fu.data,
      ialsDim: withIals ? iv.dim : 0,
      dim: (withIals ? iv.dim : 0) + fi.dim,
      numItems: iv.count,
      numUsers: uv.count,
      degrees: itemDegrees(binarize(data)),
    };
  }

  private get model(): Fitted {
    return assertFitted(this.fitted, this.name);
  }

  /** Full score over the catalogue (the filter's linear term on every item, not only the retrieved ones). */
  scoreUsers(users: Int32Array): Float32Array {
    const m = this.model;
    const out = m.filter.scoreUsers(users);
    if (m.ialsScale > 0) addScaled(out, m.ials.scoreUsers(users), m.ialsScale);
    return out;
  }

  scoreHistory(items: Int32Array, values?: Float32Array): Float32Array {
    const m = this.model;
    const out = m.filter.scoreHistory(items);
    if (m.ialsScale > 0) addScaled(out, m.ials.scoreHistory(items, values), m.ialsScale);
    return out;
  }

  itemVectors(): DenseVectors {
    const m = this.model;
    return { count: m.numItems, dim: m.dim, data: m.items };
  }

  userVectors(): DenseVectors {
    const m = this.model;
    return { count: m.numUsers, dim: m.dim, data: m.users };
  }

  /** [√c · iALS fold-in ; the filter's sum over the (binarised) history] — what serving computes. */
  foldIn(items: Int32Array, values?: Float32Array): Float32Array {
    const m = this.model;
    const g = m.filter.foldIn(Int32Array.from(new Set(items)));
    if (m.ialsDim === 0) return g;
    const x = m.ials.foldIn(items, values);
    const out = new Float32Array(m.dim);
    const root = Math.sqrt(m.ialsScale);
    for (let k = 0; k < x.length; k++) out[k] = root * x[k];
    out.set(g, x.length);
    return out;
  }

  published(itemIds?: Int32Array): PublishedModel {
    const m = this.model;
    const filter = m.filter.published(itemIds);
    return {
      items: this.itemVectors(),
      users: this.userVectors(),
      degrees: m.degrees,
      layout: { ...filter.layout!, ialsDim: m.ialsDim, ialsScale: m.ialsDim > 0 ? Math.sqrt(m.ialsScale) : 1 },
      rerank: this.params.linearWeight > 0 ? filter.rerank : undefined,
    };
  }

  /** What the exporter needs besides the published model: the iALS part (Gram matrix, fold-in parameters). */
  servingParts(): { ials: IALS } {
    return { ials: this.model.ials };
  }

  dispose(): void {
    this.fitted?.filter.dispose();
  }
}

/** The graph filter of a fusion: its weights as given, no search of its own (the fusion searches them jointly). */
export function fusionFilter(p: FusionParams): GraphFilter {
  return new GraphFilter({
    svdDims: p.svdDims,
    neighbors: p.neighbors,
    candidates: p.candidates,
    alpha: p.alpha,
    linearTop: p.linearTop,
    sharpen: p.sharpen,
    linearWeight: p.linearWeight,
    degreePower: p.degreePower,
    historyPower: p.historyPower,
    tuneBudget: 0,
  });
}

/**
 * σ_lin/σ_ials: what puts an iALS score on the scale of the filter's linear term r P̃ (each σ the spread of the
 * score over a seeded sample of users' non-history items).
 */
export function ialsUnit(ials: IALS, filter: GraphFilter, data: InteractionMatrix, seed = 3): number {
  const active: number[] = [];
  for (let u = 0; u < data.numUsers; u++) if (data.indptr[u + 1] > data.indptr[u]) active.push(u);
  const users = Int32Array.from(new Rng(seed).shuffle(active).slice(0, SCALE_USERS));
  const sigmaIals = scoreSpread(ials.scoreUsers(users), users, data);
  const sigmaLinear = scoreSpread(filter.termScores(users, 'linear'), users, data);
  return sigmaLinear / sigmaIals;
}

function addScaled(out: Float32Array, add: Float32Array, scale: number): void {
  for (let i = 0; i < out.length; i++) out[i] += scale * add[i];
}

/** Row-wise [a·sa ; b] of two row-aligned vector sets. */
export function concatRows(a: DenseVectors, sa: number, b: DenseVectors): Float32Array {
  if (a.count !== b.count) throw new Error(`fusion: ${a.count} vs ${b.count} rows`);
  const dim = a.dim + b.dim;
  const out = new Float32Array(a.count * dim);
  for (let r = 0; r < a.count; r++) {
    const o = r * dim;
    for (let k = 0; k < a.dim; k++) out[o + k] = sa * a.data[r * a.dim + k];
    out.set(b.data.subarray(r * b.dim, (r + 1) * b.dim), o + a.dim);
  }
  return out;
}
