/**
 * Quality benchmark: `npm run bench:quality [-- --dataset ml-1m|yelp2018|gowalla-synth] [--models a,b] [--eval-users N]`
 *
 * yelp2018: ../shared/datasets/yelp2018-split (LightGCN split, 31.7k users × 38k items, density 0.1 %), fit on
 *   train.txt only (self-tuning models carve their validation split from it), every test user ranked.
 * ml-1m (default): ../shared/datasets/ml-1m-split, fit on train.txt only, evaluate on test.txt, full catalogue,
 *   every model measured in this run (reference on this split: popularity recall@20 0.1181, EASE λ=500 0.2538).
 * gowalla-synth: a generated dataset at Gowalla scale (30k users, 40k items, ≈1M interactions, seeded), 20 %
 *   per-user random holdout; evaluated on a seeded sample of test users to bound the run (train times are full).
 *
 * The default pipeline (and the fusion) is measured twice: offline (exact dot products in memory) and served —
 * exported into the bundled Qdrant and ranked through src/recommend (training/eval/served.ts); the served row is
 * the quoted number, its "export s" the time to write the collections. `--out <name>` writes
 * bench/results/<name>.json instead of quality-<dataset>.json (a partial run beside the full one).
 *
 * Prints the table and writes bench/results/quality-<dataset>-<timestamp>.json (+ .html) and
 * bench/results/quality-<dataset>.json (latest).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { loadSplitFiles } from '../training/data/split-file.js';
import { syntheticInteractions } from '../training/data/synthetic.js';
import { formatTextTable, renderHtmlReport } from '../training/eval/report.js';
import { runEvaluationOnMatrices } from '../training/eval/runner.js';
import { randomHoldout } from '../training/eval/splits.js';
import { splitModelList } from '../training/models/registry.js';
import { createCliProgress } from '../training/progress.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const datasetsDir = process.env.RECGRAPH_DATASETS ?? path.resolve(root, '../shared/datasets');

const { values: args } = parseArgs({
  options: {
    dataset: { type: 'string', default: 'ml-1m' },
    models: { type: 'string' },
    'eval-users': { type: 'string' },
    quiet: { type: 'boolean', default: false },
    out: { type: 'string' },
  },
});

/**
 * Every model, plus the parts of the default pipeline so the table shows what each adds: iALS alone (its first
 * block), GF-CF's low-pass term alone (its second block), the blend offline (exact), and the blend served
 * (exported to the bundled Qdrant and ranked by src/recommend — an extra row the runner adds after "default").
 * "twostage" is the former default (iALS top-300 → rerank by iALS + full GF-CF), kept as the offline-only
 * reference for what the unservable item-item term would add.
 */
const DEFAULT_MODELS = 'popularity,ease,ials,gfcf,graphfilter,blend,fusion,two-tower,lightgcn,default';
const GOWALLA_MODELS = 'popularity,ials,gfcf:linearFilter=false,default';
/**
 * Sparse real data: the baselines, GF-CF, the graph filter, the blend, two-tower and LightGCN (epoch-bounded:
 * the catalogue is 10× ml-1m's), and the default (what `recgraph train` publishes), served. EASE does not fit
 * (38k² floats).
 */
const YELP_MODELS = 'popularity,ials,gfcf,graphfilter,blend,two-tower:epochs=4,lightgcn,default';
/**
 * Served through the bundled Qdrant: the default (what users get) and the fusion (iALS ⊕ graph filter, its
 * vectors → rerank); the other rows are offline.
 */
const SERVED_MODELS = ['default', 'fusion'];

async function main(): Promise<void> {
  const progress = createCliProgress({ enabled: !args.quiet });
  const onResult = (r: { model: string; trainSeconds: number; metrics: Record<string, number> }) => {
    // Peak RSS of the process so far (monotone: a row's own peak is at most this).
    (r as { peakRssMiBSoFar?: number }).peakRssMiBSoFar = Math.round(process.resourceUsage().maxRSS / 1024);
    process.stderr.write(
      `${r.model}: recall@20=${r.metrics['recall@20'].toFixed(4)} train ${r.trainSeconds.toFixed(1)} s\n`,
    );
  };
  let report;
  // The LightGCN-split datasets in ../shared: a train and a test file each, their own default model list.
  const splitDatasets: Record<string, { dir: string; models: string }> = {
    'ml-1m': { dir: 'ml-1m-split', models: DEFAULT_MODELS },
    yelp2018: { dir: 'yelp2018-split', models: YELP_MODELS },
  };
  const splitDataset = splitDatasets[args.dataset];
  if (splitDataset) {
    const dir = path.join(datasetsDir, splitDataset.dir);
    const split = await loadSplitFiles({ train: path.join(dir, 'train.txt'), test: path.join(dir, 'test.txt') });
    report = await runEvaluationOnMatrices({
      train: split.train,
      test: split.test!,
      models: splitModelList(args.models ?? splitDataset.models),
      progress,
      onResult,
      servedModels: SERVED_MODELS,
      sampleUsers: args['eval-users'] ? Number(args['eval-users']) : undefined,
      dataset: { train: `${splitDataset.dir}/train.txt`, test: `${splitDataset.dir}/test.txt` },
    });
  } else if (args.dataset === 'gowalla-synth') {
    const t0 = performance.now();
    const all = syntheticInteractions({
      numUsers: 30000,
      numItems: 40000,
      interactions: 1_050_000,
      clusters: 60,
      noise: 0.25,
      seed: 7,
    });
    const { train, test } = randomHoldout(all, 0.2, 7);
    process.stderr.write(
      `generated ${all.indptr[all.numUsers]} interactions in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`,
    );
    report = await runEvaluationOnMatrices({
      train,
      test,
      models: splitModelList(args.models ?? GOWALLA_MODELS),
      progress,
      onResult,
      servedModels: SERVED_MODELS,
      sampleUsers: Number(args['eval-users'] ?? 3000),
      dataset: { train: 'synthetic gowalla-scale (seed 7), 80 % per user', test: '20 % per-user holdout' },
    });
  } else {
    throw new Error(`unknown --dataset ${args.dataset} (ml-1m | yelp2018 | gowalla-synth)`);
  }

  process.stdout.write(
    formatTextTable(report.results, [
      'recall@20',
      'ndcg@20',
      'precision@20',
      'hitrate@20',
      'mrr@20',
      'map@20',
      'coverage@20',
      'novelty@20',
    ]) + '\n',
  );
  const outDir = path.join(root, 'bench', 'results');
  await mkdir(outDir, { recursive: true });
  const stamp = report.createdAt.replace(/[:.]/g, '-');
  const base = path.join(outDir, `quality-${args.dataset}-${stamp}`);
  // Peak RSS of this process (every model was fitted here) and the machine's load while it ran.
  const machine = { peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024), loadavg: os.loadavg() };
  const json = JSON.stringify({ ...report, machine }, null, 2) + '\n';
  await writeFile(`${base}.json`, json);
  await writeFile(`${base}.html`, renderHtmlReport(report));
  await writeFile(path.join(outDir, `${args.out ?? `quality-${args.dataset}`}.json`), json);
  process.stderr.write(`wrote ${base}.json and .html\n`);
}

await main();
