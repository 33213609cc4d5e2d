// Writes the stored enrichment into the items, where every reader already looks: the summary becomes the
// description of an item that has none, the genre's vocabulary name its genres (of an item that has none, or whose
// genres are the name written last time), theme / tone / audience a tag "<field>:<name>" replacing the previous tag
// of that field. Only labelled answers are applied (run the clustering first). Returns the items changed per field.
import type pg from 'pg';
import { withTransaction } from '../../src/db/transaction.js';
import { TAG_FIELDS, type EnrichField } from './fields.js';

export async function applyEnrichment(
  pool: pg.Pool,
  fields: readonly EnrichField[],
): Promise<Partial<Record<EnrichField, number>>> {
  const changed: Partial<Record<EnrichField, number>> = {};
  await withTransaction(pool, async (client) => {
    const run = async (field: EnrichField, sql: string) => {
      const result = await client.query(sql, [field]);
      changed[field] = result.rowCount ?? 0;
      await client.query(
        `UPDATE item_enrichments SET applied = COALESCE(label, value)
          WHERE field = $1 AND (label IS NOT NULL OR field = 'summary')`,
        [field],
      );
    };
    if (fields.includes('summary'))
      await run(
        'summary',
        `UPDATE items it SET description = e.value, updated_at = now()
           FROM item_enrichments e
          WHERE e.item_id = it.id AND e.field = $1
            AND (NULLIF(btrim(COALESCE(it.description, '')), '') IS NULL
                 OR (it.description = e.applied AND e.applied IS DISTINCT FROM e.value))`,
      );
    if (fields.includes('genre'))
      await run(
        'genre',
        `UPDATE items it SET genres = ARRAY[e.label], updated_at = now()
           FROM item_enrichments e
          WHERE e.item_id = it.id AND e.field = $1 AND e.label IS NOT NULL
            AND (cardinality(COALESCE(it.genres, '{}')) = 0 OR it.genres = ARRAY[e.applied])
            AND it.genres IS DISTINCT FROM ARRAY[e.label]`,
      );
    for (const field of TAG_FIELDS.filter((f) => fields.includes(f)))
      await run(
        field,
        `UPDATE items it
            SET tags = ARRAY(SELECT t FROM unnest(COALESCE(it.tags, '{}')) AS t WHERE NOT starts_with(t, $1 || ':'))
                       || ($1 || ':' || e.label), updated_at = now()
           FROM item_enrichments e
          WHERE e.item_id = it.id AND e.field = $1 AND e.label IS NOT NULL
            AND NOT (($1 || ':' || e.label) = ANY(COALESCE(it.tags, '{}'))
                     AND (SELECT count(*) FROM unnest(COALESCE(it.tags, '{}')) AS t WHERE starts_with(t, $1 || ':')) = 1)`,
      );
  });
  return changed;
}
