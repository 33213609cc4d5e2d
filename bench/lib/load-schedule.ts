// The pure parts of the load generator (bench/lib/load-generator.ts): when requests are due, and what a set of
// measured latencies says. Kept free of timing and I/O so they can be unit-tested.

import { uniform } from '../../src/random.js';

export type ArrivalProcess = 'poisson' | 'even';

export interface ScheduleOptions {
  /** Offered requests per second. */
  ratePerSecond: number;
  /** Length of the schedule. */
  durationSeconds: number;
  /** Hard bound on the number of requests, whatever the rate and duration say. */
  maxRequests?: number;
  /** Poisson (exponential gaps, like independent users) or evenly spaced arrivals. */
  process?: ArrivalProcess;
  /** Seed of the Poisson gaps: the same seed gives the same schedule. */
  seed?: number;
}

/** Uniform in [0, 1) from a seed: the repository's one seeded generator (src/random.ts). */
export const seededUniform = uniform;

/**
 * Intended send times in ms from the start of the run, ascending, all before `durationSeconds`. They are fixed
 * before the run starts and never depend on responses: that is what makes the load open-loop.
 */
export function arrivalOffsets(options: ScheduleOptions): Float64Array {
  const { ratePerSecond, durationSeconds } = options;
  if (!(ratePerSecond > 0) || !Number.isFinite(ratePerSecond))
    throw new RangeError(`rate must be > 0, got ${ratePerSecond}`);
  if (!(durationSeconds > 0) || !Number.isFinite(durationSeconds))
    throw new RangeError(`duration must be > 0, got ${durationSeconds}`);
  const durationMs = durationSeconds * 1000;
  const expected = Math.ceil(ratePerSecond * durationSeconds);
  const cap = Math.min(options.maxRequests ?? Infinity, Math.ceil(expected * 1.5) + 100);
  const meanGapMs = 1000 / ratePerSecond;
  const offsets: number[] = [];
  if ((options.process ?? 'poisson') === 'even') {
    for (let i = 0; i < expected && i < cap; i++) offsets.push(i * meanGapMs);
  } else {
    const nextUniform = seededUniform(options.seed ?? 1);
    let t = 0;
    for (;;) {
      // Exponential gap by inversion; 1 - u is in (0, 1], so the log is finite.
      t += -Math.log(1 - nextUniform()) * meanGapMs;
      if (t >= durationMs || offsets.length >= cap) break;
      offsets.push(t);
    }
  }
  return Float64Array.from(offsets);
}

/** Nearest-rank percentile of ascending `sorted` (q in [0, 1]): the smallest value with ≥ q of the data at or below. */
export function percentile(sorted: ArrayLike<number>, q: number): number {
  if (q < 0 || q > 1) throw new RangeError(`quantile must be in [0, 1], got ${q}`);
  const n = sorted.length;
  if (!n) return NaN;
  const rank = Math.max(1, Math.ceil(q * n));
  return sorted[rank - 1];
}

export interface LatencySummary {
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  maxMs: number;
}

/** Percentiles of the latencies (any order; not modified). */
export function summarizeLatencies(latenciesMs: ArrayLike<number>): LatencySummary {
  const sorted = Float64Array.from(latenciesMs).sort();
  return {
    p50Ms: percentile(sorted, 0.5),
    p95Ms: percentile(sorted, 0.95),
    p99Ms: percentile(sorted, 0.99),
    maxMs: sorted.length ? sorted[sorted.length - 1] : NaN,
  };
}

/**
 * Latency of an open-loop request: from when it was due to when its answer arrived — not from when it was actually
 * sent, so a generator or socket that falls behind shows as latency instead of hiding it (coordinated omission).
 */
export function openLoopLatency(intendedAtMs: number, completedAtMs: number): number {
  return completedAtMs - intendedAtMs;
}
