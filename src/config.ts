// Every setting recgraph reads from the environment, in one place, with its default.
// README.md § Configuration documents each variable; keep the two in step.
import path from 'node:path';

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
  /** The serving path's Postgres pool: size and timeouts (see src/db/pool.ts, servingPoolOptions). */
  postgres: ServingPoolSettings;
  /** Serve the web console at /console (RECGRAPH_CONSOLE; default on in development, off in production). */
  console: boolean;
}

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

/** 0 would switch a timeout off or leave a pool empty: refused. */
function positiveIntFrom(value: string | undefined, fallback: number, name: string): number {
  const parsed = intFrom(value, fallback, name);
  if (parsed < 1) throw new Error(`${name} must be at least 1, got "${value}"`);
  return parsed;
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
  };
}
