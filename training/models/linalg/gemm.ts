/**
 * Dense matrix products through tfjs's wasm backend (≈ 20–30 GFLOP/s here vs ≈ 1 for plain JS loops).
 * float32 only — callers that need float64 accuracy keep the sensitive parts (small factorisations) in JS.
 * The backend is initialised lazily once per process.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';

let ready: Promise<typeof tf> | undefined;
let readySync: typeof tf | undefined;

/** The tfjs namespace with the wasm backend active. */
export function tfWasm(): Promise<typeof tf> {
  ready ??= (async () => {
    // The wasm backend logs nothing useful here; keep tfjs quiet about the platform.
    tf.env().set('IS_TEST', false);
    await tf.setBackend('wasm');
    await tf.ready();
    readySync = tf;
    return tf;
  })();
  return ready;
}

/** The tfjs namespace if the wasm backend is already initialised (sync code paths), else undefined. */
export function tfWasmIfReady(): typeof tf | undefined {
  return readySync;
}

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
  const t = await tfWasm();
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
