import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloServer } from '@apollo/server';
import { GraphQLError } from 'graphql';
import { afterEach, describe, expect, it } from 'vitest';
import { metricsPlugin } from '../../src/graphql/plugins/metrics.js';
import { createMetrics, metricsHandler, type ServerMetrics } from '../../src/http/metrics.js';

const typeDefs = 'type Query { ok: String! missing: String }';
const resolvers = {
  Query: {
    ok: () => 'ok',
    missing: () => {
      throw new GraphQLError('no such thing', { extensions: { code: 'NOT_FOUND' } });
    },
  },
};

async function values(metrics: ServerMetrics, name: string) {
  const metric = (await metrics.registry.getMetricsAsJSON()).find((m) => m.name === name);
  return (metric?.values ?? []) as Array<{
    value: number;
    labels: Record<string, string | number>;
    metricName?: string;
  }>;
}

describe('createMetrics', () => {
  it('gives every call its own registry, with process metrics by default', async () => {
    const a = createMetrics();
    const b = createMetrics({ defaultMetrics: false });
    a.recordCacheLookup('items', true);
    a.recordCacheLookup('items', true);
    a.recordCacheLookup('items', false);
    expect(await values(a, 'recgraph_cache_lookups_total')).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ value: 2, labels: { cache: 'items', result: 'hit' } }),
        expect.objectContaining({ value: 1, labels: { cache: 'items', result: 'miss' } }),
      ]),
    );
    expect(await values(b, 'recgraph_cache_lookups_total')).toEqual([]);
    expect(await a.registry.metrics()).toContain('process_cpu_user_seconds_total');
    expect(await b.registry.metrics()).not.toContain('process_cpu_user_seconds_total');
  });
});

describe('metricsPlugin', () => {
  it('records latency per operation and type, and errors by code as sent', async () => {
    const metrics = createMetrics({ defaultMetrics: false });
    const apollo = new ApolloServer({
      typeDefs,
      resolvers,
      plugins: [metricsPlugin(metrics, { maxOperationNames: 2 })],
    });
    await apollo.start();
    try {
      await apollo.executeOperation({ query: 'query Home { ok }' });
      await apollo.executeOperation({ query: 'query Home { ok }' });
      await apollo.executeOperation({ query: '{ ok missing }' });
      await apollo.executeOperation({ query: 'query Second { ok }' });
      await apollo.executeOperation({ query: 'query Third { ok }' });
      await apollo.executeOperation({ query: '{ nope' });
    } finally {
      await apollo.stop();
    }
    const counts = (await values(metrics, 'recgraph_graphql_request_duration_seconds'))
      .filter((v) => v.metricName === 'recgraph_graphql_request_duration_seconds_count')
      .map((v) => [v.labels.operation, v.labels.type, v.value]);
    expect(counts).toEqual(
      expect.arrayContaining([
        ['Home', 'query', 2],
        ['(anonymous)', 'query', 1],
        ['Second', 'query', 1],
        ['(other)', 'query', 1], // Third: past maxOperationNames distinct client-chosen names
        ['(unresolved)', 'unknown', 1], // the syntax error: no operation
      ]),
    );
    const errors = (await values(metrics, 'recgraph_graphql_errors_total')).map((v) => [v.labels.code, v.value]);
    expect(errors).toEqual(
      expect.arrayContaining([
        ['NOT_FOUND', 1],
        ['GRAPHQL_PARSE_FAILED', 1],
      ]),
    );
  });

  it('uses 1 ms – 2.5 s buckets', async () => {
    const metrics = createMetrics({ defaultMetrics: false });
    metrics.requestDuration.observe({ operation: 'x', type: 'query' }, 0.004);
    const buckets = (await values(metrics, 'recgraph_graphql_request_duration_seconds')).filter((v) =>
      v.metricName?.endsWith('_bucket'),
    );
    expect(buckets.map((b) => b.labels.le)).toEqual([
      0.001,
      0.0025,
      0.005,
      0.01,
      0.025,
      0.05,
      0.1,
      0.25,
      0.5,
      1,
      2.5,
      '+Inf',
    ]);
    expect(buckets.find((b) => b.labels.le === 0.005)?.value).toBe(1);
    expect(buckets.find((b) => b.labels.le === 0.0025)?.value).toBe(0);
  });
});

describe('metricsHandler', () => {
  let server: http.Server | undefined;
  afterEach(async () => {
    await new Promise((resolve) => server?.close(resolve));
    server = undefined;
  });

  it('serves the registry in the Prometheus text format on GET and refuses other methods', async () => {
    const metrics = createMetrics({ defaultMetrics: false });
    metrics.degradedAnswers.inc({ reason: 'VECTOR_STORE_UNAVAILABLE' });
    server = http.createServer((req, res) => void metricsHandler(metrics)(req, res));
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics`;

    const response = await fetch(base);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/plain; version=0.0.4');
    const text = await response.text();
    expect(text).toContain('recgraph_degraded_answers_total{reason="VECTOR_STORE_UNAVAILABLE"} 1');
    expect(text).toContain('# TYPE recgraph_graphql_request_duration_seconds histogram');

    const post = await fetch(base, { method: 'POST' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
  });
});
