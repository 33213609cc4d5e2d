// The per-user history cache against real Postgres: a steady user's history is read once, and an event recorded
// through another replica (here: a second repository on its own pool) shows in the next answer of this one.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type pg from 'pg';
import { createPool } from '../../src/db/pool.js';
import { UserRepository } from '../../src/db/users.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';

let db: TestDatabase;
let poolA: pg.Pool;
let poolB: pg.Pool;
let userId: number;
let itemIds: number[];

beforeAll(async () => {
  db = await createTestDatabase();
  poolA = createPool(db.url);
  poolB = createPool(db.url);
  const items = await poolA.query<{ id: number }>(
    `INSERT INTO items (external_id, title) SELECT 'i' || g, 'Item ' || g FROM generate_series(1, 4) g RETURNING id`,
  );
  itemIds = items.rows.map((r) => r.id);
  userId = (await poolA.query<{ id: number }>(`INSERT INTO users (external_id) VALUES ('u1') RETURNING id`)).rows[0].id;
  await poolA.query(
    `INSERT INTO interactions (user_id, item_id, occurred_at) VALUES ($1, $2, now() - interval '2 days'), ($1, $3, now() - interval '1 day')`,
    [userId, itemIds[0], itemIds[1]],
  );
});

afterAll(async () => {
  await poolA?.end();
  await poolB?.end();
  await db?.drop();
});

describe('UserRepository history cache', () => {
  it("reads a steady history once, and sees another replica's event in the next answer", async () => {
    const lookups: boolean[] = [];
    const replicaA = new UserRepository(poolA, { onLookup: (_cache, hit) => lookups.push(hit) });
    const replicaB = new UserRepository(poolB);

    const [first] = await replicaA.byExternalIdsWithHistory(['u1']);
    expect(first?.id).toBe(userId);
    expect((await replicaA.historyItems(userId)).map((h) => h.itemId)).toEqual([itemIds[1], itemIds[0]]);

    // Unchanged: the lookup sends the cached watermark and the statement skips the history (rows come back empty).
    let statements = 0;
    const counting = poolA.query.bind(poolA);
    const spy = (async (...args: Parameters<pg.Pool['query']>) => {
      statements++;
      const result = await (counting as (...a: unknown[]) => Promise<pg.QueryResult>)(...args);
      const row = result.rows[0] as { fromCache?: boolean; itemIds?: unknown } | undefined;
      if (row && 'fromCache' in row) expect(row).toMatchObject({ fromCache: true, itemIds: null });
      return result;
    }) as unknown as pg.Pool['query'];
    poolA.query = spy;
    try {
      await replicaA.byExternalIdsWithHistory(['u1']);
      expect((await replicaA.historyItems(userId)).map((h) => h.itemId)).toEqual([itemIds[1], itemIds[0]]);
      expect(statements).toBe(1);
    } finally {
      poolA.query = counting as pg.Pool['query'];
    }

    // Another replica records an event: replica A's next lookup sees the new watermark and reads the new history.
    await replicaB.recordEvents(
      [{ userExternalId: 'u1', itemId: itemIds[2], kind: 'view', value: 1, occurredAt: new Date() }],
      (outcome) => outcome,
    );
    await replicaA.byExternalIdsWithHistory(['u1']);
    expect((await replicaA.historyItems(userId)).map((h) => h.itemId)).toEqual([itemIds[2], itemIds[1], itemIds[0]]);
    expect(lookups).toEqual([true, true, true]);
  });

  it('notices an event whose id is below the newest one (concurrent inserts committing out of order)', async () => {
    const replicaA = new UserRepository(poolA);
    await replicaA.byExternalIdsWithHistory(['u1']);
    const before = (await replicaA.historyItems(userId)).map((h) => h.itemId);
    // An id below the current maximum, as a transaction that drew its id earlier but committed later would have.
    const low = (
      await poolA.query<{ id: number }>(`SELECT min(id) - 1 AS id FROM interactions WHERE user_id = $1`, [userId])
    ).rows[0].id;
    await poolB.query(`INSERT INTO interactions (id, user_id, item_id, occurred_at) VALUES ($1, $2, $3, now())`, [
      low,
      userId,
      itemIds[3],
    ]);
    await replicaA.byExternalIdsWithHistory(['u1']);
    const after = (await replicaA.historyItems(userId)).map((h) => h.itemId);
    expect(after).toEqual([itemIds[3], ...before]);
  });

  it("concurrent requests' lookups share one statement, and each still sees events committed before it was asked", async () => {
    await poolA.query(`INSERT INTO users (external_id) VALUES ('u2'), ('u3')`);
    const replicaA = new UserRepository(poolA);
    const replicaB = new UserRepository(poolB);
    await replicaA.byExternalIdsWithHistory(['u1']); // u1's history is cached on A
    const before = (await replicaA.historyItems(userId)).map((h) => h.itemId);

    // Another replica records an event; then three requests ask at once (one of them twice).
    await replicaB.recordEvents(
      [{ userExternalId: 'u1', itemId: itemIds[0], kind: 'like', value: 1, occurredAt: new Date() }],
      (outcome) => outcome,
    );
    let statements = 0;
    const query = poolA.query.bind(poolA);
    poolA.query = ((...args: Parameters<pg.Pool['query']>) => {
      statements++;
      return (query as (...a: unknown[]) => Promise<pg.QueryResult>)(...args);
    }) as unknown as pg.Pool['query'];
    try {
      const answers = await Promise.all([
        replicaA.byExternalIdsWithHistory(['u1']),
        replicaA.byExternalIdsWithHistory(['u2', 'nobody']),
        replicaA.byExternalIdsWithHistory(['u3', 'u1']),
      ]);
      expect(statements).toBe(1);
      expect(answers.map((rows) => rows.map((row) => row?.externalId))).toEqual([
        ['u1'],
        ['u2', undefined],
        ['u3', 'u1'],
      ]);
    } finally {
      poolA.query = query as pg.Pool['query'];
    }
    // The event recorded through B before the batch was sent is in A's answer.
    const after = await replicaA.historyItems(userId);
    expect(after.map((h) => h.itemId)).toEqual([itemIds[0], ...before.filter((id) => id !== itemIds[0])]);
  });

  it('a user without events has an empty history, cached like any other', async () => {
    await poolA.query(`INSERT INTO users (external_id) VALUES ('u-empty')`);
    const replica = new UserRepository(poolA);
    const [row] = await replica.byExternalIdsWithHistory(['u-empty', 'nobody']);
    expect(row?.lastEventId ?? null).toBeNull();
    expect(await replica.historyItems(row!.id)).toEqual([]);
    const [again, missing] = await replica.byExternalIdsWithHistory(['u-empty', 'nobody']);
    expect(again?.id).toBe(row!.id);
    expect(missing).toBeUndefined();
  });
});
