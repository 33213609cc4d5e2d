// Prometheus metrics: one Registry per server (not prom-client's global one, so tests and several servers in one
// process never share counters) and the GET /metrics handler. The Apollo plugin that feeds the GraphQL series is
// src/graphql/plugins/metrics.ts.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ErrorCode } from '../graphql/error-codes.js';
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';

export interface ServerMetrics {
  registry: Registry;
  /** recgraph_graphql_request_duration_seconds{operation, type}: request start to response, per operation. */
  requestDuration: Histogram<'operation' | 'type'>;
  /** recgraph_graphql_errors_total{code}: errors sent to clients, by their final extensions.code. */
  errors: Counter<'code'>;
  /** recgraph_degraded_answers_total{reason}: answers served from a fallback (see graphql/plugins/degraded.ts). */
  degradedAnswers: Counter<'reason'>;
  /** recgraph_cache_lookups_total{cache, result}: result is hit or miss. */
  cacheLookups: Counter<'cache' | 'result'>;
  /** Counts one lookup in the named cache; a plain function, so it can be handed to services on its own. */
  recordCacheLookup: (cache: string, hit: boolean) => void;
  /** recgraph_rerank_seconds: time of each two-stage rerank (graph-rerank.ts), fed by recordRerank. */
  rerankDuration: Histogram;
  recordRerank: (seconds: number) => void;
}

// Serving answers in 1–100 ms; the tail buckets catch cold starts and a struggling dependency.
export const DURATION_BUCKETS_SECONDS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];

export function createMetrics(options: { defaultMetrics?: boolean } = {}): ServerMetrics {
  const registry = new Registry();
  if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: registry });
  const cacheLookups = new Counter({
    name: 'recgraph_cache_lookups_total',
    help: 'Cache lookups by cache and result (hit or miss).',
    labelNames: ['cache', 'result'] as const,
    registers: [registry],
  });
  const rerankDuration = new Histogram({
    name: 'recgraph_rerank_seconds',
    help: 'Time of the two-stage rerank of Qdrant candidates (item-item term), per request.',
    buckets: [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01],
    registers: [registry],
  });
  return {
    registry,
    requestDuration: new Histogram({
      name: 'recgraph_graphql_request_duration_seconds',
      help: 'GraphQL request duration by operation name and type.',
      labelNames: ['operation', 'type'] as const,
      buckets: DURATION_BUCKETS_SECONDS,
      registers: [registry],
    }),
    errors: new Counter({
      name: 'recgraph_graphql_errors_total',
      help: 'Errors returned to GraphQL clients by extensions.code.',
      labelNames: ['code'] as const,
      registers: [registry],
    }),
    degradedAnswers: new Counter({
      name: 'recgraph_degraded_answers_total',
      help: 'Answers served from a fallback because a dependency was unavailable, by reason.',
      labelNames: ['reason'] as const,
      registers: [registry],
    }),
    cacheLookups,
    recordCacheLookup: (cache, hit) => cacheLookups.inc({ cache, result: hit ? 'hit' : 'miss' }),
    rerankDuration,
    recordRerank: (seconds) => rerankDuration.observe(seconds),
  };
}

/** GET (or HEAD) /metrics in the Prometheus text format. */
export function metricsHandler(metrics: ServerMetrics): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  return async (req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      // Shaped like every other refusal of the server (error-codes.ts: BAD_REQUEST, with HTTP's precise 405).
      const code: ErrorCode = 'BAD_REQUEST';
      const body = JSON.stringify({ errors: [{ message: 'GET or HEAD only', extensions: { code } }] });
      res.writeHead(405, {
        allow: 'GET, HEAD',
        'content-type': 'application/json; charset=utf-8',
        'content-length': Buffer.byteLength(body),
      });
      res.end(body);
      return;
    }
    try {
      const body = await metrics.registry.metrics();
      res.writeHead(200, { 'content-type': metrics.registry.contentType, 'content-length': Buffer.byteLength(body) });
      res.end(req.method === 'HEAD' ? undefined : body);
    } catch (error) {
      res
        .writeHead(500, { 'content-type': 'text/plain; charset=utf-8' })
        .end(`metrics collection failed: ${(error as Error).message}\n`);
    }
  };
}
