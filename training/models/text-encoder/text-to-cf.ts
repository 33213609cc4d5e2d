// Content-to-collaborative mapping: ridge regression from an item's text vector to its collaborative vector,
// fitted on items with enough interactions to have a trustworthy collaborative vector. Serving applies it to items
// added after training (upsertItems) so they are reachable in personalized recommendations at once.
import type { LinearMap } from '../../../src/embedding/linear-map.js';
import { choleskyInPlace, choleskySolveInPlace } from '../../../src/linalg/cholesky.js';

/** Solves (XᵀX + λI) W = XᵀY by Cholesky; X is n × p (text), Y is n × q (collaborative). */
export function fitTextToCf(
  text: Float32Array,
  textDim: number,
  cf: Float32Array,
  cfDim: number,
  rows: readonly number[],
  lambda = 1,
): LinearMap {
  const p = textDim;
  const q = cfDim;
  const a = new Float64Array(p * p);
  const b = new Float64Array(p * q);
  for (const r of rows) {
    const x = text.subarray(r * p, (r + 1) * p);
    const y = cf.subarray(r * q, (r + 1) * q);
    for (let i = 0; i < p; i++) {
      const xi = x[i];
      if (xi === 0) continue;
      for (let j = i; j < p; j++) a[i * p + j] += xi * x[j];
      for (let j = 0; j < q; j++) b[i * q + j] += xi * y[j];
    }
  }
  for (let i = 0; i < p; i++) {
    for (let j = 0; j < i; j++) a[i * p + j] = a[j * p + i];
    a[i * p + i] += lambda;
  }
  // Cholesky A = LLᵀ in place, then solve for every column of B.
  choleskyInPlace(a, p, { minPivot: 1e-12 });
  const weights = new Float32Array(p * q);
  const col = new Float64Array(p);
  for (let c = 0; c < q; c++) {
    for (let i = 0; i < p; i++) col[i] = b[i * q + c];
    choleskySolveInPlace(a, p, col);
    for (let i = 0; i < p; i++) weights[i * q + c] = col[i];
  }
  return { inputDim: p, outputDim: q, weights };
}
