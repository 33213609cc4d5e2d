/**
 * Dot-product scoring of factor models: rows of `userVecs` selected by `users` against every item vector.
 * Blocked over items so a block of item vectors stays in cache while all users of the batch use it.
 */
import type * as tfTypes from '@tensorflow/tfjs';
import type { FloatArray } from './dense.js';
import { takeDataSync } from './gemm.js';
import { tensorflowIfReady } from './tf-backend.js';

/** Scores per wasm GEMM call (16 MB of float32 output): bounds the wasm heap per block, see score(). */
export const SCORE_BLOCK_FLOATS = 1 << 22;

export function scoreAllItems(
  userVecs: FloatArray,
  users: Int32Array,
  itemVecs: FloatArray,
  numItems: number,
  dim: number,
): Float32Array {
  const out = new Float32Array(users.length * numItems);
  const block = 256;
  const xu = new Float64Array(dim);
  for (let i0 = 0; i0 < numItems; i0 += block) {
    const i1 = Math.min(numItems, i0 + block);
    for (let b = 0; b < users.length; b++) {
      const uo = users[b] * dim;
      for (let k = 0; k < dim; k++) xu[k] = userVecs[uo + k];
      const ro = b * numItems;
      for (let i = i0; i < i1; i++) {
        const io = i * dim;
        let s0 = 0;
        let s1 = 0;
        let k = 0;
        for (; k + 1 < dim; k += 2) {
          s0 += xu[k] * itemVecs[io + k];
          s1 += xu[k + 1] * itemVecs[io + k + 1];
        }
        if (k < dim) s0 += xu[k] * itemVecs[io + k];
        out[ro + i] = s0 + s1;
      }
    }
  }
  return out;
}

/**
 * Item vectors prepared for repeated batch scoring: kept on the tfjs wasm backend (transposed, dim × count) so a
 * batch of user vectors is one GEMM; falls back to the JS loop when the backend was never initialised.
 * Call dispose() when the model is dropped (the tensor lives outside the JS heap).
 */
export class ItemVectorIndex {
  private tensor?: tfTypes.Tensor2D;
  constructor(
    readonly items: Float32Array,
    readonly count: number,
    readonly dim: number,
  ) {}

  /**
   * (b × dim) user vectors → b × count scores, row-major. The product runs in row blocks of at most
   * SCORE_BLOCK_FLOATS outputs, each block's tensors freed before the next: the wasm heap holds the item
   * matrix plus one block whatever b and the catalogue size are (the JS heap holds the b × count result).
   */
  score(userVecs: Float32Array, b: number): Float32Array {
    const tf = tensorflowIfReady();
    if (!tf || b * this.count < 1 << 16) {
      return scoreAllItems(
        userVecs,
        Int32Array.from({ length: b }, (_, i) => i),
        this.items,
        this.count,
        this.dim,
      );
    }
    this.tensor ??= tf.tidy(() => tf.tensor2d(this.items, [this.count, this.dim]).transpose() as tfTypes.Tensor2D);
    const t = this.tensor;
    const out = new Float32Array(b * this.count);
    const rows = Math.max(1, Math.floor(SCORE_BLOCK_FLOATS / this.count));
    for (let r0 = 0; r0 < b; r0 += rows) {
      const r1 = Math.min(b, r0 + rows);
      const block = userVecs.subarray(r0 * this.dim, r1 * this.dim);
      out.set(takeDataSync(tf.tidy(() => tf.matMul(tf.tensor2d(block, [r1 - r0, this.dim]), t))), r0 * this.count);
    }
    return out;
  }

  dispose(): void {
    this.tensor?.dispose();
    this.tensor = undefined;
  }
}

/** Gathers rows `users` of a row-major (rows × dim) matrix into a new b × dim array. */
export function gatherRows(data: Float32Array, users: Int32Array, dim: number): Float32Array {
  const out = new Float32Array(users.length * dim);
  users.forEach((u, r) => out.set(data.subarray(u * dim, (u + 1) * dim), r * dim));
  return out;
}
