// The HTTP front door: GraphQL (Apollo Server 5 through its executeHTTPGraphQLRequest integration API) and health
// probes, on plain node:http — no framework in the hot path.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { HeaderMap, type BaseContext } from '@apollo/server';
import { isConsolePath, type ConsoleHandler } from '../console/routes.js';
import { createGraphQLServer } from '../graphql/apollo.js';
import { createRequestContext, type Services } from '../graphql/context.js';
import { ERROR_CODES, type ErrorCode } from '../graphql/error-codes.js';
import type { QueryLimits } from '../graphql/plugins/limits.js';
import { REQUEST_ID_HEADER, requestIdFromHeader } from '../graphql/plugins/request-log.js';
import type { Logger } from '../logger.js';
import { corsHeaders, handlePreflight, type CorsConfig } from './cors.js';
import { metricsHandler, type ServerMetrics } from './metrics.js';
import { parseRequestTarget } from './request-target.js';

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
  /** Execute repeated queries with graphql-jit (src/graphql/jit-executor.ts); default on. */
  graphqlJit?: boolean;
  /** A readiness check that has not answered by then counts as down (a blackholed dependency never answers). */
  readinessTimeoutMs?: number;
  /** The web console under /console (src/console/); none → /console is a 404 like any unknown route. */
  console?: ConsoleHandler;
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
    readonly code: ErrorCode,
    message: string,
    readonly status: number = ERROR_CODES[code].status,
  ) {
    super(message);
  }
}

/** A GraphQL-shaped error body, so every answer of the server has `errors[].extensions.code`. */
type ErrorBody = { errors: Array<{ message: string; extensions: { code: ErrorCode } }> };

function errorBody(code: ErrorCode, message: string): ErrorBody {
  return { errors: [{ message, extensions: { code } }] };
}

/** `application/json` with any parameters (charset …), compared case-insensitively; not `application/jsonx`. */
export function isJsonContentType(value: string | undefined): boolean {
  return (value ?? '').split(';', 1)[0].trim().toLowerCase() === 'application/json';
}

/** Runs a readiness check, failing it when it has not settled within `timeoutMs`. */
async function checkWithin(check: () => Promise<void>, timeoutMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    await Promise.race([check(), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function payloadTooLarge(limit: number): HttpRefusal {
  return new HttpRefusal('PAYLOAD_TOO_LARGE', `request body larger than ${limit} bytes (RECGRAPH_MAX_BODY_BYTES)`);
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

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request',
  405: 'Method Not Allowed',
  431: 'Request Header Fields Too Large',
};

/** A BAD_REQUEST answer written straight to a socket that has no ServerResponse, then the connection closed. */
function refuseOnSocket(socket: Duplex, status: 400 | 405 | 431, message: string): void {
  const payload = JSON.stringify(errorBody('BAD_REQUEST', message));
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_TEXT[status]}\r\nContent-Type: application/json; charset=utf-8\r\n` +
      `Content-Length: ${Buffer.byteLength(payload)}\r\nConnection: close\r\n\r\n${payload}`,
  );
}

function sendJson(res: http.ServerResponse, status: number, body: unknown): void {
  const payload = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(payload),
  });
  res.end(payload);
}

export async function startHttpServer(
  options: HttpServerOptions,
  listen: { host: string; port: number },
): Promise<RunningServer> {
  const httpServer = http.createServer();
  httpServer.keepAliveTimeout = 65_000;
  const { apollo, precheckQuery } = createGraphQLServer({
    httpServer,
    production: options.production,
    logger: options.logger,
    metrics: options.metrics,
    apiKeys: options.apiKeys,
    queryLimits: options.queryLimits,
    jit: options.graphqlJit ?? true,
  });
  const serveMetrics = metricsHandler(options.metrics);
  await apollo.start();
  const maxBody = options.maxBodyBytes ?? 256 * 1024;
  const readinessTimeoutMs = options.readinessTimeoutMs ?? 1_500;
  let stopping = false;

  const handle = async (req: http.IncomingMessage, res: http.ServerResponse, requestId: string): Promise<void> => {
    const url = parseRequestTarget(req.url);
    try {
      if (!url) throw new HttpRefusal('BAD_REQUEST', 'the request target is not a valid path or absolute URL');
      if (handlePreflight(options.cors, req, res)) return;
      for (const [name, value] of Object.entries(corsHeaders(options.cors, req))) res.setHeader(name, value);
      if (url.pathname === '/health/live') return sendJson(res, 200, { status: 'ok' });
      if (url.pathname === '/metrics') return await serveMetrics(req, res);
      if (options.console && isConsolePath(url.pathname)) return await options.console(req, res, url.pathname);
      if (url.pathname === '/health/ready') {
        // Draining: tell the load balancer to route elsewhere while in-flight requests finish.
        if (stopping) return sendJson(res, 503, { status: 'stopping', checks: {} });
        const results = await Promise.all(
          options.readiness.map(async (probe) => {
            try {
              await checkWithin(() => probe.check(), readinessTimeoutMs);
              return [probe.name, 'ok'] as const;
            } catch (error) {
              return [probe.name, `down: ${(error as Error).message}`] as const;
            }
          }),
        );
        const ready = results.every(([, status]) => status === 'ok');
        return sendJson(res, ready ? 200 : 503, {
          status: ready ? 'ok' : 'unavailable',
          checks: Object.fromEntries(results),
        });
      }
      if (url.pathname !== GRAPHQL_PATH && url.pathname !== '/') {
        const route = url.pathname.slice(0, 100);
        return sendJson(res, ERROR_CODES.NOT_FOUND.status, errorBody('NOT_FOUND', `no route ${route}`));
      }

      const headers = new HeaderMap();
      for (const [key, value] of Object.entries(req.headers)) {
        if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
      }
      headers.set(REQUEST_ID_HEADER, requestId); // the request-log plugin logs and echoes this same id
      const rawBody = req.method === 'POST' ? await readBody(req, maxBody) : '';
      let body: unknown = rawBody;
      if (rawBody && isJsonContentType(headers.get('content-type'))) {
        try {
          body = JSON.parse(rawBody);
        } catch {
          return sendJson(res, 400, errorBody('BAD_REQUEST', 'request body is not valid JSON'));
        }
      }
      const posted = (body as { query?: unknown } | null)?.query;
      const query = req.method === 'GET' ? new URLSearchParams(url.search).get('query') : posted;
      const refused = precheckQuery(query);
      if (refused) {
        options.logger.warn({ requestId, ...refused.extensions }, 'query refused before validation');
        return sendJson(res, 400, { errors: [refused] });
      }
      const response = await apollo.executeHTTPGraphQLRequest({
        httpGraphQLRequest: { method: req.method ?? 'GET', headers, search: url.search, body },
        context: async () => createRequestContext(options.services, { idempotencyKey: headers.get('idempotency-key') }),
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
        return sendJson(res, error.status, errorBody(error.code, error.message));
      }
      throw error;
    }
  };

  httpServer.on('request', (req, res) => {
    const requestId = requestIdFromHeader(req.headers[REQUEST_ID_HEADER] as string | undefined);
    res.setHeader(REQUEST_ID_HEADER, requestId);
    // Nothing a request does may reject unhandled: Node would end the process, and every other request with it.
    handle(req, res, requestId).catch((error: unknown) => {
      options.logger.error({ requestId, err: error }, 'request failed');
      if (res.headersSent) return void res.destroy();
      const status = ERROR_CODES.INTERNAL_SERVER_ERROR.status;
      sendJson(res, status, errorBody('INTERNAL_SERVER_ERROR', 'internal server error'));
    });
  });

  // Requests Node answers (or drops) itself unless told otherwise, answered here like every other refusal:
  // - one its parser refuses (a control character in the target, a header line without a colon, headers over 16 KB)
  //   never reaches 'request', and Node's own answer is a bare 400 without a body;
  // - CONNECT (a proxy tunnel) would be dropped without an answer;
  // - an Expect other than 100-continue would get a bare 417.
  httpServer.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => {
    if (!socket.writable || error.code === 'ECONNRESET') return void socket.destroy();
    const tooLarge = error.code === 'HPE_HEADER_OVERFLOW';
    refuseOnSocket(socket, tooLarge ? 431 : 400, tooLarge ? 'request headers too large' : 'malformed HTTP request');
  });
  httpServer.on('connect', (_req: http.IncomingMessage, socket: Duplex) =>
    refuseOnSocket(socket, 405, 'CONNECT is not supported'),
  );
  httpServer.on('checkExpectation', (_req: http.IncomingMessage, res: http.ServerResponse) => {
    res.setHeader('connection', 'close');
    sendJson(res, 417, errorBody('BAD_REQUEST', 'only Expect: 100-continue is supported'));
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
