/**
 * Measures what serving-friendly simplifications of the default reranker cost (fit on train, scored on the
 * VALIDATION split, so the choice is never made on test): `npx tsx bench/rerank-variants.ts [--split valid|test]`.
 *
 * The offline default reranks iALS candidates by iALS + 0.5·GF-CF, where GF-CF = dense item-item filter
 * (items² floats) + α·ideal low-pass term (k-dim vectors). Serving cannot hold items² per request, so the
 * variants are: GF-CF with its item-item term pruned to each item's top-N neighbours, and the item-item term
 * alone (α = 0: no second vector space needed at serving time), and that term pruned to each item's top-N
 * entries read from the candidate's row (NeighborFilter: what serving computes from the search payload).
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { loadSplitFiles } from '../training/data/split-file.js';
import { evaluateRanker, exactDotProductRetriever, twoStageRanker } from '../training/eval/evaluate.js';
import { Blend } from '../training/models/blend.js';
import type { Recommender } from '../training/models/contract.js';
import { GFCF } from '../training/models/gfcf.js';
import { IALS } from '../training/models/ials.js';
import { NeighborFilter } from '../training/models/neighbor-filter.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const datasetsDir = process.env.RECGRAPH_DATASETS ?? path.resolve(root, '../shared/datasets');
const { values: args } = parseArgs({ options: { split: { type: 'string', default: 'valid' } } });

/** A model fitted once and shared by several blends (Blend.fit would refit it). */
function prefitted(model: Recommender): Recommender {
  return new Proxy(model, { get: (t, p) => (p === 'fit' ? async () => {} : Reflect.get(t, p, t)) });
}

const dir = path.join(datasetsDir, 'ml-1m-split');
const split = await loadSplitFiles({ train: path.join(dir, 'train.txt'), test: path.join(dir, `${args.split}.txt`) });
const train = split.train;
const test = split.test!;
const t0 = performance.now();
const ials = new IALS();
await ials.fit(train);
process.stderr.write(`ials fit ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
const retrieve = exactDotProductRetriever(ials.userVectors(), ials.itemVectors(), train);

const rows: string[] = [];
const report = async (label: string, reranker: Recommender) => {
  await reranker.fit(train);
  const r = await evaluateRanker(twoStageRanker(retrieve, reranker, train, 300), train, test);
  const line = `${label.padEnd(44)} recall@20 ${r.metrics['recall@20'].toFixed(4)}  ndcg@20 ${r.metrics['ndcg@20'].toFixed(4)}`;
  rows.push(line);
  process.stderr.write(line + '\n');
};
const variants: Array<[string, Recommender, number[]]> = [
  ['gfcf dense α=0.3 (offline default)', new GFCF(), [0.5]],
  ['gfcf item-item dense (α=0)', new GFCF({ alpha: 0, svdDims: 1 }), [0.5, 1]],
  ['neighbors top-200 (candidate row)', new NeighborFilter({ neighbors: 200 }), [0.5, 1]],
  ['neighbors top-100 (candidate row)', new NeighborFilter({ neighbors: 100 }), [0.5, 1]],
  ['neighbors top-50 (candidate row)', new NeighborFilter({ neighbors: 50 }), [0.5, 1]],
];
await report('ials only', new Blend([{ model: prefitted(ials), weight: 1 }]));
for (const [label, model, weights] of variants) {
  const t = performance.now();
  await model.fit(train);
  process.stderr.write(`${label} fit ${((performance.now() - t) / 1000).toFixed(1)} s\n`);
  for (const w of weights) {
    await report(
      `ials + ${w}·${label}`,
      new Blend([
        { model: prefitted(model), weight: w },
        { model: prefitted(ials), weight: 1 },
      ]),
    );
  }
}
process.stdout.write(`split: fit train, score ${args.split}\n${rows.join('\n')}\n`);
