// The default model's choice (training/models/auto-select.ts): measured on a split carved from the fit data, the
// better candidate wins and is what it serves; without a budget a density prior picks; a budget too small for any
// candidate is reported, not overrun.
import { beforeAll, describe, expect, it } from 'vitest';
import type { InteractionMatrix } from '../../training/data/interactions.js';
import { syntheticInteractions } from '../../training/data/synthetic.js';
import { AutoSelect } from '../../training/models/auto-select.js';

let data: InteractionMatrix;
beforeAll(() => {
  data = syntheticInteractions({ numUsers: 300, numItems: 150, interactions: 6000, clusters: 6, noise: 0.15, seed: 5 });
});

const small = {
  blend: { ialsFactors: 16, ialsIterations: 4, lowpassDims: 16 },
  graphFilter: { svdDims: 16, neighbors: 30 },
};

describe('AutoSelect', () => {
  it('scores both candidates on validation, serves the better one and reports the choice', async () => {
    const model = new AutoSelect({ tuneBudget: 60, validUsers: 200 }, small);
    await model.fit(data);
    const s = model.selection!;
    expect(s.by).toBe('validation');
    expect(s.candidates.map((c) => [c.model, c.status])).toEqual([
      ['graphfilter', 'scored'],
      ['blend', 'scored'],
    ]);
    const best = s.candidates.reduce((a, b) => (b.recall! > a.recall! ? b : a));
    expect(s.chosen).toBe(best.model);
    expect(model.chosen.name).toBe(best.model);
    expect(s.validationUsers).toBeGreaterThan(100);
    expect(s.params).toEqual({ ...model.chosen.params });
    expect(s.seconds).toBeGreaterThan(0);
    const scores = model.scoreUsers(Int32Array.of(0, 1));
    expect(scores).toEqual(model.chosen.scoreUsers(Int32Array.of(0, 1)));
  });

  it('with no budget picks by the density prior, and says so', async () => {
    const model = new AutoSelect({ tuneBudget: 0 }, small);
    await model.fit(data);
    // 6000 / (300 × 150) ≈ 13 % dense: the blend.
    expect(model.selection).toMatchObject({ chosen: 'blend', by: 'prior', candidates: [] });
  });

  it('skips candidates the budget cannot hold and reports why', async () => {
    const model = new AutoSelect({ tuneBudget: 0.001 }, small);
    await model.fit(data);
    const s = model.selection!;
    expect(s.by).toBe('prior');
    expect(s.candidates.map((c) => c.status)).toEqual(['skipped', 'skipped']);
    for (const c of s.candidates) expect(c.reason).toMatch(/budget/);
  });
});
