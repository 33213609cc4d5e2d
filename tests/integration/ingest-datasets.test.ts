// The real datasets in ../shared/datasets, when present (they are not part of the repository).
import { existsSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runIngest } from '../../training/ingest/ingest.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';

const DATASETS = path.resolve(import.meta.dirname, '../../../shared/datasets');
const ML100K = path.join(DATASETS, 'ml-100k');
const ML1M_SPLIT = path.join(DATASETS, 'ml-1m-split');

let db: TestDatabase;
let pool: pg.Pool;
beforeAll(async () => {
  db = await createTestDatabase();
  pool = new pg.Pool({ connectionString: db.url, max: 2 });
});
afterAll(async () => {
  await pool?.end();
  await db?.drop();
});

async function count(sql: string): Promise<number> {
  return Number((await pool.query(sql)).rows[0].n);
}

describe.skipIf(!existsSync(ML100K))('MovieLens 100K', () => {
  it(
    'loads 100,000 ratings, 943 users and 1,682 items with titles and genres; a second run changes nothing',
    { timeout: 120_000 },
    async () => {
      const first = await runIngest(pool, 'movielens', [ML100K], { rejectFile: null });
      expect(first.tables.interactions).toMatchObject({ read: 100_000, inserted: 100_000, rejected: 0, merged: 0 });
      expect(first.tables.users).toMatchObject({ read: 943, inserted: 943, implicit: 0 });
      expect(first.tables.items).toMatchObject({ read: 1682, inserted: 1682 });
      expect(
        await count(`SELECT count(*) AS n FROM interactions WHERE kind = 'rating' AND value BETWEEN 1 AND 5`),
      ).toBe(100_000);
      expect(await count(`SELECT count(*) AS n FROM users`)).toBe(943);
      expect(await count(`SELECT count(*) AS n FROM items WHERE title <> '' AND cardinality(genres) > 0`)).toBe(1682);
      const toyStory = (await pool.query(`SELECT title, year, genres FROM items WHERE external_id = '1'`)).rows[0];
      expect(toyStory).toEqual({
        title: 'Toy Story (1995)',
        year: 1995,
        genres: ['Animation', "Children's", 'Comedy'],
      });
      // Latin-1 titles decoded, not mangled.
      expect((await pool.query(`SELECT title FROM items WHERE external_id = '1633'`)).rows[0].title).toBe(
        'Á köldum klaka (Cold Fever) (1994)',
      );
      expect((await pool.query(`SELECT attributes FROM users WHERE external_id = '1'`)).rows[0].attributes).toEqual({
        age: 24,
        gender: 'M',
        occupation: 'technician',
        zip: '85711',
      });
      // ml-100k lists 18 movies twice under two ids: grouped into one work each, both rows kept.
      expect(first.works).toMatchObject({ items: 1682, multiEditionWorks: 18, itemsInMultiEditionWorks: 36 });

      const before = (await pool.query(`SELECT md5(string_agg(t::text, '|' ORDER BY id)) AS h FROM interactions t`))
        .rows[0].h;
      const itemsBefore = (await pool.query(`SELECT md5(string_agg(t::text, '|' ORDER BY id)) AS h FROM items t`))
        .rows[0].h;
      const second = await runIngest(pool, 'movielens', [ML100K], { rejectFile: null });
      for (const table of ['items', 'users', 'interactions'] as const) {
        expect(second.tables[table], table).toMatchObject({ inserted: 0, updated: 0, implicit: 0 });
      }
      expect(second.works?.changed).toBe(0);
      expect(
        (await pool.query(`SELECT md5(string_agg(t::text, '|' ORDER BY id)) AS h FROM interactions t`)).rows[0].h,
      ).toBe(before);
      expect((await pool.query(`SELECT md5(string_agg(t::text, '|' ORDER BY id)) AS h FROM items t`)).rows[0].h).toBe(
        itemsBefore,
      );
    },
  );
});

describe.skipIf(!existsSync(ML1M_SPLIT))('ml-1m-split (benchmark split files)', () => {
  it('loads train/valid/test: 836,478 events over 6,039 users and 3,628 items', { timeout: 180_000 }, async () => {
    const s = await runIngest(pool, 'splits', [ML1M_SPLIT], { rejectFile: null, idPrefix: 'ml1m-split:' });
    expect(s.tables.interactions).toMatchObject({ read: 836_478, inserted: 836_478, rejected: 0, merged: 0 });
    expect(s.tables.users.implicit).toBe(6_039);
    expect(s.tables.items.implicit).toBe(3_628);
    const perSplit = (
      await pool.query(
        `SELECT extract(epoch FROM occurred_at)::int AS s, count(*)::int AS n FROM interactions WHERE kind = 'interaction' GROUP BY 1 ORDER BY 1`,
      )
    ).rows;
    expect(perSplit).toEqual([
      { s: 0, n: 590_733 },
      { s: 1, n: 80_897 },
      { s: 2, n: 164_848 },
    ]);
  });
});
