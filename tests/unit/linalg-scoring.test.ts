import { describe, expect, it } from 'vitest';
import { syntheticInteractions } from '../../training/data/synthetic.js';
import { IALS } from '../../training/models/ials.js';
import { matmul } from '../../training/models/linalg/gemm.js';
import { tensorflow } from '../../training/models/linalg/tf-backend.js';
import { Rng } from '../../src/random.js';
import { ItemVectorIndex, SCORE_BLOCK_FLOATS, scoreAllItems } from '../../training/models/linalg/scoring.js';

/** Live tensors and wasm heap bytes: what a leaked tfjs result shows up in. */
async function wasmUse() {
  const tf = await tensorflow();
  return { tensors: tf.memory().numTensors, bytes: tf.memory().numBytes };
}

describe('wasm scoring keeps nothing alive between calls', () => {
  it('ItemVectorIndex.score in blocks equals the JS product and frees every block', async () => {
    await tensorflow();
    const rng = new Rng(5);
    const count = 3000;
    const dim = 16;
    const items = Float32Array.from({ length: count * dim }, () => rng.normal());
    const index = new ItemVectorIndex(items, count, dim);
    // More rows than one block holds, and not a multiple of the block height.
    const b = Math.floor((2.5 * SCORE_BLOCK_FLOATS) / count);
    const users = Float32Array.from({ length: b * dim }, () => rng.normal());
    index.score(users, b); // first call creates the resident item tensor
    const before = await wasmUse();
    let scores: Float32Array = new Float32Array(0);
    for (let rep = 0; rep < 3; rep++) scores = index.score(users, b);
    expect(await wasmUse()).toEqual(before);
    const exact = scoreAllItems(
      users,
      Int32Array.from({ length: b }, (_, i) => i),
      items,
      count,
      dim,
    );
    let maxErr = 0;
    for (let p = 0; p < exact.length; p++) maxErr = Math.max(maxErr, Math.abs(exact[p] - scores[p]));
    expect(scores.length).toBe(b * count);
    expect(maxErr).toBeLessThan(1e-3);
    index.dispose();
    expect((await wasmUse()).tensors).toBe(before.tensors - 1);
  });

  it('matmul and an iALS fit leave no tensor behind', async () => {
    const before = await wasmUse();
    const c = await matmul(new Float32Array([1, 2, 3, 4]), [2, 2], new Float32Array([1, 0, 0, 1]), [2, 2]);
    expect(Array.from(c)).toEqual([1, 2, 3, 4]);
    const data = syntheticInteractions({ numUsers: 300, numItems: 200, interactions: 4000, seed: 3 });
    const model = new IALS({ factors: 8, iterations: 2 });
    await model.fit(data);
    model.scoreUsers(Int32Array.from({ length: 300 }, (_, u) => u));
    const after = await wasmUse();
    // The fitted model may keep its one item tensor for scoring; nothing proportional to the work done.
    expect(after.tensors - before.tensors).toBeLessThanOrEqual(1);
    expect(after.bytes - before.bytes).toBeLessThanOrEqual(200 * 8 * 4);
  });
});
