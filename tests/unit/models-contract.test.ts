/**
 * The contract suite: every registered model must pass it (README § Models). Small planted-structure data
 * keeps each model's fit under a second.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { rowItems, rowValues, type InteractionMatrix } from '../../training/data/interactions.js';
import { syntheticInteractions } from '../../training/data/synthetic.js';
import { evaluateModel } from '../../training/eval/evaluate.js';
import { randomHoldout } from '../../training/eval/splits.js';
import { foldInBlended } from '../../src/embedding/blended-foldin.js';
import type { Recommender } from '../../training/models/contract.js';
import { MODEL_FACTORIES } from '../../training/models/registry.js';
import { topKRow } from '../../training/models/linalg/topk.js';

/** Small-but-sufficient params per model so the suite stays fast; every registered model must be listed. */
const CASES: Record<string, Record<string, number | string | boolean>> = {
  popularity: {},
  ials: { factors: 16, iterations: 6 },
  ease: { lambda: 50 },
  gfcf: { svdDims: 16 },
  userknn: { neighbors: 30 },
  neighbors: { neighbors: 20 },
  graphfilter: { svdDims: 16, neighbors: 30, sharpen: -0.5 },
  fusion: { svdDims: 16, neighbors: 30, ialsFactors: 16, ialsIterations: 4, tuneBudget: 30 },
  blend: { lowpassDims: 16, ialsFactors: 16, ialsIterations: 4 },
  default: { tuneBudget: 30, validUsers: 200 },
  twostage: { candidates: 40, gfcfSvdDims: 16, ialsFactors: 16, ialsIterations: 4, easeLambda: 50 },
  lightgcn: { dim: 16, layers: 2, epochs: 30, batchSize: 2048, learningRate: 0.03 },
  'two-tower': { dim: 16, userHidden: 16, epochs: 6, batchUsers: 64, sampledNegatives: 64, learningRate: 0.01 },
};

const build = (name: string) => MODEL_FACTORIES[name](CASES[name]);

let train: InteractionMatrix;
let test: InteractionMatrix;
beforeAll(() => {
  const all = syntheticInteractions({
    numUsers: 300,
    numItems: 150,
    interactions: 6000,
    clusters: 6,
    noise: 0.15,
    seed: 21,
  });
  ({ train, test } = randomHoldout(all, 0.2, 4));
});

function topK(scores: Float32Array, numItems: number, exclude: Int32Array, k: number): number[] {
  const out = new Int32Array(k);
  topKRow(scores, 0, numItems, k, exclude, out, 0);
  return Array.from(out);
}

const overlap = (a: number[], b: number[]) => a.filter((x) => b.includes(x)).length / a.length;

it('every registered model has a contract case', () => {
  expect(Object.keys(MODEL_FACTORIES).sort()).toEqual(
    Object.keys(CASES)
      .filter((n) => n in MODEL_FACTORIES)
      .sort(),
  );
});

describe.each(Object.keys(CASES).filter((n) => n in MODEL_FACTORIES))('contract: %s', (name) => {
  let model: Recommender;
  beforeAll(async () => {
    model = build(name);
    await model.fit(train);
  });

  it('refuses to score before fit', () => {
    expect(() => build(name).scoreUsers(Int32Array.of(0))).toThrow(/fit/);
  });

  it('scores users × full catalogue with finite numbers (−∞ only for items a pipeline did not retrieve)', () => {
    const users = Int32Array.of(0, 5, 17);
    const s = model.scoreUsers(users);
    expect(s.length).toBe(3 * train.numItems);
    expect(s.every((v) => Number.isFinite(v) || v === -Infinity)).toBe(true);
    for (let r = 0; r < 3; r++) {
      const finite = s.subarray(r * train.numItems, (r + 1) * train.numItems).filter(Number.isFinite).length;
      expect(finite).toBeGreaterThanOrEqual(Math.min(40, train.numItems - rowItems(train, users[r]).length));
    }
  });

  it('is deterministic for fixed params (seeded)', async () => {
    const again = build(name);
    await again.fit(train);
    const users = Int32Array.of(1, 2, 3);
    expect(Array.from(again.scoreUsers(users))).toEqual(Array.from(model.scoreUsers(users)));
  });

  it('beats chance (popularity) and collaborative models beat popularity on planted clusters', async () => {
    const r = await evaluateModel(model, train, test, { ks: [10], diversity: null });
    const chance = 10 / train.numItems;
    expect(r.metrics['hitrate@10']).toBeGreaterThan(0);
    if (name === 'popularity') {
      expect(r.metrics['precision@10']).toBeGreaterThan((2 * chance * (test.indptr[test.numUsers] / r.users)) / 10);
    } else {
      const pop = MODEL_FACTORIES.popularity({});
      await pop.fit(train);
      const base = await evaluateModel(pop, train, test, { ks: [10], diversity: null });
      expect(r.metrics['recall@10']).toBeGreaterThan(1.2 * base.metrics['recall@10']);
    }
  });

  it('exports vectors whose dot products reproduce scoreUsers', () => {
    if (!model.itemVectors || !model.userVectors) return;
    if (model.vectorsScoreExactly === false) return; // retrieval-only vectors: checked in their own tests
    const items = model.itemVectors();
    const users = model.userVectors();
    expect(items.count).toBe(train.numItems);
    expect(users.dim).toBe(items.dim);
    const u = 7;
    const s = model.scoreUsers(Int32Array.of(u));
    for (let i = 0; i < train.numItems; i += 13) {
      let dot = 0;
      for (let k = 0; k < items.dim; k++) dot += users.data[u * users.dim + k] * items.data[i * items.dim + k];
      expect(dot).toBeCloseTo(s[i], 3);
    }
  });

  it('scores a known user’s history like the user itself (fold-in / scoreHistory)', () => {
    if (!model.scoreHistory) return;
    let total = 0;
    const users = [3, 40, 99, 150, 222];
    for (const u of users) {
      const hist = rowItems(train, u);
      const a = topK(model.scoreUsers(Int32Array.of(u)), train.numItems, hist, 10);
      const b = topK(model.scoreHistory(hist, rowValues(train, u)), train.numItems, hist, 10);
      total += overlap(a, b);
    }
    expect(total / users.length).toBeGreaterThanOrEqual(0.8);
  });

  it("publishes vectors whose serving-side fold-in (src/embedding/blended-foldin.ts) is the model's own", () => {
    if (!model.published) return;
    const published = model.published();
    expect(published.items.count).toBe(train.numItems);
    expect(published.degrees.length).toBe(train.numItems);
    const layout = published.layout;
    // The iALS block folds in by a CG solve (compared in the pipeline tests); sum-only layouts must be exact.
    if (!layout || layout.ialsDim > 0) return;
    const { items, users } = published;
    for (const u of [3, 40]) {
      const history = Array.from(rowItems(train, u)).map((i) => ({
        vector: items.data.subarray(i * items.dim, (i + 1) * items.dim),
        degree: published.degrees[i],
      }));
      const folded = foldInBlended(
        new Float64Array(0),
        layout,
        { regularization: 0, alpha: 0, regExponent: 0, numItems: train.numItems },
        history,
      );
      for (let c = 0; c < users.dim; c++) expect(folded[c]).toBeCloseTo(users.data[u * users.dim + c], 4);
    }
  });

  it('folds in a user vector in the item-vector space', () => {
    if (!model.foldIn || !model.itemVectors) return;
    const v = model.foldIn(rowItems(train, 3), rowValues(train, 3));
    expect(v.length).toBe(model.itemVectors().dim);
    expect(v.every(Number.isFinite)).toBe(true);
  });
});
