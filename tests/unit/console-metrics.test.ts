// The console's Health page reads /metrics in the browser: the Prometheus text parser and the histogram quantile it
// uses, on the exact text prom-client writes for recgraph's own registry.
import { describe, expect, it } from 'vitest';
import { createMetrics } from '../../src/http/metrics.js';
import { loadConfig } from '../../src/config.js';
import {
  counterBy,
  histogramDelta,
  histogramQuantile,
  histogramsBy,
  parsePrometheus,
} from '../../console/prometheus.js';

describe('console /metrics reading', () => {
  it('reads per-operation histograms, errors and degraded answers from the registry prom-client writes', async () => {
    const metrics = createMetrics({ defaultMetrics: false });
    // 100 observations spread evenly over 1..100 ms for one operation, 2 slow ones for another.
    for (let i = 1; i <= 100; i++)
      metrics.requestDuration.observe({ operation: 'Recommendations', type: 'query' }, i / 1000);
    metrics.requestDuration.observe({ operation: 'Search "x"', type: 'query' }, 2);
    metrics.requestDuration.observe({ operation: 'Search "x"', type: 'query' }, 2);
    metrics.errors.inc({ code: 'BAD_USER_INPUT' }, 3);
    metrics.degradedAnswers.inc({ reason: 'VECTOR_STORE_UNAVAILABLE' });
    const samples = parsePrometheus(await metrics.registry.metrics());

    const byOperation = histogramsBy(samples, 'recgraph_graphql_request_duration_seconds', 'operation');
    const recs = byOperation.get('Recommendations')!;
    expect(recs.count).toBe(100);
    expect(recs.sum).toBeCloseTo(5.05, 6);
    expect(recs.buckets.at(-1)).toEqual({ le: Infinity, count: 100 });
    // Bucket bounds 25, 50, 100 ms: the median lies in (25, 50], interpolated at 50 ms exactly (50 of 100 ≤ 50 ms).
    expect(histogramQuantile(0.5, recs)).toBeCloseTo(0.05, 9);
    expect(histogramQuantile(0.95, recs)).toBeCloseTo(0.05 + 0.05 * (45 / 50), 9);
    // Escaped quotes in a label value survive; both slow requests fall in the (1, 2.5] s bucket.
    const search = byOperation.get('Search "x"')!;
    expect(search.count).toBe(2);
    expect(histogramQuantile(0.5, search)).toBeCloseTo(1.75, 9);

    expect(counterBy(samples, 'recgraph_graphql_errors', 'code')).toEqual(new Map([['BAD_USER_INPUT', 3]]));
    expect(counterBy(samples, 'recgraph_degraded_answers', 'reason')).toEqual(
      new Map([['VECTOR_STORE_UNAVAILABLE', 1]]),
    );
  });

  it('takes deltas between scrapes, and answers undefined for an empty histogram', () => {
    const earlier = {
      buckets: [
        { le: 0.01, count: 2 },
        { le: Infinity, count: 4 },
      ],
      count: 4,
      sum: 1,
    };
    const later = {
      buckets: [
        { le: 0.01, count: 5 },
        { le: Infinity, count: 10 },
      ],
      count: 10,
      sum: 3,
    };
    expect(histogramDelta(later, earlier)).toEqual({
      buckets: [
        { le: 0.01, count: 3 },
        { le: Infinity, count: 6 },
      ],
      count: 6,
      sum: 2,
    });
    // A restarted server (counts went down): the later scrape alone.
    expect(histogramDelta(earlier, later)).toBe(earlier);
    expect(histogramQuantile(0.5, { buckets: [{ le: Infinity, count: 0 }], count: 0, sum: 0 })).toBeUndefined();
    // Past the last finite bound: that bound (as Prometheus's histogram_quantile answers).
    expect(histogramQuantile(0.99, later)).toBe(0.01);
  });

  it('serves the console in development by default, and in production only with RECGRAPH_CONSOLE=on', () => {
    expect(loadConfig({}).console).toBe(true);
    expect(loadConfig({ RECGRAPH_CONSOLE: 'off' }).console).toBe(false);
    expect(loadConfig({ NODE_ENV: 'production' }).console).toBe(false);
    expect(loadConfig({ NODE_ENV: 'production', RECGRAPH_CONSOLE: 'on' }).console).toBe(true);
    expect(() => loadConfig({ RECGRAPH_CONSOLE: 'maybe' })).toThrow(/RECGRAPH_CONSOLE must be on or off/);
  });
});
