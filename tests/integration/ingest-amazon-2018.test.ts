// `ingest amazon` on Amazon Review Data 2014/2018 into a real Postgres: the hand-written hostile fixture, and the real
// 2018 Gift Cards sample in ../shared/datasets when it is there (read in place; it is not part of the repository).
import { existsSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runIngest, type IngestSummary } from '../../training/ingest/ingest.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';

const FIXTURE = path.resolve(import.meta.dirname, '../fixtures/amazon-2018-hostile');
const GIFT_CARDS = path.resolve(import.meta.dirname, '../../../shared/datasets/amazon-2018-gift-cards');

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

/** Every row read is accounted for exactly once. */
function balanced(s: IngestSummary): void {
  for (const t of Object.values(s.tables)) {
    expect(t.read).toBe(t.rejected + t.filtered + t.merged + t.inserted + t.updated + t.unchanged);
  }
}

describe('amazon 2014/2018 into Postgres', () => {
  it('loads the good rows of the hostile fixture, rejects the bad ones alone, keeps related products', async () => {
    const s = await runIngest(pool, 'amazon', [FIXTURE], { rejectFile: null, idPrefix: 'hostile:' });
    balanced(s);
    expect(s.format).toBe('amazon (metadata 2014/2018, reviews 2014/2018)');
    expect(s.tables.items).toMatchObject({ read: 14, rejected: 5, inserted: 9 });
    // 5 rejected by the reader, 1 for an item the catalog lacks; one exact repeat merged.
    expect(s.tables.interactions).toMatchObject({ read: 11, rejected: 6, merged: 1, inserted: 4 });
    expect(s.droppedValues).toBe(4);
    const { rows } = await pool.query(
      `SELECT external_id, title, publisher, genres, attributes->'alsoBuy' AS also_buy FROM items
       WHERE external_id IN ('hostile:B000000001', 'hostile:B000000002', 'hostile:B000000012') ORDER BY external_id`,
    );
    expect(rows).toEqual([
      {
        external_id: 'hostile:B000000001',
        title: "Maggiano's Gift Card",
        publisher: "Maggiano's",
        genres: ['Gift Cards', 'Restaurants'],
        also_buy: ['hostile:B000000002', 'hostile:B000000003'],
      },
      { external_id: 'hostile:B000000002', title: '', publisher: 'Starbucks', genres: ['Gift Cards'], also_buy: null },
      {
        external_id: 'hostile:B000000012',
        title: 'Old Book',
        publisher: 'Penguin',
        genres: ['Books', 'Fiction', 'Classics'],
        also_buy: ['hostile:B000000001'],
      },
    ]);
  });

  it.skipIf(!existsSync(GIFT_CARDS))(
    'loads the real 2018 Gift Cards sample: 1,547 items, 2,972 reviews, markup cleaned',
    { timeout: 120_000 },
    async () => {
      const s = await runIngest(pool, 'amazon', [GIFT_CARDS], { rejectFile: null, idPrefix: 'gc:' });
      balanced(s);
      expect(s.format).toBe('amazon (metadata 2014/2018, reviews 2014/2018)');
      expect(s.tables.items).toMatchObject({ read: 1547, rejected: 0, inserted: 1547 });
      expect(s.tables.interactions).toMatchObject({ read: 2972, rejected: 0 });
      expect(s.tables.interactions.inserted + s.tables.interactions.merged).toBe(2972);
      const count = async (where: string) =>
        Number(
          (await pool.query(`SELECT count(*) AS n FROM items WHERE external_id LIKE 'gc:%' AND ${where}`)).rows[0].n,
        );
      expect(await count(`title = ''`)).toBe(0);
      expect(await count(`title ~ '&#?[a-z0-9]+;' OR title ~ '<[a-z/]'`)).toBe(0);
      expect(await count(`description ~ '<[a-z/][^>]*>'`)).toBe(0);
      // The AMAZON FASHION main_cat is an <img> tag in the source; its alt text is the category.
      expect(await count(`attributes->>'mainCategory' = 'AMAZON FASHION'`)).toBe(3);
      expect(await count(`attributes->>'mainCategory' LIKE '%<%'`)).toBe(0);
      expect(await count(`jsonb_array_length(attributes->'alsoView') > 0`)).toBeGreaterThan(800);
      // Related ids point into the same catalog (with the prefix), so they can be joined.
      const joined = await pool.query(
        `SELECT count(*) AS n FROM items i, jsonb_array_elements_text(i.attributes->'alsoBuy') AS related(id)
       JOIN items r ON r.external_id = related.id WHERE i.external_id LIKE 'gc:%'`,
      );
      expect(Number(joined.rows[0].n)).toBeGreaterThan(0);
      const amazonCard = (
        await pool.query(`SELECT title, publisher, genres FROM items WHERE external_id = 'gc:B001GXRQW0'`)
      ).rows[0];
      expect(amazonCard).toEqual({ title: 'Amazon.com Gift Cards', publisher: 'Amazon', genres: ['Gift Cards'] });
    },
  );
});
