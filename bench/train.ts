/**
 * bench:train — how long `recgraph train` takes end to end (read Postgres → fit the default pipeline + text model
 * → publish to Qdrant with the alias switch) on a generated Gowalla-size catalog (≈30k users, 40k items, 1M
 * interactions; the same generator and seed as bench:serve). Goal: train + export ≤ 3 min on 2 cores.
 *
 *   npm run bench:train [-- --users 30000 --items 40000 --fresh --model auto|blend|graphfilter --tune-budget S]
 * (auto, the default: the model chosen on a validation split, as `recgraph train` does; its selection seconds are
 * reported apart in `selection`.)
 * Postgres: DATABASE_URL's server, else 127.0.0.1:5432, database `recgraph_bench_train` (kept for later runs;
 * --fresh rebuilds it). Qdrant: QDRANT_URL, else the bundled binary in a temp directory. Prints a table and writes
 * bench/results/train.json.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createPool } from '../src/db/pool.js';
import { VectorStore } from '../src/vector/client.js';
import { startEmbeddedQdrant } from '../src/vector/embedded-qdrant.js';
import { generateDemoDataset } from '../training/demo/generate.js';
import { isDatabaseEmpty, loadDemoDataset } from '../training/demo/seed.js';
import { publishModel } from '../training/export/publish.js';
import { trainModel } from '../training/train-job/train.js';
import { createCliProgress } from '../training/progress.js';
import { prepareBenchDatabase } from './lib/bench-database.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values: args } = parseArgs({
  options: {
    fresh: { type: 'boolean', default: false },
    users: { type: 'string', default: '30000' },
    items: { type: 'string', default: '40000' },
    quiet: { type: 'boolean', default: false },
    model: { type: 'string', default: 'auto' },
    'tune-budget': { type: 'string' },
  },
});
const DATABASE = 'recgraph_bench_train';
const serverUrl = process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';

const seconds = (t: number) => (performance.now() - t) / 1000;

async function main(): Promise<void> {
  const users = Number(args.users);
  const items = Number(args.items);
  const pool = createPool(await prepareBenchDatabase(serverUrl, DATABASE, Boolean(args.fresh)));
  let storageDir: string | undefined;
  let stopQdrant = async () => {};
  let qdrantUrl = process.env.QDRANT_URL;
  if (!qdrantUrl) {
    storageDir = await mkdtemp(path.join(os.tmpdir(), 'recgraph-bench-train-'));
    const qdrant = await startEmbeddedQdrant({ storageDir });
    qdrantUrl = qdrant.url;
    stopQdrant = () => qdrant.stop();
  }
  const store = new VectorStore({ url: qdrantUrl, timeoutMs: 300_000 });
  const progress = createCliProgress({ enabled: !args.quiet });
  try {
    let loadSeconds: number | undefined;
    if (await isDatabaseEmpty(pool)) {
      const t = performance.now();
      await loadDemoDataset(pool, generateDemoDataset({ seed: 1, users, items, eventsPerUser: 33 }));
      loadSeconds = seconds(t);
    }
    const { rows } = await pool.query<{ users: number; items: number; interactions: number }>(
      `SELECT (SELECT count(*) FROM users)::int AS users, (SELECT count(*) FROM items)::int AS items, (SELECT count(*) FROM interactions)::int AS interactions`,
    );
    const t0 = performance.now();
    if (!['auto', 'blend', 'graphfilter'].includes(args.model!))
      throw new Error(`--model must be auto, blend or graphfilter`);
    const budget = args['tune-budget'] === undefined ? undefined : Number(args['tune-budget']);
    const model = await trainModel(pool, {
      progress,
      model: args.model as 'auto' | 'blend' | 'graphfilter',
      tuneBudgetSeconds: budget,
    });
    const trainSeconds = seconds(t0);
    const t1 = performance.now();
    await publishModel(store, pool, model, { prefix: 'bench_train_', progress, keepVersions: 1 });
    const exportSeconds = seconds(t1);
    const result = {
      createdAt: new Date().toISOString(),
      dataset: { generator: 'demo (seed 1, eventsPerUser 33)', ...rows[0] },
      model: { version: model.version, kind: model.kind, dimension: model.dimension, params: model.params },
      seconds: {
        loadData: loadSeconds ?? null,
        train: trainSeconds,
        export: exportSeconds,
        trainAndExport: trainSeconds + exportSeconds,
      },
      tuning: model.metrics.tuning ?? null,
      selection: model.metrics.selection ?? null,
      peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024),
      environment: { node: process.version, cpus: os.cpus().length, loadavg: os.loadavg() },
    };
    process.stdout.write(
      [
        `dataset: ${rows[0].users} users, ${rows[0].items} items, ${rows[0].interactions} interactions`,
        `model ${model.kind}, dimension ${model.dimension}`,
        `train (read Postgres + fit + text model)  ${trainSeconds.toFixed(1)} s`,
        `export (Qdrant collections + alias switch) ${exportSeconds.toFixed(1)} s`,
        `train + export                            ${(trainSeconds + exportSeconds).toFixed(1)} s`,
      ].join('\n') + '\n',
    );
    const outDir = path.join(root, 'bench', 'results');
    await mkdir(outDir, { recursive: true });
    await writeFile(
      path.join(outDir, args.model === 'auto' ? 'train.json' : `train-${args.model}.json`),
      JSON.stringify(result, null, 2) + '\n',
    );
  } finally {
    const collections = (await store.listCollections().catch(() => [] as string[])).filter((c) =>
      c.startsWith('bench_train_'),
    );
    const aliases = (await store.listAliases().catch(() => [])).filter((a) => a.aliasName.startsWith('bench_train_'));
    await store.switchAliases(aliases.map((a) => ({ delete_alias: { alias_name: a.aliasName } }))).catch(() => {});
    for (const c of collections) await store.deleteCollection(c).catch(() => false);
    store.close();
    await stopQdrant();
    if (storageDir) await rm(storageDir, { recursive: true, force: true });
    await pool.end();
  }
}

await main();
