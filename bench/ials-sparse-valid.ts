/**
 * iALS confidence/regularisation on VALIDATION splits carved from train.txt (seeded 20 % per user; test never
 * read), on a dense (ml-1m-split) and a sparse (yelp2018-split) set: which defaults stay above popularity on both.
 *
 *   npx tsx bench/ials-sparse-valid.ts [--dataset ml-1m|yelp2018|both] [--users 3000] [--settings "λ:α,λ:α"]
 *
 * Writes bench/results/ials-sparse-valid.json.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Rng } from '../src/random.js';
import { loadSplitFiles } from '../training/data/split-file.js';
import { evaluateModel, testUsers } from '../training/eval/evaluate.js';
import { randomHoldout } from '../training/eval/splits.js';
import { IALS } from '../training/models/ials.js';
import { Popularity } from '../training/models/popularity.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const datasetsDir = process.env.RECGRAPH_DATASETS ?? path.resolve(root, '../shared/datasets');
const { values: args } = parseArgs({
  options: {
    dataset: { type: 'string', default: 'both' },
    users: { type: 'string', default: '3000' },
    settings: { type: 'string', default: '0.0125:6,0.0125:30,0.003:6,0.003:30,0.001:60' },
    factors: { type: 'string', default: '128' },
  },
});

async function main(): Promise<void> {
  const names = args.dataset === 'both' ? ['ml-1m', 'yelp2018'] : [args.dataset!];
  const out: Record<string, unknown>[] = [];
  for (const name of names) {
    const dir = path.join(datasetsDir, `${name}-split`);
    const { train: full } = await loadSplitFiles({ train: path.join(dir, 'train.txt') });
    const { train, test: valid } = randomHoldout(full, 0.2, 11);
    let users = testUsers(valid);
    const n = Number(args.users);
    if (users.length > n) users = new Rng(11).shuffle(Int32Array.from(users)).subarray(0, n).sort();
    const score = async (label: string, model: IALS | Popularity) => {
      const t0 = performance.now();
      await model.fit(train);
      const fitSeconds = (performance.now() - t0) / 1000;
      const r = await evaluateModel(model, train, valid, { ks: [20], users });
      const row = {
        dataset: name,
        model: label,
        params: { ...model.params },
        recall20: r.metrics['recall@20'],
        ndcg20: r.metrics['ndcg@20'],
        fitSeconds,
      };
      out.push(row);
      process.stderr.write(`${JSON.stringify(row)}\n`);
    };
    await score('popularity', new Popularity());
    for (const s of args.settings!.split(',')) {
      const [regularization, alpha] = s.split(':').map(Number);
      await score('ials', new IALS({ regularization, alpha, factors: Number(args.factors) }));
    }
  }
  await mkdir(path.join(root, 'bench/results'), { recursive: true });
  await writeFile(
    path.join(root, 'bench/results/ials-sparse-valid.json'),
    JSON.stringify({ createdAt: new Date().toISOString(), loadavg: os.loadavg(), rows: out }, null, 2),
  );
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
