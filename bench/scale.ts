// bench:scale — the whole pipeline on one box at a million items: a generated MovieLens-CSV catalogue of
// 1,000,000 items, 1,000,000 users and ≈ 20,000,000 events with planted structure (bench/lib/scale-data.ts), then
//   ingest   `recgraph ingest movielens` into a fresh Postgres database (COPY path; events/s)
//   train    `recgraph train --no-export` (the default `--model auto`: selection + tuning within --tune-budget)
//   export   `recgraph export <version>` (upload to Qdrant, alias switch), then the HNSW index build (waited for)
//   serve    `recgraph start`, open-loop recommendations / similarItems / search at fixed offered loads
// Every stage is its own process, as in production; each one's peak RSS is sampled from /proc (VmHWM), with
// Qdrant's and the Postgres backends' of this database beside it. scale.json is rewritten after every stage, so a
// run that stops (or is stopped) leaves what it measured, the stages not reached marked "not run".
//
//   npm run bench:scale [-- --scale 0.1 --tune-budget 300 --rate 300 --open-seconds 20 --keep --skip-serve
//                          --serve-only]
// --scale multiplies all three sizes (0.1: 100k items, 100k users, 2M events: the rehearsal). --keep keeps the
// database `recgraph_bench_scale` and the Qdrant storage (.recgraph-bench/scale/) for a look afterwards; by
// default both are dropped at the end. The generated files are kept between runs of the same size (regenerated
// when the size changes). --serve-only measures serving again on what a --keep run left. Postgres: DATABASE_URL's server, else 127.0.0.1:5432. Writes bench/results/scale.json
// (bench/results/scale-<scale>.json for a scale other than 1).
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { freePort } from '../src/net/free-port.js';
import { VectorStore } from '../src/vector/client.js';
import { startEmbeddedQdrant } from '../src/vector/embedded-qdrant.js';
import { prepareBenchDatabase } from './lib/bench-database.js';
import { runLoad } from './lib/load-generator.js';
import { pidListeningOn } from './lib/proc-cpu.js';
import { writeScaleData } from './lib/scale-data.js';
import { scenarios, type CatalogSize } from './lib/serve-scenarios.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values: args } = parseArgs({
  options: {
    scale: { type: 'string', default: '1' },
    'tune-budget': { type: 'string' },
    rate: { type: 'string', default: '300' },
    'similar-rate': { type: 'string', default: '300' },
    'search-rate': { type: 'string', default: '100' },
    'open-seconds': { type: 'string', default: '20' },
    keep: { type: 'boolean', default: false },
    'skip-serve': { type: 'boolean', default: false },
    // Only the serving stage, on what a --keep run left (database, Qdrant storage, its scale.json stages).
    'serve-only': { type: 'boolean', default: false },
  },
});
const scale = Number(args.scale);
if (!(scale > 0 && scale <= 1)) throw new Error(`--scale must be in (0, 1], got ${args.scale}`);
const size = {
  items: Math.round(1_000_000 * scale),
  users: Math.round(1_000_000 * scale),
  events: Math.round(20_000_000 * scale),
};
const DATABASE = 'recgraph_bench_scale';
const serverUrl = process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
const work = path.join(root, '.recgraph-bench', 'scale');
const dataDir = path.join(work, `data-${size.items}-${size.users}-${size.events}`);
const qdrantDir = path.join(work, 'qdrant');
const appDataDir = path.join(work, 'app');
const out = path.join(root, 'bench', 'results', scale === 1 ? 'scale.json' : `scale-${scale}.json`);

// ─── process memory from /proc ───────────────────────────────────────────────────────────────────────────

function statusKb(pid: number, field: 'VmRSS' | 'VmHWM'): number | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}
const mb = (kb: number | undefined) => (kb === undefined ? null : Math.round(kb / 1024));

/** Pids of this database's Postgres backends (other engineers' databases on the server are not ours). */
async function backendPids(admin: pg.Client): Promise<number[]> {
  const { rows } = await admin.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE datname = $1', [
    DATABASE,
  ]);
  return rows.map((r) => r.pid);
}

/**
 * Samples, every 500 ms while a stage runs: the stage process's peak RSS (VmHWM, read until it exits), Qdrant's
 * RSS, and the Postgres backends of the bench database (the largest one, and their sum: shared buffers are counted
 * in every backend that touched them, so the sum over-counts).
 */
class MemorySampler {
  peak = { process: 0, qdrant: 0, postgresBackendMax: 0, postgresBackendsSum: 0 };
  private timer?: NodeJS.Timeout;
  constructor(
    private readonly admin: pg.Client,
    private readonly qdrantPid: number | undefined,
  ) {}
  start(pid: number | undefined): void {
    const sample = async () => {
      if (pid !== undefined) this.peak.process = Math.max(this.peak.process, statusKb(pid, 'VmHWM') ?? 0);
      if (this.qdrantPid !== undefined)
        this.peak.qdrant = Math.max(this.peak.qdrant, statusKb(this.qdrantPid, 'VmRSS') ?? 0);
      const rss = (await backendPids(this.admin).catch(() => [] as number[])).map((p) => statusKb(p, 'VmRSS') ?? 0);
      this.peak.postgresBackendMax = Math.max(this.peak.postgresBackendMax, ...rss, 0);
      this.peak.postgresBackendsSum = Math.max(
        this.peak.postgresBackendsSum,
        rss.reduce((a, b) => a + b, 0),
      );
    };
    this.timer = setInterval(() => void sample(), 500);
  }
  stop() {
    clearInterval(this.timer);
    return {
      peakRssMb: mb(this.peak.process),
      qdrantPeakRssMb: mb(this.peak.qdrant),
      postgresBackendPeakRssMb: mb(this.peak.postgresBackendMax),
      postgresBackendsPeakRssSumMb: mb(this.peak.postgresBackendsSum),
    };
  }
}

// ─── stages ──────────────────────────────────────────────────────────────────────────────────────────────

type StageStatus = 'done' | 'failed' | 'running' | 'not run';
interface StageResult {
  status: StageStatus;
  seconds?: number;
  loadAverage?: { before: number[]; after?: number[] };
  [key: string]: unknown;
}
const STAGES = ['generate', 'ingest', 'train', 'export', 'indexBuild', 'serve'] as const;
type StageName = (typeof STAGES)[number];
const stages = Object.fromEntries(STAGES.map((s) => [s, { status: 'not run' } as StageResult])) as Record<
  StageName,
  StageResult
>;
const startedAt = new Date();

async function save(): Promise<void> {
  const report = {
    benchmark: 'scale',
    date: startedAt.toISOString(),
    updated: new Date().toISOString(),
    command: `npm run bench:scale -- ${process.argv.slice(2).join(' ')}`.trim(),
    complete: STAGES.every((s) => stages[s].status === 'done' || (s === 'serve' && args['skip-serve'])),
    machine: {
      cpus: os.cpus().length,
      cpuModel: os.cpus()[0]?.model,
      memoryGiB: Math.round(os.totalmem() / 2 ** 30),
      node: process.version,
      loadAverageNow: os.loadavg(),
      note: 'a shared machine: other engineers ran their own work during this run (see each stage’s load average)',
    },
    size,
    goals: {
      ingestEventsPerSecond: '≥ 200,000',
      trainPlusExportSeconds: '≤ 1800 on 2 cores, peak RSS ≤ 16 GB',
      recommendationsP99Ms: '≤ 25 at 300 req/s offered',
    },
    stages,
  };
  await mkdir(path.dirname(out), { recursive: true });
  await writeFile(out, JSON.stringify(report, null, 2) + '\n');
}

async function stage<T extends Record<string, unknown>>(name: StageName, fn: () => Promise<T>): Promise<T> {
  const before = os.loadavg();
  stages[name] = { status: 'running', loadAverage: { before } };
  await save();
  const t0 = performance.now();
  console.error(`[bench:scale] ${name} …`);
  try {
    const extra = await fn();
    const seconds = Number(((performance.now() - t0) / 1000).toFixed(1));
    stages[name] = { status: 'done', seconds, loadAverage: { before, after: os.loadavg() }, ...extra };
    console.error(`[bench:scale] ${name} done in ${seconds} s`);
    return extra;
  } catch (error) {
    stages[name] = {
      status: 'failed',
      seconds: Number(((performance.now() - t0) / 1000).toFixed(1)),
      loadAverage: { before, after: os.loadavg() },
      error: (error as Error).message.slice(0, 2000),
    };
    throw error;
  } finally {
    await save();
  }
}

interface CliRun {
  stdout: string;
  memory: ReturnType<MemorySampler['stop']>;
}

/** Runs `recgraph <args>` of this checkout as a child process against the bench database and Qdrant. */
function cli(argv: string[], env: NodeJS.ProcessEnv, sampler: MemorySampler): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(root, 'scripts', 'recgraph.mjs'), ...argv], {
      cwd: root,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    sampler.start(child.pid);
    let stdout = '';
    let stderrTail = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => {
      process.stderr.write(d);
      stderrTail = (stderrTail + d.toString()).slice(-4000);
    });
    child.on('error', reject);
    child.on('exit', (code) => {
      const memory = sampler.stop();
      if (code === 0) resolve({ stdout, memory });
      else
        reject(
          new Error(`recgraph ${argv[0]} exited with ${code}: ${stderrTail.trim().split('\n').slice(-5).join(' | ')}`),
        );
    });
  });
}

async function ensureData(): Promise<Record<string, unknown>> {
  const marker = path.join(dataDir, 'done.json');
  if (existsSync(marker)) {
    const written = JSON.parse(await readFile(marker, 'utf8')) as Record<string, unknown>;
    return { ...written, reused: true };
  }
  await rm(dataDir, { recursive: true, force: true });
  const written = await writeScaleData(dataDir, size);
  await writeFile(marker, JSON.stringify(written) + '\n');
  return { ...written, reused: false };
}

async function waitForServer(url: string, exited: () => boolean): Promise<void> {
  const deadline = Date.now() + 600_000;
  while (Date.now() < deadline) {
    if (exited()) throw new Error('server exited before it was ready');
    const ok = await fetch(url.replace('/graphql', '/health/ready'))
      .then((r) => r.ok)
      .catch(() => false);
    if (ok) return;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error('server did not become ready in 600 s');
}

function printTable(): void {
  const rows: string[][] = [];
  const s = stages;
  const fmt = (v: unknown) => (v === undefined || v === null ? '–' : String(v));
  for (const name of STAGES) {
    const r = s[name];
    const load = r.loadAverage
      ? `${r.loadAverage.before[0].toFixed(1)}→${r.loadAverage.after?.[0].toFixed(1) ?? '?'}`
      : '–';
    const mem = r.memory as Record<string, number | null> | undefined;
    let figure = '';
    if (name === 'ingest' && r.status === 'done') figure = `${fmt(r.eventsPerSecond)} events/s`;
    if (name === 'train' && r.status === 'done') figure = `model ${fmt(r.kind)}`;
    if (name === 'serve' && r.status === 'done') {
      const ops = r.operations as Array<{
        operation: string;
        offered: number;
        p50Ms: number;
        p99Ms: number;
        errors: number;
      }>;
      figure = ops
        .map(
          (o) =>
            `${o.operation.split('(')[0]} @${o.offered}/s p50 ${o.p50Ms} p99 ${o.p99Ms} ms${o.errors ? ` (${o.errors} errors)` : ''}`,
        )
        .join('; ');
    }
    rows.push([
      name,
      r.status,
      fmt(r.seconds),
      fmt(mem?.peakRssMb),
      fmt(mem?.qdrantPeakRssMb),
      fmt(mem?.postgresBackendPeakRssMb),
      load,
      figure,
    ]);
  }
  const header = ['stage', 'status', 'seconds', 'peak RSS MB', 'qdrant MB', 'pg backend MB', 'load 1m', 'figure'];
  console.log(`| ${header.join(' | ')} |\n|${header.map(() => '---').join('|')}|`);
  for (const r of rows) console.log(`| ${r.join(' | ')} |`);
}

async function main(): Promise<void> {
  await mkdir(work, { recursive: true });
  await save();
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  const serveOnly = args['serve-only'];
  if (serveOnly) {
    const previous = JSON.parse(await readFile(out, 'utf8')) as { stages: Record<StageName, StageResult> };
    for (const name of STAGES) if (name !== 'serve') stages[name] = previous.stages[name];
  }
  const written = serveOnly ? {} : await stage('generate', ensureData);
  const databaseUrl = await prepareBenchDatabase(serverUrl, DATABASE, !serveOnly);
  if (!serveOnly) {
    await rm(qdrantDir, { recursive: true, force: true });
    await rm(appDataDir, { recursive: true, force: true });
  }
  const qdrant = await startEmbeddedQdrant({ storageDir: qdrantDir });
  const qdrantPid = pidListeningOn(Number(new URL(qdrant.url).port));
  const sampler = () => new MemorySampler(admin, qdrantPid);
  const env = {
    ...process.env,
    DATABASE_URL: databaseUrl,
    QDRANT_URL: qdrant.url,
    RECGRAPH_DATA_DIR: appDataDir,
    LOG_LEVEL: 'warn',
    NODE_ENV: 'production',
  };
  const catalog: CatalogSize = { users: size.users, items: size.items, ids: 'plain' };
  try {
    if (!serveOnly) await buildStages();
    async function buildStages(): Promise<void> {
      await stage('ingest', async () => {
        const t0 = performance.now();
        const run = await cli(['ingest', 'movielens', String(written.dir), '--json', '--no-progress'], env, sampler());
        const seconds = (performance.now() - t0) / 1000;
        const summary = JSON.parse(run.stdout.slice(run.stdout.indexOf('{'))) as {
          tables: Record<string, { read: number; inserted: number }>;
          timings: Record<string, number>;
          interactionStrategy: string;
        };
        const events = summary.tables.interactions.read;
        const sizes = (
          await admin.query<{ db: string }>(`SELECT pg_size_pretty(pg_database_size($1)) AS db`, [DATABASE])
        ).rows[0];
        return {
          events,
          inserted: summary.tables.interactions.inserted,
          items: summary.tables.items.inserted,
          users: summary.tables.users.inserted,
          eventsPerSecond: Math.round(events / seconds),
          strategy: summary.interactionStrategy,
          timingsMs: summary.timings,
          databaseSize: sizes.db,
          memory: run.memory,
        };
      });

      const trainArgs = [
        'train',
        '--no-export',
        ...(args['tune-budget'] ? ['--tune-budget', args['tune-budget']] : []),
      ];
      const trained = await stage('train', async () => {
        const run = await cli(trainArgs, env, sampler());
        const version = /trained (\S+);/.exec(run.stdout)?.[1];
        if (!version) throw new Error(`no version in the train output: ${run.stdout.slice(-500)}`);
        const meta = JSON.parse(
          await readFile(path.join(appDataDir, 'models', version, 'manifest.json'), 'utf8').catch(() => '{}'),
        ) as { kind?: string; dimension?: number; metrics?: Record<string, unknown> };
        return {
          command: `recgraph ${trainArgs.join(' ')}`,
          version,
          kind: meta.kind,
          dimension: meta.dimension,
          metrics: meta.metrics,
          memory: run.memory,
        };
      });

      const store = new VectorStore({ url: qdrant.url });
      try {
        await stage('export', async () => {
          const run = await cli(['export', String(trained.version)], env, sampler());
          return { memory: run.memory };
        });
        await stage('indexBuild', async () => {
          const m = sampler();
          m.start(undefined);
          const collections: Record<string, unknown> = {};
          try {
            for (const role of ['items_collaborative', 'items_semantic'] as const) {
              const name = await store.resolveAlias(role);
              if (!name) continue;
              const info = await store.waitForIndexing(name, { timeoutMs: 3_600_000 });
              collections[role] = { collection: name, points: info.points_count, indexed: info.indexed_vectors_count };
            }
          } catch (error) {
            m.stop();
            throw error;
          }
          return { collections, memory: m.stop() };
        });
      } finally {
        store.close();
      }
    }

    if (!args['skip-serve']) {
      await stage('serve', async () => {
        const port = await freePort();
        const url = `http://127.0.0.1:${port}/graphql`;
        const m = sampler();
        const t0 = performance.now();
        const child = spawn(
          process.execPath,
          [path.join(root, 'scripts', 'recgraph.mjs'), 'start', '--no-seed', '--port', String(port)],
          { cwd: root, env: { ...env, HOST: '127.0.0.1' }, stdio: ['ignore', 'ignore', 'inherit'] },
        );
        m.start(child.pid);
        try {
          await waitForServer(url, () => child.exitCode !== null);
          const readySeconds = Number(((performance.now() - t0) / 1000).toFixed(1));
          const rssAtReady = mb(statusKb(child.pid!, 'VmRSS'));
          const rates: Record<string, number> = {
            'recommendations(first: 20)': Number(args.rate),
            'similarItems(first: 20)': Number(args['similar-rate']),
            'search(HYBRID, first: 20)': Number(args['search-rate']),
          };
          const operations = [];
          let next = 0;
          for (const scenario of scenarios(catalog).filter((s) => s.name in rates)) {
            // Warm-up: JIT, keep-alive pools, the model decode and the first vector lookups.
            const warm = await runLoad({
              url,
              scenario: scenario.name,
              catalog,
              firstRequest: 5_000_000,
              durationSeconds: 5,
              maxRequests: 2_000,
              mode: { kind: 'open', ratePerSecond: Math.min(100, rates[scenario.name]), process: 'poisson', seed: 99 },
            });
            const before = os.loadavg();
            const open = await runLoad({
              url,
              scenario: scenario.name,
              catalog,
              firstRequest: next,
              durationSeconds: Number(args['open-seconds']),
              maxRequests: 200_000,
              mode: { kind: 'open', ratePerSecond: rates[scenario.name], process: 'poisson', seed: 1 },
            });
            next = open.nextRequest;
            operations.push({
              operation: scenario.name,
              offered: rates[scenario.name],
              achievedPerSecond: Number(open.achievedPerSecond.toFixed(1)),
              p50Ms: Number(open.p50Ms.toFixed(2)),
              p95Ms: Number(open.p95Ms.toFixed(2)),
              p99Ms: Number(open.p99Ms.toFixed(2)),
              maxMs: Number(open.maxMs.toFixed(2)),
              errors: open.errors,
              firstError: open.firstError ?? warm.firstError,
              sendLagP99Ms: Number(open.sendLagP99Ms.toFixed(2)),
              loadAverage: { before, after: os.loadavg() },
            });
            await save();
          }
          const memory = m.stop();
          return {
            readySeconds,
            rssAtReadyMb: rssAtReady,
            rssAfterLoadMb: mb(statusKb(child.pid!, 'VmRSS')),
            qdrantRssMb: qdrantPid === undefined ? null : mb(statusKb(qdrantPid, 'VmRSS')),
            openSeconds: Number(args['open-seconds']),
            arrivals: 'poisson',
            operations,
            memory,
          };
        } finally {
          m.stop();
          if (child.exitCode === null) {
            child.kill('SIGTERM');
            await new Promise((r) => child.once('exit', r));
          }
        }
      });
    }
  } finally {
    await qdrant.stop();
    if (!args.keep) {
      await admin.query(`DROP DATABASE IF EXISTS ${DATABASE} WITH (FORCE)`);
      await rm(qdrantDir, { recursive: true, force: true });
      await rm(appDataDir, { recursive: true, force: true });
    }
    await admin.end();
    await save();
    printTable();
    console.log(`\nwrote ${path.relative(root, out)}`);
  }
}

await main();
