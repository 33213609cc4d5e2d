// Resolves the two backing services: the configured servers when DATABASE_URL / QDRANT_URL are set, otherwise
// embedded ones under the data directory (zero-config local run). Migrates the database either way.
import path from 'node:path';
import type pg from 'pg';
import type { CollectionLayout, RecgraphConfig } from '../config.js';
import { startEmbeddedPostgres } from '../db/embedded-postgres.js';
import { applyMigrations, redactUrl } from '../db/migrate.js';
import { createPool, servingPoolOptions } from '../db/pool.js';
import { startEmbeddedQdrant } from '../vector/embedded-qdrant.js';
import type { Logger } from '../logger.js';

export interface Infrastructure {
  databaseUrl: string;
  /** Empty when the command asked for no Qdrant (e.g. ingest, migrate). */
  qdrantUrl: string;
  qdrantApiKey: string | undefined;
  /** Shards/replicas of the collections exports create (config.qdrantLayout). */
  qdrantLayout?: CollectionLayout;
  /** True when Postgres is the embedded PGlite (no COPY protocol, serialised transactions). */
  embeddedPostgres: boolean;
  pool: pg.Pool;
  /**
   * The pool the API serves from: the same database with bounded waits (servingPoolOptions). Absent → `pool`
   * (tests that hand in a pool of their own).
   */
  servingPool?: pg.Pool;
  /** Closes the pool and stops whatever was started here, in reverse order. */
  stop(): Promise<void>;
}

export async function openInfrastructure(
  config: RecgraphConfig,
  log: Logger,
  options: { migrate?: boolean; qdrant?: boolean } = {},
): Promise<Infrastructure> {
  const stops: Array<() => Promise<void>> = [];
  const stopAll = async () => {
    for (const stop of stops.reverse()) await stop().catch((error: Error) => log.warn(`shutdown: ${error.message}`));
  };
  try {
    let databaseUrl = config.databaseUrl;
    if (!databaseUrl) {
      const embedded = await startEmbeddedPostgres({ dataDir: path.join(config.dataDir, 'postgres') });
      stops.push(embedded.stop);
      databaseUrl = embedded.url;
      log.info(`embedded Postgres (PGlite) at ${path.join(config.dataDir, 'postgres')}`);
    }
    if (options.migrate !== false) {
      const applied = await applyMigrations(databaseUrl);
      if (applied.length) log.info(`applied migrations: ${applied.join(', ')}`);
    }
    const pool = createPool(databaseUrl);
    stops.push(() => pool.end());
    // A pg.Pool opens no connection until used: offline commands never touch this one.
    const servingPool = createPool(databaseUrl, servingPoolOptions(config.postgres));
    stops.push(() => servingPool.end());

    let qdrantUrl = config.qdrantUrl ?? '';
    if (!qdrantUrl && options.qdrant !== false) {
      const qdrant = await startEmbeddedQdrant({ storageDir: path.join(config.dataDir, 'qdrant') });
      stops.push(qdrant.stop);
      qdrantUrl = qdrant.url;
      log.info(`embedded Qdrant at ${qdrant.url} (storage ${path.join(config.dataDir, 'qdrant')})`);
    }
    log.debug(`database ${redactUrl(databaseUrl)}, qdrant ${qdrantUrl}`);
    return {
      databaseUrl,
      qdrantUrl,
      qdrantApiKey: config.qdrantApiKey,
      qdrantLayout: config.qdrantLayout,
      embeddedPostgres: !config.databaseUrl,
      pool,
      servingPool,
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}
