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
    'second-order-neighbors': { type: 'string', default: '100' },
    budget: { type: 'string', default: '1200' },
    candidates: { type: 'string', default: '300' },
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
  params: {
    svdDims: Number(args.k),
    neighbors: Number(args.neighbors),
    linear: args.linear,
    candidates: Number(args.candidates),
    secondOrderNeighbors: Number(args['second-order-neighbors']),
  },
  sampleUsers: Number(args.users),
  budgetSeconds: Number(args.budget),
  grid,
  progress: createCliProgress({ enabled: true }),
});
const rows = [...result.trials].sort((a, b) => b.recall - a.recall);
console.log(
  `${args.dataset} validation (carved from train.txt), ${result.users} users, k=${args.k}, ${result.seconds.toFixed(0)} s`,
);
console.log(
  `load average ${os
    .loadavg()
    .map((v) => v.toFixed(2))
    .join(' ')}; stopped early: ${!!result.stoppedEarly}`,
);
console.log('pass  alpha  sharpen  linearTop  γ      β      c₂     recall@20  ndcg@20');
const cell = (v: number | undefined) => String(v ?? 0).padEnd(6);
for (const t of rows.slice(0, 40)) {
  const w = t.weights;
  console.log(
    `${String(t.pass ?? 1).padEnd(5)} ${cell(w.alpha)} ${cell(w.sharpen).padEnd(8)} ${cell(w.linearTop).padEnd(10)} ${cell(w.degreePower)} ${cell(w.historyPower)} ${cell(w.secondOrder)} ${t.recall.toFixed(4)}     ${t.ndcg.toFixed(4)}`,
  );
}
console.log('chosen', JSON.stringify(result.best));
const tag = [
  args.k !== '256' && `k${args.k}`,
  args.neighbors !== '200' && `n${args.neighbors}`,
  args.candidates !== '300' && `c${args.candidates}`,
]
  .filter(Boolean)
  .join('-');
const out = path.join(root, 'bench/results', `graph-filter-valid-${args.dataset}${tag ? `-${tag}` : ''}.json`);
await mkdir(path.dirname(out), { recursive: true });
await writeFile(
  out,
  JSON.stringify({ createdAt: new Date().toISOString(), args, loadavg: os.loadavg(), ...result }, null, 2),
);
