// The documented ways to start recgraph must stop it cleanly when only the process the user started gets the signal
// (a supervisor, CI runner or `timeout` signals one pid, not the process group): the server, the bundled Qdrant and
// the embedded Postgres go away and the port is free. Each case runs the real command zero-config on a temp data dir
// (one for the file, so only the first case pays for initdb; cases run one after another).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readdir, readFile, readlink, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../src/net/free-port.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const READY_TIMEOUT_MS = 120_000; // cold tsx compile on a busy 2-core machine; a few seconds when idle
const STOP_TIMEOUT_MS = 30_000;

interface Started {
  child: ChildProcess;
  dataDir: string;
  port: number;
  output: () => string;
}

let dataDir: string;
const running: Started[] = [];

/** A user's shell environment: none of the test run's npm_* / vitest variables, no external services. */
function userEnv(dataDir: string, port: number): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (/^(npm_|VITEST|TEST_)/i.test(key) || ['DATABASE_URL', 'QDRANT_URL', 'NODE_ENV'].includes(key)) continue;
    env[key] = value;
  }
  return { ...env, RECGRAPH_DATA_DIR: dataDir, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'info' };
}

async function start(command: string, args: string[]): Promise<Started> {
  const port = await freePort();
  // Its own process group, so the test can clean up after a failure; the signal under test goes to the pid only.
  const child = spawn(command, args, {
    cwd: ROOT,
    env: userEnv(dataDir, port),
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const started: Started = { child, dataDir, port, output: () => output };
  running.push(started);
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (!output.includes('recgraph is ready in')) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`${command} exited early:\n${output}`);
    if (Date.now() > deadline) throw new Error(`${command} not ready after ${READY_TIMEOUT_MS} ms:\n${output}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return started;
}

interface ProcessInfo {
  pid: number;
  exe: string;
}

/** Every live process started for this data dir: they all inherit RECGRAPH_DATA_DIR (npm, shell, node, Qdrant). */
async function processesOf(dataDir: string): Promise<ProcessInfo[]> {
  const marker = `\0RECGRAPH_DATA_DIR=${dataDir}\0`;
  const found: ProcessInfo[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const environ = await readFile(`/proc/${entry}/environ`, 'latin1');
      if (!`\0${environ}`.includes(marker)) continue;
      const stat = await readFile(`/proc/${entry}/stat`, 'latin1');
      if (stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z')) continue; // exited, awaiting its reaper
      found.push({ pid: Number(entry), exe: await readlink(`/proc/${entry}/exe`).catch(() => '?') });
    } catch {
      // gone meanwhile, or not ours to read
    }
  }
  return found;
}

function exited(child: ChildProcess, timeoutMs: number): Promise<{ code: number | null; signal: string | null }> {
  if (child.exitCode !== null || child.signalCode !== null)
    return Promise.resolve({ code: child.exitCode, signal: child.signalCode });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`still running ${timeoutMs} ms after the signal`)), timeoutMs);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal });
    });
  });
}

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** Signals the started process only, then checks that nothing it started is left and its port is free. */
async function expectCleanStop(
  started: Started,
  signal: NodeJS.Signals,
): Promise<{ code: number | null; signal: string | null }> {
  const live = await fetch(`http://127.0.0.1:${started.port}/health/live`);
  expect(live.status).toBe(200);
  const before = await processesOf(started.dataDir);
  expect(
    before.map((p) => path.basename(p.exe)),
    'the bundled Qdrant runs before the signal',
  ).toContain('qdrant');

  process.kill(started.child.pid!, signal);
  const status = await exited(started.child, STOP_TIMEOUT_MS);

  let left = await processesOf(started.dataDir);
  for (let i = 0; left.length && i < 20; i++) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    left = await processesOf(started.dataDir);
  }
  expect(left, `processes left after ${signal}:\n${started.output()}`).toEqual([]);
  expect(await portIsFree(started.port), `port ${started.port} is free`).toBe(true);
  return status;
}

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'recgraph-signals-'));
});

// After a failed case: nothing it started may outlive the test run.
afterEach(async () => {
  for (const { child } of running.splice(0)) {
    if (child.exitCode !== null || child.signalCode !== null) continue;
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  for (const { pid } of await processesOf(dataDir)) process.kill(pid, 'SIGKILL');
});

afterAll(async () => {
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describe.skipIf(process.platform !== 'linux')('stopping recgraph with a signal to the started process only', () => {
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    it(`npm start stops on ${signal}`, async () => {
      const started = await start('npm', ['start', '--', '--no-seed']);
      const status = await expectCleanStop(started, signal);
      expect(started.output()).toContain(`${signal}: shutting down`);
      expect(status).toEqual({ code: 0, signal: null });
    });
  }

  it('npm start serves the web console and prints where (a fresh clone needs no build step)', async () => {
    const started = await start('npm', ['start', '--', '--no-seed']);
    const consoleUrl = `http://127.0.0.1:${started.port}/console/`;
    expect(started.output()).toContain(`Web console: ${consoleUrl}`);
    const page = await fetch(consoleUrl);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    const script = await fetch(`${consoleUrl}app.js`);
    expect(script.status).toBe(200);
    expect((await script.text()).length).toBeGreaterThan(10_000); // the bundle esbuild built at start
    await expectCleanStop(started, 'SIGTERM');
  });

  it('npx recgraph start stops on SIGTERM (npx runs it under a shell that does not pass the signal on)', async () => {
    const started = await start('npx', ['recgraph', 'start', '--no-seed']);
    await expectCleanStop(started, 'SIGTERM');
    expect(started.output()).toMatch(/parent process \d+ exited: shutting down/);
  });
});
