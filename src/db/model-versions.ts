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
