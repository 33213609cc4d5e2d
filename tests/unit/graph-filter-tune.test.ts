import { describe, expect, it } from 'vitest';
import { GraphReranker } from '../../src/recommend/graph-rerank.js';
import { rowItems, type InteractionMatrix } from '../../training/data/interactions.js';
import { syntheticInteractions } from '../../training/data/synthetic.js';
import { randomHoldout } from '../../training/eval/splits.js';
import { ServedStyleScorer, tuneGraphFilter } from '../../training/eval/tune-graph-filter.js';
import { GraphFilter, type GraphFilterWeights } from '../../training/models/graph-filter.js';
import { addNeighbors, ItemNeighbors, squareNeighbors } from '../../training/models/linalg/item-neighbors.js';
import { topKRow } from '../../training/models/linalg/topk.js';

const data = syntheticInteractions({ numUsers: 300, numItems: 120, interactions: 6000, clusters: 5, seed: 3 });
const { train, test: valid } = randomHoldout(data, 0.2, 5);
const users = Int32Array.from({ length: 300 }, (_, u) => u).filter((u) => rowItems(valid, u).length > 0);
const K = 10;
const common = { svdDims: 16, neighbors: 30, secondOrderNeighbors: 20, candidates: 40, tuneBudget: 0 };

/**
 * recall@K / ndcg@K of the model as it is served: its published vectors' dot products pick the top `candidates`
 * (training items excluded), the published neighbour lists rerank them (src/recommend/graph-rerank.ts).
 */
function servedMetrics(model: GraphFilter, train: InteractionMatrix) {
  const pub = model.published();
  const reranker = new GraphReranker(pub.rerank!);
  const { dim, data: items, count: n } = pub.items;
  let recall = 0;
  let ndcg = 0;
  for (const u of users) {
    const uv = pub.users.data.subarray(u * dim, (u + 1) * dim);
    const scores = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let c = 0; c < dim; c++) s += uv[c] * items[i * dim + c];
      scores[i] = s;
    }
    const seen = rowItems(train, u);
    const cand = new Int32Array(pub.rerank!.candidates);
    topKRow(scores, 0, n, cand.length, seen, cand, 0);
    const hits = [...cand].filter((i) => i >= 0).map((id) => ({ id, score: scores[id] }));
    const top = reranker.rerank(hits, [...seen]).slice(0, K);
    const relevant = new Set(rowItems(valid, u));
    let h = 0;
    let dcg = 0;
    let idcg = 0;
    top.forEach((hit, p) => {
      if (relevant.has(hit.id)) {
        h++;
        dcg += 1 / Math.log2(p + 2);
      }
    });
    for (let p = 0; p < Math.min(K, relevant.size); p++) idcg += 1 / Math.log2(p + 2);
    recall += h / relevant.size;
    ndcg += dcg / idcg;
  }
  return { recall: recall / users.length, ndcg: ndcg / users.length };
}

describe('graph filter tuning from cached term scores', () => {
  it('ranks every setting exactly as the model fitted with those weights is served', async () => {
    const base = new GraphFilter({ ...common, alpha: 0, sharpen: 0, linearTop: 0 });
    await base.fit(train);
    const scorer = new ServedStyleScorer(base, train, valid, K);
    const settings: GraphFilterWeights[] = [
      { alpha: 0.3, sharpen: 0, linearTop: 0, linearWeight: 1 },
      { alpha: 0.45, sharpen: -0.5, linearTop: 1, linearWeight: 1, degreePower: 0.2 },
      { alpha: 0.2, sharpen: -0.25, linearTop: -0.5, linearWeight: 1, historyPower: -0.3, degreePower: 0.3 },
      { alpha: 0.3, sharpen: -0.5, linearTop: 1, linearWeight: 1, secondOrder: -0.5, degreePower: -0.1 },
    ];
    const { trials, users: reached } = scorer.score(settings, users, Infinity, noProgress, 'test');
    scorer.dispose();
    expect(reached).toBe(users.length);
    for (const [s, w] of settings.entries()) {
      const model = new GraphFilter({
        ...common,
        alpha: w.alpha,
        sharpen: w.sharpen,
        linearTop: w.linearTop,
        degreePower: w.degreePower ?? 0,
        historyPower: w.historyPower ?? 0,
        secondOrder: w.secondOrder ?? 0,
      });
      await model.fit(train);
      const served = servedMetrics(model, train);
      expect(trials[s].recall).toBeCloseTo(served.recall, 6);
      expect(trials[s].ndcg).toBeCloseTo(served.ndcg, 6);
      expect(served.recall).toBeGreaterThan(0);
      model.dispose();
    }
    base.dispose();
  });

  it('searches the grid and its refinement on the same users and reports the winner', async () => {
    const tuning = await tuneGraphFilter(data, { params: common, budgetSeconds: 120, seed: 4 });
    expect(tuning.users).toBeGreaterThan(0);
    expect(tuning.stoppedEarly).toBe(false);
    const best = tuning.trials.reduce((a, b) => (b.recall > a.recall ? b : a));
    expect(tuning.bestRecall).toBe(best.recall);
    expect(tuning.best).toEqual(best.weights);
    expect(new Set(tuning.trials.map((t) => t.pass))).toEqual(new Set([1, 2, 3]));
    // An explicitly given weight is never searched.
    const pinned = await tuneGraphFilter(data, { params: { ...common, alpha: 0.25 }, budgetSeconds: 120, seed: 4 });
    expect(pinned.trials.every((t) => t.weights.alpha === 0.25)).toBe(true);
  });
});

describe('second-order neighbour lists', () => {
  // W = [[0, 1, 2], [1, 0, 0], [0, 3, 0]] (rows by item).
  const w = new ItemNeighbors(
    3,
    Int32Array.from([0, 2, 3, 4]),
    Int32Array.from([1, 2, 0, 1]),
    Float32Array.from([1, 2, 1, 3]),
  );
  const dense = (m: ItemNeighbors) => {
    const out = [0, 1, 2].map(() => [0, 0, 0]);
    for (let j = 0; j < 3; j++)
      for (let p = m.indptr[j]; p < m.indptr[j + 1]; p++) out[j][m.indices[p]] += m.weights[p];
    return out;
  };
  it('squares the sparse rows (W², each row cut to its largest entries)', () => {
    // W² = [[1, 6, 0], [0, 1, 2], [3, 0, 0]].
    expect(dense(squareNeighbors(w, 3))).toEqual([
      [1, 6, 0],
      [0, 1, 2],
      [3, 0, 0],
    ]);
    expect(dense(squareNeighbors(w, 1))).toEqual([
      [0, 6, 0],
      [0, 0, 2],
      [3, 0, 0],
    ]);
  });
  it('adds two lists on the union of their supports', () => {
    expect(dense(addNeighbors(w, squareNeighbors(w, 3), -0.5))).toEqual([
      [-0.5, -2, 2],
      [1, -0.5, -1],
      [-1.5, 3, 0],
    ]);
  });
});

const noProgress = { start: () => {}, tick: () => {}, stop: () => {} };
