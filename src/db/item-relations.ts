// The catalogue's own item-item relations: the item ids a source lists beside an item, stored by the ingest in
// items.attributes (Amazon 2014/2018 metadata: boughtTogether, alsoBuy, alsoView — external ids of the same
// catalogue). Read per request with the unique external_id index; ids naming no (live, matching) item are skipped.
import type pg from 'pg';
import type { ItemFilterInput } from '../catalogue.js';
import { itemFilterSql } from './item-filter-sql.js';

export type RelationKind = 'ALSO_BOUGHT' | 'ALSO_VIEWED';

/** Attribute keys in the order they are listed: bought together is the strongest signal, viewed the weakest. */
const RELATION_KEYS: ReadonlyArray<[attribute: string, kind: RelationKind]> = [
  ['boughtTogether', 'ALSO_BOUGHT'],
  ['alsoBuy', 'ALSO_BOUGHT'],
  ['alsoView', 'ALSO_VIEWED'],
];

export interface RelatedItem {
  itemId: number;
  kind: RelationKind;
  /** 0-based place in the combined order (an item listed twice keeps its first place). */
  position: number;
}

/** Up to `limit` related items of `itemId`, in the catalogue's order, filter applied. */
export async function relatedItems(
  pool: pg.Pool,
  itemId: number,
  limit: number,
  filter: ItemFilterInput | undefined,
): Promise<RelatedItem[]> {
  const params: unknown[] = [itemId, limit, RELATION_KEYS.map(([key]) => key), RELATION_KEYS.map(([, kind]) => kind)];
  const { rows } = await pool.query<{ itemId: number; kind: RelationKind }>(
    `WITH listed AS (
       SELECT a.value AS external_id, k.kind, k.rank * 1000000 + a.ord AS position
         FROM items src
        CROSS JOIN unnest($3::text[], $4::text[]) WITH ORDINALITY AS k(key, kind, rank)
        CROSS JOIN LATERAL jsonb_array_elements_text(
                 CASE WHEN jsonb_typeof(src.attributes -> k.key) = 'array' THEN src.attributes -> k.key ELSE '[]' END
               ) WITH ORDINALITY AS a(value, ord)
        WHERE src.id = $1
     ), first_place AS (
       SELECT DISTINCT ON (it.id) it.id, l.kind, l.position
         FROM listed l JOIN items it ON it.external_id = l.external_id
        WHERE it.id <> $1 AND ${itemFilterSql(filter, params)}
        ORDER BY it.id, l.position
     )
     SELECT id AS "itemId", kind FROM first_place ORDER BY position LIMIT $2`,
    params,
  );
  return rows.map((row, position) => ({ ...row, position }));
}
