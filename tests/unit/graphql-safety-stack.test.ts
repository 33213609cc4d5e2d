// The plugins together, wired as src/http/server.ts is meant to wire them: one node:http server on 127.0.0.1:0.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { ApolloServer, HeaderMap } from '@apollo/server';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiKeyPlugin } from '../../src/graphql/plugins/api-key.js';
import { degradedPlugin, markDegraded, VECTOR_STORE_UNAVAILABLE } from '../../src/graphql/plugins/degraded.js';
import { createFormatError } from '../../src/graphql/error-format.js';
import { queryLimitsPlugin, queryParseOptions } from '../../src/graphql/plugins/limits.js';
import { createQueryPrecheck } from '../../src/graphql/query-precheck.js';
import { REQUEST_ID_HEADER, requestIdFromHeader, requestLogPlugin } from '../../src/graphql/plugins/request-log.js';
import { corsHeaders, handlePreflight } from '../../src/http/cors.js';
import { metricsPlugin } from '../../src/graphql/plugins/metrics.js';
import { createMetrics, metricsHandler } from '../../src/http/metrics.js';
import type { Logger } from '../../src/logger.js';

const typeDefs = `
  type Query { recommendations(userId: ID!, first: Int = 20): [String!]! broken: String }
  type Mutation { deleteItems(ids: [ID!]!): Int! }
`;
const resolvers = {
  Query: {
    recommendations: (_p: unknown, args: { first: number }, context: object) => {
      markDegraded(context, VECTOR_STORE_UNAVAILABLE); // as if Qdrant were down: popular items from Postgres
      return Array.from({ length: Math.min(args.first, 3) }, (_, i) => `popular-${i}`);
    },
    broken: () => {
      throw new Error('relation "items_v2" does not exist');
    },
  },
  Mutation: { deleteItems: (_p: unknown, args: { ids: string[] }) => args.ids.length },
};

interface GraphQLBody {
  data?: unknown;
  errors: Array<{ message: string; extensions: Record<string, unknown> }>;
}
const bodyOf = async (response: Response) => (await response.json()) as GraphQLBody;

describe('the safety and operations plugins together', () => {
  const logLines: Array<Record<string, unknown>> = [];
  const logger = pino(
    { level: 'info' },
    new Writable({
      write: (chunk, _e, done) => (
        logLines.push(
          ...String(chunk)
            .split('\n')
            .filter(Boolean)
            .map((l) => JSON.parse(l)),
        ),
        done()
      ),
    }),
  ) as unknown as Logger;
  const metrics = createMetrics({ defaultMetrics: false });
  const cors = { origins: ['https://app.example.com'] };
  let server: http.Server;
  let apollo: ApolloServer<object>;
  let url: string;

  beforeAll(async () => {
    apollo = new ApolloServer<object>({
      typeDefs,
      resolvers,
      introspection: false,
      includeStacktraceInErrorResponses: false,
      csrfPrevention: true,
      formatError: createFormatError({ production: true }),
      parseOptions: queryParseOptions(),
      plugins: [
        requestLogPlugin({ logger }),
        metricsPlugin(metrics),
        degradedPlugin({ counter: metrics.degradedAnswers }),
        apiKeyPlugin({ apiKeys: ['k-123'], production: true, logger }),
        queryLimitsPlugin({ maxCost: 200 }),
      ],
    });
    await apollo.start();
    const precheck = createQueryPrecheck();
    const serveMetrics = metricsHandler(metrics);
    server = http.createServer(async (req, res) => {
      const requestId = requestIdFromHeader(req.headers[REQUEST_ID_HEADER] as string | undefined);
      res.setHeader(REQUEST_ID_HEADER, requestId);
      if (handlePreflight(cors, req, res)) return;
      for (const [name, value] of Object.entries(corsHeaders(cors, req))) res.setHeader(name, value);
      const target = new URL(req.url ?? '/', 'http://localhost');
      if (target.pathname === '/metrics') return serveMetrics(req, res);
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const body = chunks.length ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : '';
      const refused = precheck(req.method === 'GET' ? target.searchParams.get('query') : body?.query);
      if (refused) {
        res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ errors: [refused] }));
        return;
      }
      const headers = new HeaderMap();
      for (const [key, value] of Object.entries(req.headers)) if (typeof value === 'string') headers.set(key, value);
      headers.set(REQUEST_ID_HEADER, requestId);
      const response = await apollo.executeHTTPGraphQLRequest({
        httpGraphQLRequest: { method: req.method ?? 'GET', headers, search: target.search, body },
        context: async () => ({}),
      });
      for (const [key, value] of response.headers) res.setHeader(key, value);
      res.statusCode = response.status ?? 200;
      res.end(response.body.kind === 'complete' ? response.body.string : '');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    await apollo.stop();
  });

  const post = (query: string, headers: Record<string, string> = {}) =>
    fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ query }),
    });

  it('answers a degraded query with data, extensions.degraded, the request id, a log line and metrics', async () => {
    const response = await post('query Recs { recommendations(userId: "u", first: 3) }', {
      'x-request-id': 'trace-1',
      origin: 'https://app.example.com',
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-request-id')).toBe('trace-1');
    expect(response.headers.get('access-control-allow-origin')).toBe('https://app.example.com');
    expect(await response.json()).toEqual({
      data: { recommendations: ['popular-0', 'popular-1', 'popular-2'] },
      extensions: { degraded: { reasons: ['VECTOR_STORE_UNAVAILABLE'] } },
    });
    expect(logLines.find((l) => l.requestId === 'trace-1')).toMatchObject({
      level: 40,
      operationName: 'Recs',
      degraded: true,
    });
    const text = await (await fetch(url.replace('/graphql', '/metrics'))).text();
    expect(text).toContain('recgraph_degraded_answers_total{reason="VECTOR_STORE_UNAVAILABLE"} 1');
    expect(text).toMatch(/recgraph_graphql_request_duration_seconds_count\{operation="Recs",type="query"\} 1/);
  });

  it('refuses, each with its code and status: no API key 401, too costly 400, hostile repetition 400', async () => {
    const unauthenticated = await post('mutation { deleteItems(ids: ["a"]) }');
    expect(unauthenticated.status).toBe(401);
    expect((await bodyOf(unauthenticated)).errors[0].extensions.code).toBe('UNAUTHENTICATED');
    const authorised = await post('mutation { deleteItems(ids: ["a"]) }', { authorization: 'Bearer k-123' });
    expect(await authorised.json()).toEqual({ data: { deleteItems: 1 } });

    const costly = await post('{ recommendations(userId: "u", first: 500) }');
    expect(costly.status).toBe(400);
    expect((await bodyOf(costly)).errors[0].extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', limit: 'cost' });

    const hostile = await post(`{ ${Array(150).fill('a: recommendations(userId: "u")').join(' ')} }`);
    expect(hostile.status).toBe(400);
    expect((await bodyOf(hostile)).errors[0].extensions).toMatchObject({
      code: 'QUERY_TOO_COMPLEX',
      limit: 'fieldComparisons',
    });
  });

  it('hides an internal error from the client and logs it with the request id', async () => {
    const response = await post('{ broken }', { 'x-request-id': 'trace-2' });
    const body = await bodyOf(response);
    expect(body.errors[0]).toMatchObject({
      message: 'Internal server error',
      extensions: { code: 'INTERNAL_SERVER_ERROR' },
    });
    expect(JSON.stringify(body)).not.toContain('items_v2');
    const logged = logLines.find((l) => l.requestId === 'trace-2' && l.level === 50);
    expect((logged?.err as { message: string }).message).toBe('relation "items_v2" does not exist');
  });
});
