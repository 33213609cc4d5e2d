/**
 * Dense matrix products through tfjs (wasm: ≈ 20–30 GFLOP/s here vs ≈ 1 for plain JS loops; tfjs-node where it
 * installs, see tf-backend.ts). float32 only — callers that need float64 accuracy keep the sensitive parts (small
 * factorisations) in JS. The backend is initialised lazily once per process.
 */
import type * as tf from '@tensorflow/tfjs';
import { tensorflow } from './tf-backend.js';

/**
 * C = op(A) · op(B) where op transposes when asked; A is stored rows × cols as given by `aShape`.
 * Returns a new Float32Array (row-major) with shape [m, n]. Transposes are materialised first: tfjs-wasm's
 * matMul with transpose flags runs ≈ 15× slower (measured: 8.5 s vs 0.5 s for 3628×256 · 256×3628).
 */
export async function matmul(
  a: Float32Array,
  aShape: [number, number],
  b: Float32Array,
  bShape: [number, number],
  transposeA = false,
  transposeB = false,
): Promise<Float32Array> {
  const t = await tensorflow();
  const product = t.tidy(() => {
    let ta = t.tensor2d(a, aShape);
    let tb = t.tensor2d(b, bShape);
    if (transposeA) ta = ta.transpose();
    if (transposeB) tb = tb.transpose();
    return t.matMul(ta, tb);
  });
  return takeData(product);
}

/**
 * Reads a tensor back and frees it. `tf.tidy(() => …).dataSync()` keeps the tensor tidy returned alive for the
 * process's lifetime: on the wasm backend every such call leaked its output into the wasm heap (a 420 × 38k
 * score block is 64 MB), and once the heap neared its 2–4 GB ceiling XNNPACK failed to allocate and the next
 * matMul trapped with "table index is out of bounds" (the yelp2018-size crash).
 */
export function takeDataSync(tensor: tf.Tensor): Float32Array {
  try {
    return tensor.dataSync() as Float32Array;
  } finally {
    tensor.dispose();
  }
}

/** Async form of takeDataSync. */
export async function takeData(tensor: tf.Tensor): Promise<Float32Array> {
  try {
    return (await tensor.data()) as Float32Array;
  } finally {
    tensor.dispose();
  }
}
