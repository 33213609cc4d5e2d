// Fold-in for the default model's blended vectors (training/models/ials-lowpass-blend.ts): each item vector is
// [ √c_ials · y_i ; √c_lp · g_i ] — an iALS block and a GF-CF low-pass block. A user unseen at training time
// (or with fresh events) gets the vector training would have given them:
//   iALS block: exact iALS fold-in (ials-foldin.ts) on the history's unscaled iALS blocks, times √c_ials;
//   low-pass block: √c_lp · Σ_j d_j^{-1/2} V_j = Σ_j (low-pass block of item_j) / d_j   (d_j = training degree).
// Items without a degree (added after training, vectors mapped from text) join the iALS block only.
// Graph-filter vectors (no iALS block): a low-pass block (÷ degree as above) and a spectral block whose user rows
// are the item rows times a fixed sign per dimension — so the whole user vector is a sum over the history.
import { foldInUser, type IalsFoldInParams } from './ials-foldin.js';

/** Payload key of an item's training degree (distinct users) in the collaborative collection. */
export const DEGREE_PAYLOAD = 'deg';

export interface VectorLayout {
  /** Dimensions of the iALS block (first; 0 = none); the low-pass block fills the rest (or lowpassDims of it). */
  ialsDim: number;
  /** √c_ials */
  ialsScale: number;
  /** √c_lp */
  lowpassScale: number;
  /**
   * Graph-filter vectors (training/models/graph-filter.ts): the low-pass block is this long and a spectral block
   * follows whose user rows are the item rows times `spectralSigns` (one ±1 per dimension).
   */
  lowpassDims?: number;
  spectralSigns?: number[];
  /**
   * Graph-filter vectors: each item row was multiplied by d_i^γ (the item-degree re-weighting of the final score,
   * chosen on validation); fold-in divides it back out so the user side stays Σ over the history. Default 0.
   */
  degreePower?: number;
  /** Graph-filter vectors: each history item enters the user's signal with weight d_j^β. Default 0. */
  historyPower?: number;
}

export interface HistoryPoint {
  vector: ArrayLike<number>;
  /** Event strength (iALS confidence); default 1. */
  value?: number;
  /** Training degree; undefined for items the model was not trained on. */
  degree?: number;
}

/** The user vector (full dimension) from history items' exported vectors; `gram` is YᵀY of the unscaled iALS factors. */
export function foldInBlended(
  gram: ArrayLike<number>,
  layout: VectorLayout,
  params: IalsFoldInParams,
  history: readonly HistoryPoint[],
): Float32Array {
  const d = layout.ialsDim;
  const dim = history[0]?.vector.length ?? d;
  const lowpassEnd = layout.lowpassDims === undefined ? dim : d + layout.lowpassDims;
  const out = new Float32Array(dim);
  if (d > 0) out.set(foldInIalsBlock(gram, layout, params, history));
  const power = layout.degreePower ?? 0;
  const historyPower = layout.historyPower ?? 0;
  for (const h of history) {
    if (!h.degree || h.degree <= 0) continue;
    const unscale = (power === 0 ? 1 : h.degree ** -power) * (historyPower === 0 ? 1 : h.degree ** historyPower);
    for (let k = d; k < lowpassEnd; k++) out[k] += (h.vector[k] * unscale) / h.degree;
    const signs = layout.spectralSigns;
    if (signs) for (let k = lowpassEnd; k < dim; k++) out[k] += h.vector[k] * signs[k - lowpassEnd] * unscale;
  }
  return out;
}

function foldInIalsBlock(
  gram: ArrayLike<number>,
  layout: VectorLayout,
  params: IalsFoldInParams,
  history: readonly HistoryPoint[],
): Float32Array {
  const d = layout.ialsDim;
  const ials = new Float32Array(history.length * d);
  history.forEach((h, row) => {
    for (let k = 0; k < d; k++) ials[row * d + k] = h.vector[k] / layout.ialsScale;
  });
  const indices = Int32Array.from(history, (_, row) => row);
  const values = Float32Array.from(history, (h) => h.value ?? 1);
  const x = foldInUser(gram, { dim: d, data: ials }, indices, values, params);
  return x.map((v) => layout.ialsScale * v);
}
