/**
 * The field's standard size, end to end: a generated sparse set of 30k users × 40k items (density 0.1 %, like
 * Gowalla / Yelp2018) evaluated with every test user ranked over the full catalogue. Models that score through
 * the wasm GEMM (iALS, GF-CF) once crashed here after a few hundred batches (leaked result tensors filled the
 * wasm heap); small sets never showed it. Kept to ~1–2 min: small factor counts, the models' own code paths.
 */
import { describe, expect, it } from 'vitest';
import { nnz } from '../../training/data/interactions.js';
import { syntheticInteractions } from '../../training/data/synthetic.js';
import { testUsers } from '../../training/eval/evaluate.js';
import { runEvaluationOnMatrices } from '../../training/eval/runner.js';
import { randomHoldout } from '../../training/eval/splits.js';
import { tensorflow } from '../../training/models/linalg/tf-backend.js';

const USERS = 30_000;
const ITEMS = 40_000;

describe('evaluation at 30k users × 40k items', () => {
  it('ranks every test user with each model and beats popularity', { timeout: 400_000 }, async () => {
    const all = syntheticInteractions({
      numUsers: USERS,
      numItems: ITEMS,
      interactions: 1_200_000,
      clusters: 60,
      seed: 8,
    });
    expect(nnz(all) / (USERS * ITEMS)).toBeLessThanOrEqual(0.002);
    const { train, test } = randomHoldout(all, 0.2, 4);
    const tf = await tensorflow();
    const report = await runEvaluationOnMatrices({
      train,
      test,
      models: ['popularity', 'ials:factors=32,iterations=3', 'gfcf:svdDims=32,powerIterations=2,neighbors=50'],
      ks: [20],
      noBaselines: true,
      served: false,
      dataset: { train: 'generated', test: 'generated' },
    });
    console.log(
      report.results
        .map((r) => `${r.model} fit ${r.trainSeconds.toFixed(1)} s eval ${r.evalSeconds.toFixed(1)} s`)
        .join('; '),
    );
    const everyone = testUsers(test).length;
    expect(everyone).toBeGreaterThan(25_000);
    expect(report.results.map((r) => r.model)).toEqual(['popularity', 'ials', 'gfcf']);
    for (const r of report.results) expect(r.users).toBe(everyone);
    const recall = Object.fromEntries(report.results.map((r) => [r.model, r.metrics['recall@20']]));
    expect(recall.ials).toBeGreaterThan(recall.popularity);
    expect(recall.gfcf).toBeGreaterThan(recall.popularity);
    // Bounded wasm heap: the models' resident item matrices, not one block per scored batch.
    expect(tf.memory().numBytes).toBeLessThan(64 * 1024 * 1024);
  });
});
