// The enrichment's state in Postgres: which items still lack a field, each validated answer (the progress: a rerun
// skips what is stored), the last failure per item, and the run's own row.
import type pg from 'pg';
import { withTransaction } from '../../src/db/transaction.js';
import { lacksOwnValueSql, type EnrichField } from './fields.js';
import type { ItemToEnrich } from './prompt.js';

/** SQL true when `items it` lacks `field`: neither its own column nor a stored enrichment has it. */
function missingSql(field: EnrichField): string {
  return `(${lacksOwnValueSql(field)} AND NOT EXISTS (
            SELECT 1 FROM item_enrichments e WHERE e.item_id = it.id AND e.field = '${field}'))`;
}

/** Items (not deleted) that lack any of `fields`, by id, at most `limit`. */
export async function itemsLacking(
  pool: pg.Pool,
  fields: readonly EnrichField[],
  limit: number,
): Promise<ItemToEnrich[]> {
  const flags = fields.map((field) => `${missingSql(field)} AS "${field}"`).join(', ');
  const { rows } = await pool.query<Omit<ItemToEnrich, 'missing'> & Record<EnrichField, boolean>>(
    `SELECT it.id, it.title, COALESCE(it.creators, '{}') AS creators, COALESCE(it.genres, '{}') AS genres,
            COALESCE(it.tags, '{}') AS tags, it.year, it.description, ${flags}
       FROM items it
      WHERE it.deleted_at IS NULL AND (${fields.map(missingSql).join(' OR ')})
      ORDER BY it.id
      LIMIT $1`,
    [limit],
  );
  return rows.map((row) => ({
    id: row.id,
    title: row.title,
    creators: row.creators,
    genres: row.genres,
    tags: row.tags,
    year: row.year,
    description: row.description,
    missing: fields.filter((field) => row[field]),
  }));
}

export interface StoredAnswer {
  itemId: number;
  values: Partial<Record<EnrichField, string>>;
}

export interface FailedItem {
  itemId: number;
  reason: string;
}

/** One batch's outcome in one transaction: answers stored (their failures cleared), failures recorded, run counted. */
export async function recordBatch(
  pool: pg.Pool,
  runId: number,
  model: string,
  answers: readonly StoredAnswer[],
  failures: readonly FailedItem[],
  tokens: number,
): Promise<void> {
  await withTransaction(pool, async (client) => {
    const ids: number[] = [];
    const fields: string[] = [];
    const values: string[] = [];
    for (const answer of answers)
      for (const [field, value] of Object.entries(answer.values)) {
        ids.push(answer.itemId);
        fields.push(field);
        values.push(value);
      }
    if (ids.length)
      await client.query(
        `INSERT INTO item_enrichments (item_id, field, value, model)
         SELECT * , $4::text FROM unnest($1::int[], $2::text[], $3::text[])
         ON CONFLICT (item_id, field) DO UPDATE SET value = EXCLUDED.value, label = NULL, model = EXCLUDED.model,
                                                   created_at = now()`,
        [ids, fields, values, model],
      );
    if (answers.length)
      await client.query(`DELETE FROM enrichment_failures WHERE item_id = ANY($1::int[])`, [
        answers.map((a) => a.itemId),
      ]);
    if (failures.length)
      await client.query(
        `INSERT INTO enrichment_failures (item_id, reason)
         SELECT * FROM unnest($1::int[], $2::text[])
         ON CONFLICT (item_id) DO UPDATE SET reason = EXCLUDED.reason,
                                             attempts = enrichment_failures.attempts + 1, updated_at = now()`,
        [failures.map((f) => f.itemId), failures.map((f) => f.reason)],
      );
    await client.query(
      `UPDATE enrichment_runs SET items_done = items_done + $2, items_failed = items_failed + $3,
              tokens = tokens + $4 WHERE id = $1`,
      [runId, answers.length, failures.length, tokens],
    );
  });
}

export async function startRun(pool: pg.Pool, fields: readonly EnrichField[], model: string): Promise<number> {
  const { rows } = await pool.query<{ id: number }>(
    `INSERT INTO enrichment_runs (fields, model) VALUES ($1::text[], $2) RETURNING id`,
    [fields, model],
  );
  return rows[0].id;
}

export async function finishRun(pool: pg.Pool, runId: number, status: 'done' | 'capped' | 'failed'): Promise<void> {
  await pool.query(`UPDATE enrichment_runs SET status = $2, finished_at = now() WHERE id = $1`, [runId, status]);
}
