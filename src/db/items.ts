// Item metadata reads on the serving path: one round trip per batch of ids (DataLoader calls these).
import type pg from 'pg';
import type { ItemFilterInput } from '../catalogue.js';
import { itemColumns } from './item-columns.js';
import { itemFilterSql } from './item-filter-sql.js';
import { relatedItems, type RelatedItem } from './item-relations.js';

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

export interface ItemRow extends ItemWrite {
  id: number;
  deletedAt: Date | null;
  /** The work this edition belongs to (src/editions/matcher.ts); null until grouped, i.e. its own work. */
  workId?: number | null;
}

const COLUMNS = itemColumns();

export class ItemRepository {
  constructor(private readonly pool: pg.Pool) {}

  /** Rows in the order of `ids`; undefined where an id does not exist. */
  async byIds(ids: readonly number[]): Promise<(ItemRow | undefined)[]> {
    const { rows } = await this.pool.query<ItemRow>(`SELECT ${COLUMNS} FROM items WHERE id = ANY($1::int[])`, [ids]);
    const byId = new Map(rows.map((row) => [row.id, row]));
    return ids.map((id) => byId.get(id));
  }

  async byExternalIds(externalIds: readonly string[]): Promise<(ItemRow | undefined)[]> {
    const { rows } = await this.pool.query<ItemRow>(
      `SELECT ${COLUMNS} FROM items WHERE external_id = ANY($1::text[])`,
      [externalIds],
    );
    const byExternal = new Map(rows.map((row) => [row.externalId, row]));
    return externalIds.map((id) => byExternal.get(id));
  }
}

export interface RankedId {
  id: number;
  score: number;
}

/**
 * Keyword results are kept this long: the same query words arrive again and again (head queries), and ranking a
 * common word's thousands of matches costs Postgres milliseconds each time. Item writes through this repository
 * clear them at once; the TTL bounds how long another replica's writes take to show in keyword matches.
 */
const KEYWORD_CACHE_TTL_MS = 30_000;
const KEYWORD_CACHE_ENTRIES = 2_000;

export class ItemSearchRepository {
  private readonly keywordCache = new Map<string, { at: number; hits: RankedId[] }>();
  /** Bumped by every item write: a keyword read that started before one must not store its (maybe stale) result. */
  private writes = 0;

  constructor(
    private readonly pool: pg.Pool,
    private readonly options: { onLookup?: (cache: string, hit: boolean) => void } = {},
  ) {}

  /** Items sharing a creator with `creators`, most interacted-with first. */
  async byCreators(
    creators: readonly string[],
    limit: number,
    filter: ItemFilterInput | undefined,
  ): Promise<RankedId[]> {
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

  /** The catalogue's own relations of the item (also bought, also viewed: item-relations.ts). */
  related(itemId: number, limit: number, filter: ItemFilterInput | undefined): Promise<RelatedItem[]> {
    return relatedItems(this.pool, itemId, limit, filter);
  }

  /**
   * Full-text search (websearch syntax: quotes, OR, -word) ranked by ts_rank over the weighted document (title A,
   * creators B, genres/tags C, description D). Not ts_rank_cd: cover density costs ~2× more per matching row, and a
   * common word matches thousands of rows that all get ranked before LIMIT.
   */
  async keyword(query: string, limit: number, filter: ItemFilterInput | undefined): Promise<RankedId[]> {
    const key = JSON.stringify([query, limit, filter ?? {}]);
    const cached = this.keywordCache.get(key);
    const hit = cached !== undefined && Date.now() - cached.at < KEYWORD_CACHE_TTL_MS;
    this.options.onLookup?.('keyword', hit);
    if (hit) return cached.hits;
    const writes = this.writes;
    const hits = await this.rankKeyword(query, limit, filter);
    if (writes !== this.writes) return hits;
    if (this.keywordCache.size >= KEYWORD_CACHE_ENTRIES) this.keywordCache.clear();
    this.keywordCache.set(key, { at: Date.now(), hits });
    return hits;
  }

  /** Called around every item write (before and after it lands). */
  private itemsChanged(): void {
    this.writes++;
    this.keywordCache.clear();
  }

  private async rankKeyword(query: string, limit: number, filter: ItemFilterInput | undefined): Promise<RankedId[]> {
    const params: unknown[] = [query, limit];
    const { rows } = await this.pool.query<RankedId>(
      `SELECT it.id, ts_rank(it.search_document, q)::float8 AS score
         FROM items it, websearch_to_tsquery('english', $1) q
        WHERE it.search_document @@ q AND ${itemFilterSql(filter, params)}
        ORDER BY score DESC, it.id LIMIT $2`,
      params,
    );
    return rows;
  }

  /** Inserts or updates by external id in one statement; returns rows in input order and which were created. */
  async upsert(items: readonly ItemWrite[]): Promise<Array<{ row: ItemRow; created: boolean }>> {
    this.itemsChanged();
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
    this.itemsChanged();
    const byExternal = new Map(rows.map((row) => [row.externalId, row]));
    return items.map((item) => {
      const { created, ...row } = byExternal.get(item.externalId)!;
      return { row, created };
    });
  }

  /** Soft-deletes live items; returns the internal ids that were deleted now. */
  async softDelete(externalIds: readonly string[]): Promise<Array<{ id: number; externalId: string }>> {
    this.itemsChanged();
    const { rows } = await this.pool.query<{ id: number; externalId: string }>(
      `UPDATE items SET deleted_at = now() WHERE external_id = ANY($1::text[]) AND deleted_at IS NULL
       RETURNING id, external_id AS "externalId"`,
      [externalIds],
    );
    this.itemsChanged();
    return rows;
  }
}
