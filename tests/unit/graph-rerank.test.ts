import { describe, expect, it } from 'vitest';
import { foldInBlended } from '../../src/embedding/blended-foldin.js';
import { GraphReranker } from '../../src/recommend/graph-rerank.js';
import { syntheticInteractions } from '../../training/data/synthetic.js';
import { GraphFilter } from '../../training/models/graph-filter.js';

describe('GraphReranker', () => {
  it('adds w · Σ_history P̃ rows to the retrieval score and reorders', () => {
    // Items 10, 20, 30; row of 10 → {20: 0.5, 30: 0.1}; row of 30 → {20: 0.2}.
    const reranker = new GraphReranker({
      lists: {
        itemIds: Int32Array.from([10, 20, 30]),
        indptr: Int32Array.from([0, 2, 2, 3]),
        neighbors: Int32Array.from([1, 2, 1]),
        weights: Float32Array.from([0.5, 0.1, 0.2]),
      },
      linearWeight: 2,
      candidates: 5,
    });
    const hits = [
      { id: 30, score: 1 },
      { id: 20, score: 0.5 },
      { id: 99, score: 0.9 }, // not in the model: keeps its retrieval score
    ];
    const out = reranker.rerank(hits, [10, 30, 10, 12345]);
    expect(out.map((h) => h.id)).toEqual([20, 30, 99]);
    expect(out[0].score).toBeCloseTo(0.5 + 2 * (0.5 + 0.2), 6);
    expect(out[1].score).toBeCloseTo(1 + 2 * 0.1, 6);
    // The scratch accumulator is clean for the next request.
    expect(reranker.rerank(hits, []).map((h) => h.score)).toEqual([1, 0.9, 0.5]);
    expect(reranker.candidateCount(21)).toBe(21);
    expect(reranker.candidateCount(3)).toBe(5);
  });

  it('reports each rerank to its observer without changing the answer', () => {
    const state = {
      lists: {
        itemIds: Int32Array.from([10, 20, 30]),
        indptr: Int32Array.from([0, 2, 2, 3]),
        neighbors: Int32Array.from([1, 2, 1]),
        weights: Float32Array.from([0.5, 0.1, 0.2]),
      },
      linearWeight: 2,
      candidates: 5,
    };
    const observed: number[] = [];
    const timed = new GraphReranker(state, (seconds) => observed.push(seconds));
    const hits = [
      { id: 30, score: 1 },
      { id: 20, score: 0.5 },
    ];
    expect(timed.rerank(hits, [10, 30])).toEqual(new GraphReranker(state).rerank(hits, [10, 30]));
    timed.rerank(hits, []);
    expect(observed).toHaveLength(2);
    for (const seconds of observed) expect(seconds).toBeGreaterThanOrEqual(0);
  });

  it('rejects inconsistent neighbour lists', () => {
    const bad = {
      itemIds: Int32Array.from([1]),
      indptr: Int32Array.from([0, 2]),
      neighbors: Int32Array.from([0]),
      weights: Float32Array.from([1]),
    };
    expect(() => new GraphReranker({ lists: bad, linearWeight: 1, candidates: 10 })).toThrow(/inconsistent/);
  });

  it("reproduces the graph filter: retrieval dot product + rerank = the model's own score", async () => {
    const data = syntheticInteractions({ numUsers: 150, numItems: 90, interactions: 2500, clusters: 4, seed: 9 });
    const model = new GraphFilter({
      svdDims: 12,
      neighbors: 30,
      alpha: 0.4,
      sharpen: -0.7,
      linearTop: 0.3,
      linearWeight: 1.5,
      // The item-degree re-weighting lives in the item vectors and the neighbour weights: served = offline still.
      degreePower: 0.15,
      historyPower: 0.2,
    });
    await model.fit(data);
    const reranker = new GraphReranker(model.rerankState()!);
    const items = model.itemVectors();
    const u = 3;
    const history = Array.from(data.indices.subarray(data.indptr[u], data.indptr[u + 1]));
    const userVec = model.foldIn(Int32Array.from(history));
    const hits = Array.from({ length: items.count }, (_, i) => {
      let s = 0;
      for (let c = 0; c < items.dim; c++) s += userVec[c] * items.data[i * items.dim + c];
      return { id: i, score: s };
    });
    const expected = model.scoreUsers(Int32Array.from([u]));
    for (const hit of reranker.rerank(hits, history)) expect(hit.score).toBeCloseTo(expected[hit.id], 3);
  });

  it("serving-side fold-in from the published item vectors equals the model's own user vector", async () => {
    const data = syntheticInteractions({ numUsers: 120, numItems: 70, interactions: 2000, clusters: 4, seed: 4 });
    const model = new GraphFilter({
      svdDims: 10,
      neighbors: 20,
      alpha: 0.5,
      sharpen: -1,
      linearTop: 0.5,
      degreePower: -0.2,
      historyPower: -0.15,
    });
    await model.fit(data);
    const published = model.published();
    expect(published.layout!.spectralSigns!.some((s) => s < 0)).toBe(true);
    const { items, users } = published;
    for (const u of [0, 17, 60]) {
      const history = Array.from(data.indices.subarray(data.indptr[u], data.indptr[u + 1])).map((i) => ({
        vector: items.data.subarray(i * items.dim, (i + 1) * items.dim),
        degree: published.degrees[i],
      }));
      const folded = foldInBlended(
        new Float64Array(0),
        published.layout!,
        { regularization: 0, alpha: 0, regExponent: 0, numItems: 70 },
        history,
      );
      const own = users.data.subarray(u * users.dim, (u + 1) * users.dim);
      for (let c = 0; c < users.dim; c++) expect(folded[c]).toBeCloseTo(own[c], 4);
    }
  });
});
