/**
 * Truncated SVD of a sparse matrix by randomized block power iteration (Halko, Martinsson & Tropp 2011):
 * only products with M and Mᵀ (O(nnz·l) each) and orthonormalisations of tall l-column blocks, so it scales to
 * Gowalla-size matrices where a dense items × items eigensolve would not fit.
 *
 *   Ω ~ N(0,1)^{cols×l},  Y = MΩ,  repeat q times: Y = M(MᵀY) (re-orthonormalised),  Q = orth(Y)
 *   B = QᵀM (l × cols),   BBᵀ = W Σ² Wᵀ (small l × l eigenproblem),   V = BᵀW Σ⁻¹,  U = QW
 */
import type { InteractionMatrix } from '../../data/interactions.js';
import { noopProgress, type ProgressSink } from '../../progress.js';
import { choleskyInPlace } from '../../../src/linalg/cholesky.js';
import { symmetricEigen } from './dense.js';
import { tensorflow } from './tf-backend.js';
import { Rng } from '../../../src/random.js';
import { csrTimesDense } from './sparse.js';

export interface TruncatedSvd {
  k: number;
  /** Singular values, descending. */
  s: Float64Array;
  /** Right singular vectors, cols × k row-major. */
  v: Float32Array;
  /** Left singular vectors, rows × k row-major. */
  u: Float32Array;
}

export interface RandomizedSvdOptions {
  oversample?: number;
  powerIterations?: number;
  seed?: number;
  progress?: ProgressSink;
}

/**
 * Top-k SVD of M given M (CSR by row) and Mᵀ (CSR by column, e.g. `transpose(M)`).
 */
export async function randomizedSvd(
  m: InteractionMatrix,
  mt: InteractionMatrix,
  k: number,
  options: RandomizedSvdOptions = {},
): Promise<TruncatedSvd> {
  const rows = m.numUsers;
  const cols = m.numItems;
  const l = Math.min(k + (options.oversample ?? 16), rows, cols);
  const q = options.powerIterations ?? 4;
  const progress = options.progress ?? noopProgress;
  const rng = new Rng(options.seed ?? 1);
  progress.start(q + 2, `svd k=${k}`);

  const omega = new Float32Array(cols * l);
  for (let p = 0; p < omega.length; p++) omega[p] = rng.normal();
  let y = await orthonormalize(csrTimesDense(m, omega, l), rows, l);
  progress.tick();
  for (let it = 0; it < q; it++) {
    const z = await orthonormalize(csrTimesDense(mt, y, l), cols, l); // cols × l
    y = await orthonormalize(csrTimesDense(m, z, l), rows, l);
    progress.tick();
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  // Bᵀ = MᵀQ (cols × l);  BBᵀ = (Bᵀ)ᵀBᵀ  (l × l)
  const bt = csrTimesDense(mt, y, l);
  const bbt = await gramOf(bt, cols, l);
  const { values, vectors: w } = symmetricEigen(bbt, l);
  const s = new Float64Array(k);
  for (let j = 0; j < k; j++) s[j] = Math.sqrt(Math.max(values[j], 0));
  const tf = await tensorflow();
  const wk = new Float32Array(l * k);
  for (let r = 0; r < l; r++) for (let j = 0; j < k; j++) wk[r * k + j] = w[r * l + j];
  const [vRaw, u] = tf.tidy(() => {
    const wt = tf.tensor2d(wk, [l, k]);
    return [tf.matMul(tf.tensor2d(bt, [cols, l]), wt), tf.matMul(tf.tensor2d(y, [rows, l]), wt)];
  });
  const v = (await vRaw.data()) as Float32Array;
  const uData = (await u.data()) as Float32Array;
  tf.dispose([vRaw, u]);
  for (let i = 0; i < cols; i++) for (let j = 0; j < k; j++) v[i * k + j] = s[j] > 0 ? v[i * k + j] / s[j] : 0;
  progress.tick();
  progress.stop();
  return { k, s, v, u: uData };
}

/** XᵀX (l × l, float64) of a row-major rows × l block, through the wasm GEMM. */
async function gramOf(x: Float32Array, rows: number, l: number): Promise<Float64Array> {
  const tf = await tensorflow();
  const g = tf.tidy(() => {
    const t = tf.tensor2d(x, [rows, l]);
    return tf.matMul(t.transpose(), t);
  });
  const data = Float64Array.from((await g.data()) as Float32Array);
  g.dispose();
  return data;
}

/**
 * Orthonormal basis of the columns of a tall rows × l block by shifted Cholesky-QR applied twice (CholQR2):
 * two GEMMs per pass instead of O(rows·l²) scalar Gram–Schmidt. The tiny shift keeps the factorisation
 * defined when columns are nearly dependent; the second pass restores orthogonality.
 */
export async function orthonormalize(x: Float32Array, rows: number, l: number): Promise<Float32Array> {
  const tf = await tensorflow();
  let cur = x;
  for (let pass = 0; pass < 2; pass++) {
    const g = await gramOf(cur, rows, l);
    let trace = 0;
    for (let j = 0; j < l; j++) trace += g[j * l + j];
    const shift = 1e-6 * (trace / l) + 1e-30;
    for (let j = 0; j < l; j++) g[j * l + j] += shift;
    choleskyInPlace(g, l);
    // R = Lᵀ; Q = X R⁻¹ = X L⁻ᵀ.  Compute L⁻ᵀ explicitly (l is small) and multiply on the wasm backend.
    const linvT = new Float32Array(l * l);
    const e = new Float64Array(l);
    for (let c = 0; c < l; c++) {
      // solve L z = e_c  → column c of L⁻¹ = row c of L⁻ᵀ
      e.fill(0);
      e[c] = 1;
      for (let i = 0; i < l; i++) {
        let s = e[i];
        for (let kk = 0; kk < i; kk++) s -= g[i * l + kk] * e[kk];
        e[i] = s / g[i * l + i];
      }
      for (let i = 0; i < l; i++) linvT[c * l + i] = e[i];
    }
    const out = tf.tidy(() => tf.matMul(tf.tensor2d(cur, [rows, l]), tf.tensor2d(linvT, [l, l])));
    cur = (await out.data()) as Float32Array;
    out.dispose();
  }
  return cur;
}
