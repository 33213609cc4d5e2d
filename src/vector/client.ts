// VectorStore: the project's whole vocabulary for Qdrant (collections, points, search, aliases, health),
// over the keep-alive node:http transport. Request/response shapes follow @qdrant/js-client-rest's Schemas.
import type { Schemas } from '@qdrant/js-client-rest';
import type { CollectionLayout } from '../config.js';
import type { AliasAction } from './collections.js';
import type { PayloadIndexType, QdrantFilter } from './filters.js';
import { transportFor, type Transport } from './failover-transport.js';
import type { TransportOptions } from './http-transport.js';
import { assertPointId, dimensionOf, encodeUpsertBatch, type Payload, type PointRows } from './points-encoding.js';
import { queryBody } from './query-json.js';

export type { Payload, PointRows } from './points-encoding.js';
export interface VectorStoreOptions extends TransportOptions {
  /** Shards and replicas for the collections this store creates (a CreateCollectionOptions value wins). */
  layout?: CollectionLayout;
}

export type Distance = 'Dot' | 'Cosine';
export type Vector = readonly number[] | Float32Array;

export interface CreateCollectionOptions {
  dimension: number;
  distance: Distance;
  hnsw?: { m?: number; efConstruct?: number; fullScanThreshold?: number };
  /**
   * Scalar int8 quantisation (a quarter of the vector memory; searches score the int8 copies, then rescore the
   * best candidates with the float32 originals — see SearchParams.quantization).
   */
  quantization?: 'int8';
  /**
   * Defer HNSW indexing while a fresh collection is filled (Qdrant's advice for bulk uploads: building the graph
   * once at the end beats rebuilding segments during the upload). Call finishBulkLoad() afterwards.
   */
  bulkLoad?: boolean;
  /** Raw optimizer overrides, applied last. */
  optimizers?: Schemas['OptimizersConfigDiff'];
  /** Scale-out: shards and replicas (distributed Qdrant); unset → the store's layout, else Qdrant's defaults. */
  shardNumber?: number;
  replicationFactor?: number;
  writeConsistencyFactor?: number;
}

export interface WriteOptions {
  /** Resolve only once Qdrant has applied the change (default true: readers see it right after). */
  wait?: boolean;
  timeoutMs?: number;
}

export interface UpsertOptions extends WriteOptions {
  /** Points per request (default 1000: ~300 KB bodies at dim 64). */
  batchSize?: number;
  /** Requests in flight at once (default 2). */
  parallel?: number;
}

export interface SearchParams {
  vector: Vector;
  limit: number;
  offset?: number;
  filter?: QdrantFilter;
  /** true = whole payload, string[] = only these keys. Default false. */
  withPayload?: boolean | readonly string[];
  withVector?: boolean;
  /** Drop hits scoring below this (for Dot/Cosine: higher is better). */
  scoreThreshold?: number;
  /** HNSW beam width for this query (recall/latency trade-off). */
  hnswEf?: number;
  /** Brute force instead of HNSW (ground truth for recall measurements). */
  exact?: boolean;
  /** On a quantised collection: rescore with the original vectors, over `oversampling` × limit candidates. */
  quantization?: { rescore?: boolean; oversampling?: number; ignore?: boolean };
}

export interface RecommendParams extends Omit<SearchParams, 'vector'> {
  /** Point ids (or raw vectors) to move towards. */
  positive: readonly (number | Vector)[];
  negative?: readonly (number | Vector)[];
}

export interface ScoredHit<P extends Payload = Payload> {
  id: number;
  score: number;
  payload?: P;
  vector?: number[];
}

export interface PointRecord<P extends Payload = Payload> {
  id: number;
  payload?: P;
  vector?: number[];
}

export interface AliasDescription {
  aliasName: string;
  collectionName: string;
}

type QueryRequest = Schemas['QueryRequest'];
type WireScoredPoint = Schemas['ScoredPoint'];
type WireRecord = Schemas['Record'];

const path = (collection: string) => `/collections/${encodeURIComponent(collection)}`;

function asArray(vector: Vector): number[] {
  // JSON.stringify turns a Float32Array into {"0":…}; Qdrant wants an array. A plain loop: Array.from over a typed
  // array goes through its iterator (≈ 15 µs for 320 values against ≈ 1 µs).
  if (!(vector instanceof Float32Array)) return vector as number[];
  const out = new Array<number>(vector.length);
  for (let i = 0; i < vector.length; i++) out[i] = vector[i];
  return out;
}

function toPointId(id: Schemas['ExtendedPointId']): number {
  // Our points always have unsigned integer ids (internal Postgres ids); UUID ids never reach these collections.
  return typeof id === 'number' ? id : Number(id);
}

function withPayloadParam(value: boolean | readonly string[] | undefined): Schemas['WithPayloadInterface'] {
  return Array.isArray(value) ? [...value] : Boolean(value);
}

function toHit<P extends Payload>(
  point: WireScoredPoint | WireRecord,
  wantPayload: boolean,
  wantVector: boolean,
): ScoredHit<P> {
  const hit = { id: toPointId(point.id), score: 'score' in point ? point.score : 0 } as ScoredHit<P>;
  if (wantPayload && point.payload) hit.payload = point.payload as P;
  if (wantVector && point.vector) hit.vector = point.vector as number[];
  return hit;
}

function queryRequest(query: QueryRequest['query'], params: Omit<SearchParams, 'vector'>): QueryRequest {
  const request: QueryRequest = { query, limit: params.limit };
  if (params.offset) request.offset = params.offset;
  if (params.filter) request.filter = params.filter;
  if (params.withPayload) request.with_payload = withPayloadParam(params.withPayload);
  if (params.withVector) request.with_vector = true;
  if (params.scoreThreshold !== undefined) request.score_threshold = params.scoreThreshold;
  if (params.hnswEf !== undefined || params.exact || params.quantization) {
    request.params = {
      ...(params.hnswEf !== undefined ? { hnsw_ef: params.hnswEf } : {}),
      ...(params.exact ? { exact: true } : {}),
      ...(params.quantization ? { quantization: params.quantization } : {}),
    };
  }
  return request;
}

function searchRequest(params: SearchParams): QueryRequest {
  return queryRequest(asArray(params.vector), params);
}

export class VectorStore {
  private readonly http: Transport;
  private readonly layout: CollectionLayout;

  /** `options.url` may list several nodes of one Qdrant cluster, comma-separated (failover-transport.ts). */
  constructor(options: VectorStoreOptions) {
    this.http = transportFor(options);
    this.layout = options.layout ?? {};
  }

  get url(): string {
    return this.http.url;
  }

  /** Frees pooled sockets (open keep-alive sockets also slow down a Qdrant shutdown). */
  close(): void {
    this.http.close();
  }

  // ─── health ───────────────────────────────────────────────────────────────────────────────────────────────────

  /** True when Qdrant answers /readyz within `timeoutMs`; never throws (for health checks and startup waits). */
  async ready(timeoutMs = 1000): Promise<boolean> {
    try {
      await this.http.requestText('GET', '/readyz', undefined, { timeoutMs });
      return true;
    } catch {
      return false;
    }
  }

  // ─── collections ──────────────────────────────────────────────────────────────────────────────────────────────

  async createCollection(name: string, options: CreateCollectionOptions): Promise<void> {
    if (!Number.isInteger(options.dimension) || options.dimension <= 0)
      throw new RangeError(`dimension must be a positive integer, got ${options.dimension}`);
    const body: Schemas['CreateCollection'] = {
      vectors: { size: options.dimension, distance: options.distance, on_disk: false },
      hnsw_config: {
        on_disk: false,
        ...(options.hnsw?.m !== undefined ? { m: options.hnsw.m } : {}),
        ...(options.hnsw?.efConstruct !== undefined ? { ef_construct: options.hnsw.efConstruct } : {}),
        ...(options.hnsw?.fullScanThreshold !== undefined
          ? { full_scan_threshold: options.hnsw.fullScanThreshold }
          : {}),
      },
      // Payloads are small (ids, genres, year); in RAM they cost little and keep filtered searches fast.
      on_disk_payload: false,
      ...(options.quantization === 'int8'
        ? { quantization_config: { scalar: { type: 'int8', quantile: 0.99, always_ram: true } } }
        : {}),
      optimizers_config: { ...(options.bulkLoad ? { indexing_threshold: 0 } : {}), ...options.optimizers },
      ...layoutFields(options, this.layout),
    };
    await this.http.request('PUT', path(name), body);
  }

  /**
   * Turns indexing back on after a bulkLoad upload (Qdrant then builds HNSW in the background; see waitForIndexing).
   * The default threshold indexes every segment: with Qdrant's own (10 MB of vectors per segment), a 40k × 64
   * collection stays unindexed and every search scans it in full (bench:serve measured p50 1.8 ms vs 0.6 ms).
   */
  async finishBulkLoad(name: string, indexingThresholdKb = 1): Promise<void> {
    await this.http.request('PATCH', path(name), { optimizers_config: { indexing_threshold: indexingThresholdKb } });
  }

  /**
   * Polls until the collection's optimizers are done (status green), e.g. after finishBulkLoad. Past `timeoutMs` it
   * throws, or with `returnOnTimeout` returns the last (not yet green) info.
   */
  async waitForIndexing(
    name: string,
    options: { timeoutMs?: number; pollMs?: number; returnOnTimeout?: boolean } = {},
  ): Promise<Schemas['CollectionInfo']> {
    const deadline = Date.now() + (options.timeoutMs ?? 300_000);
    let nudged = false;
    for (;;) {
      const info = await this.collectionInfo(name);
      if (info.status === 'green') return info;
      // grey = optimizations pending but not started (e.g. after a restart); an empty update starts them.
      if (info.status === 'grey' && !nudged) {
        nudged = true;
        await this.http.request('PATCH', path(name), { optimizers_config: {} });
        continue;
      }
      if (info.status === 'red') throw new Error(`collection ${name} is red: ${JSON.stringify(info.optimizer_status)}`);
      if (Date.now() > deadline) {
        if (options.returnOnTimeout) return info;
        throw new Error(`collection ${name} still ${info.status} after ${options.timeoutMs ?? 300_000} ms`);
      }
      await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 200));
    }
  }

  /** Deletes the collection; false when it did not exist. */
  async deleteCollection(name: string): Promise<boolean> {
    return this.http.request<boolean>('DELETE', path(name));
  }

  async collectionExists(name: string): Promise<boolean> {
    return (await this.http.request<{ exists: boolean }>('GET', `${path(name)}/exists`)).exists;
  }

  async listCollections(): Promise<string[]> {
    const result = await this.http.request<Schemas['CollectionsResponse']>('GET', '/collections');
    return result.collections.map((collection) => collection.name).sort();
  }

  async collectionInfo(name: string): Promise<Schemas['CollectionInfo']> {
    return this.http.request<Schemas['CollectionInfo']>('GET', path(name));
  }

  /** Exact number of points (optionally matching a filter); the info endpoint's points_count is only approximate. */
  async count(name: string, filter?: QdrantFilter): Promise<number> {
    const body: Schemas['CountRequest'] = { exact: true, ...(filter ? { filter } : {}) };
    return (await this.http.request<Schemas['CountResult']>('POST', `${path(name)}/points/count`, body)).count;
  }

  async createPayloadIndex(
    name: string,
    field: string,
    type: PayloadIndexType,
    options: WriteOptions = {},
  ): Promise<void> {
    const body: Schemas['CreateFieldIndex'] = { field_name: field, field_schema: type };
    await this.http.request('PUT', `${path(name)}/index`, body, {
      query: { wait: options.wait ?? true },
      timeoutMs: options.timeoutMs ?? 120_000,
    });
  }

  async createPayloadIndexes(
    name: string,
    fields: Readonly<Record<string, PayloadIndexType>>,
    options: WriteOptions = {},
  ): Promise<void> {
    for (const [field, type] of Object.entries(fields)) await this.createPayloadIndex(name, field, type, options);
  }

  // ─── points ───────────────────────────────────────────────────────────────────────────────────────────────────

  /** Writes points in batches (ids are unsigned ints; vectors from a flat Float32Array or rows). Returns how many. */
  async upsert(name: string, rows: PointRows, options: UpsertOptions = {}): Promise<number> {
    const total = rows.ids.length;
    if (total === 0) return 0;
    const dimension = dimensionOf(rows);
    const batchSize = Math.max(1, options.batchSize ?? 1000);
    const parallel = Math.max(1, options.parallel ?? 2);
    const query = { wait: options.wait ?? true };
    const timeoutMs = options.timeoutMs ?? 120_000;
    let next = 0;
    // `parallel` workers take batches in order; the body is built just before sending so at most `parallel`
    // encoded batches exist at once.
    const worker = async () => {
      while (next < total) {
        const start = next;
        const end = Math.min(total, start + batchSize);
        next = end;
        await this.http.request('PUT', `${path(name)}/points`, encodeUpsertBatch(rows, start, end, dimension), {
          query,
          timeoutMs,
        });
      }
    };
    await Promise.all(Array.from({ length: Math.min(parallel, Math.ceil(total / batchSize)) }, worker));
    return total;
  }

  async deletePoints(name: string, ids: readonly number[], options: WriteOptions = {}): Promise<void> {
    if (!ids.length) return;
    ids.forEach(assertPointId);
    await this.http.request(
      'POST',
      `${path(name)}/points/delete`,
      { points: [...ids] },
      { query: { wait: options.wait ?? true }, timeoutMs: options.timeoutMs },
    );
  }

  /** Merges `payload` into the payload of each point in `ids` (keys not given are kept). */
  async setPayload(name: string, ids: readonly number[], payload: Payload, options: WriteOptions = {}): Promise<void> {
    if (!ids.length) return;
    ids.forEach(assertPointId);
    const body: Schemas['SetPayload'] = { payload, points: [...ids] };
    await this.http.request('POST', `${path(name)}/points/payload`, body, {
      query: { wait: options.wait ?? true },
      timeoutMs: options.timeoutMs,
    });
  }

  /** Points by id, in the order of `ids`; ids that do not exist are left out. */
  async retrieve<P extends Payload = Payload>(
    name: string,
    ids: readonly number[],
    options: { withVector?: boolean; withPayload?: boolean | readonly string[] } = {},
  ): Promise<PointRecord<P>[]> {
    if (!ids.length) return [];
    ids.forEach(assertPointId);
    const body: Schemas['PointRequest'] = {
      ids: [...ids],
      with_payload: withPayloadParam(options.withPayload),
      with_vector: Boolean(options.withVector),
    };
    const records = await this.http.request<WireRecord[]>('POST', `${path(name)}/points`, body);
    const byId = new Map(records.map((record) => [toPointId(record.id), record]));
    const ordered: PointRecord<P>[] = [];
    for (const id of ids) {
      const record = byId.get(id);
      if (!record) continue;
      const { score: _score, ...point } = toHit<P>(record, Boolean(options.withPayload), Boolean(options.withVector));
      ordered.push(point);
    }
    return ordered;
  }

  /**
   * One page of points in id order (with vectors when asked), and the id to pass as `offset` for the next page
   * (undefined after the last). For reading a whole collection, e.g. to hold user vectors in memory.
   */
  async scroll<P extends Payload = Payload>(
    name: string,
    options: { limit: number; offset?: number; withVector?: boolean; withPayload?: boolean | readonly string[] },
  ): Promise<{ points: PointRecord<P>[]; nextOffset: number | undefined }> {
    const body: Schemas['ScrollRequest'] = {
      limit: options.limit,
      with_payload: withPayloadParam(options.withPayload),
      with_vector: Boolean(options.withVector),
      ...(options.offset !== undefined ? { offset: options.offset } : {}),
    };
    const result = await this.http.request<Schemas['ScrollResult']>('POST', `${path(name)}/points/scroll`, body);
    const points = result.points.map((record) => {
      const { score: _score, ...point } = toHit<P>(record, Boolean(options.withPayload), Boolean(options.withVector));
      return point;
    });
    const next = result.next_page_offset;
    // Our points have integer ids (see toPointId), so the next offset is one too.
    return { points, nextOffset: typeof next === 'number' || typeof next === 'string' ? toPointId(next) : undefined };
  }

  // ─── search ───────────────────────────────────────────────────────────────────────────────────────────────────

  /** Nearest points to `vector`, best first. */
  async search<P extends Payload = Payload>(name: string, params: SearchParams): Promise<ScoredHit<P>[]> {
    const result = await this.http.request<Schemas['QueryResponse']>(
      'POST',
      `${path(name)}/points/query`,
      queryBody(searchRequest(params)),
    );
    return result.points.map((point) => toHit<P>(point, Boolean(params.withPayload), Boolean(params.withVector)));
  }

  /** Several searches in one request (one round trip; Qdrant runs them together). Results in query order. */
  async searchBatch<P extends Payload = Payload>(
    name: string,
    queries: readonly SearchParams[],
  ): Promise<ScoredHit<P>[][]> {
    if (!queries.length) return [];
    const body: Schemas['QueryRequestBatch'] = { searches: queries.map(searchRequest) };
    const results = await this.http.request<Schemas['QueryResponse'][]>(
      'POST',
      `${path(name)}/points/query/batch`,
      body,
    );
    return results.map((result, i) =>
      result.points.map((point) => toHit<P>(point, Boolean(queries[i]!.withPayload), Boolean(queries[i]!.withVector))),
    );
  }

  /** Points close to the positive examples and far from the negative ones (examples themselves are excluded). */
  async recommend<P extends Payload = Payload>(name: string, params: RecommendParams): Promise<ScoredHit<P>[]> {
    const example = (value: number | Vector) => (typeof value === 'number' ? value : asArray(value));
    const query: QueryRequest['query'] = {
      recommend: { positive: params.positive.map(example), negative: (params.negative ?? []).map(example) },
    };
    const result = await this.http.request<Schemas['QueryResponse']>(
      'POST',
      `${path(name)}/points/query`,
      queryRequest(query, params),
    );
    return result.points.map((point) => toHit<P>(point, Boolean(params.withPayload), Boolean(params.withVector)));
  }

  // ─── aliases ──────────────────────────────────────────────────────────────────────────────────────────────────

  /** All aliases, or those of one collection. */
  async listAliases(collection?: string): Promise<AliasDescription[]> {
    const url = collection === undefined ? '/aliases' : `${path(collection)}/aliases`;
    const result = await this.http.request<Schemas['CollectionsAliasesResponse']>('GET', url);
    return result.aliases
      .map((alias) => ({ aliasName: alias.alias_name, collectionName: alias.collection_name }))
      .sort((a, b) => a.aliasName.localeCompare(b.aliasName));
  }

  /** Collection an alias points at, or undefined. */
  async resolveAlias(alias: string): Promise<string | undefined> {
    return (await this.listAliases()).find((entry) => entry.aliasName === alias)?.collectionName;
  }

  /**
   * Applies all actions in ONE request, so readers see the aliases either before or after: there is no moment
   * between a delete_alias and its create_alias where the alias is missing (tests/integration/vector-aliases).
   * Qdrant does NOT roll back on failure, though: actions before a failing one stay applied (verified on 1.16).
   * So every create_alias target is checked to exist first; a collection deleted concurrently can still slip by.
   */
  async switchAliases(actions: readonly AliasAction[], options: { timeoutMs?: number } = {}): Promise<void> {
    if (!actions.length) return;
    const targets = actions.flatMap((action) =>
      'create_alias' in action ? [action.create_alias.collection_name] : [],
    );
    if (targets.length) {
      const existing = new Set(await this.listCollections());
      const missing = [...new Set(targets)].filter((name) => !existing.has(name));
      if (missing.length)
        throw new Error(`alias switch refused, no change made: collection(s) ${missing.join(', ')} do not exist`);
    }
    await this.http.request('POST', '/collections/aliases', { actions }, { timeoutMs: options.timeoutMs });
  }
}

/** shard_number / replication_factor / write_consistency_factor: only those set, so one node gets Qdrant's defaults. */
function layoutFields(
  options: CreateCollectionOptions,
  layout: CollectionLayout,
): Partial<Schemas['CreateCollection']> {
  const shards = options.shardNumber ?? layout.shards;
  const replicas = options.replicationFactor ?? layout.replicas;
  const writeConsistency = options.writeConsistencyFactor ?? layout.writeConsistency;
  return {
    ...(shards ? { shard_number: shards } : {}),
    ...(replicas ? { replication_factor: replicas } : {}),
    ...(writeConsistency ? { write_consistency_factor: writeConsistency } : {}),
  };
}
