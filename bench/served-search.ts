/**
 * What Qdrant's approximate search costs the served default, per search setting, against exact search over the
 * same export: the default pipeline fitted once, exported once to the bundled Qdrant (as publish.ts writes it:
 * MIPS-augmented items), then every evaluated user ranked through src/recommend with each setting.
 *   npx tsx bench/served-search.ts [--dataset ml-1m|yelp2018|gowalla-synth] [--ef 0,32,64,128] [--eval-users N]
 *                                  [--offline]   (0 = Qdrant's default beam; --offline adds the in-memory row)
 * ml-1m and yelp2018: ../shared/datasets/*-split, fit on train.txt, all test users, full catalogue, train items
 * excluded. gowalla-synth: the generated Gowalla-size split of bench:quality, 3000 sampled test users.
 * Prints recall/ndcg@20 per setting and its gap to exact search; writes bench/results/served-search-<dataset>.json.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { SEARCH_TUNING, type SearchTuning } from '../src/recommend/personalized.js';
import type { InteractionMatrix } from '../training/data/interactions.js';
import { loadSplitFiles } from '../training/data/split-file.js';
import { syntheticInteractions } from '../training/data/synthetic.js';
import { evaluateModel, testUsers } from '../training/eval/evaluate.js';
import { evaluateServed, requireServedExport } from '../training/eval/served.js';
import { randomHoldout } from '../training/eval/splits.js';
import { Rng } from '../src/random.js';
import { IalsLowpassBlend } from '../training/models/ials-lowpass-blend.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const datasetsDir = process.env.RECGRAPH_DATASETS ?? path.resolve(root, '../shared/datasets');
const { values: args } = parseArgs({
  options: {
    dataset: { type: 'string', default: 'gowalla-synth' },
    'eval-users': { type: 'string' },
    ef: { type: 'string' },
    offline: { type: 'boolean', default: false },
  },
});

async function load(
  dataset: string,
): Promise<{ train: InteractionMatrix; test: InteractionMatrix; users: Int32Array }> {
  if (dataset === 'gowalla-synth') {
    // The same data and user sample as `npm run bench:quality -- --dataset gowalla-synth`.
    const all = syntheticInteractions({
      numUsers: 30000,
      numItems: 40000,
      interactions: 1_050_000,
      clusters: 60,
      noise: 0.25,
      seed: 7,
    });
    const { train, test } = randomHoldout(all, 0.2, 7);
    const users = new Rng(1)
      .shuffle(Int32Array.from(testUsers(test)))
      .subarray(0, Number(args['eval-users'] ?? 3000))
      .sort();
    return { train, test, users };
  }
  if (dataset !== 'ml-1m' && dataset !== 'yelp2018')
    throw new Error(`unknown dataset ${dataset} (ml-1m, yelp2018, gowalla-synth)`);
  const dir = path.join(datasetsDir, `${dataset}-split`);
  const split = await loadSplitFiles({ train: path.join(dir, 'train.txt'), test: path.join(dir, 'test.txt') });
  const all = testUsers(split.test!);
  const users = args['eval-users']
    ? new Rng(1).shuffle(Int32Array.from(all)).subarray(0, Number(args['eval-users'])).sort()
    : all;
  return { train: split.train, test: split.test!, users };
}

const dataset = args.dataset!;
const { train, test, users } = await load(dataset);
const t0 = performance.now();
const pipeline = new IalsLowpassBlend();
await pipeline.fit(train);
process.stderr.write(`${dataset}: default fitted in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
const ks = [20];
const efs = args.ef ? args.ef.split(',').map(Number) : [];
// Exact first (the reference), then the serving default, then any other beams asked for.
const searches: SearchTuning[] = [{ exact: true }, SEARCH_TUNING, ...efs.map((e) => (e > 0 ? { hnswEf: e } : {}))];
const served = await evaluateServed(requireServedExport(pipeline), train, test, {
  ks,
  users,
  diversity: null,
  searches,
});
const exact = served.variants[0].metrics['recall@20'];
const label = (s: SearchTuning) =>
  s.exact ? 'exact search' : `hnsw_ef ${s.hnswEf ?? 'default'}${s === SEARCH_TUNING ? ' (serving default)' : ''}`;
const rows = served.variants.map((v) => ({
  setting: `served, ${label(v.search)}`,
  recall: v.metrics['recall@20'],
  ndcg: v.metrics['ndcg@20'],
  recallGapToExact: (v.metrics['recall@20'] - exact) / exact,
  seconds: v.seconds,
}));
if (args.offline) {
  const offline = await evaluateModel(pipeline, train, test, { ks, users, diversity: null });
  rows.unshift({
    setting: 'offline (exact, in memory)',
    recall: offline.metrics['recall@20'],
    ndcg: offline.metrics['ndcg@20'],
    recallGapToExact: (offline.metrics['recall@20'] - exact) / exact,
    seconds: offline.seconds,
  });
}
process.stdout.write(
  `${dataset}: ${users.length} test users; export ${served.exportSeconds.toFixed(1)} s, index ${served.indexSeconds.toFixed(1)} s\n` +
    '| setting | recall@20 | ndcg@20 | recall vs exact | eval s |\n|---|---|---|---|---|\n' +
    rows
      .map(
        (r) =>
          `| ${r.setting} | ${r.recall.toFixed(4)} | ${r.ndcg.toFixed(4)} | ${(100 * r.recallGapToExact).toFixed(2)} % | ${r.seconds.toFixed(1)} |`,
      )
      .join('\n') +
    '\n',
);
await mkdir(path.join(root, 'bench', 'results'), { recursive: true });
await writeFile(
  path.join(root, 'bench', 'results', `served-search-${dataset}.json`),
  JSON.stringify(
    {
      createdAt: new Date().toISOString(),
      dataset,
      loadAverage: os.loadavg(),
      users: users.length,
      layout: 'MIPS-augmented items (publish.ts)',
      exportSeconds: served.exportSeconds,
      indexSeconds: served.indexSeconds,
      rows,
    },
    null,
    2,
  ) + '\n',
);
