/**
 * Sparse (CSR) × dense products and sparse Gram matrices on InteractionMatrix-shaped data.
 */
import type { InteractionMatrix } from '../../data/interactions.js';

/** out (rows × l) = M (rows × cols, CSR) · X (cols × l, row-major). */
export function csrTimesDense(m: InteractionMatrix, x: Float32Array | Float64Array, l: number): Float32Array {
  const out = new Float32Array(m.numUsers * l);
  const acc = new Float64Array(l);
  for (let r = 0; r < m.numUsers; r++) {
    acc.fill(0);
    for (let p = m.indptr[r]; p < m.indptr[r + 1]; p++) {
      const v = m.values[p];
      const xo = m.indices[p] * l;
      for (let k = 0; k < l; k++) acc[k] += v * x[xo + k];
    }
    out.set(acc, r * l);
  }
  return out;
}

/**
 * Dense Gram matrix MᵀM (cols × cols, float32, full symmetric) of a CSR matrix, accumulated row by row:
 * O(Σ_r nnz_r²). Meant for catalogues small enough that cols² floats fit in memory.
 */
export function sparseGram(m: InteractionMatrix): Float32Array {
  const n = m.numItems;
  const g = new Float32Array(n * n);
  for (let r = 0; r < m.numUsers; r++) {
    const lo = m.indptr[r];
    const hi = m.indptr[r + 1];
    for (let p = lo; p < hi; p++) {
      const i = m.indices[p];
      const vi = m.values[p];
      const gi = i * n;
      // Upper triangle only (indices are sorted, so j ≥ i); mirrored below.
      for (let q = p; q < hi; q++) g[gi + m.indices[q]] += vi * m.values[q];
    }
  }
  for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) g[i * n + j] = g[j * n + i];
  return g;
}

/** A copy of `m` with values scaled: v_ui · rowScale[u] · colScale[i]. */
export function scaleMatrix(
  m: InteractionMatrix,
  rowScale: ArrayLike<number>,
  colScale: ArrayLike<number>,
): InteractionMatrix {
  const values = new Float32Array(m.values.length);
  for (let r = 0; r < m.numUsers; r++) {
    for (let p = m.indptr[r]; p < m.indptr[r + 1]; p++) values[p] = m.values[p] * rowScale[r] * colScale[m.indices[p]];
  }
  return { ...m, values };
}

/** Adds Σ_p v_p · B[indices_p, :] into out (length n): a sparse row times a dense row-major n × n matrix. */
export function accumulateRows(
  items: ArrayLike<number>,
  values: ArrayLike<number> | undefined,
  b: Float32Array,
  n: number,
  out: Float32Array,
  outOff = 0,
): void {
  for (let p = 0; p < items.length; p++) {
    const v = values ? values[p] : 1;
    const ro = items[p] * n;
    for (let i = 0; i < n; i++) out[outOff + i] += v * b[ro + i];
  }
}

let coUserScratch: { weights: Float64Array; touched: Int32Array } | undefined;

/**
 * out[i] += Σ_{j ∈ history} (MᵀM)_{ji} for every item i, exactly, without forming MᵀM: the history's co-user
 * weights c_v = Σ_j M_vj first (through Mᵀ), then Σ_v c_v M_v·. Cost Σ_{j∈H} deg(j) + Σ_{v co-user} nnz_v per
 * row, O(users) scratch — the exact linear filter of GF-CF at catalogue sizes where items² floats do not fit.
 */
export function gramTimesRows(
  mt: InteractionMatrix,
  m: InteractionMatrix,
  history: ArrayLike<number>,
  out: Float32Array,
): void {
  if (!coUserScratch || coUserScratch.weights.length < m.numUsers) {
    coUserScratch = { weights: new Float64Array(m.numUsers), touched: new Int32Array(m.numUsers) };
  }
  const { weights, touched } = coUserScratch;
  let count = 0;
  for (let h = 0; h < history.length; h++) {
    const j = history[h];
    for (let p = mt.indptr[j]; p < mt.indptr[j + 1]; p++) {
      const v = mt.indices[p];
      if (weights[v] === 0) touched[count++] = v;
      weights[v] += mt.values[p];
    }
  }
  for (let c = 0; c < count; c++) {
    const v = touched[c];
    const w = weights[v];
    weights[v] = 0;
    for (let q = m.indptr[v]; q < m.indptr[v + 1]; q++) out[m.indices[q]] += w * m.values[q];
  }
}
