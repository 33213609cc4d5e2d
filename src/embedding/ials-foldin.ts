/**
 * iALS fold-in: the user vector for a history the model never saw, computed from item vectors alone.
 * Self-contained (no imports): the server folds users in at request time, training and evaluation reuse it.
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
  // Cholesky solve (A is SPD because λ > 0).
  for (let j = 0; j < d; j++) {
    let diag = a[j * d + j];
    for (let k = 0; k < j; k++) diag -= a[j * d + k] * a[j * d + k];
    const ljj = Math.sqrt(Math.max(diag, 1e-300));
    a[j * d + j] = ljj;
    for (let i = j + 1; i < d; i++) {
      let s = a[i * d + j];
      for (let k = 0; k < j; k++) s -= a[i * d + k] * a[j * d + k];
      a[i * d + j] = s / ljj;
    }
  }
  for (let i = 0; i < d; i++) {
    let s = b[i];
    for (let k = 0; k < i; k++) s -= a[i * d + k] * b[k];
    b[i] = s / a[i * d + i];
  }
  for (let i = d - 1; i >= 0; i--) {
    let s = b[i];
    for (let k = i + 1; k < d; k++) s -= a[k * d + i] * b[k];
    b[i] = s / a[i * d + i];
  }
  return Float32Array.from(b);
}
