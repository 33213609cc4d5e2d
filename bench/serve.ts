// bench:serve — the GraphQL server under load on a generated Gowalla-size catalog (≈30k users, 40k items, 1M
// interactions), Postgres and Qdrant on this machine. The server runs as its own process (as in production); the
// load comes from autocannon in this one, bounded in time and connections, over loopback only.
//
//   npm run bench:serve [-- --duration 15 --connections 32 --rate 600 --fresh --retrain --only search]
// Postgres: DATABASE_URL's server, else 127.0.0.1:5432; the data lives in the database `recgraph_bench` and is
// reused by later runs (--fresh rebuilds it). Qdrant: QDRANT_URL, else the bundled binary under .recgraph-bench/.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { freePort } from '../src/net/free-port.js';
import { createPool } from '../src/db/pool.js';
import { createLogger } from '../src/logger.js';
import { VectorStore } from '../src/vector/client.js';
import { startEmbeddedQdrant } from '../src/vector/embedded-qdrant.js';
import { generateDemoDataset } from '../training/demo/generate.js';
import { isDatabaseEmpty, loadDemoDataset } from '../training/demo/seed.js';
import { trainAndPublish } from '../training/train-job/bootstrap.js';
import { prepareBenchDatabase } from './lib/bench-database.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values: args } = parseArgs({
  options: {
    duration: { type: 'string', default: '15' },
    connections: { type: 'string', default: '32' },
    fresh: { type: 'boolean', default: false },
    // Train and publish a new model even when one is live (e.g. after a change to training or export).
    retrain: { type: 'boolean', default: false },
    users: { type: 'string', default: '30000' },
    items: { type: 'string', default: '40000' },
    // Short targeted runs while iterating: only the operations whose name contains this text.
    only: { type: 'string' },
    // Also measure each operation at this fixed offered load (autocannon overallRate): latency at a given
    // throughput, which a closed loop of 32 connections cannot show (there, p50 ≈ 32 / throughput). autocannon
    // releases each second's quota as fast as the connections allow, so this load is bursty, not Poisson.
    rate: { type: 'string' },
  },
});
// Several worktrees share one Postgres server: RECGRAPH_BENCH_DATABASE keeps their benchmark data apart.
const DATABASE = process.env.RECGRAPH_BENCH_DATABASE ?? 'recgraph_bench';
const serverUrl = process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
const log = createLogger(process.env.LOG_LEVEL ?? 'info');

async function waitForServer(url: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}`);
    const ok = await fetch(url.replace('/graphql', '/health/ready')).then((r) => r.ok).catch(() => false);
    if (ok) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error('server did not become ready in 120 s');
}

interface Scenario {
  name: string;
  body: (i: number) => string;
}

function gql(query: string, variables: Record<string, unknown>): string {
  return JSON.stringify({ query, variables });
}

const ITEM_FIELDS = 'id title creators genres year';
function scenarios(users: number, items: number): Scenario[] {
  const userId = (i: number) => `reader-${String(1 + ((i * 7919) % users)).padStart(5, '0')}`;
  const itemId = (i: number) => `book-${String(1 + ((i * 104729) % items)).padStart(5, '0')}`;
  const words = ['dragon', 'murder detective', 'star colony', 'kitchen recipes', 'empire war', 'ghost', 'journey island', 'truth virtue'];
  return [
    {
      name: 'recommendations(first: 20)',
      body: (i) => gql(`query($u: ID!) { recommendations(userId: $u, first: 20) { strategy items { score source item { ${ITEM_FIELDS} } } } }`, { u: userId(i) }),
    },
    {
      name: 'similarItems(first: 20)',
      body: (i) => gql(`query($i: ID!) { similarItems(itemId: $i, mode: COLLABORATIVE, first: 20) { items { score item { ${ITEM_FIELDS} } } } }`, { i: itemId(i) }),
    },
    {
      name: 'search(HYBRID, first: 20)',
      body: (i) => gql(`query($q: String!) { search(query: $q, first: 20) { items { score source item { ${ITEM_FIELDS} } } } }`, { q: words[i % words.length] }),
    },
    {
      name: 'popular(first: 20)',
      body: () => gql(`{ popular(first: 20) { items { score item { ${ITEM_FIELDS} } } } }`, {}),
    },
  ];
}

function quantile(sorted: readonly number[], q: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

// Requests continue their numbering across a scenario's runs, so the measured run does not replay the users and
// items its warm-up already brought into the server's caches.
const sent = new Map<string, number>();

/** A bounded closed-loop run, or with `rate` an offered load of that many requests per second in all. */
async function load(url: string, scenario: Scenario, duration: number, connections: number, rate?: number) {
  let counter = sent.get(scenario.name) ?? 0;
  // Every response time, so p50/p95/p99 are exact rather than read off autocannon's coarser percentile set.
  const times: number[] = [];
  // Without a callback autocannon returns its instance, which is also a promise of the result (its types say only the latter).
  const instance = autocannon({
    url,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    connections,
    duration,
    ...(rate ? { overallRate: rate } : {}),
    requests: [{ setupRequest: (req: autocannon.Request) => ({ ...req, body: scenario.body(counter++) }) }],
  }) as unknown as autocannon.Instance & Promise<autocannon.Result>;
  instance.on('response', (_client: unknown, _status: number, _bytes: number, responseTime: number) => times.push(responseTime));
  const result = await instance;
  sent.set(scenario.name, counter);
  times.sort((a, b) => a - b);
  return {
    operation: rate ? `${scenario.name} @ ${rate} req/s offered` : scenario.name,
    requestsPerSecond: result.requests.total / duration,
    p50Ms: quantile(times, 0.5),
    p95Ms: quantile(times, 0.95),
    p99Ms: quantile(times, 0.99),
    errors: result.errors + result.non2xx,
    requests: result.requests.total,
  };
}

async function main() {
  const users = Number(args.users);
  const items = Number(args.items);
  const databaseUrl = await prepareBenchDatabase(serverUrl, DATABASE, Boolean(args.fresh));
  const pool = createPool(databaseUrl);
  const qdrantDir = path.join(root, '.recgraph-bench', 'qdrant');
  await mkdir(qdrantDir, { recursive: true });
  const qdrant = process.env.QDRANT_URL ? { url: process.env.QDRANT_URL, stop: async () => {} } : await startEmbeddedQdrant({ storageDir: qdrantDir });
  const store = new VectorStore({ url: qdrant.url, apiKey: process.env.QDRANT_API_KEY });
  let server: ChildProcess | undefined;
  try {
    const timings: Record<string, number> = {};
    if (await isDatabaseEmpty(pool)) {
      let t = Date.now();
      const dataset = generateDemoDataset({ seed: 1, users, items, eventsPerUser: 33 });
      log.info(`generated ${dataset.interactions.length} interactions in ${((Date.now() - t) / 1000).toFixed(1)} s; loading`);
      t = Date.now();
      await loadDemoDataset(pool, dataset);
      // What autovacuum would do a little later: planner statistics, and the GIN index's pending list merged (a
      // keyword search otherwise scans that list linearly: 12 ms instead of 0.2 ms per query here).
      await pool.query('VACUUM ANALYZE items');
      await pool.query('VACUUM ANALYZE interactions');
      await pool.query('VACUUM ANALYZE users');
      timings.loadSeconds = (Date.now() - t) / 1000;
    }
    const active = (await pool.query(`SELECT version FROM model_versions WHERE status = 'active'`)).rowCount;
    const aliasOk = active ? (await store.resolveAlias('items_collaborative')) !== undefined : false;
    if (!aliasOk || args.retrain) {
      const t = Date.now();
      await trainAndPublish(pool, store, log, { dataDir: path.join(root, '.recgraph-bench'), prefix: '', params: { factors: 64, iterations: 10 } });
      timings.trainAndExportSeconds = (Date.now() - t) / 1000;
    }
    // Steady state: measure once Qdrant's HNSW graphs are built (an export waits for them only a bounded time).
    for (const role of ['items_collaborative', 'items_semantic'] as const) {
      const collection = await store.resolveAlias(role);
      if (collection) await store.waitForIndexing(collection, { timeoutMs: 900_000 });
    }
    const counts = (await pool.query(`SELECT (SELECT count(*) FROM users)::int AS users, (SELECT count(*) FROM items)::int AS items, (SELECT count(*) FROM interactions)::int AS interactions`)).rows[0];

    const port = await freePort();
    server = spawn(process.execPath, [path.join(root, 'scripts', 'recgraph.mjs'), 'start', '--no-seed', '--port', String(port)], {
      env: { ...process.env, DATABASE_URL: databaseUrl, QDRANT_URL: qdrant.url, HOST: '127.0.0.1', NODE_ENV: 'production', LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    const url = `http://127.0.0.1:${port}/graphql`;
    await waitForServer(url, server);

    const duration = Number(args.duration);
    const connections = Number(args.connections);
    const rows = [];
    for (const scenario of scenarios(users, items).filter((s) => !args.only || s.name.includes(args.only!))) {
      await load(url, scenario, 3, connections); // warm-up: JIT, caches, keep-alive pools
      rows.push(await load(url, scenario, duration, connections));
      if (args.rate) rows.push(await load(url, scenario, duration, connections, Number(args.rate)));
    }
    console.log(`\nbench:serve — ${counts.users} users, ${counts.items} items, ${counts.interactions} interactions; ${connections} connections, ${duration} s per operation\n`);
    console.log('| operation | req/s | p50 ms | p95 ms | p99 ms | errors |');
    console.log('|---|---|---|---|---|---|');
    for (const r of rows) console.log(`| ${r.operation} | ${r.requestsPerSecond.toFixed(0)} | ${r.p50Ms.toFixed(1)} | ${r.p95Ms.toFixed(1)} | ${r.p99Ms.toFixed(1)} | ${r.errors} |`);
    const out = path.join(root, 'bench', 'results', 'serve.json');
    await mkdir(path.dirname(out), { recursive: true });
    await writeFile(
      out,
      JSON.stringify({ benchmark: 'serve', date: new Date().toISOString(), machine: { cpus: os.cpus().length, node: process.version }, dataset: counts, timings, connections, durationSeconds: duration, results: rows }, null, 2),
    );
    console.log(`\nwrote ${path.relative(root, out)}`);
  } finally {
    if (server && server.exitCode === null) {
      server.kill('SIGTERM');
      await new Promise((r) => server!.once('exit', r));
    }
    store.close();
    await pool.end();
    await qdrant.stop();
  }
}

await main();
