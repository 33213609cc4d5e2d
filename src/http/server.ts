// The HTTP front door: GraphQL (Apollo Server 5 through its executeHTTPGraphQLRequest integration API) and health
// probes, on plain node:http — no framework in the hot path.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloServer, HeaderMap, type BaseContext } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginLandingPageLocalDefault, ApolloServerPluginLandingPageProductionDefault } from '@apollo/server/plugin/landingPage/default';
import { createRequestContext, type RequestContext, type Services } from '../graphql/context.js';
import { apiKeyPlugin } from '../graphql/plugins/api-key.js';
import { degradedPlugin } from '../graphql/plugins/degraded.js';
import { createFormatError } from '../graphql/plugins/error-format.js';
import { queryLimitsPlugin, queryParseOptions, type QueryLimits } from '../graphql/plugins/limits.js';
import { createQueryPrecheck } from '../graphql/plugins/query-precheck.js';
import { REQUEST_ID_HEADER, requestIdFromHeader, requestLogPlugin } from '../graphql/plugins/request-log.js';
import { resolvers } from '../graphql/resolvers.js';
import { loadTypeDefs } from '../graphql/schema.js';
import type { Logger } from '../logger.js';
import { corsHeaders, handlePreflight, type CorsConfig } from './cors.js';
import { metricsHandler, metricsPlugin, type ServerMetrics } from './metrics.js';

export interface HealthCheck {
  name: string;
  check(): Promise<void>;
}

export interface HttpServerOptions {
  services: Services;
  readiness: HealthCheck[];
  production: boolean;
  logger: Logger;
  metrics: ServerMetrics;
  /** Keys accepted on mutations; none = mutations open in development, refused in production. */
  apiKeys: readonly string[];
  cors: CorsConfig;
  queryLimits?: Partial<QueryLimits>;
  /** Largest accepted request body. */
  maxBodyBytes?: number;
}

export interface RunningServer {
  url: string;
  port: number;
  stop(): Promise<void>;
}

const GRAPHQL_PATH = '/graphql';

/** A request refused at the HTTP layer, answered as a GraphQL-shaped error with this status and code. */
class HttpRefusal extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

function payloadTooLarge(limit: number): HttpRefusal {
  return new HttpRefusal(413, 'PAYLOAD_TOO_LARGE', `request body larger than ${limit} bytes (RECGRAPH_MAX_BODY_BYTES)`);
}

function readBody(req: http.IncomingMessage, limit: number): Promise<string> {
  // A declared length over the limit is refused before a byte is read.
  if (Number(req.headers['content-length'] ?? 0) > limit) return Promise.reject(payloadTooLarge(limit));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        reject(payloadTooLarge(limit));
        // Stop reading; the connection is closed after the 413 is sent (see the catch in the request handler).
        req.pause();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function sendJson(res: http.ServerResponse, status: number, body: unknown): void {
  const payload = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(payload) });
  res.end(payload);
}

export async function startHttpServer(options: HttpServerOptions, listen: { host: string; port: number }): Promise<RunningServer> {
  const httpServer = http.createServer();
  httpServer.keepAliveTimeout = 65_000;
  const apollo = new ApolloServer<RequestContext>({
    typeDefs: loadTypeDefs(),
    resolvers: resolvers as never,
    introspection: !options.production,
    includeStacktraceInErrorResponses: !options.production,
    csrfPrevention: true,
    hideSchemaDetailsFromClientErrors: options.production,
    formatError: createFormatError({ production: options.production }),
    parseOptions: queryParseOptions(options.queryLimits),
    // Each plugin does one thing (src/graphql/plugins/*); order matters only in that auth refuses before limits are computed.
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer }),
      // We set no cache hints; Apollo's default cache-control plugin would still wrap every field resolution.
      ApolloServerPluginCacheControlDisabled(),
      options.production ? ApolloServerPluginLandingPageProductionDefault({ footer: false }) : ApolloServerPluginLandingPageLocalDefault({ embed: true, footer: false }),
      requestLogPlugin({ logger: options.logger }),
      metricsPlugin(options.metrics),
      degradedPlugin({ counter: options.metrics.degradedAnswers }),
      apiKeyPlugin({ apiKeys: options.apiKeys, production: options.production, logger: options.logger }),
      queryLimitsPlugin(options.queryLimits),
    ],
  });
  const precheckQuery = createQueryPrecheck({ maxTokens: options.queryLimits?.maxTokens });
  const serveMetrics = metricsHandler(options.metrics);
  await apollo.start();
  const maxBody = options.maxBodyBytes ?? 256 * 1024;
  let stopping = false;

  httpServer.on('request', async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const requestId = requestIdFromHeader(req.headers[REQUEST_ID_HEADER] as string | undefined);
    res.setHeader(REQUEST_ID_HEADER, requestId);
    try {
      if (handlePreflight(options.cors, req, res)) return;
      for (const [name, value] of Object.entries(corsHeaders(options.cors, req))) res.setHeader(name, value);
      if (url.pathname === '/health/live') return sendJson(res, 200, { status: 'ok' });
      if (url.pathname === '/metrics') return await serveMetrics(req, res);
      if (url.pathname === '/health/ready') {
        // Draining: tell the load balancer to route elsewhere while in-flight requests finish.
        if (stopping) return sendJson(res, 503, { status: 'stopping', checks: {} });
        const results = await Promise.all(
          options.readiness.map(async (probe) => {
            try {
              await probe.check();
              return [probe.name, 'ok'] as const;
            } catch (error) {
              return [probe.name, `down: ${(error as Error).message}`] as const;
            }
          }),
        );
        const ready = results.every(([, status]) => status === 'ok');
        return sendJson(res, ready ? 200 : 503, { status: ready ? 'ok' : 'unavailable', checks: Object.fromEntries(results) });
      }
      if (url.pathname !== GRAPHQL_PATH && url.pathname !== '/') return sendJson(res, 404, { error: `no route ${url.pathname}` });

      const headers = new HeaderMap();
      for (const [key, value] of Object.entries(req.headers)) {
        if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
      }
      headers.set(REQUEST_ID_HEADER, requestId); // the request-log plugin logs and echoes this same id
      const rawBody = req.method === 'POST' ? await readBody(req, maxBody) : '';
      let body: unknown = rawBody;
      if (rawBody && (headers.get('content-type') ?? '').includes('application/json')) {
        try {
          body = JSON.parse(rawBody);
        } catch {
          return sendJson(res, 400, { errors: [{ message: 'request body is not valid JSON', extensions: { code: 'BAD_REQUEST' } }] });
        }
      }
      // Hostile shapes (thousands of repeated fields) are refused before Apollo's validation spends CPU on them.
      const refused = precheckQuery(req.method === 'GET' ? url.searchParams.get('query') : (body as { query?: unknown } | null)?.query);
      if (refused) {
        options.logger.warn({ requestId, ...refused.extensions }, 'query refused before validation');
        return sendJson(res, 400, { errors: [refused] });
      }
      const response = await apollo.executeHTTPGraphQLRequest({
        httpGraphQLRequest: { method: req.method ?? 'GET', headers, search: url.search, body },
        context: async () => createRequestContext(options.services),
      });
      for (const [key, value] of response.headers) res.setHeader(key, value);
      res.statusCode = response.status ?? 200;
      if (response.body.kind === 'complete') {
        res.end(response.body.string);
      } else {
        for await (const chunk of response.body.asyncIterator) res.write(chunk);
        res.end();
      }
    } catch (error) {
      if (error instanceof HttpRefusal) {
        // The unread rest of the body would be parsed as the next request: close the connection after answering.
        res.setHeader('connection', 'close');
        return sendJson(res, error.status, { errors: [{ message: error.message, extensions: { code: error.code } }] });
      }
      options.logger.error({ requestId, err: error }, 'request failed');
      if (!res.headersSent) sendJson(res, 500, { errors: [{ message: 'internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } }] });
      else res.end();
    }
  });

  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(listen.port, listen.host, () => resolve());
  });
  const { port } = httpServer.address() as AddressInfo;
  const shownHost = listen.host === '0.0.0.0' || listen.host === '::' ? 'localhost' : listen.host;
  return {
    url: `http://${shownHost}:${port}${GRAPHQL_PATH}`,
    port,
    // Apollo's drain plugin closes the listener, closes idle keep-alive connections and waits for in-flight
    // requests (up to 10 s, then it closes the rest).
    stop: () => {
      stopping = true;
      return apollo.stop();
    },
  };
}

export type { BaseContext };
