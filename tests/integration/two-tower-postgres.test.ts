// The two-tower model on the Postgres path: item metadata read from the real `items` table becomes the item
// tower's side/text features, and an item with no events at all (added after the catalogue was seeded) gets a
// vector from its features alone that the readers of its genre rank far higher than everyone else does.
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPool } from '../../src/db/pool.js';
import { buildInteractionMatrix } from '../../training/data/interactions.js';
import { generateDemoDataset } from '../../training/demo/generate.js';
import { loadDemoDataset } from '../../training/demo/seed.js';
import { TwoTower } from '../../training/models/two-tower.js';
import { readItemFeatures } from '../../training/train-job/item-features.js';
import { readTrainingData } from '../../training/train-job/training-data.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';

describe('two-tower with catalogue features from Postgres', () => {
  let db: TestDatabase;
  let pool: pg.Pool;
  const demo = generateDemoDataset({ seed: 9, items: 360, users: 400, eventsPerUser: 25 });

  beforeAll(async () => {
    db = await createTestDatabase();
    pool = createPool(db.url);
    await loadDemoDataset(pool, demo);
    await pool.query(
      `INSERT INTO items (external_id, title, creators, genres, tags, year, description)
       VALUES ('new-book', 'The Dragon Throne', '{"Nobody Read-Me-Yet"}', '{fantasy}', '{}', 2024,
               'A fantasy book: dragon, wizard and prophecy.')`,
    );
  });

  afterAll(async () => {
    await pool?.end();
    await db?.drop();
  });

  it('reads features aligned with the training indices and ranks the event-less item for its genre’s readers', async () => {
    const data = await readTrainingData(pool);
    const features = await readItemFeatures(pool, data.itemIds, { textDimension: 64 });
    const { rows } = await pool.query<{ id: number; external_id: string }>(`SELECT id, external_id FROM items`);
    const externalOf = new Map(rows.map((r) => [r.id, r.external_id]));
    const newIndex = Array.from(data.itemIds).findIndex((id) => externalOf.get(id) === 'new-book');
    expect(newIndex).toBeGreaterThanOrEqual(0);
    expect(features.tokens![newIndex]).toEqual(['genre:fantasy', 'creator:nobody read-me-yet', 'year:2020']);
    expect(data.items.includes(newIndex)).toBe(false); // no events: a cold item

    const matrix = buildInteractionMatrix(
      data.userIds.length,
      data.itemIds.length,
      data.users,
      data.items,
      data.weights,
    );
    const model = new TwoTower(
      {
        dim: 32,
        userHidden: 32,
        epochs: 10,
        batchUsers: 64,
        sampledNegatives: 128,
        learningRate: 0.01,
        idDropout: 0.5,
      },
      features,
    );
    await model.fit(matrix);

    // Percentile of the new item in each user's ranking of the whole catalogue (1 = top).
    const users = await pool.query<{ id: number; external_id: string }>(`SELECT id, external_id FROM users`);
    const userExternal = new Map(users.rows.map((r) => [r.id, r.external_id]));
    const favourites = new Map(demo.users.map((u) => [u.externalId, u.attributes.favouriteGenres]));
    const percentile = { fans: [] as number[], others: [] as number[] };
    for (let u = 0; u < data.userIds.length; u++) {
      const s = model.scoreUsers(Int32Array.of(u));
      let below = 0;
      for (let i = 0; i < s.length; i++) if (s[i] < s[newIndex]) below++;
      const fan = favourites.get(userExternal.get(data.userIds[u])!)!.includes('fantasy');
      (fan ? percentile.fans : percentile.others).push(below / (s.length - 1));
    }
    const mean = (a: number[]) => a.reduce((x, y) => x + y, 0) / a.length;
    expect(percentile.fans.length).toBeGreaterThan(10);
    // Chance would put it mid-list for everyone; fantasy readers put it near the top (measured 0.92), the others clearly lower (0.75).
    expect(mean(percentile.fans)).toBeGreaterThan(0.85);
    expect(mean(percentile.fans) - mean(percentile.others)).toBeGreaterThan(0.1);
  }, 120_000);
});
