/**
 * EASE as a fusion component on dense data: `LAMBDAS=500,200 npx tsx bench/fusion-ease-valid.ts`. On ml-1m-split's
 * train.txt, carves the seeded validation split (20 % per user, seed 11; test.txt is never read), fits the blend
 * (iALS ⊕ low-pass, ials-lowpass-blend.ts) and EASE (Steck 2019) per λ, and ranks 3000 seeded validation users
 * served-style (training/eval/weight-search.ts): the blend's top-300, then + w·(σ_blend/σ_EASE)·EASE on those
 * candidates — what an EASE item-item rerank stage (its B pruned to neighbour lists) could add at best.
 * Prints recall@20 / ndcg@20 per (λ, w); bench/results/fusion-ease-valid-ml-1m.txt is its output.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Rng } from '../src/random.js';
import { loadSplitFiles } from '../training/data/split-file.js';
import { testUsers } from '../training/eval/evaluate.js';
import { randomHoldout } from '../training/eval/splits.js';
import { searchWeights } from '../training/eval/weight-search.js';
import { EASE } from '../training/models/ease.js';
import { IalsLowpassBlend } from '../training/models/ials-lowpass-blend.js';
import { scoreSpread } from '../training/models/score-spread.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dir = path.join(process.env.RECGRAPH_DATASETS ?? path.resolve(root, '../shared/datasets'), 'ml-1m-split');
const { train: full } = await loadSplitFiles({ train: path.join(dir, 'train.txt') });
const { train, test: valid } = randomHoldout(full, 0.2, 11);
const users = new Rng(11)
  .shuffle(Int32Array.from(testUsers(valid)))
  .subarray(0, 3000)
  .sort();
const t0 = performance.now();
const blend = new IalsLowpassBlend();
await blend.fit(train);
const lambdas = (process.env.LAMBDAS ?? '500').split(',').map(Number);
const eases: EASE[] = [];
for (const lambda of lambdas) {
  const e = new EASE({ lambda });
  await e.fit(train);
  eases.push(e);
}
console.log('fits', ((performance.now() - t0) / 1000).toFixed(0), 's');
const scaleUsers = users.subarray(0, 256);
const blendSpread = scoreSpread(blend.scoreUsers(scaleUsers), scaleUsers, train);
const units = eases.map((e) => blendSpread / scoreSpread(e.scoreUsers(scaleUsers), scaleUsers, train));
const weights = [0, 0.1, 0.2, 0.35, 0.5, 0.75, 1, 1.5, 2];
for (const [m, e] of eases.entries()) {
  const r = searchWeights(
    (ids) => {
      const s = e.scoreUsers(ids);
      for (let i = 0; i < s.length; i++) s[i] *= units[m];
      return { vector: [blend.scoreUsers(ids)], rerank: s };
    },
    weights.map((w) => ({ vector: [1], rerank: w })),
    users,
    train,
    valid,
    { k: 20, candidates: 300 },
  );
  weights.forEach((w, s) =>
    console.log(`lambda ${lambdas[m]} easeW ${w} recall ${r.recall[s].toFixed(4)} ndcg ${r.ndcg[s].toFixed(4)}`),
  );
}
