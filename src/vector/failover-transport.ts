// Several Qdrant nodes of one cluster behind one transport: QDRANT_URL may list them, comma-separated. Any node of a
// distributed Qdrant answers any request (it routes to the shard replicas itself), so a request that could not reach
// one node is sent to the next, and a node that failed is skipped for a while. A single URL needs none of this and
// gets the plain transport.
import { QdrantUnavailableError } from './errors.js';
import { QdrantTransport, type HttpMethod, type RequestOptions, type TransportOptions } from './http-transport.js';

/** What VectorStore needs from a transport: JSON requests, raw text requests, and closing the sockets. */
export interface Transport {
  /** The URL (or comma-separated URLs) this transport talks to. */
  readonly url: string;
  request<T>(method: HttpMethod, path: string, body?: unknown, options?: RequestOptions): Promise<T>;
  requestText(method: HttpMethod, path: string, body?: unknown, options?: RequestOptions): Promise<string>;
  close(): void;
}

/** How long a node that failed is skipped (while another one is up) before it is tried again. */
export const NODE_RETRY_AFTER_MS = 2_000;

/** The URLs of a QDRANT_URL value: one URL, or several separated by commas (blank entries ignored). */
export function qdrantUrls(value: string): string[] {
  const urls = value
    .split(',')
    .map((url) => url.trim())
    .filter(Boolean);
  if (urls.length === 0) throw new Error('no Qdrant URL given');
  return urls;
}

/** The transport for `options.url`: the plain one for a single URL, failover across the nodes for several. */
export function transportFor(options: TransportOptions): Transport {
  const urls = qdrantUrls(options.url);
  if (urls.length === 1) return new QdrantTransport({ ...options, url: urls[0]! });
  return new FailoverTransport(urls.map((url) => new QdrantTransport({ ...options, url })));
}

/**
 * Which errors are worth the next node. 'connection': the node could not be reached or dropped the connection (a
 * killed node resets in-flight requests; Qdrant's writes are idempotent upserts/deletes by id and alias lists, so a
 * resend is safe). 'server': a 502/503/504 (a node starting or stopping). Not 'timeout': the node may be merely slow
 * and the caller's deadline is spent; and never a QdrantError (the request itself is wrong everywhere).
 */
function worthAnotherNode(error: unknown): boolean {
  return error instanceof QdrantUnavailableError && error.reason !== 'timeout';
}

export class FailoverTransport implements Transport {
  readonly url: string;
  /** Per node: until when it is skipped (epoch ms; 0 = up). */
  private readonly downUntil: number[];
  private next = 0;

  constructor(
    private readonly nodes: readonly QdrantTransport[],
    private readonly now: () => number = Date.now,
  ) {
    if (nodes.length === 0) throw new Error('FailoverTransport needs at least one node');
    this.url = nodes.map((node) => node.url).join(',');
    this.downUntil = nodes.map(() => 0);
  }

  request<T>(method: HttpMethod, path: string, body?: unknown, options?: RequestOptions): Promise<T> {
    return this.withFailover((node) => node.request<T>(method, path, body, options));
  }

  requestText(method: HttpMethod, path: string, body?: unknown, options?: RequestOptions): Promise<string> {
    return this.withFailover((node) => node.requestText(method, path, body, options));
  }

  close(): void {
    for (const node of this.nodes) node.close();
  }

  /** Node indexes in the order to try: live ones round-robin first, then the ones marked down (oldest mark first). */
  order(): number[] {
    const now = this.now();
    const start = this.next;
    this.next = (this.next + 1) % this.nodes.length;
    const rotated = this.nodes.map((_, i) => (start + i) % this.nodes.length);
    const live = rotated.filter((i) => this.downUntil[i]! <= now);
    const down = rotated
      .filter((i) => this.downUntil[i]! > now)
      .sort((a, b) => this.downUntil[a]! - this.downUntil[b]!);
    return [...live, ...down];
  }

  private async withFailover<T>(send: (node: QdrantTransport) => Promise<T>): Promise<T> {
    let lastError: unknown;
    for (const index of this.order()) {
      try {
        const result = await send(this.nodes[index]!);
        this.downUntil[index] = 0;
        return result;
      } catch (error) {
        if (!worthAnotherNode(error)) throw error;
        this.downUntil[index] = this.now() + NODE_RETRY_AFTER_MS;
        lastError = error;
      }
    }
    throw lastError;
  }
}
