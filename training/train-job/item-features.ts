// Reads the item metadata the two-tower model's item tower uses (genres, tags, creators, year, and the text the
// hashed text encoder embeds) from Postgres, aligned with the dense item indices of a TrainingData read.
import type pg from 'pg';
import { itemColumns } from '../../src/db/item-columns.js';
import {
  catalogItemFeatures,
  type CatalogFeatureOptions,
  type CatalogItem,
  type ItemSideFeatures,
} from '../models/two-tower-features.js';

export async function readItemFeatures(
  pool: pg.Pool,
  itemIds: Int32Array,
  options: CatalogFeatureOptions = {},
): Promise<ItemSideFeatures> {
  const { rows } = await pool.query<CatalogItem & { id: number }>(
    `SELECT ${itemColumns(['id', 'title', 'creators', 'genres', 'tags', 'description', 'year'])}
       FROM items WHERE id = ANY($1::int[])`,
    [Array.from(itemIds)],
  );
  const byId = new Map(rows.map((row) => [row.id, row]));
  const catalogue = Array.from(itemIds, (id) => {
    const row = byId.get(id);
    // The ids come from the same snapshot's items table; a missing row means the item was hard-deleted since.
    if (!row) throw new Error(`item ${id} has no row in items (deleted while training?)`);
    return row;
  });
  return catalogItemFeatures(catalogue, options);
}
