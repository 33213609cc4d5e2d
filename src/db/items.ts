// Item metadata reads on the serving path: one round trip per batch of ids (DataLoader calls these).
import type pg from 'pg';
import type { ItemFilterInput } from '../vector/filters.js';
import { itemFilterSql } from './item-filter-sql.js';

export interface ItemRow {
  id: number;
  externalId: string;
  title: string;
  creators: string[];
  genres: string[];
  tags: string[];
  year: number | null;
  publisher: string | null;
  description: string | null;
  imageUrl: string | null;
  language: string | null;
  deletedAt: Date | null;
}

// Array columns may be NULL in rows loaded by other tools; the API promises lists.
const COLUMNS = `id, external_id AS "externalId", title, COALESCE(creators, '{}') AS creators, COALESCE(genres, '{}') AS genres,
                 COALESCE(tags, '{}') AS tags, year, publisher, description,
                 image_url AS "imageUrl", language, deleted_at AS "deletedAt"`;

export class ItemRepository {
  constructor(private readonly pool: pg.Pool) {}

  /** Rows in the order of `ids`; undefined where an id does not exist. */
  async byIds(ids: readonly number[]): Promise<(ItemRow | undefined)[]> {
    const { rows } = await this.pool.query<ItemRow>(`SELECT ${COLUMNS} FROM items WHERE id = ANY($1::int[])`, [ids]);
    const byId = new Map(rows.map((row) => [row.id, row]));
    return ids.map((id) => byId.get(id));
  }

  async byExternalIds(externalIds: readonly string[]): Promise<(ItemRow | undefined)[]> {
    const { rows } = await this.pool.query<ItemRow>(`SELECT ${COLUMNS} FROM items WHERE external_id = ANY($1::text[])`, [
      externalIds,
    ]);
    const byExternal = new Map(rows.map((row) => [row.externalId, row]));
    return externalIds.map((id) => byExternal.get(id));
  }
}

export interface ItemWrite {
  externalId: string;
  title: string;
  creators: string[];
  genres: string[];
  tags: string[];
  year: number | null;
  publisher: string | null;
  description: string | null;
  imageUrl: string | null;
  language: string | null;
}

export interface RankedId {
  id: number;
  score: number;
}

export class ItemSearchRepository {
  constructor(private readonly pool: pg.Pool) {}

  /** Items sharing a creator with `creators`, most interacted-with first. */
  async byCreators(creators: readonly string[], limit: number, filter: ItemFilterInput | undefined): Promise<RankedId[]> {
    if (!creators.length) return [];
    const params: unknown[] = [creators, limit];
    const { rows } = await this.pool.query<RankedId>(
      `SELECT it.id, (SELECT count(*) FROM interactions x WHERE x.item_id = it.id)::float8 AS score
         FROM items it WHERE it.creators && $1::text[] AND ${itemFilterSql(filter, params)}
        ORDER BY score DESC, it.id LIMIT $2`,
      params,
    );
    return rows;
  }

  /** Full-text search (websearch syntax: quotes, OR, -word) ranked by cover density. */
  async keyword(query: string, limit: number, filter: ItemFilterInput | undefined): Promise<RankedId[]> {
    const params: unknown[] = [query, limit];
    const { rows } = await this.pool.query<RankedId>(
      `SELECT it.id, ts_rank_cd(it.search_document, q)::float8 AS score
         FROM items it, websearch_to_tsquery('english', $1) q
        WHERE it.search_document @@ q AND ${itemFilterSql(filter, params)}
        ORDER BY score DESC, it.id LIMIT $2`,
      params,
    );
    return rows;
  }

  /** Inserts or updates by external id in one statement; returns rows in input order and which were created. */
  async upsert(items: readonly ItemWrite[]): Promise<Array<{ row: ItemRow; created: boolean }>> {
    const { rows } = await this.pool.query<ItemRow & { created: boolean }>(
      `INSERT INTO items (external_id, title, creators, genres, tags, year, publisher, description, image_url, language)
       SELECT x.e, x.t, ARRAY(SELECT jsonb_array_elements_text(x.c)), ARRAY(SELECT jsonb_array_elements_text(x.g)),
              ARRAY(SELECT jsonb_array_elements_text(x.tg)), x.y, x.p, x.d, x.i, x.l
         FROM jsonb_to_recordset($1::jsonb) AS x(e text, t text, c jsonb, g jsonb, tg jsonb, y int, p text, d text, i text, l text)
       ON CONFLICT (external_id) DO UPDATE SET
         title = EXCLUDED.title, creators = EXCLUDED.creators, genres = EXCLUDED.genres, tags = EXCLUDED.tags,
         year = EXCLUDED.year, publisher = EXCLUDED.publisher, description = EXCLUDED.description,
         image_url = EXCLUDED.image_url, language = EXCLUDED.language, deleted_at = NULL, updated_at = now()
       RETURNING ${COLUMNS}, (xmax = 0) AS created`,
      [
        JSON.stringify(
          items.map((item) => ({
            e: item.externalId,
            t: item.title,
            c: item.creators,
            g: item.genres,
            tg: item.tags,
            y: item.year,
            p: item.publisher,
            d: item.description,
            i: item.imageUrl,
            l: item.language,
          })),
        ),
      ],
    );
    const byExternal = new Map(rows.map((row) => [row.externalId, row]));
    return items.map((item) => {
      const { created, ...row } = byExternal.get(item.externalId)!;
      return { row, created };
    });
  }

  /** Soft-deletes live items; returns the internal ids that were deleted now. */
  async softDelete(externalIds: readonly string[]): Promise<Array<{ id: number; externalId: string }>> {
    const { rows } = await this.pool.query<{ id: number; externalId: string }>(
      `UPDATE items SET deleted_at = now() WHERE external_id = ANY($1::text[]) AND deleted_at IS NULL
       RETURNING id, external_id AS "externalId"`,
      [externalIds],
    );
    return rows;
  }
}
