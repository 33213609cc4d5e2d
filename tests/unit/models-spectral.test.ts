import { describe, expect, it } from 'vitest';
import { binarize, itemDegrees, rowItems, transpose, userDegrees } from '../../training/data/interactions.js';
import { syntheticInteractions } from '../../training/data/synthetic.js';
import { EASE } from '../../training/models/ease.js';
import { GFCF } from '../../training/models/gfcf.js';
import { symmetricEigen } from '../../training/models/linalg/dense.js';
import { randomizedSvd } from '../../training/models/linalg/randomized-svd.js';
import { scaleMatrix, sparseGram } from '../../training/models/linalg/sparse.js';
import { spdInverse } from '../../training/models/linalg/spd-inverse.js';
import { Rng } from '../../src/random.js';

const data = binarize(syntheticInteractions({ numUsers: 120, numItems: 70, interactions: 1800, clusters: 4, seed: 8 }));

describe('randomizedSvd', () => {
  it('recovers the top singular values and orthonormal right singular vectors', async () => {
    const k = 6;
    const svd = await randomizedSvd(data, transpose(data), k, { powerIterations: 6, seed: 3 });
    // Reference: eigenvalues of the dense Gram matrix MᵀM are the squared singular values.
    const g = Float64Array.from(sparseGram(data));
    const { values } = symmetricEigen(g, data.numItems);
    for (let j = 0; j < k; j++) expect(svd.s[j]).toBeCloseTo(Math.sqrt(values[j]), 1);
    for (let a = 0; a < k; a++) {
      for (let b = 0; b < k; b++) {
        let dot = 0;
        for (let i = 0; i < data.numItems; i++) dot += svd.v[i * k + a] * svd.v[i * k + b];
        expect(dot).toBeCloseTo(a === b ? 1 : 0, 3);
      }
    }
  });
});

describe('spdInverse', () => {
  it('inverts an SPD matrix across several blocks', async () => {
    const n = 37;
    const rng = new Rng(4);
    const x = Float64Array.from({ length: n * n }, () => rng.normal());
    const a = new Float32Array(n * n);
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++) {
        let s = i === j ? 3 : 0;
        for (let k = 0; k < n; k++) s += x[i * n + k] * x[j * n + k];
        a[i * n + j] = s;
      }
    const inv = await spdInverse(a, n, { block: 8 });
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let k = 0; k < n; k++) s += a[i * n + k] * inv[k * n + j];
        expect(s).toBeCloseTo(i === j ? 1 : 0, 3);
      }
  });
});

describe('EASE', () => {
  it('satisfies the closed form: zero diagonal and stationarity of the penalised loss off the diagonal', async () => {
    const lambda = 30;
    const m = new EASE({ lambda });
    await m.fit(data);
    const { n, data: b } = m.itemItem();
    const g = sparseGram(data);
    for (let i = 0; i < n; i++) expect(b[i * n + i]).toBe(0);
    // Gradient of ‖X − XB‖² + λ‖B‖² is −2G + 2(G + λI)B; off-diagonal entries must vanish (the diagonal is
    // taken by the constraint's Lagrange multipliers).
    for (const [i, j] of [
      [0, 1],
      [5, 9],
      [20, 3],
      [69, 68],
    ]) {
      let gb = 0;
      for (let k = 0; k < n; k++) gb += g[i * n + k] * b[k * n + j];
      const grad = -g[i * n + j] + gb + lambda * b[i * n + j];
      expect(Math.abs(grad)).toBeLessThan(1e-3 * (1 + Math.abs(g[i * n + j])));
    }
  });
});

describe('GFCF', () => {
  it('scores r_u·R̃ᵀR̃ plus the exported low-pass vectors’ dot products', async () => {
    const m = new GFCF({ svdDims: 8 });
    await m.fit(data);
    const du = userDegrees(data);
    const di = itemDegrees(data);
    const inv = (d: Float64Array) => d.map((v) => (v > 0 ? 1 / Math.sqrt(v) : 0));
    const p = sparseGram(scaleMatrix(data, inv(du), inv(di)));
    const n = data.numItems;
    const iv = m.itemVectors();
    const uv = m.userVectors();
    for (const u of [0, 17, 64]) {
      const s = m.scoreUsers(Int32Array.of(u));
      const hist = rowItems(data, u);
      for (let i = 0; i < n; i += 5) {
        let linear = 0;
        for (const j of hist) linear += p[j * n + i];
        let low = 0;
        for (let k = 0; k < iv.dim; k++) low += uv.data[u * uv.dim + k] * iv.data[i * iv.dim + k];
        expect(s[i]).toBeCloseTo(linear + low, 4);
      }
    }
  });

  it('uses a sparse top-neighbour item-item term above denseMaxItems and still ranks alike', async () => {
    const dense = new GFCF({ svdDims: 8 });
    const sparse = new GFCF({ svdDims: 8, denseMaxItems: 10, neighbors: 70 });
    await dense.fit(data);
    await sparse.fit(data);
    // Keeping every neighbour makes the sparse term exact.
    const a = dense.scoreUsers(Int32Array.of(3, 4));
    const b = sparse.scoreUsers(Int32Array.of(3, 4));
    for (let p = 0; p < a.length; p++) expect(b[p]).toBeCloseTo(a[p], 4);
  });
});
