// bench: export-recommendations rate (users/s) and peak memory on a real catalogue: ml-1m-split's train.txt
// (6,039 users × 3,583 items, 590,733 events) ingested and trained with the default model.
//
//   npx tsx bench/export-recommendations.ts [--database recgraph_bench_export] [--data-dir DIR] [--first 50]
//                                           [--concurrency 1,4] [--out FILE]
// Prepares the catalogue once with the CLI itself (`recgraph migrate`, `ingest splits`, `train`) when the database
// has no live model, then runs the export in this process exactly as `recgraph export-recommendations` does (the
// services createServices builds for the API), once per --concurrency value (each with fresh services: cold caches),
// sampling this process's RSS every 100 ms. Postgres: DATABASE_URL's
// server, else 127.0.0.1:5432; Qdrant: QDRANT_URL, else the bundled binary under the data directory. Prints a table
// and writes bench/results/export-recommendations.json.
import { execFileSync } from 'node:child_process';
import { rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { loadConfig } from '../src/config.js';
import { idProblem } from '../src/graphql/inputs.js';
import { createLogger } from '../src/logger.js';
import { createServices, createVectorStore } from '../src/runtime/app.js';
import { openInfrastructure } from '../src/runtime/infrastructure.js';
import { exportRecommendations } from '../training/batch/export-recommendations.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const train = path.resolve(root, '..', 'shared', 'datasets', 'ml-1m-split', 'train.txt');
const { values: args } = parseArgs({
  options: {
    database: { type: 'string', default: 'recgraph_bench_export' },
    'data-dir': { type: 'string', default: path.join(os.tmpdir(), 'recgraph-bench-export') },
    first: { type: 'string', default: '50' },
    concurrency: { type: 'string', default: '1,4' },
    out: { type: 'string', default: path.join(os.tmpdir(), 'recgraph-bench-export-recs.jsonl') },
  },
});
const server = new URL(process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres');
const databaseUrl = Object.assign(new URL(server), { pathname: `/${args.database}` }).toString();
const env = { ...process.env, DATABASE_URL: databaseUrl, RECGRAPH_DATA_DIR: args['data-dir'] };

async function query<T extends pg.QueryResultRow>(url: string, sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

const cli = (...command: string[]) =>
  execFileSync(process.execPath, [path.join(root, 'scripts', 'recgraph.mjs'), ...command], { env, stdio: 'inherit' });

const exists = await query(server.toString(), `SELECT 1 FROM pg_database WHERE datname = '${args.database}'`);
if (!exists.length) await query(server.toString(), `CREATE DATABASE "${args.database}"`);
cli('migrate');
const live = await query<{ n: number }>(
  databaseUrl,
  `SELECT count(*)::int AS n FROM model_versions WHERE status = 'active'`,
);
let prepared = 'reused';
if (!live[0].n) {
  prepared = 'ingested + trained';
  const events = await query<{ n: number }>(databaseUrl, 'SELECT count(*)::int AS n FROM interactions');
  if (!events[0].n) cli('ingest', 'splits', train, '--create-missing-items');
  cli('train');
}

const config = loadConfig(env);
const infra = await openInfrastructure(config, createLogger('warn'));
const store = createVectorStore(infra);
const runs = [];
try {
  for (const concurrency of args.concurrency.split(',').map(Number)) {
    // Fresh services per run: no run starts with the caches of the one before.
    const services = createServices(config, infra, store);
    let peakRss = process.memoryUsage().rss;
    const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 100);
    const loadBefore = os.loadavg();
    try {
      await services.models.warmUp();
      const model = await services.models.get();
      const summary = await exportRecommendations(
        { recommender: services.recommender, users: services.users, items: services.items, idProblem },
        { first: Number(args.first), out: args.out, concurrency },
      );
      runs.push({
        concurrency,
        model: model && { version: model.version, kind: model.kind, dimension: model.dimension },
        users: summary.users,
        strategies: summary.strategies,
        seconds: Number(summary.seconds.toFixed(2)),
        usersPerSecond: Number(summary.usersPerSecond.toFixed(1)),
        outputBytes: (await stat(args.out)).size,
        peakRssMiB: Math.round(peakRss / 2 ** 20),
        loadAverage: { before: loadBefore, after: os.loadavg() },
      });
    } finally {
      clearInterval(sampler);
      await services.models.close();
    }
  }
} finally {
  store.close();
  await infra.stop();
  await rm(args.out, { force: true });
}
const base = runs[0];
console.table(
  runs.map((run) => ({
    users: run.users,
    first: Number(args.first),
    concurrency: run.concurrency,
    seconds: run.seconds,
    'users/s': run.usersPerSecond,
    [`× concurrency ${base.concurrency}`]: (run.usersPerSecond / base.usersPerSecond).toFixed(2),
    'peak RSS MiB': run.peakRssMiB,
    'load (1 min)': run.loadAverage.before[0].toFixed(2),
  })),
);
await writeFile(
  path.join(root, 'bench', 'results', 'export-recommendations.json'),
  JSON.stringify(
    {
      command: `npx tsx bench/export-recommendations.ts ${process.argv.slice(2).join(' ')}`.trim(),
      dataset: 'ml-1m-split train.txt (recgraph ingest splits --create-missing-items; recgraph train)',
      catalogue: prepared,
      first: Number(args.first),
      runs,
      cpus: os.cpus().length,
      node: process.version,
      at: new Date().toISOString(),
    },
    null,
    2,
  ) + '\n',
);
