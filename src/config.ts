// Every setting recgraph reads from the environment, in one place, with its default.
// README.md § Configuration documents each variable; keep the two in step.
import path from 'node:path';
import { DEFAULT_FEEDBACK_POLICY, type FeedbackPolicy } from './feedback/event-weights.js';
import { DEFAULT_VECTOR_CACHE_MAX_MB } from './recommend/vector-cache.js';

export interface RecgraphConfig {
  /** Postgres connection string; unset → an embedded Postgres (PGlite) under dataDir. */
  databaseUrl: string | undefined;
  /** Qdrant REST URL; unset → the bundled Qdrant binary under dataDir. */
  qdrantUrl: string | undefined;
  qdrantApiKey: string | undefined;
  /** Where embedded services keep their data and where model artifacts are written. */
  dataDir: string;
  host: string;
  port: number;
  /** production turns off introspection, Sandbox and stack traces. */
  production: boolean;
  /** Keys accepted on mutations (x-api-key or Authorization: Bearer); comma-separated for rotation. */
  apiKeys: string[];
  /** Browser origins allowed by CORS. */
  corsOrigins: string[] | '*';
  maxQueryDepth: number;
  maxQueryCost: number;
  maxBodyBytes: number;
  /** Prefix of Qdrant collection and alias names, so several deployments can share one Qdrant. */
  collectionPrefix: string;
  /** Model versions whose Qdrant collections are kept (the live one included) for `recgraph rollback`/`activate`. */
  keepVersions: number;
  logLevel: string;
  /** A sentence-transformers ONNX model directory (model.onnx + tokenizer.json) used as the text encoder instead of the one trained on the catalog. */
  textModelPath: string | undefined;
  /** The users.attributes key whose value is a user's segment: users without events get what their segment likes. */
  segmentAttribute: string;
  /** A segment with fewer events than this (under the asked window and filter) gets the global popular list instead. */
  segmentMinEvents: number;
  /**
   * Whether two-stage model versions rerank Qdrant's candidates by their item-item term (RECGRAPH_RERANK=off
   * serves their vectors' order alone: for measuring what the stage costs, or shedding it under load).
   */
  rerank: boolean;
  /** Train one vector per work (editions grouped): 'auto' when some work has two or more editions (RECGRAPH_TRAIN_ON_WORKS). */
  trainOnWorks: 'auto' | 'on' | 'off';
  /** The serving path's Postgres pool: size and timeouts (see src/db/pool.ts, servingPoolOptions). */
  postgres: ServingPoolSettings;
  /**
   * Which TensorFlow.js backend training uses (RECGRAPH_TF_BACKEND): `auto` takes the native one
   * (@tensorflow/tfjs-node, an optional dependency) when it is installed and loads, else wasm.
   */
  tfBackend: TfBackendRequest;
  /** How exported collections are laid out on a distributed Qdrant (unset fields: Qdrant's own defaults). */
  qdrantLayout: CollectionLayout;
  /** RECGRAPH_RETRAIN_EVERY in ms: the server queues a training job when nothing newer exists; undefined = never. */
  retrainEveryMs: number | undefined;
  /** A retrained version goes live only if its validation metric is at most this fraction below the live one's. */
  promotionTolerance: number;
  /** Event weights per kind, their cap, and which events are negative (src/feedback/event-weights.ts). */
  feedback: FeedbackPolicy;
  /** How often a replica checks Postgres for changed business rules (src/rules/rule-cache.ts); the staleness bound. */
  rulesRefreshMs: number;
  /**
   * How long a replica serves its cached `popular` and `trending` lists (RECGRAPH_POPULAR_TTL_MS): the bound on how far
   * behind events recorded through any replica such a list may be.
   */
  popularTtlMs: number;
  /** Execute repeated queries with graphql-jit (RECGRAPH_GRAPHQL_JIT, default on; src/graphql/jit-executor.ts). */
  graphqlJit: boolean;
  /**
   * Cap of the server's vector cache (src/recommend/vector-cache.ts), in MB (RECGRAPH_VECTOR_CACHE_MAX_MB, default
   * 256): users' and items' vectors read from Qdrant, kept per model version; past it the oldest are evicted.
   */
  vectorCacheMaxMb: number;
  /** The OpenAI-compatible chat-completions endpoint `recgraph enrich` asks (training/enrich). */
  llm: LlmSettings;
  /** A CLIP-style image encoder directory (model.onnx + preprocessor_config.json): training embeds item images with it. */
  imageModelPath: string | undefined;
  /** Serve the web console at /console (RECGRAPH_CONSOLE; default on in development, off in production). */
  console: boolean;
}

export interface LlmSettings {
  /** Base URL (…/v1) or the full …/chat/completions URL; unset → `enrich` refuses to run. */
  url: string | undefined;
  model: string | undefined;
  /** Sent as `Authorization: Bearer`; optional (local servers often need none). */
  apiKey: string | undefined;
}

/**
 * Shards and replicas of every collection an export creates (RECGRAPH_QDRANT_SHARDS, RECGRAPH_QDRANT_REPLICAS,
 * RECGRAPH_QDRANT_WRITE_CONSISTENCY). Unset on one node; on a cluster, replicas ≥ 2 keep every shard readable while a
 * node is down.
 */
export interface CollectionLayout {
  shards?: number;
  replicas?: number;
  /** Replicas that must acknowledge a write before it succeeds (≤ replicas). */
  writeConsistency?: number;
}

export type TfBackendRequest = 'auto' | 'wasm' | 'node';

export interface ServingPoolSettings {
  /** Most connections the API opens. */
  poolMax: number;
  /** Longest wait for a connection (a free one from the pool, or a new one opened), then SERVICE_UNAVAILABLE. */
  connectTimeoutMs: number;
  /** Longest statement: Postgres cancels it (statement_timeout), and the client gives up on a silent server. */
  queryTimeoutMs: number;
  /** Postgres ends a session left idle inside a transaction this long, releasing its locks. */
  idleInTransactionTimeoutMs: number;
}

function intFrom(value: string | undefined, fallback: number, name: string): number {
  if (value === undefined || value === '') return fallback;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0)
    throw new Error(`${name} must be a non-negative integer, got "${value}"`);
  return parsed;
}

function onOff(value: string | undefined, fallback: boolean, name: string): boolean {
  if (value === undefined || value === '') return fallback;
  if (['on', 'true', '1'].includes(value.toLowerCase())) return true;
  if (['off', 'false', '0'].includes(value.toLowerCase())) return false;
  throw new Error(`${name} must be on or off, got "${value}"`);
}

function worksMode(value: string | undefined): 'auto' | 'on' | 'off' {
  if (value === undefined || value === '' || value.toLowerCase() === 'auto') return 'auto';
  return onOff(value, true, 'RECGRAPH_TRAIN_ON_WORKS (auto, on or off)') ? 'on' : 'off';
}

/** 0 would switch a timeout off or leave a pool empty: refused. */
function positiveIntFrom(value: string | undefined, fallback: number, name: string): number {
  const parsed = intFrom(value, fallback, name);
  if (parsed < 1) throw new Error(`${name} must be at least 1, got "${value}"`);
  return parsed;
}

export function tfBackendFrom(value: string | undefined, name = 'RECGRAPH_TF_BACKEND'): TfBackendRequest {
  if (value === undefined || value === '') return 'auto';
  const lower = value.toLowerCase();
  if (lower === 'auto' || lower === 'wasm' || lower === 'node') return lower;
  throw new Error(`${name} must be auto, wasm or node, got "${value}"`);
}

export function collectionLayoutFrom(env: NodeJS.ProcessEnv): CollectionLayout {
  const optional = (value: string | undefined, name: string) => (value ? positiveIntFrom(value, 1, name) : undefined);
  const layout: CollectionLayout = {
    shards: optional(env.RECGRAPH_QDRANT_SHARDS, 'RECGRAPH_QDRANT_SHARDS'),
    replicas: optional(env.RECGRAPH_QDRANT_REPLICAS, 'RECGRAPH_QDRANT_REPLICAS'),
    writeConsistency: optional(env.RECGRAPH_QDRANT_WRITE_CONSISTENCY, 'RECGRAPH_QDRANT_WRITE_CONSISTENCY'),
  };
  if (layout.writeConsistency !== undefined && layout.writeConsistency > (layout.replicas ?? 1))
    throw new Error(
      `RECGRAPH_QDRANT_WRITE_CONSISTENCY (${layout.writeConsistency}) cannot exceed RECGRAPH_QDRANT_REPLICAS (${layout.replicas ?? 1})`,
    );
  return layout;
}

/** RECGRAPH_API_KEY: one key, or several separated by commas (rotation). Blank entries are ignored. */
export function parseApiKeys(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((key) => key.trim())
    .filter((key) => key.length > 0);
}

/**
 * Parses CORS_ORIGINS; throws on an entry that is not an origin (scheme://host[:port]), so a typo fails at
 * startup.
 */
export function parseCorsOrigins(value: string | undefined, production: boolean): string[] | '*' {
  const trimmed = value?.trim();
  if (!trimmed) return production ? [] : '*';
  if (trimmed === '*') return '*';
  return trimmed
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry.length > 0)
    .map((entry) => {
      let url: URL;
      try {
        url = new URL(entry);
      } catch {
        throw new Error(`CORS_ORIGINS: "${entry}" is not an origin like https://app.example.com`);
      }
      if (url.origin === 'null' || url.pathname !== '/' || url.search || url.hash || entry.endsWith('/')) {
        throw new Error(
          `CORS_ORIGINS: "${entry}" is not an origin like https://app.example.com (no path or trailing slash)`,
        );
      }
      return url.origin;
    });
}

/** A duration like `6h`, `30m`, `90s`, `1d` (or plain milliseconds); empty or `off` → undefined. */
export function durationMsFrom(value: string | undefined, name: string): number | undefined {
  const text = value?.trim().toLowerCase();
  if (!text || text === 'off' || text === '0') return undefined;
  const match = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?$/.exec(text);
  if (!match) throw new Error(`${name} must be a duration like 6h, 30m, 90s or 1d, got "${value}"`);
  const unit = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 }[match[2] ?? 'ms']!;
  const ms = Number(match[1]) * unit;
  if (ms < 60_000) throw new Error(`${name} must be at least 1m, got "${value}"`);
  return ms;
}

/** A fraction in [0, 1). */
export function fractionFrom(value: string | undefined, fallback: number, name: string): number {
  if (value === undefined || value === '') return fallback;
  const parsed = Number(value);
  if (!(parsed >= 0 && parsed < 1)) throw new Error(`${name} must be a fraction in [0, 1), got "${value}"`);
  return parsed;
}

function numberFrom(value: string | undefined, fallback: number, name: string, min = -Infinity): number {
  if (value === undefined || value.trim() === '') return fallback;
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed < min) {
    throw new Error(`${name} must be a number${min > -Infinity ? ` ≥ ${min}` : ''}, got "${value}"`);
  }
  return parsed;
}

function positiveNumberFrom(value: string | undefined, fallback: number, name: string): number {
  const parsed = numberFrom(value, fallback, name);
  if (parsed <= 0) throw new Error(`${name} must be a number > 0, got "${value}"`);
  return parsed;
}

const KIND = /^[A-Za-z][A-Za-z0-9_-]{0,63}$/;

/** A comma-separated list of event kinds (RECGRAPH_NEGATIVE_KINDS …); an empty value means none. */
export function parseKinds(value: string | undefined, fallback: readonly string[], name: string): Set<string> {
  if (value === undefined) return new Set(fallback);
  const kinds = value
    .split(',')
    .map((kind) => kind.trim())
    .filter((kind) => kind.length > 0);
  for (const kind of kinds) {
    if (!KIND.test(kind)) throw new Error(`${name}: "${kind}" is not an event kind (letters, digits, - or _)`);
  }
  return new Set(kinds);
}

/** RECGRAPH_EVENT_WEIGHTS, e.g. `view=1,click=2,like=4,purchase=8`: one positive weight per kind. */
export function parseEventWeights(value: string | undefined, name = 'RECGRAPH_EVENT_WEIGHTS'): Map<string, number> {
  const weights = new Map<string, number>();
  for (const entry of (value ?? '').split(',')) {
    const trimmed = entry.trim();
    if (!trimmed) continue;
    const match = /^([^=\s]+)\s*=\s*(\S+)$/.exec(trimmed);
    if (!match) throw new Error(`${name}: "${trimmed}" is not kind=weight (e.g. view=1,click=2,purchase=8)`);
    const [, kind, weightText] = match;
    if (!KIND.test(kind)) throw new Error(`${name}: "${kind}" is not an event kind (letters, digits, - or _)`);
    const weight = Number(weightText);
    if (!Number.isFinite(weight) || weight <= 0) {
      throw new Error(`${name}: the weight of "${kind}" must be a number > 0, got "${weightText}"`);
    }
    if (weights.has(kind)) throw new Error(`${name}: "${kind}" is given twice`);
    weights.set(kind, weight);
  }
  return weights;
}

/** The feedback settings alone (training reads them too, without the server's other settings). */
export function feedbackPolicyFrom(env: NodeJS.ProcessEnv = process.env): FeedbackPolicy {
  const defaults = DEFAULT_FEEDBACK_POLICY;
  const negativeKinds = parseKinds(env.RECGRAPH_NEGATIVE_KINDS, [...defaults.negativeKinds], 'RECGRAPH_NEGATIVE_KINDS');
  const weights = parseEventWeights(env.RECGRAPH_EVENT_WEIGHTS);
  for (const kind of weights.keys()) {
    if (negativeKinds.has(kind)) {
      throw new Error(`RECGRAPH_EVENT_WEIGHTS weighs "${kind}", which RECGRAPH_NEGATIVE_KINDS makes negative`);
    }
  }
  const below = env.RECGRAPH_NEGATIVE_RATING_BELOW?.trim();
  return {
    weights,
    defaultWeight: numberFrom(
      env.RECGRAPH_EVENT_DEFAULT_WEIGHT,
      defaults.defaultWeight,
      'RECGRAPH_EVENT_DEFAULT_WEIGHT',
      0,
    ),
    cap: positiveNumberFrom(env.RECGRAPH_EVENT_WEIGHT_CAP, defaults.cap, 'RECGRAPH_EVENT_WEIGHT_CAP'),
    negativeKinds,
    ratingKinds: parseKinds(env.RECGRAPH_RATING_KINDS, [...defaults.ratingKinds], 'RECGRAPH_RATING_KINDS'),
    negativeRatingBelow: below ? numberFrom(below, 0, 'RECGRAPH_NEGATIVE_RATING_BELOW') : undefined,
    negativePenalty: numberFrom(
      env.RECGRAPH_NEGATIVE_PENALTY,
      defaults.negativePenalty,
      'RECGRAPH_NEGATIVE_PENALTY',
      0,
    ),
  };
}

/** At least 1: the live version is never pruned. */
export function keepVersionsFrom(value: string | undefined, name = 'RECGRAPH_KEEP_VERSIONS'): number {
  const keep = intFrom(value, 3, name);
  if (keep < 1) throw new Error(`${name} must be at least 1 (the live version is always kept), got "${value}"`);
  return keep;
}

/** A port number given outside the environment (e.g. `recgraph start --port`). */
export function portFrom(value: string, name: string): number {
  return intFrom(value, 4000, name);
}

/** DEBUG set: the CLI prints a failure's stack, not only its message. */
export function debugRequested(env: NodeJS.ProcessEnv = process.env): boolean {
  return Boolean(env.DEBUG);
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): RecgraphConfig {
  return {
    databaseUrl: env.DATABASE_URL || undefined,
    // One URL, or several nodes of one Qdrant cluster separated by commas (src/vector/failover-transport.ts).
    qdrantUrl: env.QDRANT_URL || undefined,
    qdrantApiKey: env.QDRANT_API_KEY || undefined,
    dataDir: path.resolve(env.RECGRAPH_DATA_DIR || '.recgraph'),
    host: env.HOST || '0.0.0.0',
    port: intFrom(env.PORT, 4000, 'PORT'),
    production: env.NODE_ENV === 'production',
    apiKeys: parseApiKeys(env.RECGRAPH_API_KEY),
    corsOrigins: parseCorsOrigins(env.CORS_ORIGINS, env.NODE_ENV === 'production'),
    maxQueryDepth: intFrom(env.RECGRAPH_MAX_QUERY_DEPTH, 8, 'RECGRAPH_MAX_QUERY_DEPTH'),
    maxQueryCost: intFrom(env.RECGRAPH_MAX_QUERY_COST, 5000, 'RECGRAPH_MAX_QUERY_COST'),
    maxBodyBytes: intFrom(env.RECGRAPH_MAX_BODY_BYTES, 262_144, 'RECGRAPH_MAX_BODY_BYTES'),
    collectionPrefix: env.RECGRAPH_COLLECTION_PREFIX ?? '',
    keepVersions: keepVersionsFrom(env.RECGRAPH_KEEP_VERSIONS),
    logLevel: env.LOG_LEVEL || 'info',
    textModelPath: env.RECGRAPH_TEXT_MODEL ? path.resolve(env.RECGRAPH_TEXT_MODEL) : undefined,
    segmentAttribute: env.RECGRAPH_SEGMENT_ATTRIBUTE || 'segment',
    segmentMinEvents: intFrom(env.RECGRAPH_SEGMENT_MIN_EVENTS, 100, 'RECGRAPH_SEGMENT_MIN_EVENTS'),
    rerank: onOff(env.RECGRAPH_RERANK, true, 'RECGRAPH_RERANK'),
    trainOnWorks: worksMode(env.RECGRAPH_TRAIN_ON_WORKS),
    tfBackend: tfBackendFrom(env.RECGRAPH_TF_BACKEND),
    qdrantLayout: collectionLayoutFrom(env),
    feedback: feedbackPolicyFrom(env),
    rulesRefreshMs: positiveIntFrom(env.RECGRAPH_RULES_REFRESH_MS, 1_000, 'RECGRAPH_RULES_REFRESH_MS'),
    popularTtlMs: positiveIntFrom(env.RECGRAPH_POPULAR_TTL_MS, 60_000, 'RECGRAPH_POPULAR_TTL_MS'),
    graphqlJit: onOff(env.RECGRAPH_GRAPHQL_JIT, true, 'RECGRAPH_GRAPHQL_JIT'),
    vectorCacheMaxMb: positiveIntFrom(
      env.RECGRAPH_VECTOR_CACHE_MAX_MB,
      DEFAULT_VECTOR_CACHE_MAX_MB,
      'RECGRAPH_VECTOR_CACHE_MAX_MB',
    ),
    llm: {
      url: env.RECGRAPH_LLM_URL || undefined,
      model: env.RECGRAPH_LLM_MODEL || undefined,
      apiKey: env.RECGRAPH_LLM_API_KEY || undefined,
    },
    imageModelPath: env.RECGRAPH_IMAGE_MODEL ? path.resolve(env.RECGRAPH_IMAGE_MODEL) : undefined,
    console: onOff(env.RECGRAPH_CONSOLE, env.NODE_ENV !== 'production', 'RECGRAPH_CONSOLE'),
    postgres: {
      poolMax: positiveIntFrom(env.RECGRAPH_PG_POOL_MAX, 10, 'RECGRAPH_PG_POOL_MAX'),
      // Together under 2 s: a blackholed Postgres (connections open, no bytes) fails a request within that. The
      // embedded PGlite (no DATABASE_URL) answers from this very process: it cannot be blackholed, but a busy event
      // loop (training on first start, a loaded machine) delays its connects past 1 s, so it waits 10 s.
      connectTimeoutMs: positiveIntFrom(
        env.RECGRAPH_PG_CONNECT_TIMEOUT_MS,
        env.DATABASE_URL ? 1_000 : 10_000,
        'RECGRAPH_PG_CONNECT_TIMEOUT_MS',
      ),
      queryTimeoutMs: positiveIntFrom(
        env.RECGRAPH_PG_QUERY_TIMEOUT_MS,
        env.DATABASE_URL ? 1_500 : 10_000,
        'RECGRAPH_PG_QUERY_TIMEOUT_MS',
      ),
      idleInTransactionTimeoutMs: positiveIntFrom(
        env.RECGRAPH_PG_IDLE_IN_TRANSACTION_TIMEOUT_MS,
        5_000,
        'RECGRAPH_PG_IDLE_IN_TRANSACTION_TIMEOUT_MS',
      ),
    },
    retrainEveryMs: durationMsFrom(env.RECGRAPH_RETRAIN_EVERY, 'RECGRAPH_RETRAIN_EVERY'),
    promotionTolerance: fractionFrom(env.RECGRAPH_PROMOTION_TOLERANCE, 0.02, 'RECGRAPH_PROMOTION_TOLERANCE'),
  };
}
