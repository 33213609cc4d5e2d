// The pure parts of bench:serve's open-loop generator: the arrival schedule and the latency math (no timing here).
import { describe, expect, it } from 'vitest';
import {
  arrivalOffsets,
  openLoopLatency,
  percentile,
  seededUniform,
  summarizeLatencies,
} from '../../bench/lib/load-schedule.js';
import { cpuBetween } from '../../bench/lib/proc-cpu.js';

describe('arrivalOffsets', () => {
  it('spaces even arrivals exactly 1/rate apart, all inside the duration', () => {
    const offsets = arrivalOffsets({ ratePerSecond: 250, durationSeconds: 2, process: 'even' });
    expect(offsets.length).toBe(500);
    expect(offsets[0]).toBe(0);
    expect(offsets[1]).toBeCloseTo(4, 10);
    expect(offsets[499]).toBeCloseTo(1996, 6);
  });

  it('draws Poisson arrivals: ascending, inside the duration, about rate × duration of them, gaps with mean 1/rate', () => {
    const offsets = arrivalOffsets({ ratePerSecond: 1000, durationSeconds: 20, seed: 3 });
    // 20,000 expected; a Poisson count has sd √20000 ≈ 141, so ± 700 is a 5-sigma band.
    expect(Math.abs(offsets.length - 20_000)).toBeLessThan(700);
    for (let i = 1; i < offsets.length; i++) expect(offsets[i]).toBeGreaterThanOrEqual(offsets[i - 1]);
    expect(offsets[offsets.length - 1]).toBeLessThan(20_000);
    const gaps = Array.from(offsets.subarray(1), (t, i) => t - offsets[i]);
    const mean = gaps.reduce((a, b) => a + b, 0) / gaps.length;
    expect(mean).toBeGreaterThan(0.95);
    expect(mean).toBeLessThan(1.05);
    // Exponential gaps: the coefficient of variation is 1 (even spacing would give 0), and P(gap > mean) = e^-1.
    const sd = Math.sqrt(gaps.reduce((a, g) => a + (g - mean) ** 2, 0) / gaps.length);
    expect(sd / mean).toBeGreaterThan(0.9);
    expect(sd / mean).toBeLessThan(1.1);
    const longer = gaps.filter((g) => g > mean).length / gaps.length;
    expect(longer).toBeGreaterThan(Math.exp(-1) - 0.03);
    expect(longer).toBeLessThan(Math.exp(-1) + 0.03);
  });

  it('is fixed by its seed and bounded by maxRequests', () => {
    const a = arrivalOffsets({ ratePerSecond: 500, durationSeconds: 1, seed: 9 });
    expect(arrivalOffsets({ ratePerSecond: 500, durationSeconds: 1, seed: 9 })).toEqual(a);
    expect(arrivalOffsets({ ratePerSecond: 500, durationSeconds: 1, seed: 10 })).not.toEqual(a);
    expect(arrivalOffsets({ ratePerSecond: 10_000, durationSeconds: 10, maxRequests: 123 }).length).toBe(123);
    expect(
      arrivalOffsets({ ratePerSecond: 10_000, durationSeconds: 10, maxRequests: 77, process: 'even' }).length,
    ).toBe(77);
  });

  it('rejects a rate or duration that is not positive', () => {
    expect(() => arrivalOffsets({ ratePerSecond: 0, durationSeconds: 1 })).toThrow(/rate/);
    expect(() => arrivalOffsets({ ratePerSecond: 10, durationSeconds: -1 })).toThrow(/duration/);
    expect(() => arrivalOffsets({ ratePerSecond: Number.NaN, durationSeconds: 1 })).toThrow(/rate/);
  });
});

describe('latency math', () => {
  it('takes nearest-rank percentiles', () => {
    const sorted = Float64Array.from({ length: 100 }, (_, i) => i + 1); // 1 … 100
    expect(percentile(sorted, 0.5)).toBe(50);
    expect(percentile(sorted, 0.99)).toBe(99);
    expect(percentile(sorted, 1)).toBe(100);
    expect(percentile(sorted, 0)).toBe(1);
    expect(percentile([7], 0.99)).toBe(7);
    expect(percentile([], 0.5)).toBeNaN();
    expect(() => percentile(sorted, 1.5)).toThrow(RangeError);
  });

  it('summarizes unsorted latencies without reordering them', () => {
    const latencies = [5, 1, 100, 3, 2, 4, 6, 8, 7, 9];
    const summary = summarizeLatencies(latencies);
    expect(summary).toEqual({ p50Ms: 5, p95Ms: 100, p99Ms: 100, maxMs: 100 });
    expect(latencies[0]).toBe(5);
  });

  it('measures open-loop latency from the intended send time, so a late send counts', () => {
    // Due at 100 ms, actually sent at 130 ms (generator or sockets behind), answered at 135 ms: 35 ms, not 5.
    expect(openLoopLatency(100, 135)).toBe(35);
  });

  it('has a uniform generator in [0, 1)', () => {
    const next = seededUniform(42);
    const draws = Array.from({ length: 10_000 }, next);
    expect(Math.min(...draws)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...draws)).toBeLessThan(1);
    const mean = draws.reduce((a, b) => a + b, 0) / draws.length;
    expect(Math.abs(mean - 0.5)).toBeLessThan(0.02);
  });
});

describe('cpuBetween', () => {
  it('sums per-process deltas; a process that started meanwhile counts from zero', () => {
    const before = new Map([
      [1, 100],
      [2, 50],
    ]);
    const after = new Map([
      [1, 130],
      [2, 55],
      [3, 7],
    ]);
    expect(cpuBetween(before, after)).toBe(30 + 5 + 7);
  });
});
