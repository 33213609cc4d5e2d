// The served-path evaluation against the real (test) Qdrant: the default pipeline exported and ranked through
// src/recommend gives the lists the offline evaluation computes (small collections are searched exactly), and
// the blended fold-in the server uses reproduces the training-time user vectors.
import { beforeAll, describe, expect, it } from 'vitest';
import { foldInBlended } from '../../src/embedding/blended-foldin.js';
import { rowItems, type InteractionMatrix } from '../../training/data/interactions.js';
import { syntheticInteractions } from '../../training/data/synthetic.js';
import { evaluateModel } from '../../training/eval/evaluate.js';
import { evaluateServed, requireServedExport } from '../../training/eval/served.js';
import { randomHoldout } from '../../training/eval/splits.js';
import { IalsLowpassBlend } from '../../training/models/ials-lowpass-blend.js';
import { GraphFilter } from '../../training/models/graph-filter.js';
import { getTestQdrant } from '../helpers/qdrant.js';

let train: InteractionMatrix;
let test: InteractionMatrix;
let pipeline: IalsLowpassBlend;

beforeAll(async () => {
  const all = syntheticInteractions({
    numUsers: 240,
    numItems: 160,
    interactions: 6000,
    clusters: 6,
    noise: 0.15,
    seed: 5,
  });
  ({ train, test } = randomHoldout(all, 0.2, 3));
  pipeline = new IalsLowpassBlend({ ialsFactors: 16, ialsIterations: 6, lowpassDims: 24 });
  await pipeline.fit(train);
});

describe('served-path evaluation', () => {
  it('ranks through Qdrant and the serving code with the offline metrics, and cleans up after itself', async () => {
    const qdrant = await getTestQdrant();
    try {
      const offline = await evaluateModel(pipeline, train, test, { ks: [10, 20] });
      const served = await evaluateServed(requireServedExport(pipeline), train, test, {
        ks: [10, 20],
        qdrantUrl: qdrant.url,
        concurrency: 4,
      });
      expect(served.users).toBe(offline.users);
      expect(served.exportSeconds).toBeGreaterThan(0);
      // float32 storage in Qdrant vs float32 GEMM here: at most a rare tie flips between neighbours.
      expect(served.metrics['recall@20']).toBeGreaterThan(0.2);
      expect(Math.abs(served.metrics['recall@20'] - offline.metrics['recall@20'])).toBeLessThan(0.005);
      expect(Math.abs(served.metrics['ndcg@10'] - offline.metrics['ndcg@10'])).toBeLessThan(0.005);
      const response = await fetch(`${qdrant.url}/collections`);
      const { result } = (await response.json()) as { result: { collections: { name: string }[] } };
      expect(result.collections.filter((c) => c.name.startsWith('eval_'))).toEqual([]);
    } finally {
      await qdrant.stop();
    }
  });
});

describe('served two-stage graph filter', () => {
  it('Qdrant retrieval → item-item rerank in src/recommend ranks like the offline model', async () => {
    const qdrant = await getTestQdrant();
    try {
      // 120 candidates of 160 items: the cut is real, yet wide enough that the offline full-catalogue ranking and
      // the served two-stage one agree on the top 20 for nearly every user.
      const model = new GraphFilter({ svdDims: 24, neighbors: 40, alpha: 0.3, sharpen: -0.5, candidates: 100 });
      await model.fit(train);
      const offline = await evaluateModel(model, train, test, { ks: [20] });
      const served = await evaluateServed(requireServedExport(model), train, test, {
        ks: [20],
        qdrantUrl: qdrant.url,
        concurrency: 4,
      });
      expect(served.users).toBe(offline.users);
      expect(offline.metrics['recall@20']).toBeGreaterThan(0.2);
      expect(Math.abs(served.metrics['recall@20'] - offline.metrics['recall@20'])).toBeLessThan(0.01);
    } finally {
      await qdrant.stop();
    }
  });
});

describe('blended fold-in (what the server computes for users with fresh events)', () => {
  it("rebuilds a training user's vector from the exported item vectors and degrees", () => {
    const { ials, layout, degrees } = pipeline.servingParts();
    const items = pipeline.itemVectors();
    const users = pipeline.userVectors();
    const u = 7;
    const history = Array.from(rowItems(train, u)).map((i) => ({
      vector: items.data.subarray(i * items.dim, (i + 1) * items.dim),
      degree: degrees[i],
    }));
    const folded = foldInBlended(Float32Array.from(ials.itemGram()), layout, ials.foldInParams(), history);
    const trained = users.data.subarray(u * users.dim, (u + 1) * users.dim);
    expect(folded.length).toBe(users.dim);
    // The low-pass block is a plain sum (exact); the iALS block equals the trained vector up to CG accuracy.
    for (let k = layout.ialsDim; k < users.dim; k++) expect(folded[k]).toBeCloseTo(trained[k], 4);
    const norm = Math.hypot(...trained.subarray(0, layout.ialsDim));
    const diff = Math.hypot(...Array.from(trained.subarray(0, layout.ialsDim), (v, k) => v - folded[k]));
    expect(diff / norm).toBeLessThan(0.05);
  });
});
