// JSON over node:http(s) with a keep-alive agent: the transport every Qdrant call goes through.
// Why not @qdrant/js-client-rest's own transport (bench/qdrant-transport.ts, bench/results/qdrant-transport.json):
// - its ≈ 44 ms stall per answer over ≈ 1 KB is response compression meeting Nagle: fetch asks for
//   `accept-encoding: gzip, deflate`, Qdrant then writes the gzipped answer as two TCP segments, and the second waits
//   for the ACK of the first, which the client's kernel delays ≈ 40 ms. Asking for `identity` (as node:http does
//   here: no accept-encoding) removes it;
// - tuned that way (identity, 64 connections) the client still does not match this transport at 32 requests in
//   flight — p50 63–73 ms vs 44–51, p99 178–185 vs 92–133, 400–480 vs 620–680 req/s — and costs ≈ 3× the client
//   CPU per request (0.9 vs 0.3 ms: fetch's WHATWG streams), CPU the server needs on 2 cores.
// We still reuse that package's request/response types as the schema of requests.
import http from 'node:http';
import https from 'node:https';
import { QdrantError, QdrantUnavailableError } from './errors.js';

export interface TransportOptions {
  /** Base URL of Qdrant's REST API, e.g. http://127.0.0.1:6333 (a path prefix is kept, for proxies). */
  url: string;
  /** Sent as the `api-key` header when set (Qdrant's service.api_key). */
  apiKey?: string;
  /** Default per-request deadline (connect + send + full response). */
  timeoutMs?: number;
  /** Sockets per host: at least the number of requests expected in flight at once (serving runs ~32+). */
  maxSockets?: number;
  /**
   * Idle pooled sockets are closed after this long (default 1 s). Below Qdrant's 5 s keep-alive, so we close
   * first instead of racing the server; and a Qdrant being stopped waits for idle connections to go away.
   */
  idleSocketMs?: number;
}

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface RequestOptions {
  timeoutMs?: number;
  /** Query-string parameters; undefined values are left out. */
  query?: Record<string, string | number | boolean | undefined>;
}

/** A request body that is already JSON text (bulk upserts serialise vectors themselves, see points-encoding.ts). */
export class JsonText {
  constructor(readonly text: string) {}
}

const DEFAULT_TIMEOUT_MS = 30_000;
const DEFAULT_MAX_SOCKETS = 64;
const DEFAULT_IDLE_SOCKET_MS = 1000;
// Codes meaning "the server went away under us"; on a reused keep-alive socket the request never reached it.
const STALE_SOCKET_CODES = new Set(['ECONNRESET', 'EPIPE']);

interface Endpoint {
  protocol: 'http:' | 'https:';
  hostname: string;
  port: number;
  pathPrefix: string;
}

function parseEndpoint(url: string): Endpoint {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error(`invalid Qdrant URL "${url}"`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new Error(`Qdrant URL must be http(s), got "${url}"`);
  }
  return {
    protocol: parsed.protocol,
    // URL keeps IPv6 literals bracketed; node:http wants them bare.
    hostname: parsed.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: parsed.port ? Number(parsed.port) : parsed.protocol === 'https:' ? 443 : 80,
    pathPrefix: parsed.pathname.replace(/\/+$/, ''),
  };
}

function queryString(query: RequestOptions['query']): string {
  if (!query) return '';
  const parts: string[] = [];
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined) parts.push(`${encodeURIComponent(key)}=${encodeURIComponent(String(value))}`);
  }
  return parts.length ? `?${parts.join('&')}` : '';
}

/** Qdrant's error envelope is `{ status: { error: "…" } }`; fall back to the raw text for anything else (proxies). */
function errorMessageOf(text: string, statusCode: number): string {
  try {
    const parsed = JSON.parse(text) as { status?: { error?: unknown } | string };
    if (parsed && typeof parsed.status === 'object' && typeof parsed.status?.error === 'string')
      return parsed.status.error;
  } catch {
    // not JSON: use the text itself
  }
  const trimmed = text.trim().slice(0, 500);
  return trimmed || http.STATUS_CODES[statusCode] || `HTTP ${statusCode}`;
}

export class QdrantTransport {
  readonly url: string;
  private readonly endpoint: Endpoint;
  private readonly agent: http.Agent;
  private readonly apiKey: string | undefined;
  private readonly timeoutMs: number;
  private closed = false;

  constructor(options: TransportOptions) {
    this.url = options.url.replace(/\/+$/, '');
    this.endpoint = parseEndpoint(options.url);
    this.apiKey = options.apiKey;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const maxSockets = options.maxSockets ?? DEFAULT_MAX_SOCKETS;
    // `timeout` on the agent only destroys sockets sitting free in the pool; an in-flight request is bounded by
    // our own deadline in send().
    const agentOptions: http.AgentOptions = {
      keepAlive: true,
      maxSockets,
      maxFreeSockets: maxSockets,
      scheduling: 'lifo',
      timeout: options.idleSocketMs ?? DEFAULT_IDLE_SOCKET_MS,
    };
    this.agent = this.endpoint.protocol === 'https:' ? new https.Agent(agentOptions) : new http.Agent(agentOptions);
  }

  /** Sends `body` as JSON and resolves with Qdrant's `result` field. */
  async request<T>(method: HttpMethod, path: string, body?: unknown, options: RequestOptions = {}): Promise<T> {
    const text = body === undefined ? undefined : body instanceof JsonText ? body.text : JSON.stringify(body);
    const response = await this.exchange(method, path, text, options);
    try {
      return (JSON.parse(response.text) as { result: T }).result;
    } catch {
      throw new QdrantError(response.status, `unparseable response: ${response.text.slice(0, 200)}`, method, path);
    }
  }

  /** The raw response text: for endpoints answering plain text (/readyz, /metrics) or a caller wanting `time`. */
  async requestText(method: HttpMethod, path: string, body?: unknown, options: RequestOptions = {}): Promise<string> {
    const text = body === undefined ? undefined : body instanceof JsonText ? body.text : JSON.stringify(body);
    return (await this.exchange(method, path, text, options)).text;
  }

  /** One HTTP exchange; non-2xx answers become QdrantError / QdrantUnavailableError. */
  private async exchange(
    method: HttpMethod,
    path: string,
    text: string | undefined,
    options: RequestOptions,
  ): Promise<RawResponse> {
    const payload = text === undefined ? undefined : Buffer.from(text, 'utf8');
    const fullPath = `${this.endpoint.pathPrefix}${path}${queryString(options.query)}`;
    const timeoutMs = options.timeoutMs ?? this.timeoutMs;
    let response: RawResponse;
    try {
      response = await this.send(method, fullPath, payload, timeoutMs);
    } catch (error) {
      // A kept-alive socket the server closed while idle fails on first use; one retry on a fresh socket is safe
      // because the server never saw the request.
      if (!(error instanceof StaleSocketError)) throw error;
      response = await this.send(method, fullPath, payload, timeoutMs, false);
    }
    const { status } = response;
    if (status >= 200 && status < 300) return response;
    const message = errorMessageOf(response.text, status);
    // Gateways and an overloaded/starting Qdrant mean "try later", not "your request is wrong".
    if (status === 502 || status === 503 || status === 504) {
      throw new QdrantUnavailableError('server', this.url, `${method} ${path} → ${status}: ${message}`);
    }
    throw new QdrantError(status, message, method, path);
  }

  /** Frees the pooled sockets; in-flight requests are aborted. Idle sockets would otherwise delay Qdrant's shutdown. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.agent.destroy();
  }

  private send(
    method: HttpMethod,
    path: string,
    payload: Buffer | undefined,
    timeoutMs: number,
    allowStaleRetry = true,
  ): Promise<RawResponse> {
    if (this.closed) return Promise.reject(new Error('Qdrant client is closed'));
    const { protocol, hostname, port } = this.endpoint;
    const headers: http.OutgoingHttpHeaders = { accept: 'application/json' };
    if (payload) {
      headers['content-type'] = 'application/json';
      headers['content-length'] = payload.length;
    }
    if (this.apiKey) headers['api-key'] = this.apiKey;
    const requestFn = protocol === 'https:' ? https.request : http.request;

    return new Promise<RawResponse>((resolve, reject) => {
      let settled = false;
      let gotResponse = false;
      const finish = (error: Error | undefined, response?: RawResponse) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if (error) reject(error);
        else resolve(response!);
      };
      const req = requestFn({ protocol, hostname, port, path, method, headers, agent: this.agent }, (res) => {
        gotResponse = true;
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', (error) => finish(this.unavailable(error)));
        res.on('end', () =>
          finish(undefined, { status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }),
        );
      });
      const timer = setTimeout(() => {
        req.destroy(
          new QdrantUnavailableError('timeout', this.url, `${method} ${path} took longer than ${timeoutMs} ms`),
        );
      }, timeoutMs);
      req.on('error', (error: NodeJS.ErrnoException) => {
        if (error instanceof QdrantUnavailableError) return finish(error);
        if (allowStaleRetry && req.reusedSocket && !gotResponse && error.code && STALE_SOCKET_CODES.has(error.code)) {
          return finish(new StaleSocketError());
        }
        finish(this.unavailable(error));
      });
      req.end(payload);
    });
  }

  private unavailable(error: NodeJS.ErrnoException): QdrantUnavailableError {
    return new QdrantUnavailableError(
      'connection',
      this.url,
      error.message || error.code || 'connection failed',
      error.code,
      { cause: error },
    );
  }
}

interface RawResponse {
  status: number;
  text: string;
}

class StaleSocketError extends Error {}
