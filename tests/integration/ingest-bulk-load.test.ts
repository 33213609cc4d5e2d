// The bulk loader against a real, migrated Postgres (one fresh database for this file).
import pg from 'pg';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  bulkLoad,
  type InteractionRecord,
  type ItemRecord,
  type RejectRecord,
  type UserRecord,
} from '../../training/ingest/bulk-load.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';

let db: TestDatabase;
let pool: pg.Pool;

beforeAll(async () => {
  db = await createTestDatabase();
  pool = new pg.Pool({ connectionString: db.url, max: 4 });
});
afterAll(async () => {
  await pool?.end();
  await db?.drop();
});
beforeEach(async () => {
  await pool.query('TRUNCATE interactions, users, items RESTART IDENTITY CASCADE');
});

/** Everything in the three tables, in a stable order, timestamps included (a rewrite would change updated_at). */
async function snapshot(): Promise<Record<string, unknown[]>> {
  const q = async (sql: string) => (await pool.query(sql)).rows;
  return {
    items: await q('SELECT * FROM items ORDER BY id'),
    users: await q('SELECT * FROM users ORDER BY id'),
    interactions: await q('SELECT * FROM interactions ORDER BY user_id, item_id, kind, occurred_at'),
  };
}

const t = (s: number) => new Date(Date.UTC(2020, 0, 1) + s * 1000);

function catalog(): ItemRecord[] {
  return [
    {
      externalId: 'b1',
      title: 'The Hobbit',
      creators: ['J. R. R. Tolkien'],
      year: 1937,
      genres: ['fantasy'],
      attributes: { pages: 310 },
    },
    { externalId: 'b2', title: 'The Hobbit (Paperback)', creators: ['J. R. R. Tolkien'], publisher: 'Ballantine' },
    { externalId: 'b3', title: 'Dune', creators: ['Frank Herbert'], description: 'Spice.\nSand.' },
  ];
}
function events(): InteractionRecord[] {
  return [
    { userExternalId: 'u1', itemExternalId: 'b1', kind: 'rating', value: 5, occurredAt: t(1) },
    { userExternalId: 'u1', itemExternalId: 'b3', kind: 'rating', value: 3, occurredAt: t(2) },
    { userExternalId: 'u2', itemExternalId: 'b2', value: 1 },
  ];
}

describe('bulkLoad', () => {
  it('loads items, users and interactions; loading the same records again changes nothing', async () => {
    const users: UserRecord[] = [{ externalId: 'u1', attributes: { age: 30 } }];
    const first = await bulkLoad(pool, { items: catalog(), users, interactions: events() });
    expect(first.items).toMatchObject({ read: 3, inserted: 3, updated: 0, unchanged: 0, rejected: 0 });
    expect(first.users).toMatchObject({ read: 1, inserted: 1, implicit: 1 });
    expect(first.interactions).toMatchObject({ read: 3, inserted: 3, merged: 0 });
    const before = await snapshot();
    expect(
      before.items.map((i: any) => [i.external_id, i.title, i.creators, i.year, i.genres, i.publisher, i.attributes]),
    ).toEqual([
      ['b1', 'The Hobbit', ['J. R. R. Tolkien'], 1937, ['fantasy'], null, { pages: 310 }],
      ['b2', 'The Hobbit (Paperback)', ['J. R. R. Tolkien'], null, [], 'Ballantine', {}],
      ['b3', 'Dune', ['Frank Herbert'], null, [], null, {}],
    ]);
    // Editions of one work share the smallest id as work id; every item has one.
    expect(before.items.map((i: any) => i.work_id)).toEqual([1, 1, 3]);
    expect(first.works).toMatchObject({ items: 3, works: 2, multiEditionWorks: 1 });
    // No timestamp in the source → the Unix epoch, so a re-ingest finds the same key.
    const u2 = (before.interactions as any[]).find((e) => e.item_id === 2);
    expect(u2.occurred_at.getTime()).toBe(0);
    expect(u2.kind).toBe('interaction');

    const second = await bulkLoad(pool, { items: catalog(), users, interactions: events() });
    expect(second.items).toMatchObject({ inserted: 0, updated: 0, unchanged: 3 });
    expect(second.users).toMatchObject({ inserted: 0, updated: 0, unchanged: 1, implicit: 0 });
    expect(second.interactions).toMatchObject({ inserted: 0, updated: 0, unchanged: 3 });
    expect(second.works?.changed).toBe(0);
    expect(await snapshot()).toEqual(before);
  });

  it('appends only what is new and updates what changed; absent fields keep stored values', async () => {
    await bulkLoad(pool, { items: catalog(), interactions: events() });
    const changed: ItemRecord[] = [
      { externalId: 'b1', title: 'The Hobbit', attributes: { lang: 'en' } }, // no creators/year given: kept
      { externalId: 'b4', title: 'Emma', creators: ['Jane Austen'] },
    ];
    const more: InteractionRecord[] = [
      ...events(),
      { userExternalId: 'u1', itemExternalId: 'b1', kind: 'rating', value: 4, occurredAt: t(1) }, // same key, new value
      { userExternalId: 'u3', itemExternalId: 'b4', kind: 'rating', value: 2, occurredAt: t(3) },
    ];
    const r = await bulkLoad(pool, { items: changed, interactions: more });
    expect(r.items).toMatchObject({ read: 2, inserted: 1, updated: 1, unchanged: 0 });
    expect(r.interactions).toMatchObject({ read: 5, merged: 1, inserted: 1, updated: 1, unchanged: 2 });
    const { rows } = await pool.query(
      `SELECT title, creators, year, genres, attributes FROM items WHERE external_id = 'b1'`,
    );
    expect(rows[0]).toEqual({
      title: 'The Hobbit',
      creators: ['J. R. R. Tolkien'],
      year: 1937,
      genres: ['fantasy'],
      attributes: { pages: 310, lang: 'en' },
    });
    const value = await pool.query(
      `SELECT value FROM interactions i JOIN items t ON t.id = i.item_id JOIN users u ON u.id = i.user_id WHERE t.external_id = 'b1' AND u.external_id = 'u1'`,
    );
    expect(value.rows).toEqual([{ value: 4 }]);
  });

  // 'rebuild' into an empty table inserts straight from the de-duplicating query: same rows, same counts.
  it.each(['keep', 'rebuild'] as const)(
    'merges duplicate events (the last one wins) and duplicate catalog records (%s)',
    async (indexStrategy) => {
      const dup: InteractionRecord[] = [
        { userExternalId: 'u1', itemExternalId: 'b1', kind: 'rating', value: 1, occurredAt: t(9) },
        { userExternalId: 'u1', itemExternalId: 'b1', kind: 'rating', value: 2, occurredAt: t(9) },
        { userExternalId: 'u1', itemExternalId: 'b1', kind: 'rating', value: 3, occurredAt: t(10) },
        { userExternalId: 'u1', itemExternalId: 'b1', kind: 'view', value: 1, occurredAt: t(9) },
      ];
      const items = [...catalog(), { externalId: 'b3', title: 'Dune (Deluxe)' }];
      const r = await bulkLoad(pool, { items, interactions: dup }, { indexStrategy });
      expect(r.interactionStrategy).toBe(indexStrategy);
      expect(r.items).toMatchObject({ read: 4, merged: 1, inserted: 3 });
      expect(r.interactions).toMatchObject({ read: 4, merged: 1, inserted: 3 });
      const { rows } = await pool.query(`SELECT kind, value, occurred_at FROM interactions ORDER BY occurred_at, kind`);
      expect(rows.map((x) => [x.kind, x.value, x.occurred_at.getTime()])).toEqual([
        ['rating', 2, t(9).getTime()],
        ['view', 1, t(9).getTime()],
        ['rating', 3, t(10).getTime()],
      ]);
      expect((await pool.query(`SELECT title FROM items WHERE external_id = 'b3'`)).rows[0].title).toBe(
        'Dune (Deluxe)',
      );
    },
  );

  it('rejects invalid records and events on unknown items, with where they came from', async () => {
    const rejects: RejectRecord[] = [];
    const bad: InteractionRecord[] = [
      { userExternalId: 'u1', itemExternalId: 'nope', value: 1, origin: { file: 'events.txt', line: 7 } },
      { userExternalId: '', itemExternalId: 'b1' },
      { userExternalId: 'u1', itemExternalId: 'b1', value: Number.NaN },
      { userExternalId: 'u1', itemExternalId: 'b1', occurredAt: new Date('garbage') },
      { userExternalId: 'u1', itemExternalId: 'b1', value: 2 },
    ];
    const items = [...catalog(), { externalId: ' ', title: 'x' }, { externalId: 'b9', title: 'y', year: 1e6 }];
    const r = await bulkLoad(pool, { items, interactions: bad }, { onReject: (x) => rejects.push(x) });
    expect(r.items).toMatchObject({ read: 5, rejected: 2, inserted: 3 });
    expect(r.interactions).toMatchObject({ read: 5, rejected: 4, inserted: 1 });
    expect(rejects.map((x) => [x.table, x.reason, x.file, x.line])).toEqual([
      ['items', 'missing item id', '<items input>', 4],
      ['items', 'absurd year 1000000', '<items input>', 5],
      ['interactions', 'missing user id', '<interactions input>', 2],
      ['interactions', 'value is not a finite number (NaN)', '<interactions input>', 3],
      ['interactions', 'invalid timestamp', '<interactions input>', 4],
      ['interactions', 'unknown item "nope"', 'events.txt', 7],
    ]);
    expect(JSON.parse(rejects[5].raw)).toMatchObject({ userExternalId: 'u1', itemExternalId: 'nope' });
    for (const table of ['items', 'users', 'interactions'] as const) {
      const s = r[table];
      expect(s.read, table).toBe(s.rejected + s.filtered + s.merged + s.inserted + s.updated + s.unchanged);
    }
  });

  it('creates placeholder items when asked, and the real catalog record replaces them later', async () => {
    const r = await bulkLoad(
      pool,
      { interactions: [{ userExternalId: 'u1', itemExternalId: 'x1' }] },
      { createMissingItems: true },
    );
    expect(r.items.implicit).toBe(1);
    expect((await pool.query(`SELECT title, attributes FROM items`)).rows).toEqual([
      { title: 'x1', attributes: { placeholder: true } },
    ]);
    await bulkLoad(pool, { items: [{ externalId: 'x1', title: 'Real title', attributes: { a: 1 } }] });
    expect((await pool.query(`SELECT title, attributes FROM items`)).rows).toEqual([
      { title: 'Real title', attributes: { a: 1 } },
    ]);
  });

  it('leaves nothing behind when the load fails half-way', async () => {
    await bulkLoad(pool, { items: catalog(), interactions: events() });
    const before = await snapshot();
    async function* failing(): AsyncGenerator<InteractionRecord> {
      yield { userExternalId: 'new-user', itemExternalId: 'b1' };
      throw new Error('disk on fire');
    }
    await expect(
      bulkLoad(pool, { items: [{ externalId: 'b7', title: 'New' }], interactions: failing() }),
    ).rejects.toThrow('disk on fire');
    expect(await snapshot()).toEqual(before);
  });

  it('gives the same rows with COPY and with batched inserts (the embedded-Postgres path)', async () => {
    const many: InteractionRecord[] = Array.from({ length: 12_000 }, (_v, i) => ({
      userExternalId: `u${i % 97}`,
      itemExternalId: ['b1', 'b2', 'b3'][i % 3],
      kind: 'rating',
      value: (i % 5) + 0.5,
      occurredAt: t(i % 4000),
    }));
    const strip = (s: Record<string, unknown[]>) =>
      Object.fromEntries(
        Object.entries(s).map(([k, rows]) => [k, rows.map(({ created_at, updated_at, ...rest }: any) => rest)]),
      );
    await bulkLoad(pool, { items: catalog(), interactions: many }, { staging: 'copy' });
    const viaCopy = strip(await snapshot());
    await pool.query('TRUNCATE interactions, users, items RESTART IDENTITY CASCADE');
    await bulkLoad(pool, { items: catalog(), interactions: many }, { staging: 'insert' });
    expect(strip(await snapshot())).toEqual(viaCopy);
  });

  it('gives the same rows whether indexes are kept or rebuilt, and restores every index and constraint', async () => {
    const defs = async () => ({
      indexes: (
        await pool.query(`SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'interactions' ORDER BY 1`)
      ).rows,
      constraints: (
        await pool.query(
          `SELECT conname, pg_get_constraintdef(oid) AS def FROM pg_constraint WHERE conrelid = 'interactions'::regclass ORDER BY 1`,
        )
      ).rows,
    });
    const before = await defs();
    const batch = (n: number, offset: number): InteractionRecord[] =>
      Array.from({ length: n }, (_v, i) => ({
        userExternalId: `u${(i + offset) % 50}`,
        itemExternalId: ['b1', 'b2', 'b3'][i % 3],
        value: i % 7,
        occurredAt: t(i + offset),
      }));
    const rows = async () =>
      (await pool.query('SELECT user_id, item_id, kind, value, occurred_at FROM interactions ORDER BY 1, 2, 3, 4, 5'))
        .rows;

    const a1 = await bulkLoad(pool, { items: catalog(), interactions: batch(3000, 0) }, { indexStrategy: 'rebuild' });
    const a2 = await bulkLoad(
      pool,
      { interactions: [...batch(3000, 0).map((e) => ({ ...e, value: 99 })), ...batch(500, 5000)] },
      { indexStrategy: 'rebuild' },
    );
    expect([a1.interactionStrategy, a2.interactionStrategy]).toEqual(['rebuild', 'rebuild']);
    expect(a2.interactions).toMatchObject({ inserted: 500, updated: 3000, unchanged: 0 });
    const rebuilt = await rows();
    expect(await defs()).toEqual(before);

    await pool.query('TRUNCATE interactions, users, items RESTART IDENTITY CASCADE');
    await bulkLoad(pool, { items: catalog(), interactions: batch(3000, 0) }, { indexStrategy: 'keep' });
    const b2 = await bulkLoad(
      pool,
      { interactions: [...batch(3000, 0).map((e) => ({ ...e, value: 99 })), ...batch(500, 5000)] },
      { indexStrategy: 'keep' },
    );
    expect(b2.interactions).toMatchObject({ inserted: 500, updated: 3000, unchanged: 0 });
    expect(await rows()).toEqual(rebuilt);
  });

  it('applies k-core filtering to the loaded events and counts what it removed', async () => {
    // u1, u2 rate b1, b2, b3; u3 rates only b1; b3 has two users → with k = 2 u3 goes, the rest stays.
    const e = (u: string, i: string): InteractionRecord => ({ userExternalId: u, itemExternalId: i });
    const graph = [
      e('u1', 'b1'),
      e('u1', 'b2'),
      e('u1', 'b3'),
      e('u2', 'b1'),
      e('u2', 'b2'),
      e('u2', 'b3'),
      e('u3', 'b1'),
    ];
    const r = await bulkLoad(pool, { items: catalog(), interactions: graph }, { kCore: { minUser: 2, minItem: 2 } });
    expect(r.interactions).toMatchObject({ read: 7, filtered: 1, inserted: 6 });
    const { rows } = await pool.query(
      `SELECT DISTINCT u.external_id FROM interactions i JOIN users u ON u.id = i.user_id ORDER BY 1`,
    );
    expect(rows.map((x) => x.external_id)).toEqual(['u1', 'u2']);
  });
});
