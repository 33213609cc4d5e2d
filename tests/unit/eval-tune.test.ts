import { describe, expect, it } from 'vitest';
import { syntheticInteractions } from '../../training/data/synthetic.js';
import { randomHoldout } from '../../training/eval/splits.js';
import { sampleParams, tune, type SearchSpace } from '../../training/eval/tune.js';
import { Rng } from '../../src/random.js';

const { train, test: valid } = randomHoldout(
  syntheticInteractions({ numUsers: 120, numItems: 60, interactions: 1800, clusters: 4, seed: 6 }),
  0.2,
  1,
);

describe('sampleParams', () => {
  it('stays inside the declared space', () => {
    const space: SearchSpace = {
      a: { type: 'float', low: 0.1, high: 10, log: true },
      b: { type: 'int', low: 2, high: 9 },
      c: { type: 'choice', values: ['x', 'y'] },
    };
    const rng = new Rng(2);
    for (let t = 0; t < 200; t++) {
      const p = sampleParams(space, rng);
      expect(p.a).toBeGreaterThanOrEqual(0.1);
      expect(p.a).toBeLessThanOrEqual(10);
      expect(Number.isInteger(p.b)).toBe(true);
      expect(['x', 'y']).toContain(p.c);
    }
  });
});

describe('tune', () => {
  it('is reproducible by seed, logs every trial and returns the best one', async () => {
    const run = (seed: number) => {
      const seen: number[] = [];
      return tune({
        model: 'ease',
        train,
        valid,
        trials: 4,
        seed,
        includeDefaults: true,
        onTrial: (t) => seen.push(t.trial),
      }).then((r) => ({ r, seen }));
    };
    const a = await run(5);
    const b = await run(5);
    const c = await run(6);
    expect(a.seen).toEqual([0, 1, 2, 3]);
    expect(a.r.trials.map((t) => t.params)).toEqual(b.r.trials.map((t) => t.params));
    expect(a.r.trials.map((t) => t.score)).toEqual(b.r.trials.map((t) => t.score));
    expect(a.r.trials[0].params.lambda).toBe(500); // the defaults trial
    expect(c.r.trials[1].params.lambda).not.toBe(a.r.trials[1].params.lambda);
    expect(a.r.best.score).toBe(Math.max(...a.r.trials.map((t) => t.score)));
  });

  it('rejects unknown models and malformed metrics', async () => {
    await expect(tune({ model: 'nope', train, valid, trials: 1, seed: 1 })).rejects.toThrow(/unknown model/);
    await expect(tune({ model: 'ease', train, valid, trials: 1, seed: 1, metric: 'recall' })).rejects.toThrow(/metric/);
  });
});
