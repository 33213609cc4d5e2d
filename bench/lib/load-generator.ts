// The load generator of bench:serve, run as its own process (runLoad below spawns it) so its CPU and event loop
// are not the benchmark's or the server's. Two modes, both bounded in time and request count, loopback only:
//   open   — requests are sent on a schedule fixed in advance (Poisson or evenly spaced arrivals) and never wait
//            for earlier answers; each latency runs from the request's INTENDED send time (load-schedule.ts), so a
//            server or generator that falls behind shows as latency (no coordinated omission).
//   closed — `connections` loops, each sending its next request when the previous answer arrived (throughput at
//            a fixed concurrency; latencies from the actual send time).
// A request counts as an error when the connection fails, the status is not 2xx, the body carries GraphQL
// `errors`, or it is still unanswered when the run's grace period ends (its latency then counts as the time it
// had been waiting).
import { spawn } from 'node:child_process';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  arrivalOffsets,
  openLoopLatency,
  summarizeLatencies,
  type ArrivalProcess,
  type LatencySummary,
} from './load-schedule.js';
import { scenarios, type CatalogSize } from './serve-scenarios.js';

export interface LoadConfig {
  url: string;
  scenario: string;
  catalog: CatalogSize;
  /** First request number (runs of one scenario continue the numbering, so a warm-up does not pre-warm caches). */
  firstRequest: number;
  durationSeconds: number;
  /** Hard bound on requests sent. */
  maxRequests: number;
  mode:
    | { kind: 'open'; ratePerSecond: number; process: ArrivalProcess; seed: number }
    | { kind: 'closed'; connections: number };
  /** Sockets the open-loop generator may use at once (requests beyond wait for one — and that wait is latency). */
  maxSockets?: number;
  /** How long after the schedule ends unanswered requests are still waited for. */
  graceSeconds?: number;
}

export interface LoadResult extends LatencySummary {
  sent: number;
  completed: number;
  errors: number;
  /** Successful answers per second over the run (schedule window, or until the last answer if later). */
  achievedPerSecond: number;
  /** Open loop: how late the generator actually sent, p99 (0 for closed loop): a check on the generator itself. */
  sendLagP99Ms: number;
  /** The first error message seen, if any. */
  firstError?: string;
  /** Next unused request number. */
  nextRequest: number;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

interface Outcome {
  ok: boolean;
  error?: string;
}

function post(agent: http.Agent, url: URL, body: string, timeoutMs: number): Promise<Outcome> {
  return new Promise((resolve) => {
    const request = http.request(
      url,
      {
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          const status = response.statusCode ?? 0;
          if (status < 200 || status >= 300) return resolve({ ok: false, error: `HTTP ${status}` });
          const text = Buffer.concat(chunks).toString('utf8');
          // A GraphQL answer with errors is a failed request even with status 200.
          if (text.includes('"errors":')) return resolve({ ok: false, error: text.slice(0, 300) });
          resolve({ ok: true });
        });
        response.on('error', (error) => resolve({ ok: false, error: error.message }));
      },
    );
    request.on('error', (error) => resolve({ ok: false, error: error.message }));
    request.setTimeout(timeoutMs, () => request.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    request.end(body);
  });
}

async function generate(config: LoadConfig): Promise<LoadResult> {
  const url = new URL(config.url);
  if (!LOOPBACK.has(url.hostname)) throw new Error(`load generator: loopback targets only, got ${url.hostname}`);
  const scenario = scenarios(config.catalog).find((s) => s.name === config.scenario);
  if (!scenario) throw new Error(`load generator: unknown scenario ${config.scenario}`);
  const connections = config.mode.kind === 'closed' ? config.mode.connections : (config.maxSockets ?? 512);
  const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
  const latencies: number[] = [];
  const lags: number[] = [];
  let sent = 0;
  let completed = 0;
  let errors = 0;
  let firstError: string | undefined;
  let lastCompletion = 0;
  let request = config.firstRequest;
  const record = (outcome: Outcome, latency: number, now: number) => {
    completed++;
    latencies.push(latency);
    lastCompletion = Math.max(lastCompletion, now);
    if (!outcome.ok) {
      errors++;
      firstError ??= outcome.error;
    }
  };
  const durationMs = config.durationSeconds * 1000;
  const graceMs = (config.graceSeconds ?? 5) * 1000;
  // Start a little in the future so the first arrivals are not already late.
  const start = performance.now() + 20;

  if (config.mode.kind === 'open') {
    const offsets = arrivalOffsets({
      ratePerSecond: config.mode.ratePerSecond,
      durationSeconds: config.durationSeconds,
      maxRequests: config.maxRequests,
      process: config.mode.process,
      seed: config.mode.seed,
    });
    const inFlight = new Map<number, number>(); // request slot → intended time
    await new Promise<void>((done) => {
      let next = 0;
      const tick = () => {
        const now = performance.now();
        while (next < offsets.length && start + offsets[next] <= now) {
          const intended = start + offsets[next];
          const slot = next++;
          lags.push(now - intended);
          inFlight.set(slot, intended);
          sent++;
          void post(agent, url, scenario.body(request++), durationMs + graceMs).then((outcome) => {
            if (!inFlight.delete(slot)) return; // already counted as timed out
            const at = performance.now();
            record(outcome, openLoopLatency(intended, at), at);
          });
        }
        if (next < offsets.length) {
          // Timers fire ≥ 1 ms late; whatever lateness results is charged to latency (measured from intended time).
          setTimeout(tick, Math.max(0, start + offsets[next] - performance.now() - 0.5));
        } else done();
      };
      setTimeout(tick, Math.max(0, start - performance.now()));
    });
    const deadline = start + durationMs + graceMs;
    while (inFlight.size && performance.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    const at = performance.now();
    for (const intended of inFlight.values())
      record({ ok: false, error: 'no answer before the run ended' }, openLoopLatency(intended, at), at);
    inFlight.clear();
  } else {
    while (performance.now() < start) await new Promise((r) => setTimeout(r, 1));
    const end = start + durationMs;
    const loop = async () => {
      while (performance.now() < end && sent < config.maxRequests) {
        sent++;
        const t0 = performance.now();
        const outcome = await post(agent, url, scenario.body(request++), durationMs + graceMs);
        const at = performance.now();
        record(outcome, at - t0, at);
      }
    };
    await Promise.all(Array.from({ length: config.mode.connections }, loop));
  }
  agent.destroy();
  const windowMs = Math.max(durationMs, lastCompletion - start);
  return {
    sent,
    completed,
    errors,
    achievedPerSecond: ((completed - errors) * 1000) / windowMs,
    ...summarizeLatencies(latencies),
    sendLagP99Ms: lags.length ? summarizeLatencies(lags).p99Ms : 0,
    ...(firstError ? { firstError } : {}),
    nextRequest: request,
  };
}

const self = fileURLToPath(import.meta.url);

/** Runs one bounded load in a separate generator process and returns its measurements. */
export function runLoad(config: LoadConfig): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', self, JSON.stringify(config)], {
      cwd: path.dirname(self),
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`load generator exited with ${code}`));
      try {
        resolve(JSON.parse(out) as LoadResult);
      } catch (error) {
        reject(new Error(`load generator printed no result: ${(error as Error).message}`));
      }
    });
  });
}

if (process.argv[1] && path.resolve(process.argv[1]) === self) {
  const result = await generate(JSON.parse(process.argv[2]!) as LoadConfig);
  process.stdout.write(JSON.stringify(result));
}
