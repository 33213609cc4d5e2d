/**
 * Validation sweep of the graph filter's term weights: `npx tsx bench/graph-filter-valid.ts --dataset yelp2018`
 * (or ml-1m-split). Carves a seeded per-user validation split (20 %) from the dataset's train.txt — test.txt is
 * never read — fits the filter once, ranks every weight setting of the grid for a seeded sample of validation
 * users and writes bench/results/graph-filter-valid-<dataset>.json. The graph filter's defaults and the grid
 * `recgraph train` searches come from these runs, on a dense (ml-1m) and a sparse (yelp2018) dataset.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { loadSplitFiles } from '../training/data/split-file.js';
import { tuneGraphFilter } from '../training/eval/tune-graph-filter.js';
import { createCliProgress } from '../training/progress.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const datasetsDir = process.env.RECGRAPH_DATASETS ?? path.resolve(root, '../shared/datasets');
const { values: args } = parseArgs({
  options: {
    dataset: { type: 'string', default: 'yelp2018-split' },
    users: { type: 'string', default: '3000' },
    k: { type: 'string', default: '256' },
    neighbors: { type: 'string', default: '200' },
    linear: { type: 'string', default: 'pruned' },
    alpha: { type: 'string' },
    sharpen: { type: 'string' },
    'linear-top': { type: 'string' },
  },
});
const list = (s: string | undefined) => (s ? s.split(',').map(Number) : undefined);

const split = await loadSplitFiles({ train: path.join(datasetsDir, args.dataset!, 'train.txt') });
const grid = Object.fromEntries(
  Object.entries({ alpha: list(args.alpha), sharpen: list(args.sharpen), linearTop: list(args['linear-top']) }).filter(
    ([, v]) => v,
  ),
);
const result = await tuneGraphFilter(split.train, {
  params: { svdDims: Number(args.k), neighbors: Number(args.neighbors), linear: args.linear },
  sampleUsers: Number(args.users),
  grid,
  progress: createCliProgress({ enabled: true }),
});
const rows = [...result.trials].sort((a, b) => b.recall - a.recall);
console.log(
  `${args.dataset} validation (carved from train.txt), ${result.users} users, k=${args.k}, ${result.seconds.toFixed(0)} s`,
);
console.log('alpha  sharpen  linearTop  recall@20  ndcg@20');
for (const t of rows) {
  const w = t.weights;
  console.log(
    `${String(w.alpha).padEnd(6)} ${String(w.sharpen).padEnd(8)} ${String(w.linearTop).padEnd(10)} ${t.recall.toFixed(4)}     ${t.ndcg.toFixed(4)}`,
  );
}
const out = path.join(root, 'bench/results', `graph-filter-valid-${args.dataset}-k${args.k}-${args.linear}.json`);
await mkdir(path.dirname(out), { recursive: true });
await writeFile(
  out,
  JSON.stringify({ createdAt: new Date().toISOString(), args, loadavg: os.loadavg(), ...result }, null, 2),
);
