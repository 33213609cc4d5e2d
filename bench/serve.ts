// bench:serve — the GraphQL server under load on a generated Gowalla-size catalog (≈30k users, 40k items, 1M
// interactions), Postgres and Qdrant on this machine. The server runs as its own process (as in production), and so
// does the load generator (bench/lib/load-generator.ts: node:http, loopback only, bounded in time and requests).
// Per operation: a closed-loop run at --connections (throughput), then an open-loop sweep of offered loads
// (latency at a load, from each request's intended send time), and the CPU ms per request of the server, Qdrant and
// Postgres processes over the closed-loop run (from /proc).
//
//   npm run bench:serve [-- --closed-seconds 10 --open-seconds 8 --connections 32 --fresh --retrain --only search
//                          --rates 500,1000 --profile --model graphfilter --baseline ../main-checkout]
// --model picks the served model kind: `default` (the iALS ⊕ low-pass blend) or `graphfilter` (the two-stage model:
// Qdrant candidates → the item-item rerank, graph-rerank.ts); the newest exported version of that kind is activated,
// or one is trained when there is none. The rerank's own time per request is read from the server's /metrics.
// Postgres: DATABASE_URL's server, else 127.0.0.1:5432; the data lives in the database `recgraph_bench` and is
// reused by later runs (--fresh rebuilds it). Qdrant: QDRANT_URL, else the bundled binary under .recgraph-bench/.
// Writes bench/results/serve.json (with --only: bench/results/serve-partial.json, so a targeted run never
// replaces the full one).
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type pg from 'pg';
import { freePort } from '../src/net/free-port.js';
import { createPool } from '../src/db/pool.js';
import { createLogger } from '../src/logger.js';
import { VectorStore } from '../src/vector/client.js';
import { startEmbeddedQdrant } from '../src/vector/embedded-qdrant.js';
import { generateDemoDataset } from '../training/demo/generate.js';
import { isDatabaseEmpty, loadDemoDataset } from '../training/demo/seed.js';
import { activateVersion, publishModel } from '../training/export/publish.js';
import { artifactsDir, loadArtifacts } from '../training/train-job/artifacts.js';
import { trainAndPublish } from '../training/train-job/bootstrap.js';
import { prepareBenchDatabase } from './lib/bench-database.js';
import { runLoad, type LoadConfig, type LoadResult } from './lib/load-generator.js';
import { cpuBetween, cpuSnapshot, pidListeningOn } from './lib/proc-cpu.js';
import { scenarios, type Scenario } from './lib/serve-scenarios.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values: args } = parseArgs({
  options: {
    'closed-seconds': { type: 'string', default: '10' },
    'open-seconds': { type: 'string', default: '8' },
    'warmup-seconds': { type: 'string', default: '3' },
    connections: { type: 'string', default: '32' },
    // Arrivals of the open-loop runs: poisson (independent users) or even (a fixed gap).
    arrivals: { type: 'string', default: 'poisson' },
    fresh: { type: 'boolean', default: false },
    // Train and publish a new model even when one is live (e.g. after a change to training or export).
    retrain: { type: 'boolean', default: false },
    // Publish the newest trained model again, as a new version (after a change to export only: minutes, not a fit).
    reexport: { type: 'boolean', default: false },
    users: { type: 'string', default: '30000' },
    items: { type: 'string', default: '40000' },
    // Short targeted runs while iterating: only the operations whose name contains this text.
    only: { type: 'string' },
    // Offered loads of the sweep for every operation, instead of each operation's own list (serve-scenarios.ts).
    rates: { type: 'string' },
    // Keep sweeping past a saturated load (by default the sweep stops there: higher loads only queue more).
    'no-stop': { type: 'boolean', default: false },
    // Run the server under `node --cpu-prof` (profiles land in .recgraph-bench/profiles when it exits).
    profile: { type: 'boolean', default: false },
    // A/B in one run: a checkout (e.g. a worktree of main) whose server is measured beside this tree's, on the same
    // data, Postgres and Qdrant, operation by operation (baseline first); the JSON gets its rows and the ratios.
    baseline: { type: 'string' },
    // The served model kind (see the header): default | graphfilter.
    model: { type: 'string', default: 'default' },
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
    const ok = await fetch(url.replace('/graphql', '/health/ready'))
      .then((r) => r.ok)
      .catch(() => false);
    if (ok) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error('server did not become ready in 120 s');
}

interface OpenLoopRow {
  offeredPerSecond: number;
  achievedPerSecond: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  maxMs: number;
  errors: number;
}

interface ResultRow {
  operation: string;
  closedLoop: {
    connections: number;
    requestsPerSecond: number;
    p50Ms: number;
    p95Ms: number;
    p99Ms: number;
    errors: number;
  };
  openLoop: OpenLoopRow[];
  cpuMsPerRequest: { server: number; qdrant: number | null; postgres: number };
  /** Two-stage models: the rerank's time per answered request (server /metrics), part of cpuMsPerRequest.server. */
  rerankMsPerRequest?: number;
}

/** Sum and count of the server's recgraph_rerank_seconds histogram (Prometheus text from /metrics). */
async function rerankSeconds(url: string): Promise<{ sum: number; count: number }> {
  const text = await (await fetch(url.replace('/graphql', '/metrics'))).text();
  const value = (name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1] ?? 0);
  return { sum: value('recgraph_rerank_seconds_sum'), count: value('recgraph_rerank_seconds_count') };
}

/** A load run is saturated when the server no longer keeps up: answers fall behind the offer, or queue for long. */
function saturated(offered: number, result: LoadResult): boolean {
  return result.achievedPerSecond < 0.9 * offered || result.p50Ms > 250;
}

/** The processes whose CPU a request costs: the server, Qdrant, and the database's backends (not ours). */
class CpuMeter {
  constructor(
    private readonly serverPid: number,
    private readonly qdrantPid: number | undefined,
    private readonly pool: pg.Pool,
  ) {}

  private async backends(): Promise<number[]> {
    const { rows } = await this.pool.query<{ pid: number }>(
      'SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()',
    );
    return rows.map((r) => r.pid);
  }

  /** Waits (at most timeoutMs) until the server and Qdrant are idle: e.g. a saturated run's backlog has drained. */
  quiet(timeoutMs: number): Promise<number> {
    return settle([this.serverPid, ...(this.qdrantPid === undefined ? [] : [this.qdrantPid])], timeoutMs);
  }

  async snapshot() {
    return {
      server: cpuSnapshot([this.serverPid]),
      qdrant: cpuSnapshot(this.qdrantPid === undefined ? [] : [this.qdrantPid]),
      postgres: cpuSnapshot(await this.backends()),
    };
  }

  async perRequest(
    before: Awaited<ReturnType<CpuMeter['snapshot']>>,
    requests: number,
  ): Promise<ResultRow['cpuMsPerRequest']> {
    const after = await this.snapshot();
    const per = (ms: number) => Number((ms / Math.max(1, requests)).toFixed(3));
    return {
      server: per(cpuBetween(before.server, after.server)),
      qdrant: this.qdrantPid === undefined ? null : per(cpuBetween(before.qdrant, after.qdrant)),
      postgres: per(cpuBetween(before.postgres, after.postgres)),
    };
  }
}

/** Resident memory of a process now and at its peak, in MB (from /proc/<pid>/status). */
function serverMemory(pid: number): { rssMb: number; peakRssMb: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { rssMb: Math.round(kb('VmRSS') / 1024), peakRssMb: Math.round(kb('VmHWM') / 1024) };
}

const ms = (value: number) => Number(value.toFixed(2));

/**
 * Waits until the processes are idle (under 5 % of a core over a second), at most `timeoutMs`: the steady state.
 * The first requests make the server decode the model and preload its vectors from Qdrant in the background
 * (tens of MB of JSON); measured, that work would be charged to whichever operation happens to run first.
 */
async function settle(pids: number[], timeoutMs = 120_000): Promise<number> {
  const started = Date.now();
  let before = cpuSnapshot(pids);
  for (;;) {
    await new Promise((r) => setTimeout(r, 1000));
    const after = cpuSnapshot(pids);
    if (cpuBetween(before, after) < 50 || Date.now() - started > timeoutMs) return (Date.now() - started) / 1000;
    before = after;
  }
}

async function measure(
  url: string,
  scenario: Scenario,
  catalog: { users: number; items: number },
  meter: CpuMeter,
): Promise<ResultRow> {
  let next = 0;
  const run = async (durationSeconds: number, mode: LoadConfig['mode']) => {
    const result = await runLoad({
      url,
      scenario: scenario.name,
      catalog,
      firstRequest: next,
      durationSeconds,
      maxRequests: 200_000,
      mode,
    });
    next = result.nextRequest;
    return result;
  };
  const connections = Number(args.connections);
  // A saturated open-loop run leaves requests queued in the server that was measured before (on a loaded machine,
  // seconds of them): they would run during this measurement, on either server.
  await meter.quiet(60_000);
  await run(Number(args['warmup-seconds']), { kind: 'closed', connections }); // JIT, caches, keep-alive pools
  const rerankBefore = await rerankSeconds(url);
  const before = await meter.snapshot();
  const closed = await run(Number(args['closed-seconds']), { kind: 'closed', connections });
  const cpuMsPerRequest = await meter.perRequest(before, closed.completed);
  const rerankAfter = await rerankSeconds(url);
  const reranks = rerankAfter.count - rerankBefore.count;
  if (closed.firstError) log.warn(`${scenario.name} closed loop: ${closed.errors} errors, first: ${closed.firstError}`);
  const openLoop: OpenLoopRow[] = [];
  const rates = args.rates ? args.rates.split(',').map(Number) : scenario.rates;
  for (const [i, rate] of rates.entries()) {
    await meter.quiet(30_000); // let the previous run's queue drain
    const open = await run(Number(args['open-seconds']), {
      kind: 'open',
      ratePerSecond: rate,
      process: args.arrivals as 'poisson' | 'even',
      seed: 1 + i,
    });
    if (open.firstError) log.warn(`${scenario.name} @ ${rate}/s: ${open.errors} errors, first: ${open.firstError}`);
    if (open.sendLagP99Ms > 2)
      log.warn(
        `${scenario.name} @ ${rate}/s: generator sent late (p99 ${open.sendLagP99Ms.toFixed(1)} ms; counted as latency)`,
      );
    openLoop.push({
      offeredPerSecond: rate,
      achievedPerSecond: ms(open.achievedPerSecond),
      p50Ms: ms(open.p50Ms),
      p95Ms: ms(open.p95Ms),
      p99Ms: ms(open.p99Ms),
      maxMs: ms(open.maxMs),
      errors: open.errors,
    });
    if (!args['no-stop'] && saturated(rate, open)) break;
  }
  return {
    operation: scenario.name,
    closedLoop: {
      connections,
      requestsPerSecond: ms(closed.achievedPerSecond),
      p50Ms: ms(closed.p50Ms),
      p95Ms: ms(closed.p95Ms),
      p99Ms: ms(closed.p99Ms),
      errors: closed.errors,
    },
    openLoop,
    cpuMsPerRequest,
    ...(reranks > 0
      ? { rerankMsPerRequest: Number(((1000 * (rerankAfter.sum - rerankBefore.sum)) / closed.completed).toFixed(3)) }
      : {}),
  };
}

function printTable(rows: readonly ResultRow[]): void {
  console.log(
    '| operation | closed loop req/s (p99 ms) | open loop offered → achieved: p50 / p99 ms | CPU ms/req server · qdrant · postgres |',
  );
  console.log('|---|---|---|---|');
  for (const r of rows) {
    const open = r.openLoop
      .map(
        (o) =>
          `${o.offeredPerSecond} → ${o.achievedPerSecond.toFixed(0)}: ${o.p50Ms.toFixed(1)} / ${o.p99Ms.toFixed(1)}${o.errors ? ` (${o.errors} err)` : ''}`,
      )
      .join('; ');
    const cpu = r.cpuMsPerRequest;
    console.log(
      `| ${r.operation} | ${r.closedLoop.requestsPerSecond.toFixed(0)} (${r.closedLoop.p99Ms.toFixed(1)})${r.closedLoop.errors ? ` ${r.closedLoop.errors} err` : ''} | ${open} | ${cpu.server.toFixed(2)} · ${cpu.qdrant?.toFixed(2) ?? '–'} · ${cpu.postgres.toFixed(2)}${r.rerankMsPerRequest !== undefined ? ` (rerank ${r.rerankMsPerRequest.toFixed(2)})` : ''} |`,
    );
  }
}

async function main() {
  const users = Number(args.users);
  const items = Number(args.items);
  const databaseUrl = await prepareBenchDatabase(serverUrl, DATABASE, Boolean(args.fresh));
  const pool = createPool(databaseUrl);
  const qdrantDir = path.join(root, '.recgraph-bench', 'qdrant');
  await mkdir(qdrantDir, { recursive: true });
  const qdrant = process.env.QDRANT_URL
    ? { url: process.env.QDRANT_URL, stop: async () => {} }
    : await startEmbeddedQdrant({ storageDir: qdrantDir });
  const store = new VectorStore({ url: qdrant.url, apiKey: process.env.QDRANT_API_KEY });
  let server: ChildProcess | undefined;
  const servers: ChildProcess[] = [];
  try {
    const timings: Record<string, number> = {};
    if (await isDatabaseEmpty(pool)) {
      let t = Date.now();
      const dataset = generateDemoDataset({ seed: 1, users, items, eventsPerUser: 33 });
      log.info(
        `generated ${dataset.interactions.length} interactions in ${((Date.now() - t) / 1000).toFixed(1)} s; loading`,
      );
      t = Date.now();
      await loadDemoDataset(pool, dataset);
      // What autovacuum would do a little later: planner statistics, and the GIN index's pending list merged (a
      // keyword search otherwise scans that list linearly: 12 ms instead of 0.2 ms per query here).
      await pool.query('VACUUM ANALYZE items');
      await pool.query('VACUUM ANALYZE interactions');
      await pool.query('VACUUM ANALYZE users');
      timings.loadSeconds = (Date.now() - t) / 1000;
    }
    const kind = args.model;
    if (kind !== 'default' && kind !== 'graphfilter') throw new Error(`--model must be default or graphfilter`);
    // The newest exported version of the asked kind ('graphfilter' also names its variants, e.g. graphfilter/exact;
    // the default model is recorded as 'blend', its name since, or 'default', its former one).
    const kinds = kind === 'default' ? ['default', 'blend'] : [kind];
    const candidate = (
      await pool.query<{ version: string; status: string }>(
        `SELECT version, status FROM model_versions WHERE status IN ('active', 'retired', 'exported')
           AND (kind = ANY($1::text[]) OR kind LIKE $2 || '/%') ORDER BY created_at DESC LIMIT 1`,
        [kinds, kind],
      )
    ).rows[0];
    const aliasOk = candidate ? (await store.resolveAlias('items_collaborative')) !== undefined : false;
    if (!aliasOk || args.retrain) {
      const t = Date.now();
      await trainAndPublish(pool, store, log, {
        dataDir: path.join(root, '.recgraph-bench'),
        prefix: '',
        params: { factors: 64, iterations: 10 },
        train: { model: kind },
      });
      timings.trainAndExportSeconds = (Date.now() - t) / 1000;
    } else if (candidate.status !== 'active') {
      await activateVersion(store, pool, candidate.version, { prefix: '' });
      log.info(`activated ${candidate.version} (${kind})`);
    }
    if (args.reexport && !timings.trainAndExportSeconds) {
      const t = Date.now();
      const modelsDir = path.join(root, '.recgraph-bench', 'models');
      const newest = (await readdir(modelsDir)).sort().at(-1);
      if (!newest) throw new Error(`--reexport: no trained model under ${modelsDir}`);
      const model = await loadArtifacts(artifactsDir(path.join(root, '.recgraph-bench'), newest));
      model.version = `${newest.replace(/-x[0-9a-z]+$/, '')}-x${Date.now().toString(36)}`;
      await publishModel(store, pool, model, { prefix: '' });
      timings.reexportSeconds = (Date.now() - t) / 1000;
      log.info(`re-exported ${newest} as ${model.version} in ${timings.reexportSeconds.toFixed(1)} s`);
    }
    // Steady state: measure once Qdrant's HNSW graphs are built (an export waits for them only a bounded time).
    for (const role of ['items_collaborative', 'items_semantic'] as const) {
      const collection = await store.resolveAlias(role);
      if (collection) await store.waitForIndexing(collection, { timeoutMs: 900_000 });
    }
    const counts = (
      await pool.query(
        `SELECT (SELECT count(*) FROM users)::int AS users, (SELECT count(*) FROM items)::int AS items, (SELECT count(*) FROM interactions)::int AS interactions`,
      )
    ).rows[0];

    const model = (
      await pool.query<{ version: string; kind: string; dimension: number }>(
        `SELECT version, kind, dimension FROM model_versions WHERE status = 'active'`,
      )
    ).rows[0];

    const profileDir = path.join(root, '.recgraph-bench', 'profiles');
    const nodeFlags = args.profile ? ['--cpu-prof', '--cpu-prof-dir', profileDir] : [];
    const startServer = async (checkout: string) => {
      const port = await freePort();
      const child = spawn(
        process.execPath,
        [...nodeFlags, path.join(checkout, 'scripts', 'recgraph.mjs'), 'start', '--no-seed', '--port', String(port)],
        {
          cwd: checkout,
          env: {
            ...process.env,
            DATABASE_URL: databaseUrl,
            QDRANT_URL: qdrant.url,
            HOST: '127.0.0.1',
            NODE_ENV: 'production',
            LOG_LEVEL: 'warn',
          },
          stdio: ['ignore', 'ignore', 'inherit'],
        },
      );
      servers.push(child);
      const url = `http://127.0.0.1:${port}/graphql`;
      await waitForServer(url, child);
      return { child, url, readyRss: serverMemory(child.pid!) };
    };
    const current = await startServer(root);
    const baseline = args.baseline ? await startServer(path.resolve(args.baseline)) : undefined;
    server = current.child;
    const url = current.url;
    const readyRss = current.readyRss;

    const qdrantPid = pidListeningOn(Number(new URL(qdrant.url).port));
    if (qdrantPid === undefined)
      log.warn('Qdrant is not a process on this machine that /proc shows: its CPU is not measured');
    const meter = new CpuMeter(server.pid!, qdrantPid, pool);
    const baselineMeter = baseline ? new CpuMeter(baseline.child.pid!, qdrantPid, pool) : undefined;
    // Prime every operation once (model decode, vector preload, encoder session), then wait for the steady state.
    for (const scenario of scenarios({ users, items })) {
      for (const primed of [url, ...(baseline ? [baseline.url] : [])])
        await runLoad({
          url: primed,
          scenario: scenario.name,
          catalog: { users, items },
          firstRequest: 1_000_000,
          durationSeconds: 1,
          maxRequests: 5,
          mode: { kind: 'closed', connections: 1 },
        });
    }
    timings.settleSeconds = await settle([
      server.pid!,
      ...(baseline ? [baseline.child.pid!] : []),
      ...(qdrantPid === undefined ? [] : [qdrantPid]),
    ]);
    const loadAverageBefore = os.loadavg();
    const rows: ResultRow[] = [];
    const baselineRows: ResultRow[] = [];
    for (const scenario of scenarios({ users, items }).filter((s) => !args.only || s.name.includes(args.only!))) {
      if (baseline) baselineRows.push(await measure(baseline.url, scenario, { users, items }, baselineMeter!));
      rows.push(await measure(url, scenario, { users, items }, meter));
      log.info(`measured ${scenario.name}`);
    }
    const loadAverageAfter = os.loadavg();
    const memory = { atReady: readyRss, afterLoad: serverMemory(server.pid!) };
    const baselineMemory = baseline && { atReady: baseline.readyRss, afterLoad: serverMemory(baseline.child.pid!) };
    console.log(
      `\nbench:serve — ${counts.users} users, ${counts.items} items, ${counts.interactions} interactions; model ${model?.version} ` +
        `(${model?.kind}, dimension ${model?.dimension}); load average ${loadAverageBefore.map((l) => l.toFixed(2)).join(' ')} before, ` +
        `${loadAverageAfter.map((l) => l.toFixed(2)).join(' ')} after; server RSS ${memory.afterLoad.rssMb} MB (peak ${memory.afterLoad.peakRssMb})\n`,
    );
    if (baseline) {
      console.log(
        `baseline (${args.baseline}), measured just before each row below; RSS ${baselineMemory!.afterLoad.rssMb} MB:\n`,
      );
      printTable(baselineRows);
      console.log('\nthis tree:\n');
    }
    printTable(rows);
    const ratios = baselineRows.map((b, i) => ({
      operation: b.operation,
      closedLoopRequestsPerSecond: Number(
        (rows[i].closedLoop.requestsPerSecond / b.closedLoop.requestsPerSecond).toFixed(3),
      ),
      serverCpuMsPerRequest: Number((rows[i].cpuMsPerRequest.server / b.cpuMsPerRequest.server).toFixed(3)),
    }));
    if (baseline) {
      console.log(
        '\n| operation | closed-loop req/s: this tree ÷ baseline | server CPU ms/req: this tree ÷ baseline |',
      );
      console.log('|---|---|---|');
      for (const r of ratios)
        console.log(`| ${r.operation} | ${r.closedLoopRequestsPerSecond} | ${r.serverCpuMsPerRequest} |`);
    }
    const out = path.join(root, 'bench', 'results', args.only || args.rates ? 'serve-partial.json' : 'serve.json');
    await mkdir(path.dirname(out), { recursive: true });
    const report = {
      benchmark: 'serve',
      date: new Date().toISOString(),
      command: `npm run bench:serve -- ${process.argv.slice(2).join(' ')}`.trim(),
      machine: {
        cpus: os.cpus().length,
        node: process.version,
        loadAverage: { before: loadAverageBefore, after: loadAverageAfter },
      },
      dataset: { name: 'bench:serve synthetic catalog (Gowalla-size)', ...counts },
      model: { version: model?.version ?? null, kind: model?.kind ?? null, dimension: model?.dimension ?? null },
      timings,
      settings: {
        connections: Number(args.connections),
        closedLoopSeconds: Number(args['closed-seconds']),
        openLoopSeconds: Number(args['open-seconds']),
        arrivals: args.arrivals,
        cpuMeasuredOver: 'the closed-loop run',
      },
      serverMemory: memory,
      results: rows,
      ...(baseline
        ? { baseline: { checkout: args.baseline, serverMemory: baselineMemory, results: baselineRows, ratios } }
        : {}),
    };
    await writeFile(out, JSON.stringify(report, null, 2) + '\n');
    console.log(`\nwrote ${path.relative(root, out)}`);
  } finally {
    for (const child of servers) {
      if (child.exitCode !== null) continue;
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    }
    store.close();
    await pool.end();
    await qdrant.stop();
  }
}

await main();
