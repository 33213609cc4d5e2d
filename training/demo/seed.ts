// Writes the generated demo catalog into Postgres in one transaction (all or nothing), with array-parameter
// (unnest) inserts: a few statements for the whole dataset, and they work on the embedded PGlite too, whose
// wire protocol has no COPY.
import type pg from 'pg';
import { withTransaction } from '../../src/db/transaction.js';
import { assignWorkIds } from '../ingest/work-ids.js';
import { generateDemoDataset, type DemoDataset, type DemoOptions } from './generate.js';

export interface SeedSummary {
  items: number;
  /** Works with two or more editions (same creator, near-identical titles), grouped as ingest groups them. */
  multiEditionWorks: number;
  users: number;
  interactions: number;
}

const CHUNK = 20_000;

function chunks<T>(rows: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < rows.length; i += CHUNK) out.push(rows.slice(i, i + CHUNK));
  return out;
}

export async function isDatabaseEmpty(pool: pg.Pool): Promise<boolean> {
  const { rows } = await pool.query<{ n: number }>(
    'SELECT (SELECT count(*) FROM items) + (SELECT count(*) FROM interactions) AS n',
  );
  return Number(rows[0].n) === 0;
}

export function seedDemo(pool: pg.Pool, options: DemoOptions = {}): Promise<SeedSummary> {
  return loadDemoDataset(pool, generateDemoDataset(options));
}

/** Loads a generated dataset (or part of one: tests hold events out) in one transaction. */
export async function loadDemoDataset(pool: pg.Pool, data: DemoDataset): Promise<SeedSummary> {
  const works = await withTransaction(pool, async (client) => {
    for (const part of chunks(data.items)) {
      await client.query(
        `INSERT INTO items (external_id, title, creators, genres, tags, year, description)
         SELECT e, t, string_to_array(c, '|'), string_to_array(g, '|'), COALESCE(string_to_array(NULLIF(tg, ''), '|'), '{}'), y, d
           FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::int[], $7::text[]) AS x(e, t, c, g, tg, y, d)
         ON CONFLICT (external_id) DO NOTHING`,
        [
          part.map((i) => i.externalId),
          part.map((i) => i.title),
          part.map((i) => i.creators.join('|')),
          part.map((i) => i.genres.join('|')),
          part.map((i) => i.tags.join('|')),
          part.map((i) => i.year),
          part.map((i) => i.description),
        ],
      );
    }
    for (const part of chunks(data.users)) {
      await client.query(
        `INSERT INTO users (external_id, attributes) SELECT e, a::jsonb FROM unnest($1::text[], $2::text[]) AS x(e, a)
         ON CONFLICT (external_id) DO NOTHING`,
        [part.map((u) => u.externalId), part.map((u) => JSON.stringify(u.attributes))],
      );
    }
    for (const part of chunks(data.interactions)) {
      await client.query(
        `INSERT INTO interactions (user_id, item_id, kind, value, occurred_at, created_at)
         SELECT u.id, i.id, x.k, x.v, x.t, x.t
           FROM unnest($1::text[], $2::text[], $3::text[], $4::float8[], $5::timestamptz[]) AS x(ue, ie, k, v, t)
           JOIN users u ON u.external_id = x.ue JOIN items i ON i.external_id = x.ie
         ON CONFLICT (user_id, item_id, kind, occurred_at) DO NOTHING`,
        [
          part.map((e) => e.userExternalId),
          part.map((e) => e.itemExternalId),
          part.map((e) => e.kind),
          part.map((e) => e.value),
          part.map((e) => e.occurredAt.toISOString()),
        ],
      );
    }
    // Editions into works, as `recgraph ingest` does (batched inserts: the embedded PGlite has no COPY).
    return assignWorkIds(client, {}, 'insert');
  });
  return {
    items: data.items.length,
    multiEditionWorks: works.multiEditionWorks,
    users: data.users.length,
    interactions: data.interactions.length,
  };
}
