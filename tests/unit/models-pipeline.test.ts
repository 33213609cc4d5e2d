import { beforeAll, describe, expect, it } from 'vitest';
import { rowItems, type InteractionMatrix } from '../../training/data/interactions.js';
import { syntheticInteractions } from '../../training/data/synthetic.js';
import { Blend } from '../../training/models/blend.js';
import { EASE } from '../../training/models/ease.js';
import { IALS } from '../../training/models/ials.js';
import { TwoStage } from '../../training/models/two-stage.js';
import { GFCF } from '../../training/models/gfcf.js';
import { IalsLowpassBlend } from '../../training/models/ials-lowpass-blend.js';
import { scoreAllItems } from '../../training/models/linalg/scoring.js';

let data: InteractionMatrix;
let ease: EASE;
let ials: IALS;
beforeAll(async () => {
  data = syntheticInteractions({ numUsers: 150, numItems: 90, interactions: 2500, clusters: 5, seed: 12 });
  ease = new EASE({ lambda: 40 });
  ials = new IALS({ factors: 12, iterations: 5 });
  await ease.fit(data);
  await ials.fit(data);
});

describe('Blend', () => {
  it('is Σ w·s/σ with one global scale per component', async () => {
    const blend = new Blend([
      { model: ease, weight: 2 },
      { model: ials, weight: 0.5 },
    ]);
    await blend.fit(data);
    const [se, si] = blend.scales();
    expect(se).toBeGreaterThan(0);
    const users = Int32Array.of(4, 9);
    const got = blend.scoreUsers(users);
    const a = ease.scoreUsers(users);
    const b = ials.scoreUsers(users);
    for (let p = 0; p < got.length; p += 7) expect(got[p]).toBeCloseTo((2 * a[p]) / se + (0.5 * b[p]) / si, 4);
    // The serving path (history only) gives the same numbers.
    const hist = blend.scoreHistory(rowItems(data, 9));
    const ref = ease.scoreHistory(rowItems(data, 9));
    const refI = ials.scoreHistory(rowItems(data, 9));
    for (let i = 0; i < data.numItems; i += 11)
      expect(hist[i]).toBeCloseTo((2 * ref[i]) / se + (0.5 * refI[i]) / si, 3);
  });
});

describe('TwoStage', () => {
  it('keeps exactly the top-N dot-product candidates (train items excluded) with reranker scores', async () => {
    const n = 15;
    const pipe = new TwoStage(ials, ease, n);
    await pipe.fit(data);
    const users = Int32Array.of(2, 30);
    const out = pipe.scoreUsers(users);
    const rer = ease.scoreUsers(users);
    const uv = ials.userVectors();
    const iv = ials.itemVectors();
    const dots = scoreAllItems(uv.data, users, iv.data, data.numItems, iv.dim);
    users.forEach((u, r) => {
      const train = new Set(rowItems(data, u));
      const expected = Array.from({ length: data.numItems }, (_, i) => i)
        .filter((i) => !train.has(i))
        .sort((a, b) => dots[r * data.numItems + b] - dots[r * data.numItems + a] || a - b)
        .slice(0, n);
      const kept = Array.from({ length: data.numItems }, (_, i) => i).filter((i) =>
        Number.isFinite(out[r * data.numItems + i]),
      );
      expect(kept.sort((a, b) => a - b)).toEqual(expected.sort((a, b) => a - b));
      for (const i of kept) expect(out[r * data.numItems + i]).toBe(rer[r * data.numItems + i]);
    });
  });

  it('rejects a retriever without vectors', () => {
    expect(() => new TwoStage(ease, ials, 10)).toThrow(/vectors/);
  });
});

describe('IalsLowpassBlend (blended vectors)', () => {
  it('exports one vector per item/user whose dot product is the blend w_ials·s_ials/σ + w_lp·s_lp/σ', async () => {
    const pipeline = new IalsLowpassBlend({ ialsFactors: 8, ialsIterations: 4, lowpassDims: 10, lowpassWeight: 0.4 });
    await pipeline.fit(data);
    const { ials: fittedIals, layout } = pipeline.servingParts();
    // The same components fitted alone give the same scores (both are seeded).
    const lowpass = new GFCF({ svdDims: 10, alpha: 1, linearFilter: false });
    await lowpass.fit(data);
    const users = Int32Array.of(3, 40);
    const blended = pipeline.scoreUsers(users);
    const si = fittedIals.scoreUsers(users);
    const sl = lowpass.scoreUsers(users);
    const cI = layout.ialsScale ** 2;
    const cL = layout.lowpassScale ** 2;
    expect(layout.ialsDim).toBe(8);
    expect(pipeline.itemVectors().dim).toBe(18);
    for (let p = 0; p < blended.length; p += 5) expect(blended[p]).toBeCloseTo(cI * si[p] + cL * sl[p], 4);
    // Exact fold-in of a history reproduces the trained users' scores (iALS block up to CG accuracy).
    const hist = pipeline.scoreHistory(rowItems(data, 40));
    let agree = 0;
    for (let i = 0; i < data.numItems; i++)
      if (Math.abs(hist[i] - blended[data.numItems + i]) < 0.05 * Math.abs(blended[data.numItems + i]) + 1e-3) agree++;
    expect(agree / data.numItems).toBeGreaterThan(0.9);
  });
});
