/**
 * Small dense linear-algebra kernels on row-major typed arrays. Plain loops, written so V8 keeps them
 * monomorphic (typed arrays in, numbers out). Larger products go through ./gemm.ts (tfjs wasm).
 */
import { choleskyInPlace, choleskySolveInPlace } from '../../../src/linalg/cholesky.js';

export type FloatArray = Float32Array | Float64Array;

export function dot(a: FloatArray, aOff: number, b: FloatArray, bOff: number, n: number): number {
  let s0 = 0;
  let s1 = 0;
  let k = 0;
  // Two accumulators: shorter dependency chain, measurably faster in V8 for n ≥ 32.
  for (; k + 1 < n; k += 2) {
    s0 += a[aOff + k] * b[bOff + k];
    s1 += a[aOff + k + 1] * b[bOff + k + 1];
  }
  if (k < n) s0 += a[aOff + k] * b[bOff + k];
  return s0 + s1;
}

/** y[yOff..] += alpha * x[xOff..] over n entries. */
export function axpy(alpha: number, x: FloatArray, xOff: number, y: FloatArray, yOff: number, n: number): void {
  for (let k = 0; k < n; k++) y[yOff + k] += alpha * x[xOff + k];
}

/**
 * Gram matrix VᵀV of a row-major (rows × dim) matrix, returned as dim × dim float64 (symmetric, full).
 */
export function gram(data: FloatArray, rows: number, dim: number): Float64Array {
  const g = new Float64Array(dim * dim);
  for (let r = 0; r < rows; r++) {
    const off = r * dim;
    for (let a = 0; a < dim; a++) {
      const va = data[off + a];
      if (va === 0) continue;
      const ga = a * dim;
      for (let b = a; b < dim; b++) g[ga + b] += va * data[off + b];
    }
  }
  for (let a = 0; a < dim; a++) for (let b = 0; b < a; b++) g[a * dim + b] = g[b * dim + a];
  return g;
}

/** Solves the SPD system A x = b (A is copied, not modified). */
export function solveSpd(a: Float64Array, n: number, b: ArrayLike<number>): Float64Array {
  const l = Float64Array.from(a);
  choleskyInPlace(l, n);
  const x = Float64Array.from(b);
  choleskySolveInPlace(l, n, x);
  return x;
}

/**
 * Modified Gram–Schmidt (two passes, "twice is enough") orthonormalisation of the columns of a row-major
 * rows × cols matrix, in place. Used by the randomized SVD range finder.
 */
export function orthonormalizeColumns(q: Float64Array, rows: number, cols: number): void {
  const col = new Float64Array(rows);
  for (let j = 0; j < cols; j++) {
    for (let r = 0; r < rows; r++) col[r] = q[r * cols + j];
    for (let pass = 0; pass < 2; pass++) {
      for (let k = 0; k < j; k++) {
        let s = 0;
        for (let r = 0; r < rows; r++) s += q[r * cols + k] * col[r];
        for (let r = 0; r < rows; r++) col[r] -= s * q[r * cols + k];
      }
    }
    let norm = 0;
    for (let r = 0; r < rows; r++) norm += col[r] * col[r];
    norm = Math.sqrt(norm);
    const inv = norm > 1e-300 ? 1 / norm : 0;
    for (let r = 0; r < rows; r++) q[r * cols + j] = col[r] * inv;
  }
}

/**
 * Eigen-decomposition of a small symmetric matrix by cyclic Jacobi rotations. Returns eigenvalues in
 * descending order and eigenvectors as columns of a row-major n × n matrix. n is small (≤ a few hundred).
 */
export function symmetricEigen(
  a: Float64Array,
  n: number,
  maxSweeps = 60,
): { values: Float64Array; vectors: Float64Array } {
  const m = Float64Array.from(a);
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  for (let sweep = 0; sweep < maxSweeps; sweep++) {
    let off = 0;
    let diag = 0;
    for (let p = 0; p < n; p++) {
      diag += m[p * n + p] * m[p * n + p];
      for (let q = p + 1; q < n; q++) off += m[p * n + q] * m[p * n + q];
    }
    if (off <= 1e-24 * diag || off === 0) break;
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = m[p * n + q];
        if (Math.abs(apq) < 1e-300) continue;
        const app = m[p * n + p];
        const aqq = m[q * n + q];
        const theta = (aqq - app) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const mkp = m[k * n + p];
          const mkq = m[k * n + q];
          m[k * n + p] = c * mkp - s * mkq;
          m[k * n + q] = s * mkp + c * mkq;
        }
        for (let k = 0; k < n; k++) {
          const mpk = m[p * n + k];
          const mqk = m[q * n + k];
          m[p * n + k] = c * mpk - s * mqk;
          m[q * n + k] = s * mpk + c * mqk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = v[k * n + p];
          const vkq = v[k * n + q];
          v[k * n + p] = c * vkp - s * vkq;
          v[k * n + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => m[j * n + j] - m[i * n + i]);
  const values = new Float64Array(n);
  const vectors = new Float64Array(n * n);
  order.forEach((src, dst) => {
    values[dst] = m[src * n + src];
    for (let k = 0; k < n; k++) vectors[k * n + dst] = v[k * n + src];
  });
  return { values, vectors };
}
