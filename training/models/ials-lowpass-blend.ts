/**
 * The dense-friendly pipeline ("blend") — one of the two models `recgraph train` chooses between on validation
 * (auto-select.ts), and what it published by default before that choice existed:
 *
 *     score(u, i) = w_ials/σ_ials · (x_u · y_i)  +  w_lp/σ_lp · (p_u · g_i)
 *
 * iALS (x, y) plus GF-CF's ideal low-pass filter (g_i = d_i^{1/2} V_i, p_u = Σ_{j∈u} d_j^{-1/2} V_j, V the top-k
 * right singular vectors of the normalised interaction matrix; see gfcf.ts), each divided by its global score
 * scale σ (blend.ts). A sum of two dot products is one dot product of concatenated vectors, so the blend is
 * exported as a single vector per item and per user:
 *
 *     item_i = [ √c_ials · y_i ; √c_lp · g_i ]     user_u = [ √c_ials · x_u ; √c_lp · p_u ]     (c = w/σ)
 *
 * and Qdrant ranks the whole catalogue by the final score in one search: retrieval IS the blend, no candidate
 * cut, no per-request reranker state. Folding a user in stays exact: the iALS block by iALS fold-in from the
 * first block of the history's vectors, the low-pass block as Σ_j (second block of item_j) / d_j.
 *
 * Why this shape (measured on the ml-1m VALIDATION split, bench/rerank-variants.ts + bench/lowpass-variants.ts):
 * the former default (iALS top-300 → rerank by iALS + 0.5·full GF-CF) gained over iALS only through GF-CF's
 * low-pass term; GF-CF's item-item term alone (dense, or pruned to the top-50/100/200 neighbours that could ship
 * as Qdrant payloads) LOWERED recall@20 (0.2659 → 0.2630 at best). The item-item term is also the part that
 * cannot be served (items² floats), so it is dropped, and the low-pass term — k floats per item — moves into
 * the vectors. The symmetric √c split keeps item·item dot products (similarItems) balanced like the blend.
 */
import { binarize, itemDegrees, type InteractionMatrix } from '../data/interactions.js';
import { noopProgress, type ProgressSink } from '../progress.js';
import { Blend } from './blend.js';
import { assertFitted, mergeParams, type DenseVectors, type PublishedModel, type Recommender } from './contract.js';
import { GFCF, GFCF_DEFAULTS } from './gfcf.js';
import { IALS_DEFAULTS, ialsFromPrefixed, type IALS } from './ials.js';
import { ItemVectorIndex, gatherRows } from './linalg/scoring.js';
import type { VectorLayout } from '../../src/embedding/blended-foldin.js';

export type { VectorLayout };

export const IALS_LOWPASS_DEFAULTS = {
  /**
   * Blend weights on globally scaled scores, chosen on ml-1m VALID (bench/results/lowpass-variants-ml-1m-valid.txt):
   * recall@20 0.2659 iALS alone; + low-pass k=256 at w = 0.1 / 0.15 / 0.2 / 0.25 / 0.5 / 1: 0.2677 / 0.2681 /
   * 0.2696 / 0.2692 / 0.2663 / 0.2626 (k=128 at 0.25: 0.2677). The former offline default scored 0.2678 there.
   */
  ialsWeight: 1,
  lowpassWeight: 0.2,
  /** k of the low-pass block (its share of the vector dimension). */
  lowpassDims: GFCF_DEFAULTS.svdDims,
  ialsFactors: IALS_DEFAULTS.factors,
  ialsIterations: IALS_DEFAULTS.iterations,
  ialsRegularization: IALS_DEFAULTS.regularization,
  ialsAlpha: IALS_DEFAULTS.alpha,
  ialsRegExponent: IALS_DEFAULTS.regExponent,
};
export type IalsLowpassParams = typeof IALS_LOWPASS_DEFAULTS;

interface Fitted {
  ials: IALS;
  lowpass: GFCF;
  layout: VectorLayout;
  items: Float32Array;
  users: Float32Array;
  dim: number;
  numItems: number;
  numUsers: number;
  /** Binarised training degree of each item (the low-pass fold-in divides by it). */
  degrees: Float64Array;
  index?: ItemVectorIndex;
}

export class IalsLowpassBlend implements Recommender {
  readonly name = 'blend';
  readonly params: IalsLowpassParams;
  readonly vectorsScoreExactly = true;
  private fitted?: Fitted;

  constructor(params: Partial<IalsLowpassParams> = {}) {
    this.params = mergeParams('blend', IALS_LOWPASS_DEFAULTS, params);
    if (this.params.ialsWeight <= 0 || this.params.lowpassWeight < 0) {
      throw new Error('blend: ialsWeight must be > 0 and lowpassWeight ≥ 0');
    }
  }

  async fit(data: InteractionMatrix, progress: ProgressSink = noopProgress): Promise<void> {
    const p = this.params;
    this.fitted?.index?.dispose();
    const ials = ialsFromPrefixed(p);
    // α only rescales the low-pass term, and the blend divides by its scale: keep it at 1.
    const lowpass = new GFCF({ svdDims: p.lowpassDims, alpha: 1, linearFilter: false });
    const blend = new Blend([
      { model: lowpass, weight: p.lowpassWeight },
      { model: ials, weight: p.ialsWeight },
    ]);
    await blend.fit(data, progress);
    const [lowpassSigma, ialsSigma] = blend.scales();
    const layout: VectorLayout = {
      ialsDim: ials.params.factors,
      ialsScale: Math.sqrt(p.ialsWeight / ialsSigma),
      lowpassScale: Math.sqrt(p.lowpassWeight / lowpassSigma),
    };
    const iv = ials.itemVectors();
    const uv = ials.userVectors();
    const gi = lowpass.itemVectors();
    const gu = lowpass.userVectors();
    this.fitted = {
      ials,
      lowpass,
      layout,
      items: concatRows(iv, layout.ialsScale, gi, layout.lowpassScale),
      users: concatRows(uv, layout.ialsScale, gu, layout.lowpassScale),
      dim: iv.dim + gi.dim,
      numItems: iv.count,
      numUsers: uv.count,
      degrees: itemDegrees(binarize(data)),
    };
  }

  private get model(): Fitted {
    return assertFitted(this.fitted, this.name);
  }

  scoreUsers(users: Int32Array): Float32Array {
    const m = this.model;
    m.index ??= new ItemVectorIndex(m.items, m.numItems, m.dim);
    return m.index.score(gatherRows(m.users, users, m.dim), users.length);
  }

  scoreHistory(items: Int32Array, values?: Float32Array): Float32Array {
    const m = this.model;
    m.index ??= new ItemVectorIndex(m.items, m.numItems, m.dim);
    return m.index.score(this.foldIn(items, values), 1);
  }

  itemVectors(): DenseVectors {
    const m = this.model;
    return { count: m.numItems, dim: m.dim, data: m.items };
  }

  userVectors(): DenseVectors {
    const m = this.model;
    return { count: m.numUsers, dim: m.dim, data: m.users };
  }

  /** Exact fold-in of both blocks (the server computes the same from the exported item vectors). */
  foldIn(items: Int32Array, values?: Float32Array): Float32Array {
    const m = this.model;
    const x = m.ials.foldIn(items, values);
    const g = m.lowpass.foldIn(new Int32Array(new Set(items)));
    const out = new Float32Array(m.dim);
    for (let k = 0; k < x.length; k++) out[k] = m.layout.ialsScale * x[k];
    for (let k = 0; k < g.length; k++) out[x.length + k] = m.layout.lowpassScale * g[k];
    return out;
  }

  published(): PublishedModel {
    const m = this.model;
    return { items: this.itemVectors(), users: this.userVectors(), degrees: m.degrees, layout: m.layout };
  }

  dispose(): void {
    this.fitted?.index?.dispose();
  }

  /** What the exporter needs besides the vectors: the iALS model (Gram matrix, fold-in), layout, degrees. */
  servingParts(): { ials: IALS; layout: VectorLayout; degrees: Float64Array } {
    const m = this.model;
    return { ials: m.ials, layout: m.layout, degrees: m.degrees };
  }
}

/** Row-wise [a·sa ; b·sb] of two row-aligned vector sets. */
function concatRows(a: DenseVectors, sa: number, b: DenseVectors, sb: number): Float32Array {
  if (a.count !== b.count) throw new Error(`blend: ${a.count} vs ${b.count} rows`);
  const dim = a.dim + b.dim;
  const out = new Float32Array(a.count * dim);
  for (let r = 0; r < a.count; r++) {
    const o = r * dim;
    for (let k = 0; k < a.dim; k++) out[o + k] = sa * a.data[r * a.dim + k];
    for (let k = 0; k < b.dim; k++) out[o + a.dim + k] = sb * b.data[r * b.dim + k];
  }
  return out;
}
