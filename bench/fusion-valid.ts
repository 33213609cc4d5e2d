/**
 * Validation search of the fusion's weights (training/models/fusion.ts: iALS ⊕ the graph filter's terms, served
 * as two stages): `npx tsx bench/fusion-valid.ts --dataset ml-1m-split` (or yelp2018-split). Carves the seeded
 * per-user validation split (20 %) from the dataset's train.txt — test.txt is never read —, runs the graph filter's
 * own search (as model selection does; skipped with --full-grid), fits iALS once, ranks every weighting of the
 * fusion's search for the same seeded sample of validation users, served-style
 * (top-`candidates` by the fused vectors, then the item-item rerank), and writes
 * bench/results/fusion-valid-<dataset>[-<tag>].json. Pass 1 is the search `recgraph train` runs (FUSION_SEARCH's
 * lines) unless --full-grid (every combination of FUSION_GRID) or --grid '{"ialsWeight":[…],…}'. Options: --users,
 * --budget (s), --factors/--reg/--alpha/--iterations (iALS), --tag.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { loadSplitFiles } from '../training/data/split-file.js';
import { FUSION_GRID, tuneFusion } from '../training/eval/tune-fusion.js';
import { tuneGraphFilter } from '../training/eval/tune-graph-filter.js';
import { testUsers } from '../training/eval/evaluate.js';
import { randomHoldout } from '../training/eval/splits.js';
import type { GraphFilter } from '../training/models/graph-filter.js';
import { Rng } from '../src/random.js';
import { FUSION_DEFAULTS } from '../training/models/fusion.js';
import { createCliProgress } from '../training/progress.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const datasetsDir = process.env.RECGRAPH_DATASETS ?? path.resolve(root, '../shared/datasets');
const { values: args } = parseArgs({
  options: {
    dataset: { type: 'string', default: 'ml-1m-split' },
    users: { type: 'string', default: '3000' },
    budget: { type: 'string', default: '3000' },
    factors: { type: 'string' },
    reg: { type: 'string' },
    alpha: { type: 'string' },
    iterations: { type: 'string' },
    grid: { type: 'string' },
    'full-grid': { type: 'boolean', default: false },
    'filter-budget': { type: 'string', default: '600' },
    tag: { type: 'string' },
  },
});
const num = (s: string | undefined, fallback: number) => (s === undefined ? fallback : Number(s));

const split = await loadSplitFiles({ train: path.join(datasetsDir, args.dataset!, 'train.txt') });
const params = {
  ialsFactors: num(args.factors, FUSION_DEFAULTS.ialsFactors),
  ialsRegularization: num(args.reg, FUSION_DEFAULTS.ialsRegularization),
  ialsAlpha: num(args.alpha, FUSION_DEFAULTS.ialsAlpha),
  ialsIterations: num(args.iterations, FUSION_DEFAULTS.ialsIterations),
};
// As model selection runs it (auto-select.ts): the filter's own search first (its fitted filter handed over), then
// the fusion's search from the filter's chosen weights, on the same split and users.
const { train, test: valid } = randomHoldout(split.train, 0.2, 11);
let users = testUsers(valid);
if (users.length > Number(args.users))
  // Shuffled order, as model selection keeps it: a deadline's prefix is a random sample.
  users = new Rng(11).shuffle(Int32Array.from(users)).subarray(0, Number(args.users));
const progress = createCliProgress({ enabled: true });
let filter: GraphFilter | undefined;
const filterSearch = args['full-grid']
  ? undefined
  : await tuneGraphFilter(split.train, {
      split: { train, valid },
      users,
      budgetSeconds: Number(args['filter-budget']),
      progress,
      onModel: (model) => (filter = model),
    });
if (filterSearch)
  console.log(
    `graph filter's own search: recall@20 ${filterSearch.bestRecall?.toFixed(4)} with ${JSON.stringify(filterSearch.best)} (${filterSearch.users} users, ${filterSearch.seconds.toFixed(0)} s)`,
  );
const result = await tuneFusion(split.train, {
  params,
  split: { train, valid },
  users: filterSearch && filterSearch.users > 0 ? users.subarray(0, filterSearch.users) : users,
  budgetSeconds: Number(args.budget),
  ...(args.grid ? { grid: JSON.parse(args.grid) } : args['full-grid'] ? { grid: FUSION_GRID } : {}),
  ...(filterSearch
    ? {
        start: {
          alpha: filterSearch.best.alpha,
          linearTop: filterSearch.best.linearTop,
          sharpen: filterSearch.best.sharpen,
        },
      }
    : {}),
  fitted: { filter },
  progress,
});
(filter as GraphFilter | undefined)?.dispose();
const rows = [...result.trials].sort((a, b) => b.recall - a.recall);
const pure = (pred: (w: (typeof rows)[number]['weights']) => boolean) =>
  rows.filter((t) => t.pass === 1 && pred(t.weights))[0];
const ialsOnly = pure((w) => w.alpha === 0 && w.linearTop === 0 && w.sharpen === 0 && w.linearWeight === 0);
const filterOnly = pure((w) => w.ialsWeight === 0);
console.log(
  `${args.dataset} validation (carved from train.txt), ${result.users} users, iALS ${JSON.stringify(params)}, fits ${result.fitSeconds.toFixed(0)} s, total ${result.seconds.toFixed(0)} s`,
);
console.log(
  `iALS alone ${ialsOnly?.recall.toFixed(4)} · best filter alone (grid) ${filterOnly?.recall.toFixed(4)} · best fusion ${rows[0]?.recall.toFixed(4)}`,
);
console.log('ialsW  alpha  linTop  sharpen  linW   recall@20  ndcg@20  pass');
for (const t of rows.slice(0, 25)) {
  const w = t.weights;
  console.log(
    [w.ialsWeight, w.alpha, w.linearTop, w.sharpen, w.linearWeight]
      .map((v) => String(+v.toFixed(3)).padEnd(6))
      .join(' ') + ` ${t.recall.toFixed(4)}     ${t.ndcg.toFixed(4)}   ${t.pass}`,
  );
}
const out = path.join(root, 'bench/results', `fusion-valid-${args.dataset}${args.tag ? `-${args.tag}` : ''}.json`);
await mkdir(path.dirname(out), { recursive: true });
await writeFile(
  out,
  JSON.stringify(
    {
      createdAt: new Date().toISOString(),
      args,
      params,
      loadavg: os.loadavg(),
      ialsOnly,
      filterOnly,
      ...(filterSearch ? { filterSearch } : {}),
      ...result,
    },
    null,
    2,
  ),
);
