/**
 * What Qdrant's approximate search costs the served default on a large catalogue, and what a wider HNSW beam
 * buys back: the Gowalla-size synthetic split of bench:quality (gowalla-synth: 30k users, 40k items, seeded,
 * 20 % holdout, 3000 sampled test users), the default pipeline fitted once, exported once to the bundled Qdrant,
 * then every test user ranked through src/recommend with each search setting.
 *   npx tsx bench/served-search.ts [--eval-users 3000] [--ef 0,128,256,512]   (0 = Qdrant's default)
 * Prints recall/ndcg@20 and evaluation time per setting; writes bench/results/served-search-gowalla-synth.json.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { SearchTuning } from '../src/recommend/personalized.js';
import { syntheticInteractions } from '../training/data/synthetic.js';
import { evaluateModel, testUsers } from '../training/eval/evaluate.js';
import { evaluateServed, requireServedExport } from '../training/eval/served.js';
import { randomHoldout } from '../training/eval/splits.js';
import { Rng } from '../src/random.js';
import { IalsLowpassBlend } from '../training/models/ials-lowpass-blend.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values: args } = parseArgs({ options: { 'eval-users': { type: 'string', default: '3000' }, ef: { type: 'string', default: '0,128,256,512' } } });

// The same data and user sample as `npm run bench:quality -- --dataset gowalla-synth`.
const all = syntheticInteractions({ numUsers: 30000, numItems: 40000, interactions: 1_050_000, clusters: 60, noise: 0.25, seed: 7 });
const { train, test } = randomHoldout(all, 0.2, 7);
const users = new Rng(1).shuffle(Int32Array.from(testUsers(test))).subarray(0, Number(args['eval-users'])).sort();
const t0 = performance.now();
const pipeline = new IalsLowpassBlend();
await pipeline.fit(train);
process.stderr.write(`default fitted in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
const ks = [20];
const offline = await evaluateModel(pipeline, train, test, { ks, users, diversity: null });
const searches: SearchTuning[] = [...args.ef!.split(',').map((e) => (Number(e) > 0 ? { hnswEf: Number(e) } : {})), { exact: true }];
const served = await evaluateServed(requireServedExport(pipeline), train, test, { ks, users, diversity: null, searches });
const rows = [
  { setting: 'offline (exact, in memory)', recall: offline.metrics['recall@20'], ndcg: offline.metrics['ndcg@20'], seconds: offline.seconds },
  ...served.variants.map((v) => ({
    setting: v.search.exact ? 'served, exact search' : `served, hnsw_ef ${v.search.hnswEf ?? 'default'}`,
    recall: v.metrics['recall@20'],
    ndcg: v.metrics['ndcg@20'],
    seconds: v.seconds,
  })),
];
process.stdout.write(
  `${users.length} test users; export ${served.exportSeconds.toFixed(1)} s, index ${served.indexSeconds.toFixed(1)} s\n` +
    rows.map((r) => `${r.setting.padEnd(28)} recall@20 ${r.recall.toFixed(4)}  ndcg@20 ${r.ndcg.toFixed(4)}  eval ${r.seconds.toFixed(1)} s`).join('\n') +
    '\n',
);
await mkdir(path.join(root, 'bench', 'results'), { recursive: true });
await writeFile(
  path.join(root, 'bench', 'results', 'served-search-gowalla-synth.json'),
  JSON.stringify({ createdAt: new Date().toISOString(), users: users.length, exportSeconds: served.exportSeconds, indexSeconds: served.indexSeconds, rows }, null, 2) + '\n',
);
