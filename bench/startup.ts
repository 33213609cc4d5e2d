/**
 * bench:startup — what a new user of `npm start` sees, measured from outside the process:
 *   1. fresh start (empty data directory: embedded Postgres + Qdrant, migrate, seed the demo, train, export, serve)
 *      → seconds until the README's example query answers;
 *   2. latency of `recommendations(first: 20)` with item fields on the demo data: sequential requests (one at a
 *      time, so this is the latency of one request, not a throughput figure) over random demo readers;
 *   3. Ctrl-C (SIGINT) → seconds until the process and everything it started have exited;
 *   4. second start on the same data directory (no retraining) → seconds until the example query answers;
 *   5. the server process's resident memory (RSS, from /proc) after the requests of each start: the fresh start
 *      also trained in-process, the second one only serves (the figure a restarted demo server runs at); and the
 *      RSS of the processes it started (the embedded Postgres and the bundled Qdrant), apart.
 *
 *   npm run bench:startup [-- --requests 500]
 * Runs `node scripts/recgraph.mjs start` exactly as `npm start` does, with DATABASE_URL / QDRANT_URL unset and
 * RECGRAPH_DATA_DIR in a temp directory (deleted afterwards). Prints a table, writes bench/results/startup.json.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { EXAMPLE_QUERY } from '../src/runtime/start.js';
import { freePort } from '../src/net/free-port.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values: args } = parseArgs({ options: { requests: { type: 'string', default: '500' } } });
const requests = Number(args.requests);

const RECOMMENDATIONS = `query Recs($userId: ID!) {
  recommendations(userId: $userId, first: 20) { strategy items { score source item { id title creators genres year } } }
}`;

function startServer(dataDir: string, port: number): ChildProcess {
  const env: NodeJS.ProcessEnv = { ...process.env, RECGRAPH_DATA_DIR: dataDir, PORT: String(port), LOG_LEVEL: 'warn' };
  delete env.DATABASE_URL;
  delete env.QDRANT_URL;
  const child = spawn(process.execPath, [path.join(root, 'scripts/recgraph.mjs'), 'start'], {
    cwd: root,
    env,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  return child;
}

async function graphql(
  port: number,
  query: string,
  variables?: Record<string, unknown>,
): Promise<{ data?: unknown; errors?: unknown[] }> {
  const response = await fetch(`http://127.0.0.1:${port}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query, variables }),
  });
  return (await response.json()) as { data?: unknown; errors?: unknown[] };
}

/** Seconds from `t0` until the example query answers without errors. */
async function untilAnswered(port: number, child: ChildProcess, t0: number): Promise<number> {
  for (;;) {
    if (child.exitCode !== null) throw new Error(`recgraph start exited with code ${child.exitCode} before answering`);
    try {
      const body = await graphql(port, EXAMPLE_QUERY);
      if (body.data && !body.errors) return (performance.now() - t0) / 1000;
      if (body.errors) throw new Error(`example query failed: ${JSON.stringify(body.errors)}`);
    } catch (error) {
      if (!(error instanceof TypeError)) throw error; // fetch's TypeError = not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function stop(child: ChildProcess): Promise<number> {
  const t0 = performance.now();
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGINT');
  await exited;
  return (performance.now() - t0) / 1000;
}

/** Resident memory of a process now and at its peak, in MB (Linux /proc; null elsewhere). */
function memoryOf(pid: number | undefined): { rssMb: number; peakRssMb: number } | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
    return { rssMb: Math.round(kb('VmRSS') / 1024), peakRssMb: Math.round(kb('VmHWM') / 1024) };
  } catch {
    return null;
  }
}

/** RSS of the server's child processes (embedded Postgres: node; bundled Qdrant: qdrant), by program name. */
function childrenMemory(pid: number | undefined): Record<string, number> {
  const out: Record<string, number> = {};
  try {
    const children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean);
    for (const child of children) {
      const name = readFileSync(`/proc/${child}/comm`, 'utf8').trim() === 'qdrant' ? 'qdrant' : 'embeddedPostgres';
      out[name] = (out[name] ?? 0) + (memoryOf(Number(child))?.rssMb ?? 0);
    }
  } catch {
    // not Linux, or gone
  }
  return out;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function main(): Promise<void> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'recgraph-startup-'));
  const port = await freePort();
  try {
    let t0 = performance.now();
    let child = startServer(dataDir, port);
    const freshSeconds = await untilAnswered(port, child, t0);

    // Demo readers are reader-00001 … (see training/demo/generate.ts); a fixed-seed walk over the first 2,000.
    let seed = 42;
    const next = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed);
    const latencies: number[] = [];
    const warmUp = 50;
    for (let i = 0; i < warmUp + requests; i++) {
      const userId = `reader-${String((next() % 2000) + 1).padStart(5, '0')}`;
      const t = performance.now();
      const body = await graphql(port, RECOMMENDATIONS, { userId });
      const ms = performance.now() - t;
      if (body.errors) throw new Error(`recommendations failed: ${JSON.stringify(body.errors)}`);
      if (i >= warmUp) latencies.push(ms);
    }
    latencies.sort((a, b) => a - b);
    const freshMemory = memoryOf(child.pid);
    const freshChildren = childrenMemory(child.pid);
    const stopSeconds = await stop(child);

    t0 = performance.now();
    child = startServer(dataDir, port);
    const secondSeconds = await untilAnswered(port, child, t0);
    for (let i = 0; i < 200; i++) {
      const body = await graphql(port, RECOMMENDATIONS, {
        userId: `reader-${String((next() % 2000) + 1).padStart(5, '0')}`,
      });
      if (body.errors) throw new Error(`recommendations failed: ${JSON.stringify(body.errors)}`);
    }
    const secondMemory = memoryOf(child.pid);
    const secondChildren = childrenMemory(child.pid);
    await stop(child);

    const result = {
      benchmark: 'startup',
      date: new Date().toISOString(),
      machine: {
        cpus: os.cpus().length,
        node: process.version,
        loadAverage: os.loadavg().map((x) => Number(x.toFixed(2))),
      },
      freshStartToFirstAnswerSeconds: Number(freshSeconds.toFixed(1)),
      secondStartToFirstAnswerSeconds: Number(secondSeconds.toFixed(1)),
      shutdownSeconds: Number(stopSeconds.toFixed(2)),
      serverMemory: { afterFreshStartAndRequests: freshMemory, afterSecondStartAndRequests: secondMemory },
      childProcessesRssMb: { afterFreshStartAndRequests: freshChildren, afterSecondStartAndRequests: secondChildren },
      recommendationsFirst20: {
        requests: latencies.length,
        mode: 'sequential (one request at a time)',
        p50Ms: Number(percentile(latencies, 50).toFixed(2)),
        p95Ms: Number(percentile(latencies, 95).toFixed(2)),
        p99Ms: Number(percentile(latencies, 99).toFixed(2)),
      },
    };
    console.log(
      [
        ['fresh npm start → first answer', `${result.freshStartToFirstAnswerSeconds} s`],
        ['second npm start → first answer', `${result.secondStartToFirstAnswerSeconds} s`],
        ['Ctrl-C → everything stopped', `${result.shutdownSeconds} s`],
        [
          'server RSS: fresh start (trained in-process) / second start',
          `${freshMemory?.rssMb ?? '–'} / ${secondMemory?.rssMb ?? '–'} MB`,
        ],
        [
          'its children (second start): embedded Postgres / Qdrant',
          `${secondChildren.embeddedPostgres ?? '–'} / ${secondChildren.qdrant ?? '–'} MB`,
        ],
        [
          `recommendations(first: 20) p50 / p95 / p99 (${latencies.length} sequential)`,
          `${result.recommendationsFirst20.p50Ms} / ${result.recommendationsFirst20.p95Ms} / ${result.recommendationsFirst20.p99Ms} ms`,
        ],
      ]
        .map(([k, v]) => `${k.padEnd(62)} ${v}`)
        .join('\n'),
    );
    await mkdir(path.join(root, 'bench/results'), { recursive: true });
    await writeFile(path.join(root, 'bench/results/startup.json'), JSON.stringify(result, null, 2) + '\n');
    console.log('wrote bench/results/startup.json');
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
}

await main();
