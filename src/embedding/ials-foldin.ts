/**
 * iALS fold-in: the user vector for a history the model never saw, computed from item vectors alone.
 * The server folds users in at request time; training and evaluation reuse it (one solver: src/linalg/cholesky.ts).
 *
 * iALS minimises, per user u (items Y fixed, confidence c_ui = 1 + alpha·v_ui for observed items, 1 otherwise,
 * preference p_ui = 1 for observed items, 0 otherwise):
 *     Σ_i c_ui (p_ui − x_uᵀ y_i)² + λ_u ‖x_u‖²
 * whose exact minimiser is
 *     x_u = (YᵀY + Σ_{i∈u} (c_ui − 1) y_i y_iᵀ + λ_u I)⁻¹ Σ_{i∈u} c_ui y_i
 * YᵀY (the item Gram matrix, dim × dim) is exported with the model so this costs O(dim³ + |u|·dim²) per call.
 * λ_u = λ · ((numItems + alpha·Σ_{i∈u} v_ui) / numItems)^ν  (frequency-scaled regularisation, Rendle et al.
 * 2021; ν = 0 gives the classic constant λ).
 */
import { choleskyInPlace, choleskySolveInPlace } from '../linalg/cholesky.js';

export interface IalsFoldInParams {
  /** λ */
  regularization: number;
  /** confidence c = 1 + alpha·value */
  alpha: number;
  /** ν: exponent of the frequency-scaled regularisation (0 = constant λ). */
  regExponent: number;
  /** Size of the item catalogue the model was trained on (normalises the frequency-scaled λ). */
  numItems: number;
}

/** λ_u for a user whose event values sum to `valueSum`. */
export function userRegularization(params: IalsFoldInParams, valueSum: number): number {
  if (params.regExponent === 0) return params.regularization;
  const scale = (params.numItems + params.alpha * valueSum) / params.numItems;
  return params.regularization * Math.pow(scale, params.regExponent);
}

/**
 * Exact fold-in. `gram` is YᵀY (dim × dim, row-major), `itemVecs` the item factor matrix (numItems × dim,
 * row-major), `items` the user's item ids and `values` their strengths (default 1 each).
 */
export function foldInUser(
  gram: ArrayLike<number>,
  itemVecs: { dim: number; data: ArrayLike<number> },
  items: ArrayLike<number>,
  values: ArrayLike<number> | undefined,
  params: IalsFoldInParams,
): Float32Array {
  const d = itemVecs.dim;
  const y = itemVecs.data;
  const a = new Float64Array(d * d);
  for (let k = 0; k < d * d; k++) a[k] = gram[k];
  const b = new Float64Array(d);
  let valueSum = 0;
  for (let n = 0; n < items.length; n++) {
    const v = values ? values[n] : 1;
    valueSum += v;
    const c = 1 + params.alpha * v;
    const off = items[n] * d;
    for (let r = 0; r < d; r++) {
      const yr = y[off + r];
      b[r] += c * yr;
      const w = (c - 1) * yr;
      if (w === 0) continue;
      for (let s = r; s < d; s++) a[r * d + s] += w * y[off + s];
    }
  }
  const lambda = userRegularization(params, valueSum);
  // Only the upper triangle was accumulated for the rank-one terms; mirror it, then add λI.
  for (let r = 0; r < d; r++) {
    for (let s = 0; s < r; s++) a[r * d + s] = a[s * d + r];
    a[r * d + r] += lambda;
  }
  // Cholesky solve (A is SPD because λ > 0; the pivot floor only absorbs rounding).
  choleskyInPlace(a, d, { minPivot: 1e-300 });
  choleskySolveInPlace(a, d, b);
  return Float32Array.from(b);
}
