/**
 * Inverse of a dense symmetric positive-definite matrix (EASE's (XᵀX + λI)⁻¹) by the block sweep operator
 * (block Gauss–Jordan without pivoting, stable for SPD matrices).
 *
 * Sweep of block k with D = A_kk⁻¹:  A_ij −= A_ik D A_kj,  A_ik ← A_ik D,  A_kj ← D A_kj,  A_kk ← −D.
 * Sweeping every block turns A into −A⁻¹. The O(n³) work is one rank-b product (A_:k D)(A_:k)ᵀ per block,
 * done by a tfjs wasm GEMM (float32); the b × b pivot inverses are done in float64. The matrix itself stays a
 * JS Float32Array: tfjs slicing/concatenation of n × n tensors cost more than the product.
 */
import { noopProgress, type ProgressSink } from '../../progress.js';
import { choleskyInPlace, choleskySolveInPlace } from '../../../src/linalg/cholesky.js';
import { tensorflow } from './tf-backend.js';

export async function spdInverse(
  input: Float32Array,
  n: number,
  options: { block?: number; progress?: ProgressSink; inPlace?: boolean } = {},
): Promise<Float32Array> {
  const tf = await tensorflow();
  const a = options.inPlace ? input : Float32Array.from(input);
  const block = options.block ?? 384;
  const progress = options.progress ?? noopProgress;
  progress.start(Math.ceil(n / block), `inverse ${n}×${n}`);
  for (let k0 = 0; k0 < n; k0 += block) {
    const b = Math.min(block, n - k0);
    // Column panel A[:, k] (n × b) and its transpose (b × n); A is symmetric so A[k, :] = A[:, k]ᵀ.
    const colT = new Float32Array(b * n);
    for (let i = 0; i < n; i++) {
      const ri = i * n + k0;
      for (let j = 0; j < b; j++) colT[j * n + i] = a[ri + j];
    }
    const akk = new Float64Array(b * b);
    for (let i = 0; i < b; i++) for (let j = 0; j < b; j++) akk[i * b + j] = colT[j * n + k0 + i];
    const d = invertSmallSpd(akk, b);
    const cdT = tf.tidy(() => {
      const dT = tf.tensor2d(Float32Array.from(d), [b, b]);
      return tf.matMul(dT, tf.tensor2d(colT, [b, n])); // D A[k, :]  (b × n) = (A[:, k] D)ᵀ
    });
    const cdTData = (await cdT.data()) as Float32Array;
    // update = (A[:, k] D) A[k, :]  — transposes spelled out: matMul's transpose flags are slow on wasm.
    const update = tf.tidy(() => tf.matMul(cdT.transpose(), tf.tensor2d(colT, [b, n])));
    const u = (await update.data()) as Float32Array;
    tf.dispose([cdT, update]);
    for (let p = 0; p < n * n; p++) a[p] -= u[p];
    // Swept block row / column k, and −D on the diagonal block.
    for (let j = 0; j < b; j++) {
      for (let i = 0; i < n; i++) {
        const v = cdTData[j * n + i];
        a[(k0 + j) * n + i] = v;
        a[i * n + k0 + j] = v;
      }
    }
    for (let i = 0; i < b; i++) for (let j = 0; j < b; j++) a[(k0 + i) * n + k0 + j] = -d[i * b + j];
    progress.tick();
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  for (let p = 0; p < n * n; p++) a[p] = -a[p];
  progress.stop();
  return a;
}

/** Inverse of a small SPD matrix (b × b) in float64 through its Cholesky factor. */
function invertSmallSpd(a: Float64Array, b: number): Float64Array {
  const l = Float64Array.from(a);
  // Symmetrise against float32 rounding before factorising.
  for (let i = 0; i < b; i++)
    for (let j = 0; j < i; j++) l[i * b + j] = l[j * b + i] = 0.5 * (l[i * b + j] + l[j * b + i]);
  choleskyInPlace(l, b);
  const inv = new Float64Array(b * b);
  const e = new Float64Array(b);
  for (let j = 0; j < b; j++) {
    e.fill(0);
    e[j] = 1;
    choleskySolveInPlace(l, b, e);
    for (let i = 0; i < b; i++) inv[i * b + j] = e[i];
  }
  return inv;
}
