// The fusion model (training/models/fusion.ts) and its weight search (training/eval/tune-fusion.ts,
// weight-search.ts): the concatenated vectors' dot product is the weighted sum of the component scores, fold-in
// from the published item vectors reproduces the trained user vectors, and the search over cached term scores
// ranks each setting exactly as a model fitted with that setting's weights ranks when served.
import { beforeAll, describe, expect, it } from 'vitest';
import { foldInBlended } from '../../src/embedding/blended-foldin.js';
import { rowItems, type InteractionMatrix } from '../../training/data/interactions.js';
import { syntheticInteractions } from '../../training/data/synthetic.js';
import { evaluateRanker, exactDotProductRetriever, twoStageRanker } from '../../training/eval/evaluate.js';
import { randomHoldout } from '../../training/eval/splits.js';
import { tuneFusion } from '../../training/eval/tune-fusion.js';
import { listMetrics, searchWeights, servedStyleTopK } from '../../training/eval/weight-search.js';
import { Fusion, type FusionWeights } from '../../training/models/fusion.js';

let data: InteractionMatrix;
beforeAll(() => {
  data = syntheticInteractions({ numUsers: 240, numItems: 120, interactions: 4800, clusters: 5, noise: 0.15, seed: 9 });
});

const small = { ialsFactors: 12, ialsIterations: 4, svdDims: 12, neighbors: 25, candidates: 40 };

function dot(a: Float32Array, ao: number, b: Float32Array, bo: number, dim: number): number {
  let s = 0;
  for (let k = 0; k < dim; k++) s += a[ao + k] * b[bo + k];
  return s;
}

describe('Fusion', () => {
  it('scores by dot(user, item) of the concatenated vectors plus the rerank term, = c·iALS + the filter', async () => {
    const model = new Fusion({ ...small, ialsWeight: 1.5, alpha: 0.3, linearTop: 1, sharpen: -0.5, linearWeight: 0.7 });
    await model.fit(data);
    const users = Int32Array.of(0, 7, 31);
    const n = data.numItems;
    const scores = model.scoreUsers(users);
    const { ials } = model.servingParts();
    // The parts, scored on their own through their public APIs.
    const filterOnly = new Fusion({
      ...small,
      ialsWeight: 0,
      alpha: 0.3,
      linearTop: 1,
      sharpen: -0.5,
      linearWeight: 0.7,
    });
    await filterOnly.fit(data);
    const filterScores = filterOnly.scoreUsers(users);
    const ialsScores = ials.scoreUsers(users);
    const item = model.itemVectors();
    const user = model.userVectors();
    expect(item.dim).toBe(12 + 2 * 12);
    const published = model.published();
    const c = published.layout!.ialsScale ** 2;
    const rerank = published.rerank!;
    expect(rerank.linearWeight).toBe(0.7);
    users.forEach((u, r) => {
      // r P̃ pruned, as the served rerank sums it from the published neighbour lists.
      const linear = new Float32Array(n);
      for (const j of rowItems(data, u))
        for (let p = rerank.lists.indptr[j]; p < rerank.lists.indptr[j + 1]; p++)
          linear[rerank.lists.neighbors[p]] += rerank.lists.weights[p];
      for (let i = 0; i < n; i++) {
        const viaVectors = dot(user.data, u * user.dim, item.data, i * item.dim, item.dim) + 0.7 * linear[i];
        expect(scores[r * n + i]).toBeCloseTo(viaVectors, 4);
        expect(scores[r * n + i]).toBeCloseTo(c * ialsScores[r * n + i] + filterScores[r * n + i], 4);
      }
    });
    model.dispose();
    filterOnly.dispose();
  });

  it('folds a history in from the published item vectors as it trained the user (iALS block and sums)', async () => {
    const model = new Fusion({ ...small, ialsWeight: 2, sharpen: -0.5 });
    await model.fit(data);
    const published = model.published();
    const { ials } = model.servingParts();
    const u = 11;
    const history = rowItems(data, u);
    const served = foldInBlended(
      ials.itemGram(),
      published.layout!,
      ials.foldInParams(),
      Array.from(history, (j) => ({
        vector: published.items.data.subarray(j * published.items.dim, (j + 1) * published.items.dim),
        degree: published.degrees[j],
      })),
    );
    const offline = model.foldIn(history);
    const trained = published.users.data.subarray(u * published.users.dim, (u + 1) * published.users.dim);
    for (let k = 0; k < served.length; k++) {
      expect(served[k]).toBeCloseTo(offline[k], 4);
      // The trained iALS user vector is CG-accurate, not exact: compare loosely.
      expect(served[k]).toBeCloseTo(trained[k], 1);
    }
    model.dispose();
  });

  it('without the iALS weight publishes the filter alone (no iALS block)', async () => {
    const model = new Fusion({ ...small, ialsWeight: 0 });
    await model.fit(data);
    expect(model.published().layout!.ialsDim).toBe(0);
    expect(model.itemVectors().dim).toBe(24);
    model.dispose();
  });

  it('rejects negative weights', () => {
    expect(() => new Fusion({ ialsWeight: -1 })).toThrow(/ialsWeight/);
  });
});

describe('served-style weight search', () => {
  it('ranks a user like a full sort of the retrieval score, then of the reranked candidates', () => {
    const n = 6;
    const batch = {
      vector: [Float32Array.of(6, 5, 4, 3, 2, 1)],
      rerank: Float32Array.of(0, 0, 0, 0, 10, 10),
    };
    const top = new Int32Array(2);
    const scratch = { row: new Float32Array(n), cand: new Int32Array(4) };
    // Retrieval keeps 4 candidates (item 0 is seen): 1, 2, 3, 4; the rerank lifts 4 (item 5 was not retrieved).
    servedStyleTopK(batch, 0, n, { vector: [1], rerank: 1 }, Int32Array.of(0), top, scratch);
    expect(Array.from(top)).toEqual([4, 1]);
    servedStyleTopK(batch, 0, n, { vector: [1], rerank: 0 }, Int32Array.of(0), top, scratch);
    expect(Array.from(top)).toEqual([1, 2]);
    expect(listMetrics(Int32Array.of(4, 1), new Set([4, 9]))).toEqual({
      recall: 0.5,
      ndcg: 1 / (1 + 1 / Math.log2(3)),
    });
  });

  it('scores each setting from cached terms as a model fitted with those weights scores when served', async () => {
    const { train, test: valid } = randomHoldout(data, 0.2, 11);
    const settings: FusionWeights[] = [
      { ialsWeight: 1, alpha: 0, linearTop: 0, sharpen: 0, linearWeight: 0 },
      { ialsWeight: 0, alpha: 0.3, linearTop: 1, sharpen: 0, linearWeight: 1 },
      { ialsWeight: 2, alpha: 0.3, linearTop: 0, sharpen: -0.5, linearWeight: 0.5 },
      { ialsWeight: 0.5, alpha: 0, linearTop: 1, sharpen: 0, linearWeight: 1 },
    ];
    const tuning = await tuneFusion(data, {
      params: small,
      split: { train, valid },
      budgetSeconds: 600,
      // A grid of exactly these settings (one value per axis would cross them): pass them through one axis each.
      grid: {
        ialsWeight: [1, 0, 2, 0.5],
        alpha: [0, 0.3],
        linearTop: [0, 1],
        sharpen: [0, -0.5],
        linearWeight: [0, 0.5, 1],
      },
    });
    const trialOf = (w: FusionWeights) =>
      tuning.trials.find(
        (t) => t.pass === 1 && (Object.keys(w) as (keyof FusionWeights)[]).every((k) => t.weights[k] === w[k]),
      )!;
    const direct: number[] = [];
    for (const w of settings) {
      const model = new Fusion({ ...small, ...w });
      await model.fit(train);
      // Served: exact top-`candidates` by the published vectors (what an exact Qdrant search returns), then the
      // model's full score on those candidates (vector part + the rerank term).
      const ranker = twoStageRanker(
        exactDotProductRetriever(model.userVectors(), model.itemVectors(), train),
        model,
        train,
        small.candidates,
      );
      const r = await evaluateRanker(ranker, train, valid, { ks: [20], diversity: null });
      direct.push(r.metrics['recall@20']);
      expect(trialOf(w).recall).toBeCloseTo(r.metrics['recall@20'], 3);
      model.dispose();
    }
    const bestDirect = direct.indexOf(Math.max(...direct));
    const bestCached = settings.map((w) => trialOf(w).recall);
    expect(bestCached.indexOf(Math.max(...bestCached))).toBe(bestDirect);
    expect(tuning.bestRecall).toBeGreaterThanOrEqual(Math.max(...direct) - 1e-3);
  });

  it('stops at its deadline and reports the users it reached', () => {
    const { train, test: valid } = randomHoldout(data, 0.2, 11);
    const n = train.numItems;
    const users = Int32Array.from({ length: 100 }, (_, u) => u);
    const r = searchWeights(
      (ids) => ({ vector: [new Float32Array(ids.length * n)] }),
      [{ vector: [1], rerank: 0 }],
      users,
      train,
      valid,
      { k: 20, candidates: 40, deadline: performance.now() - 1, batch: 10 },
    );
    expect(r.users).toBe(0);
  });
});
