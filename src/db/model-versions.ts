// Queries of the model_versions table (the published models' bookkeeping: status, artifacts, collections).
import type pg from 'pg';

type Queryable = Pick<pg.ClientBase, 'query'>;

/** The live version: the active one activated last (a rollback re-activates an older row). */
export async function activeVersion(db: Queryable): Promise<string | undefined> {
  const { rows } = await db.query<{ version: string }>(
    `SELECT version FROM model_versions WHERE status = 'active' ORDER BY activated_at DESC NULLS LAST LIMIT 1`,
  );
  return rows[0]?.version;
}

export type VersionStatus = 'exporting' | 'exported' | 'active' | 'retired' | 'failed' | 'pruned';

/** A version's status, undefined when it was never recorded. */
export async function versionStatus(db: Queryable, version: string): Promise<VersionStatus | undefined> {
  const { rows } = await db.query<{ status: VersionStatus }>('SELECT status FROM model_versions WHERE version = $1', [
    version,
  ]);
  return rows[0]?.status;
}

export interface VersionRecord {
  version: string;
  kind: string;
  params: unknown;
  metrics: unknown;
  collections: Record<string, string>;
  artifacts: unknown;
  dimension: number;
  dataCutoff: Date | string | null;
}

/** Records a version as being exported (a re-export of the same version starts over). */
export async function recordExporting(db: Queryable, record: VersionRecord): Promise<void> {
  await db.query(
    `INSERT INTO model_versions (version, kind, status, params, metrics, collections, artifacts, dimension, data_cutoff)
     VALUES ($1, $2, 'exporting', $3, $4, $5, $6, $7, $8)
     ON CONFLICT (version) DO UPDATE SET status = 'exporting', collections = EXCLUDED.collections,
       artifacts = EXCLUDED.artifacts`,
    [
      record.version,
      record.kind,
      record.params,
      record.metrics,
      record.collections,
      record.artifacts,
      record.dimension,
      record.dataCutoff,
    ],
  );
}

export async function setVersionStatus(db: Queryable, version: string, status: VersionStatus): Promise<void> {
  await db.query('UPDATE model_versions SET status = $2 WHERE version = $1', [version, status]);
}

/** Marks `version` live and the previously live one retired; run it inside one transaction. */
export async function markActive(db: Queryable, version: string): Promise<void> {
  await db.query(`UPDATE model_versions SET status = 'retired' WHERE status = 'active' AND version <> $1`, [version]);
  await db.query(`UPDATE model_versions SET status = 'active', activated_at = now() WHERE version = $1`, [version]);
}

/**
 * The version that was live before the current one: the retired version activated most recently whose
 * collections still exist (pruned versions lost theirs). Undefined when there is none to go back to.
 */
export async function previousVersion(db: Queryable): Promise<string | undefined> {
  const { rows } = await db.query<{ version: string }>(
    `SELECT version FROM model_versions WHERE status = 'retired' AND activated_at IS NOT NULL
      ORDER BY activated_at DESC, id DESC LIMIT 1`,
  );
  return rows[0]?.version;
}

/** Versions whose collections may still exist, newest first. */
export async function versionsWithCollections(
  db: Queryable,
): Promise<Array<{ version: string; status: VersionStatus }>> {
  const { rows } = await db.query<{ version: string; status: VersionStatus }>(
    `SELECT version, status FROM model_versions WHERE status IN ('active', 'retired', 'exported')
      ORDER BY created_at DESC, id DESC`,
  );
  return rows;
}

/** What serving reads of a published version: its bookkeeping and the artifacts JSON (decoded by the caller). */
export interface PublishedVersionRow {
  version: string;
  kind: string;
  dimension: number;
  dataCutoff: Date;
  createdAt: Date;
  activatedAt: Date | null;
  metrics: Record<string, unknown>;
  artifacts: unknown;
  /** Its Qdrant collections by role (items_image only when it was trained with an image model). */
  collections: Record<string, string>;
}

/**
 * `queryTimeoutMs`: the client-side wait for this statement, instead of the pool's (the artifacts of a large
 * catalogue take longer to read than a request's statements; the caller sets statement_timeout to match).
 */
export async function publishedVersion(
  db: Queryable,
  version: string,
  queryTimeoutMs?: number,
): Promise<PublishedVersionRow | undefined> {
  const { rows } = await db.query<PublishedVersionRow>({
    text: `SELECT version, kind, dimension, data_cutoff AS "dataCutoff", created_at AS "createdAt",
            activated_at AS "activatedAt", metrics, artifacts, collections
       FROM model_versions WHERE version = $1`,
    values: [version],
    // node-postgres reads query_timeout per query; its type declarations lack the field.
    ...(queryTimeoutMs ? { query_timeout: queryTimeoutMs } : {}),
  } as pg.QueryConfig);
  return rows[0];
}

/** One recorded version as the console's Models page lists it. */
export interface VersionListing {
  version: string;
  kind: string;
  status: VersionStatus;
  params: Record<string, unknown>;
  metrics: Record<string, unknown>;
  dimension: number;
  dataCutoff: Date | null;
  createdAt: Date;
  activatedAt: Date | null;
}

/** Every recorded version, newest first (at most `limit`: the table only grows). */
export async function listVersions(db: Queryable, limit = 100): Promise<VersionListing[]> {
  const { rows } = await db.query<VersionListing>(
    `SELECT version, kind, status, params, metrics, dimension, data_cutoff AS "dataCutoff", created_at AS "createdAt",
            activated_at AS "activatedAt"
       FROM model_versions ORDER BY created_at DESC, id DESC LIMIT $1`,
    [limit],
  );
  return rows;
}
