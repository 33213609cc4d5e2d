// latest, trending, similarUsers and similarItems(mode: RELATED) over HTTP, on real Postgres + Qdrant: the exact
// orders (trending's growth values computed by hand from the events this test records), filters, cursor pages,
// the fallbacks and their reasons, and bad input.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRecgraphClient, RecgraphError } from '../../src/sdk/index.js';
import { aliasName } from '../../src/vector/collections.js';
import { startServedApp, type ServedApp } from '../helpers/served-app.js';

interface List {
  strategy: string;
  reason: string | null;
  modelVersion: string | null;
  pageInfo: { endCursor: string | null; hasNextPage: boolean };
  items: Array<{ score: number; source: string; item: { id: string; genres: string[] } }>;
}
const LIST = `strategy reason modelVersion pageInfo { endCursor hasNextPage } items { score source item { id genres } }`;

interface UserList {
  strategy: string;
  reason: string | null;
  modelVersion: string | null;
  pageInfo: { endCursor: string | null; hasNextPage: boolean };
  users: Array<{ score: number; user: { id: string } }>;
}
const USERS = `strategy reason modelVersion pageInfo { endCursor hasNextPage } users { score user { id } }`;

const DAY = 24 * 3600 * 1000;

describe('latest, trending, similar users and related items over HTTP', () => {
  let served: ServedApp;

  async function ok<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
    const result = await served.graphql<T>(query, variables);
    expect(result.errors, JSON.stringify(result.errors)).toBeUndefined();
    return result.data!;
  }
  /** The query with only the variables it is given declared ($f: the filter, $a: the cursor). */
  const declared = (variables: Record<string, unknown>) => {
    const types: Record<string, string> = { f: 'ItemFilter', a: 'String' };
    const list = Object.keys(variables).map((name) => `$${name}: ${types[name]}`);
    return list.length ? `(${list.join(', ')})` : '';
  };
  const latest = (args: string, variables: Record<string, unknown> = {}) =>
    ok<{ latest: List }>(`query${declared(variables)} { latest(${args}) { ${LIST} } }`, variables).then(
      (d) => d.latest,
    );
  const trending = (args: string, variables: Record<string, unknown> = {}) =>
    ok<{ trending: List }>(`query${declared(variables)} { trending(${args}) { ${LIST} } }`, variables).then(
      (d) => d.trending,
    );
  const similarUsers = (userId: string, args = '') =>
    ok<{ similarUsers: UserList }>(`query($u: ID!) { similarUsers(userId: $u ${args}) { ${USERS} } }`, {
      u: userId,
    }).then((d) => d.similarUsers);
  const record = (events: Array<{ userId: string; itemId: string; occurredAt: string }>) =>
    ok<{ recordInteractions: { recorded: number } }>(
      `mutation($e: [InteractionInput!]!) { recordInteractions(input: $e) { recorded } }`,
      { e: events },
    ).then((d) => expect(d.recordInteractions.recorded).toBe(events.length));

  beforeAll(async () => {
    served = await startServedApp({ dataset: { seed: 7, items: 300, users: 150, eventsPerUser: 20 } });
  }, 180_000);
  afterAll(async () => served?.stop());

  const users = () => served.dataset.users.map((u) => u.externalId);
  const items = () => served.dataset.items;

  describe('latest', () => {
    it('lists items newest first by when they entered the catalogue, pages by cursor, and filters', async () => {
      const upsert = (id: string, title: string, genres: string[]) =>
        ok(`mutation($i: [ItemInput!]!) { upsertItems(input: $i) { created } }`, {
          i: [{ id, title, genres, creators: ['New Author'] }],
        });
      // Titles far apart: two near-identical titles by one author would be grouped as editions of one work, and lists
      // show a work once.
      await upsert('new-1', 'Harbour Lights', ['zz-new']);
      await upsert('new-2', 'Quiet Mountain Roads', ['other']);
      // An update of an old item does not make it new.
      const old = items()[0];
      await upsert(old.externalId, `${old.title} (revised)`, old.genres);

      const page1 = await latest('first: 3');
      expect(page1.strategy).toBe('LATEST');
      expect(page1.reason).toBeNull();
      expect(page1.items.slice(0, 2).map((e) => e.item.id)).toEqual(['new-2', 'new-1']);
      expect(page1.items.every((e) => e.source === 'LATEST')).toBe(true);
      // The score is the time the item was added, in Unix seconds.
      const { rows } = await served.pool.query<{ external_id: string; at: number }>(
        `SELECT external_id, extract(epoch FROM created_at)::float8 AS at FROM items
          WHERE deleted_at IS NULL ORDER BY created_at DESC, id DESC`,
      );
      expect(page1.items.map((e) => e.item.id)).toEqual(rows.slice(0, 3).map((r) => r.external_id));
      expect(page1.items[0].score).toBeCloseTo(rows[0].at, 3);
      expect(page1.pageInfo.hasNextPage).toBe(true);
      const page2 = await latest('first: 3, after: $a', { a: page1.pageInfo.endCursor });
      expect(page2.items.map((e) => e.item.id)).toEqual(rows.slice(3, 6).map((r) => r.external_id));
      expect(rows.findIndex((r) => r.external_id === old.externalId)).toBeGreaterThan(100);

      const filtered = await latest('first: 5, filter: $f', { f: { genres: ['zz-new'] } });
      expect(filtered.items.map((e) => e.item.id)).toEqual(['new-1']);
      expect(filtered.pageInfo.hasNextPage).toBe(false);
      const excluded = await latest('first: 1, filter: $f', { f: { excludeIds: ['new-2'] } });
      expect(excluded.items.map((e) => e.item.id)).toEqual(['new-1']);

      await ok(`mutation { deleteItems(ids: ["new-2"]) { deleted } }`);
      expect((await latest('first: 1')).items[0].item.id).toBe('new-1');
      const none = await latest('first: 5, filter: $f', { f: { genres: ['no-such-genre'] } });
      expect(none).toMatchObject({ items: [], strategy: 'LATEST', reason: 'no item matches' });
    });
  });

  describe('trending', () => {
    // Item roles: growing from nothing, growing from a baseline, busy but falling, too few users, one busy user.
    const [rising, growing, falling, few, oneUser] = [10, 11, 12, 13, 14];
    beforeAll(async () => {
      const now = Date.now();
      const at = (msAgo: number) => new Date(now - msAgo).toISOString();
      const u = users();
      const events: Array<{ userId: string; itemId: string; occurredAt: string }> = [];
      const add = (item: number, userIndexes: number[], msAgo: (k: number) => number) =>
        userIndexes.forEach((userIndex, k) =>
          events.push({ userId: u[userIndex], itemId: items()[item].externalId, occurredAt: at(msAgo(k)) }),
        );
      const range = (from: number, n: number) => Array.from({ length: n }, (_, k) => from + k);
      // In the last 7 days (2–6 days ago) and in the 49 days before (10–50 days ago).
      add(rising, range(0, 6), (k) => 2 * DAY + k * 3600_000);
      add(growing, range(10, 10), (k) => 3 * DAY + k * 3600_000);
      add(growing, range(30, 35), (k) => 10 * DAY + k * DAY);
      add(falling, range(70, 3), (k) => 2 * DAY + k * 3600_000);
      add(falling, range(80, 70), (k) => 8 * DAY + k * 12 * 3600_000);
      add(few, range(0, 2), (k) => 4 * DAY + k * 3600_000);
      add(oneUser, Array(10).fill(5), (k) => 5 * DAY + k * 3600_000);
      for (let start = 0; start < events.length; start += 500) await record(events.slice(start, start + 500));
    });

    it('ranks by growth against the item’s own baseline, with the documented formula and minimum', async () => {
      const list = await trending('first: 10');
      expect(list.strategy).toBe('TRENDING');
      expect(list.reason).toBeNull();
      expect(list.items.map((e) => e.item.id)).toEqual([items()[rising].externalId, items()[growing].externalId]);
      // (w + 3) / (b / 7 + 3): rising 6 users, no baseline; growing 10 users against 35 over 7 windows.
      expect(list.items[0].score).toBeCloseTo((6 + 3) / (0 / 7 + 3), 10);
      expect(list.items[1].score).toBeCloseTo((10 + 3) / (35 / 7 + 3), 10);
      expect(list.items.every((e) => e.source === 'TRENDING')).toBe(true);
      expect(list.pageInfo.hasNextPage).toBe(false);
    });

    it('pages by cursor and applies filters', async () => {
      const page1 = await trending('first: 1');
      expect(page1.items.map((e) => e.item.id)).toEqual([items()[rising].externalId]);
      expect(page1.pageInfo.hasNextPage).toBe(true);
      const page2 = await trending('first: 1, after: $a', { a: page1.pageInfo.endCursor });
      expect(page2.items.map((e) => e.item.id)).toEqual([items()[growing].externalId]);
      expect(page2.pageInfo.hasNextPage).toBe(false);
      const excluded = await trending('first: 5, filter: $f', { f: { excludeIds: [items()[rising].externalId] } });
      expect(excluded.items.map((e) => e.item.id)).toEqual([items()[growing].externalId]);
      const genre = items()[growing].genres[0];
      const byGenre = await trending('first: 5, filter: $f', { f: { genres: [genre] } });
      const expected = [rising, growing].filter((i) => items()[i].genres.includes(genre));
      expect(byGenre.items.map((e) => e.item.id)).toEqual(expected.map((i) => items()[i].externalId));
    });

    it('answers all-time popular items, saying why, when nothing grows in the window', async () => {
      const list = await trending('first: 5, window: LAST_DAY');
      const popular = await ok<{ popular: List }>(`{ popular(first: 5) { ${LIST} } }`);
      expect(list.strategy).toBe('POPULAR');
      expect(list.reason).toMatch(/no item has 3\+ users and growing interest in the last day: all-time popular/);
      expect(list.items.map((e) => e.item.id)).toEqual(popular.popular.items.map((e) => e.item.id));
    });
  });

  describe('similarUsers', () => {
    async function bruteForceNeighbours(externalId: string, k: number) {
      const alias = aliasName('users_collaborative', served.config.collectionPrefix);
      const points: Array<{ id: number; vector?: number[] }> = [];
      let offset: number | undefined;
      do {
        const page: { points: typeof points; nextOffset: number | undefined } = await served.app.vectorStore.scroll(
          alias,
          { limit: 500, offset, withVector: true },
        );
        points.push(...page.points);
        offset = page.nextOffset;
      } while (offset !== undefined);
      const { rows } = await served.pool.query<{ id: number; external_id: string }>(
        'SELECT id, external_id FROM users',
      );
      const externalOf = new Map(rows.map((r) => [r.id, r.external_id]));
      const self = rows.find((r) => r.external_id === externalId)!.id;
      const query = points.find((p) => p.id === self)!.vector!;
      return points
        .filter((p) => p.id !== self)
        .map((p) => ({ id: externalOf.get(p.id)!, score: p.vector!.reduce((s, v, i) => s + v * query[i], 0) }))
        .sort((a, b) => b.score - a.score)
        .slice(0, k);
    }

    it('returns the nearest user vectors (the user left out), equal to a brute-force search, with cursor pages', async () => {
      const who = users()[25]; // no events recorded by this test: still the model's own vector
      const expected = await bruteForceNeighbours(who, 8);
      const list = await similarUsers(who, 'first: 5');
      expect(list.strategy).toBe('MODEL');
      expect(list.reason).toBeNull();
      expect(list.modelVersion).toBeTruthy();
      expect(list.users.map((u) => u.user.id)).toEqual(expected.slice(0, 5).map((e) => e.id));
      list.users.forEach((u, i) => expect(u.score).toBeCloseTo(expected[i].score, 3));
      expect(list.pageInfo.hasNextPage).toBe(true);
      const next = await similarUsers(who, `first: 3, after: "${list.pageInfo.endCursor}"`);
      expect(next.users.map((u) => u.user.id)).toEqual(expected.slice(5, 8).map((e) => e.id));
    });

    it('folds in a user with events newer than the model', async () => {
      const who = users()[0]; // recorded trending events above, after training
      const list = await similarUsers(who, 'first: 5');
      expect(list.strategy).toBe('FOLD_IN');
      expect(list.users).toHaveLength(5);
      expect(list.users.map((u) => u.user.id)).not.toContain(who);
    });

    it('says why a list is empty, and refuses unknown users and bad arguments', async () => {
      await served.pool.query(`INSERT INTO users (external_id) VALUES ('no-events-yet')`);
      expect(await similarUsers('no-events-yet')).toMatchObject({
        users: [],
        strategy: 'NONE',
        reason: 'no events for this user yet: nothing to compare',
      });
      const unknown = await served.graphql(`{ similarUsers(userId: "nobody") { strategy } }`);
      expect(unknown.errors?.[0].extensions?.code).toBe('NOT_FOUND');
      const tooMany = await served.graphql(`{ similarUsers(userId: "reader-00001", first: 101) { strategy } }`);
      expect(tooMany.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
      const badId = await served.graphql(`{ similarUsers(userId: "") { strategy } }`);
      expect(badId.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    });
  });

  describe('similarItems(mode: RELATED)', () => {
    it("lists the catalogue's bought-together / also-bought / also-viewed items in order, filtered", async () => {
      const id = (i: number) => items()[i].externalId;
      await served.pool.query(`UPDATE items SET attributes = $2::jsonb WHERE external_id = $1`, [
        id(40),
        JSON.stringify({ alsoBuy: [id(43), id(40), 'not-in-catalogue', id(42)], alsoView: [id(42), id(44)] }),
      ]);
      const related = (filter?: unknown) =>
        ok<{ similarItems: List }>(
          `query($i: ID!, $f: ItemFilter) { similarItems(itemId: $i, mode: RELATED, first: 10, filter: $f) { ${LIST} } }`,
          { i: id(40), f: filter },
        ).then((d) => d.similarItems);
      const list = await related();
      expect(list.strategy).toBe('RELATED');
      expect(list.items.map((e) => [e.item.id, e.source, e.score])).toEqual([
        [id(43), 'ALSO_BOUGHT', 1],
        [id(42), 'ALSO_BOUGHT', 1 / 2],
        [id(44), 'ALSO_VIEWED', 1 / 3],
      ]);
      expect((await related({ excludeIds: [id(42)] })).items.map((e) => e.item.id)).toEqual([id(43), id(44)]);
      await ok(`mutation($i: [ID!]!) { deleteItems(ids: $i) { deleted } }`, { i: [id(44)] });
      expect((await related()).items.map((e) => e.item.id)).toEqual([id(43), id(42)]);
    });

    it('answers an item without relations like HYBRID, saying so', async () => {
      const itemId = items()[50].externalId;
      const [relatedList, hybrid] = await Promise.all(
        ['RELATED', 'HYBRID'].map((mode) =>
          ok<{ similarItems: List }>(
            `query($i: ID!) { similarItems(itemId: $i, mode: ${mode}, first: 5) { ${LIST} } }`,
            {
              i: itemId,
            },
          ).then((d) => d.similarItems),
        ),
      );
      expect(relatedList.strategy).toBe(hybrid.strategy);
      expect(relatedList.items).toEqual(hybrid.items);
      expect(relatedList.reason).toMatch(
        /^no bought-together, also-bought or also-viewed items \(under this filter\): /,
      );
    });
  });

  it('is in the typed SDK: latest, trending, similarUsers, similarItems(mode: RELATED)', async () => {
    const sdk = createRecgraphClient({ url: `${served.origin}/graphql` });
    const viaHttp = await latest('first: 4');
    const viaSdk = await sdk.latest({ first: 4 });
    expect(viaSdk.strategy).toBe('LATEST');
    expect(viaSdk.items.map((e) => e.item.id)).toEqual(viaHttp.items.map((e) => e.item.id));
    const next = await sdk.latest({ first: 4, after: viaSdk.pageInfo.endCursor });
    expect(next.items.map((e) => e.item.id)).not.toContain(viaSdk.items[0].item.id);
    expect((await sdk.trending({ window: 'LAST_7_DAYS', first: 1 })).items[0].item.id).toBe(items()[10].externalId);
    const neighbours = await sdk.similarUsers({ userId: users()[25], first: 3 });
    expect(neighbours.users.map((u) => u.user.id)).toEqual(
      (await similarUsers(users()[25], 'first: 3')).users.map((u) => u.user.id),
    );
    expect((await sdk.similarItems({ itemId: items()[40].externalId, mode: 'RELATED' })).strategy).toBe('RELATED');
    const error = await sdk.similarUsers({ userId: 'nobody' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RecgraphError);
    expect((error as RecgraphError).code).toBe('NOT_FOUND');
  });

  it('refuses bad arguments of the new lists with BAD_USER_INPUT or a validation error', async () => {
    const codes = await Promise.all(
      [
        `{ latest(first: 0) { strategy } }`,
        `{ latest(after: "not-a-cursor") { strategy } }`,
        `{ trending(first: 101) { strategy } }`,
        `{ trending(filter: { yearFrom: 2000, yearTo: 1990 }) { strategy } }`,
        `{ trending(window: LAST_YEAR) { strategy } }`,
      ].map((query) => served.graphql(query).then((r) => r.errors?.[0].extensions?.code)),
    );
    expect(codes).toEqual([
      'BAD_USER_INPUT',
      'BAD_USER_INPUT',
      'BAD_USER_INPUT',
      'BAD_USER_INPUT',
      'GRAPHQL_VALIDATION_FAILED',
    ]);
  });
});
