/**
 * Second measurement behind the default pipeline's design (fit on train, scored on VALID unless --split test):
 * bench/rerank-variants.ts showed that GF-CF's gain over iALS comes from its ideal low-pass term (the item-item
 * term alone, dense or pruned, lowers recall). The low-pass term is a dot product of k-dim vectors, so the
 * blend iALS + w·low-pass is itself ONE dot product of concatenated vectors: Qdrant can retrieve by it over
 * the full catalogue, with no rerank step at all. This measures that blend for a few w and k.
 * `npx tsx bench/lowpass-variants.ts [--split valid|test] [--weights 0.25,0.5,1] [--dims 256,128]`
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { loadSplitFiles } from '../training/data/split-file.js';
import { evaluateModel } from '../training/eval/evaluate.js';
import { Blend } from '../training/models/blend.js';
import type { Recommender } from '../training/models/contract.js';
import { GFCF } from '../training/models/gfcf.js';
import { IALS } from '../training/models/ials.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const datasetsDir = process.env.RECGRAPH_DATASETS ?? path.resolve(root, '../shared/datasets');
const { values: args } = parseArgs({
  options: {
    split: { type: 'string', default: 'valid' },
    weights: { type: 'string', default: '0.25,0.5,1' },
    dims: { type: 'string', default: '256,128' },
  },
});
const list = (s: string) => s.split(',').map(Number);

function prefitted(model: Recommender): Recommender {
  return new Proxy(model, { get: (t, p) => (p === 'fit' ? async () => {} : Reflect.get(t, p, t)) });
}

const dir = path.join(datasetsDir, 'ml-1m-split');
const split = await loadSplitFiles({ train: path.join(dir, 'train.txt'), test: path.join(dir, `${args.split}.txt`) });
const train = split.train;
const test = split.test!;
const ials = new IALS();
await ials.fit(train);
const rows: string[] = [];
const report = async (label: string, model: Recommender) => {
  await model.fit(train);
  const r = await evaluateModel(model, train, test);
  const line = `${label.padEnd(36)} recall@20 ${r.metrics['recall@20'].toFixed(4)}  ndcg@20 ${r.metrics['ndcg@20'].toFixed(4)}`;
  rows.push(line);
  process.stderr.write(line + '\n');
};
await report('ials', prefitted(ials));
for (const k of list(args.dims!)) {
  const lowpass = new GFCF({ svdDims: k, linearFilter: false, alpha: 1 });
  await lowpass.fit(train);
  await report(`low-pass k=${k} alone`, prefitted(lowpass));
  for (const w of list(args.weights!)) {
    await report(
      `ials + ${w}·low-pass k=${k}`,
      new Blend([
        { model: prefitted(lowpass), weight: w },
        { model: prefitted(ials), weight: 1 },
      ]),
    );
  }
}
process.stdout.write(`split: fit train, score ${args.split} (full catalogue)\n${rows.join('\n')}\n`);
