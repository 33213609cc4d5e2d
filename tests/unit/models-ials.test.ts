import { describe, expect, it } from 'vitest';
import { rowItems, rowValues } from '../../training/data/interactions.js';
import { syntheticInteractions } from '../../training/data/synthetic.js';
import { IALS } from '../../training/models/ials.js';
import { foldInUser } from '../../training/models/ials-foldin.js';
import { solveSpd } from '../../training/models/linalg/dense.js';
import { RecordingProgress } from '../../training/progress.js';

const data = syntheticInteractions({ numUsers: 200, numItems: 120, interactions: 3000, clusters: 5, seed: 2 });

describe('IALS', () => {
  it('descends the weighted objective as iterations increase and reports progress', async () => {
    const losses: number[] = [];
    for (const iterations of [1, 3, 8]) {
      const m = new IALS({ factors: 12, iterations });
      const progress = new RecordingProgress();
      await m.fit(data, progress);
      expect(progress.steps[0].ticks).toBe(iterations);
      losses.push(m.loss(data));
    }
    expect(losses[1]).toBeLessThan(losses[0]);
    expect(losses[2]).toBeLessThan(losses[1]);
  });

  it('converged CG user vectors match the exact fold-in solve', async () => {
    const m = new IALS({ factors: 8, iterations: 12, cgSteps: 8, regExponent: 0.5, alpha: 3 });
    await m.fit(data);
    const users = m.userVectors();
    for (const u of [0, 10, 50]) {
      const folded = m.foldIn(rowItems(data, u), rowValues(data, u));
      for (let k = 0; k < 8; k++) expect(folded[k]).toBeCloseTo(users.data[u * 8 + k], 2);
    }
  });
});

describe('foldInUser', () => {
  it('equals the dense normal-equation solution with explicit per-item confidences', () => {
    const d = 3;
    const numItems = 5;
    const y = Float32Array.from([0.1, 0.3, -0.2, 0.5, 0.1, 0.0, -0.3, 0.2, 0.4, 0.2, -0.1, 0.3, 0.0, 0.6, -0.5]);
    const gram = new Float64Array(d * d);
    for (let i = 0; i < numItems; i++)
      for (let a = 0; a < d; a++) for (let b = 0; b < d; b++) gram[a * d + b] += y[i * d + a] * y[i * d + b];
    const items = Int32Array.of(1, 3);
    const values = Float32Array.of(2, 1);
    const params = { regularization: 0.7, alpha: 1.5, regExponent: 0, numItems };
    // Brute force: A = Σ_i c_i y_i y_iᵀ + λI over ALL items (c = 1 for unobserved), b = Σ_{observed} c_i y_i.
    const c = Float64Array.from({ length: numItems }, (_, i) => (i === 1 ? 1 + 1.5 * 2 : i === 3 ? 1 + 1.5 : 1));
    const a = new Float64Array(d * d);
    const b = new Float64Array(d);
    for (let i = 0; i < numItems; i++) {
      for (let r = 0; r < d; r++) for (let s = 0; s < d; s++) a[r * d + s] += c[i] * y[i * d + r] * y[i * d + s];
      if (i === 1 || i === 3) for (let r = 0; r < d; r++) b[r] += c[i] * y[i * d + r];
    }
    for (let r = 0; r < d; r++) a[r * d + r] += 0.7;
    const expected = solveSpd(a, d, b);
    const got = foldInUser(gram, { dim: d, data: y }, items, values, params);
    for (let r = 0; r < d; r++) expect(got[r]).toBeCloseTo(expected[r], 5);
  });
});
