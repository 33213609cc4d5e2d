import { describe, expect, it } from 'vitest';
import { buildInteractionMatrix } from '../../training/data/interactions.js';
import { evaluateRanker, fullCatalogRanker } from '../../training/eval/evaluate.js';
import { MetricAccumulator } from '../../training/eval/metrics.js';
import { topKRow } from '../../training/models/linalg/topk.js';
import { Rng } from '../../src/random.js';
import type { Recommender } from '../../training/models/contract.js';

const ctx = (numItems: number) => ({
  ks: [1, 3],
  numItems,
  itemPopularity: new Float64Array(numItems),
  numTrainUsers: 1,
});

describe('MetricAccumulator', () => {
  it('matches hand-computed values for one user', () => {
    const acc = new MetricAccumulator(ctx(10));
    // ranked: 5 (hit), 2, 7 (hit); relevant {5, 7, 9}
    acc.addUser(Int32Array.of(5, 2, 7), 0, Int32Array.of(5, 7, 9));
    const m = acc.result();
    expect(m['recall@3']).toBeCloseTo(2 / 3);
    expect(m['precision@3']).toBeCloseTo(2 / 3);
    expect(m['hitrate@1']).toBe(1);
    expect(m['mrr@3']).toBe(1);
    const dcg = 1 + 1 / Math.log2(4);
    const idcg = 1 + 1 / Math.log2(3) + 1 / Math.log2(4);
    expect(m['ndcg@3']).toBeCloseTo(dcg / idcg);
    expect(m['map@3']).toBeCloseTo((1 + 2 / 3) / 3);
    expect(m['recall@1']).toBeCloseTo(1 / 3);
    expect(m['coverage@3']).toBeCloseTo(3 / 10);
  });

  it('caps the ideal DCG and MAP denominator at K, and averages over users', () => {
    const acc = new MetricAccumulator(ctx(10));
    acc.addUser(Int32Array.of(1, 2, 3), 0, Int32Array.of(0, 1, 2, 3, 4)); // all 3 slots hit
    acc.addUser(Int32Array.of(6, 7, 8), 0, Int32Array.of(9)); // nothing
    const m = acc.result();
    expect(m['ndcg@3']).toBeCloseTo(0.5);
    expect(m['map@3']).toBeCloseTo(0.5);
    expect(m['recall@3']).toBeCloseTo(3 / 5 / 2);
    expect(m['mrr@3']).toBeCloseTo(0.5);
  });

  it('measures diversity from the embedding: identical items → 0, orthogonal items → 1', () => {
    const emb = new Float32Array([1, 0, 1, 0, 0, 1]); // items 0 and 1 identical, item 2 orthogonal
    const acc = new MetricAccumulator({ ...ctx(3), ks: [2], diversityEmbedding: { dim: 2, data: emb } });
    acc.addUser(Int32Array.of(0, 1), 0, Int32Array.of(0));
    expect(acc.result()['diversity@2']).toBeCloseTo(0);
    const acc2 = new MetricAccumulator({ ...ctx(3), ks: [2], diversityEmbedding: { dim: 2, data: emb } });
    acc2.addUser(Int32Array.of(0, 2), 0, Int32Array.of(0));
    expect(acc2.result()['diversity@2']).toBeCloseTo(1);
  });
});

describe('topKRow', () => {
  it('agrees with a full sort, skipping excluded items and breaking ties by id', () => {
    const rng = new Rng(9);
    for (let trial = 0; trial < 50; trial++) {
      const n = 1 + rng.int(200);
      const k = 1 + rng.int(30);
      // few distinct values → many ties
      const scores = Float32Array.from({ length: n }, () => rng.int(8));
      const exclude = Int32Array.from(new Set(Array.from({ length: rng.int(n) }, () => rng.int(n)))).sort();
      const out = new Int32Array(k);
      topKRow(scores, 0, n, k, exclude, out, 0);
      const ex = new Set(exclude);
      const expected = Array.from({ length: n }, (_, i) => i)
        .filter((i) => !ex.has(i))
        .sort((a, b) => scores[b] - scores[a] || a - b)
        .slice(0, k);
      while (expected.length < k) expected.push(-1);
      expect(Array.from(out)).toEqual(expected);
    }
  });
});

describe('evaluateRanker', () => {
  it('excludes training items and scores an oracle perfectly', async () => {
    const train = buildInteractionMatrix(2, 6, [0, 0, 1], [0, 1, 5]);
    const test = buildInteractionMatrix(2, 6, [0, 1, 1], [2, 3, 4]);
    // An oracle that loves training items most: they must be masked out, leaving the test items on top.
    const oracle: Recommender = {
      name: 'oracle',
      params: {},
      async fit() {},
      scoreUsers(users) {
        const out = new Float32Array(users.length * 6);
        users.forEach((u, b) => {
          for (let i = 0; i < 6; i++) {
            const inTrain = (u === 0 && i < 2) || (u === 1 && i === 5);
            const inTest = (u === 0 && i === 2) || (u === 1 && (i === 3 || i === 4));
            out[b * 6 + i] = inTrain ? 10 : inTest ? 5 : 0;
          }
        });
        return out;
      },
    };
    const r = await evaluateRanker(fullCatalogRanker(oracle, train), train, test, { ks: [1, 2], diversity: null });
    expect(r.users).toBe(2);
    expect(r.metrics['ndcg@2']).toBeCloseTo(1);
    expect(r.metrics['recall@2']).toBeCloseTo(1);
    expect(r.metrics['recall@1']).toBeCloseTo((1 + 0.5) / 2);
  });
});
