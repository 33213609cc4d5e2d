// Every query and mutation over HTTP on a small generated catalog, real Postgres + Qdrant: cold-start branches,
// filters, pagination, real-time feedback, new and deleted items, bad input.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createPool } from '../../src/db/pool.js';
import { startApp, type App } from '../../src/runtime/app.js';
import type { Infrastructure } from '../../src/runtime/infrastructure.js';
import { createLogger } from '../../src/logger.js';
import { generateDemoDataset } from '../../training/demo/generate.js';
import { loadDemoDataset } from '../../training/demo/seed.js';
import { trainAndPublish } from '../../training/train-job/bootstrap.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';
import { testConfig } from '../helpers/served-app.js';

interface GraphQLResponse<T> {
  data?: T;
  errors?: Array<{ message: string; extensions?: { code?: string } }>;
  extensions?: Record<string, unknown>;
}

interface ListItem {
  score: number;
  source: string;
  item: { id: string; title: string; genres: string[]; year: number | null; creators: string[] };
  explanation?: { text: string; becauseOf: { id: string }[] } | null;
}
interface List {
  strategy: string;
  reason: string | null;
  modelVersion: string | null;
  items: ListItem[];
  pageInfo: { endCursor: string | null; hasNextPage: boolean };
}

const LIST = `strategy reason modelVersion pageInfo { endCursor hasNextPage }
  items { score source item { id title genres year creators } }`;

describe('GraphQL API end to end', () => {
  let db: TestDatabase;
  let infra: Infrastructure;
  let app: App;
  let config: Parameters<typeof startApp>[0];
  let dataDir: string;
  const dataset = generateDemoDataset({ seed: 11, items: 500, users: 300, eventsPerUser: 25 });

  async function graphql<T>(query: string, variables: Record<string, unknown> = {}): Promise<GraphQLResponse<T>> {
    const response = await fetch(app.server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query, variables }),
    });
    return (await response.json()) as GraphQLResponse<T>;
  }
  async function ok<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
    const result = await graphql<T>(query, variables);
    expect(result.errors, JSON.stringify(result.errors)).toBeUndefined();
    return result.data!;
  }
  const recommend = (userId: string, args = '') =>
    ok<{ recommendations: List }>(`query($u: ID!) { recommendations(userId: $u ${args}) { ${LIST} } }`, {
      u: userId,
    }).then((d) => d.recommendations);

  beforeAll(async () => {
    db = await createTestDatabase();
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'recgraph-api-'));
    const pool = createPool(db.url);
    await loadDemoDataset(pool, dataset);
    const prefix = `api_${Date.now().toString(36)}_`;
    config = testConfig({ databaseUrl: db.url, dataDir, prefix });
    infra = {
      databaseUrl: db.url,
      qdrantUrl: inject('qdrantUrl'),
      qdrantApiKey: undefined,
      embeddedPostgres: false,
      pool,
      stop: () => pool.end(),
    };
    app = await startApp(config, infra);
    await trainAndPublish(pool, app.vectorStore, createLogger('silent'), {
      dataDir,
      prefix,
      params: { factors: 32, iterations: 8 },
      // The blend explicitly (not the validation choice): these tests check its vector layout and fold-in.
      train: { model: 'blend' },
    });
  });

  afterAll(async () => {
    await app?.stop();
    await infra?.stop();
    await db?.drop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('builds HNSW graphs for the item collections (a small catalog is not left to full scans)', async () => {
    for (const role of ['items_collaborative', 'items_semantic']) {
      // The export waits for the graph only a bounded time (write-collection.ts); on a loaded machine it may finish later.
      const info = await app.vectorStore.waitForIndexing(`${config.collectionPrefix}${role}`, { timeoutMs: 60_000 });
      expect(info.points_count, role).toBeGreaterThan(400);
      expect(info.indexed_vectors_count, role).toBe(info.points_count);
    }
  });

  it('pages through recommendations without repeats', async () => {
    const first = await recommend('reader-00002', ', first: 5');
    expect(first.strategy).toBe('MODEL');
    expect(first.pageInfo.hasNextPage).toBe(true);
    const second = await recommend('reader-00002', `, first: 5, after: "${first.pageInfo.endCursor}"`);
    const ids = [...first.items, ...second.items].map((e) => e.item.id);
    expect(new Set(ids).size).toBe(10);
    const whole = await recommend('reader-00002', ', first: 10');
    expect(whole.items.map((e) => e.item.id)).toEqual(ids);
    const bad = await graphql(`
      {
        recommendations(userId: "reader-00002", after: "not-a-cursor") {
          strategy
        }
      }
    `);
    expect(bad.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('applies filters inside the search, so lists stay full', async () => {
    const list = await recommend(
      'reader-00003',
      ', first: 10, filter: { genres: ["poetry"], yearFrom: 1960, yearTo: 2000 }',
    );
    expect(list.items).toHaveLength(10);
    for (const entry of list.items) {
      expect(entry.item.genres).toContain('poetry');
      expect(entry.item.year).toBeGreaterThanOrEqual(1960);
      expect(entry.item.year).toBeLessThanOrEqual(2000);
    }
    const excluded = list.items[0].item.id;
    const again = await recommend(
      'reader-00003',
      `, first: 10, filter: { genres: ["poetry"], excludeIds: ["${excluded}"] }`,
    );
    expect(again.items.map((e) => e.item.id)).not.toContain(excluded);
    const reversed = await graphql(`
      {
        recommendations(userId: "reader-00003", filter: { yearFrom: 2000, yearTo: 1990 }) {
          strategy
        }
      }
    `);
    expect(reversed.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('diversifies and explains on request', async () => {
    const plain = await recommend('reader-00004', ', first: 10');
    const diverse = await ok<{ recommendations: List }>(
      `{ recommendations(userId: "reader-00004", first: 10, diversity: 0.9, explain: true) {
          items { item { id genres } explanation { text becauseOf { id title } } } } }`,
    );
    const genresOf = (items: { item: { genres: string[] } }[]) => new Set(items.map((e) => e.item.genres[0])).size;
    expect(genresOf(diverse.recommendations.items)).toBeGreaterThanOrEqual(genresOf(plain.items));
    const explained = diverse.recommendations.items.filter((e) => e.explanation?.becauseOf.length);
    expect(explained.length).toBeGreaterThan(0);
    expect(explained[0].explanation!.text).toMatch(/^Because you liked /);
  });

  it('cold start: unknown user → popular; new user with fresh events → folded in at once', async () => {
    const unknown = await recommend('brand-new-reader', ', first: 5');
    expect(unknown.strategy).toBe('POPULAR');
    expect(unknown.reason).toMatch(/unknown user/);
    expect(unknown.items).toHaveLength(5);
    // Diversified: popular items, spread over more genres than the plain popularity order.
    const plain = (await ok<{ popular: List }>(`{ popular(first: 5) { ${LIST} } }`)).popular.items;
    const genres = (items: ListItem[]) => new Set(items.map((e) => e.item.genres[0])).size;
    expect(unknown.items[0].item.id).toBe(plain[0].item.id);
    expect(genres(unknown.items)).toBeGreaterThanOrEqual(genres(plain));
    expect(genres(unknown.items)).toBeGreaterThanOrEqual(3);

    // A newcomer reads three horror books: the next answer is personal, excludes them, and leans horror.
    const horror = dataset.items
      .filter((i) => i.genres[0] === 'horror')
      .slice(0, 3)
      .map((i) => i.externalId);
    const recorded = await ok<{ recordInteractions: { recorded: number; rejected: unknown[] } }>(
      `mutation($input: [InteractionInput!]!) { recordInteractions(input: $input) { recorded rejected { index reason } } }`,
      { input: horror.map((itemId) => ({ userId: 'newcomer', itemId, kind: 'like' })) },
    );
    expect(recorded.recordInteractions).toEqual({ recorded: 3, rejected: [] });
    const personal = await recommend('newcomer', ', first: 10');
    expect(personal.strategy).toBe('FOLD_IN');
    expect(personal.items.map((e) => e.item.id).filter((id) => horror.includes(id))).toEqual([]);
    const horrorShare = personal.items.filter((e) => e.item.genres.includes('horror')).length / personal.items.length;
    expect(horrorShare).toBeGreaterThan(0.5);
  });

  it("a known user's new event is excluded from the very next answer", async () => {
    const before = await recommend('reader-00005', ', first: 5');
    const top = before.items[0].item.id;
    await ok(
      `mutation { recordInteractions(input: [{ userId: "reader-00005", itemId: "${top}", kind: "view" }]) { recorded } }`,
    );
    const after = await recommend('reader-00005', ', first: 5');
    expect(after.strategy).toBe('FOLD_IN');
    expect(after.items.map((e) => e.item.id)).not.toContain(top);
  });

  it("an event recorded through one replica is excluded by another replica's very next answer (no stale cache)", async () => {
    const replica = await startApp(config, infra);
    try {
      const ask = async () => {
        const response = await fetch(replica.server.url.replace('localhost', '127.0.0.1'), {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            query: `{ recommendations(userId: "reader-00009", first: 5) { strategy items { item { id } } } }`,
          }),
        });
        return ((await response.json()) as { data: { recommendations: List } }).data.recommendations;
      };
      const before = await ask(); // the replica now holds this user's history in its cache
      const top = before.items[0].item.id;
      await ok(
        `mutation { recordInteractions(input: [{ userId: "reader-00009", itemId: "${top}", kind: "view" }]) { recorded } }`,
      );
      const after = await ask();
      expect(after.strategy).toBe('FOLD_IN');
      expect(after.items.map((e) => e.item.id)).not.toContain(top);
    } finally {
      await replica.stop();
    }
  });

  it('reports rejected events instead of dropping them silently', async () => {
    const result = await ok<{
      recordInteractions: { recorded: number; rejected: { index: number; reason: string }[] };
    }>(
      `mutation { recordInteractions(input: [
          { userId: "reader-00006", itemId: "book-00001" },
          { userId: "reader-00006", itemId: "no-such-book" },
          { userId: "reader-00006", itemId: "book-00002", value: 1e300 },
          { userId: "reader-00006", itemId: "book-00003", occurredAt: "yesterday-ish" }
        ]) { recorded rejected { index reason } } }`,
    );
    expect(result.recordInteractions.recorded).toBe(1);
    expect(result.recordInteractions.rejected.map((r) => r.index)).toEqual([1, 2, 3]);
    expect(result.recordInteractions.rejected[0].reason).toMatch(/unknown item/);
  });

  it('a new item is findable by search and similarItems at once, and reachable in recommendations', async () => {
    const created = await ok<{ upsertItems: { created: number; updated: number; items: { id: string }[] } }>(
      `mutation { upsertItems(input: [{ id: "new-dragon-book", title: "The Dragon Throne Prophecy", creators: ["Ada Quinn"],
          genres: ["fantasy"], year: 2026, description: "A fantasy of dragons, wizards and an elven crown." }]) { created updated items { id } } }`,
    );
    expect(created.upsertItems).toMatchObject({ created: 1, updated: 0, items: [{ id: 'new-dragon-book' }] });

    for (const mode of ['SEMANTIC', 'KEYWORD', 'HYBRID']) {
      const found = await ok<{ search: List }>(
        `{ search(query: "The Dragon Throne Prophecy by Ada Quinn", mode: ${mode}, first: 5) { ${LIST} } }`,
      );
      expect(
        found.search.items.map((e) => e.item.id),
        mode,
      ).toContain('new-dragon-book');
    }
    const similar = await ok<{ similarItems: List }>(
      `{ similarItems(itemId: "new-dragon-book", mode: SEMANTIC, first: 10) { ${LIST} } }`,
    );
    expect(similar.similarItems.items.filter((e) => e.item.genres.includes('fantasy')).length).toBeGreaterThan(5);

    // Mapped into the collaborative space, it sits among fantasy items: a fantasy reader's list can reach it.
    const collaborative = await ok<{ similarItems: List }>(
      `{ similarItems(itemId: "new-dragon-book", mode: COLLABORATIVE, first: 10) { ${LIST} } }`,
    );
    expect(collaborative.similarItems.strategy).toBe('MODEL');
    const fantasyFan = dataset.users.find(
      (u) => u.attributes.favouriteGenres.length === 1 && u.attributes.favouriteGenres[0] === 'fantasy',
    )!;
    const list = await recommend(fantasyFan.externalId, ', first: 100, filter: { yearFrom: 2026 }');
    expect(list.items.map((e) => e.item.id)).toContain('new-dragon-book');

    const updated = await ok<{ upsertItems: { created: number; updated: number } }>(
      `mutation { upsertItems(input: [{ id: "new-dragon-book", title: "The Dragon Throne Prophecy (2nd ed.)", genres: ["fantasy"] }]) { created updated } }`,
    );
    expect(updated.upsertItems).toEqual({ created: 0, updated: 1 });
  });

  it('a deleted item is never recommended, found or returned again', async () => {
    const before = await recommend('reader-00007', ', first: 3');
    const victim = before.items[0].item.id;
    const deleted = await ok<{ deleteItems: { deleted: number; notFound: string[] } }>(
      `mutation { deleteItems(ids: ["${victim}", "never-existed"]) { deleted notFound } }`,
    );
    expect(deleted.deleteItems).toEqual({ deleted: 1, notFound: ['never-existed'] });
    const after = await recommend('reader-00007', ', first: 50');
    expect(after.items.map((e) => e.item.id)).not.toContain(victim);
    const gone = await ok<{ item: null }>(`{ item(id: "${victim}") { id } }`);
    expect(gone.item).toBeNull();
    const popular = await ok<{ popular: List }>(`{ popular(first: 100) { ${LIST} } }`);
    expect(popular.popular.items.map((e) => e.item.id)).not.toContain(victim);
  });

  it('answers sessions, popular windows, items, users with history and model info', async () => {
    const fantasy = dataset.items
      .filter((i) => i.genres[0] === 'fantasy')
      .slice(0, 3)
      .map((i) => i.externalId);
    const session = await ok<{ recommendForSession: List }>(
      `query($ids: [ID!]!) { recommendForSession(itemIds: $ids, first: 10) { ${LIST} } }`,
      { ids: fantasy },
    );
    expect(session.recommendForSession.strategy).toBe('SESSION');
    expect(session.recommendForSession.items.map((e) => e.item.id).filter((id) => fantasy.includes(id))).toEqual([]);
    expect(session.recommendForSession.items.filter((e) => e.item.genres.includes('fantasy')).length).toBeGreaterThan(
      5,
    );

    const week = await ok<{ popular: List }>(`{ popular(first: 5, window: LAST_7_DAYS) { ${LIST} } }`);
    // The generated events are from 2025: nothing in the last week except this test's own events, or a fallback.
    expect(week.popular.items.length).toBeGreaterThan(0);
    const filtered = await ok<{ popular: List }>(`{ popular(first: 5, filter: { genres: ["cooking"] }) { ${LIST} } }`);
    expect(filtered.popular.items.every((e) => e.item.genres.includes('cooking'))).toBe(true);

    const items = await ok<{ items: ({ id: string } | null)[] }>(
      `{ items(ids: ["book-00010", "missing", "book-00011"]) { id } }`,
    );
    expect(items.items).toEqual([{ id: 'book-00010' }, null, { id: 'book-00011' }]);

    const user = await ok<{
      user: {
        id: string;
        history: { events: { item: { id: string }; kind: string }[]; pageInfo: { hasNextPage: boolean } };
      };
    }>(
      `{ user(id: "reader-00008") { id history(first: 3) { events { kind occurredAt item { id } } pageInfo { hasNextPage endCursor } } } }`,
    );
    expect(user.user.history.events).toHaveLength(3);
    expect(user.user.history.pageInfo.hasNextPage).toBe(true);
    expect((await ok<{ user: null }>(`{ user(id: "nobody") { id } }`)).user).toBeNull();

    const info = await ok<{ modelInfo: { version: string; kind: string; dimension: number; metrics: string } }>(
      `{ modelInfo { version kind dimension metrics } }`,
    );
    // The default pipeline's blended vectors: the iALS block (factors 32) ⊕ the GF-CF low-pass block (256 dims).
    expect(info.modelInfo).toMatchObject({ kind: 'blend', dimension: 32 + 256 });
    expect(JSON.parse(info.modelInfo.metrics).users).toBe(300);
  });

  it('similarItems in every mode, and same-creator when an item has no vectors', async () => {
    for (const mode of ['COLLABORATIVE', 'SEMANTIC', 'HYBRID']) {
      const result = await ok<{ similarItems: List }>(
        `{ similarItems(itemId: "book-00020", mode: ${mode}, first: 5) { ${LIST} } }`,
      );
      expect(result.similarItems.items, mode).toHaveLength(5);
      expect(result.similarItems.items.map((e) => e.item.id)).not.toContain('book-00020');
    }
    // An item inserted behind the API's back (no vectors at all) falls through to its creator's other items.
    await infra.pool.query(
      `INSERT INTO items (external_id, title, creators) SELECT 'sideloaded', 'Sideloaded', creators FROM items WHERE external_id = 'book-00020'`,
    );
    const fallback = await ok<{ similarItems: List }>(`{ similarItems(itemId: "sideloaded", first: 5) { ${LIST} } }`);
    expect(fallback.similarItems.strategy).toBe('SAME_CREATOR');
    expect(fallback.similarItems.reason).toBeTruthy();
    const creators = (await ok<{ item: { creators: string[] } }>(`{ item(id: "book-00020") { creators } }`)).item
      .creators;
    for (const entry of fallback.similarItems.items)
      expect(entry.item.creators.some((c) => creators.includes(c))).toBe(true);
  });

  it('cold start, item side: no collaborative vector → semantic; no vectors and no creators → popular; empty only with a reason', async () => {
    await ok(`mutation { upsertItems(input: [{ id: "text-only", title: "Wizards of the Dragon Coast", genres: ["fantasy"], creators: ["Ada Quinn"],
        description: "Dragons, wizards and elves." }]) { created } }`);
    // As if it had been added while the model had no text→collaborative map: only its semantic vector exists.
    const internal = (await infra.pool.query(`SELECT id FROM items WHERE external_id = 'text-only'`)).rows[0]
      .id as number;
    await app.vectorStore.deletePoints(`${config.collectionPrefix}items_collaborative`, [internal]);
    const semantic = await ok<{ similarItems: List }>(
      `{ similarItems(itemId: "text-only", mode: HYBRID, first: 5) { ${LIST} } }`,
    );
    expect(semantic.similarItems.strategy).toBe('SEMANTIC');
    expect(semantic.similarItems.reason).toMatch(/no interactions in the model/);
    expect(semantic.similarItems.items).toHaveLength(5);
    expect(semantic.similarItems.items.every((e) => e.source === 'SEMANTIC')).toBe(true);

    await infra.pool.query(`INSERT INTO items (external_id, title) VALUES ('orphan', 'Orphan')`);
    const orphan = await ok<{ similarItems: List }>(`{ similarItems(itemId: "orphan", first: 5) { ${LIST} } }`);
    expect(orphan.similarItems.strategy).toBe('POPULAR');
    expect(orphan.similarItems.reason).toMatch(/no vectors or creators/);
    expect(orphan.similarItems.items).toHaveLength(5);

    // A known user without a single event: popular, saying why.
    await infra.pool.query(`INSERT INTO users (external_id) VALUES ('silent-reader')`);
    const silent = await recommend('silent-reader', ', first: 3');
    expect(silent.strategy).toBe('POPULAR');
    expect(silent.reason).toMatch(/no events/);
    expect(silent.items).toHaveLength(3);

    // Nothing can match: an empty list, always with the reason.
    const nothing = await ok<{ popular: List; search: List }>(
      `{ popular(first: 5, filter: { genres: ["no-such-genre"] }) { ${LIST} } search(query: "zzyzxqv", mode: KEYWORD) { ${LIST} } }`,
    );
    expect(nothing.popular.items).toEqual([]);
    expect(nothing.popular.reason).toMatch(/no item/);
    expect(nothing.search.items).toEqual([]);
    expect(nothing.search.reason).toMatch(/no item matches/);
  });

  it('filters by tags and creators and excludes ids in every list, inside the search so lists stay full', async () => {
    const tag = dataset.items.find((i) => i.tags.length)!.tags[0];
    const creator = dataset.items[40].creators[0];
    const byTag = await recommend('reader-00010', `, first: 5, filter: { tags: ["${tag}"] }`);
    expect(byTag.items).toHaveLength(5);
    for (const entry of byTag.items)
      expect(dataset.items.find((i) => i.externalId === entry.item.id)!.tags).toContain(tag);

    const similar = await ok<{ similarItems: List }>(
      `{ similarItems(itemId: "book-00030", mode: COLLABORATIVE, first: 3, filter: { creators: ["${creator}"] }) { ${LIST} } }`,
    );
    expect(similar.similarItems.items.length).toBeGreaterThan(0);
    for (const entry of similar.similarItems.items) expect(entry.item.creators).toContain(creator);

    const popularTop = (await ok<{ popular: List }>(`{ popular(first: 3) { ${LIST} } }`)).popular.items.map(
      (e) => e.item.id,
    );
    const popularRest = await ok<{ popular: List }>(
      `query($x: [ID!]) { popular(first: 3, filter: { excludeIds: $x, yearFrom: 1900 }) { ${LIST} } }`,
      { x: popularTop },
    );
    expect(popularRest.popular.items).toHaveLength(3);
    expect(popularRest.popular.items.map((e) => e.item.id).filter((id) => popularTop.includes(id))).toEqual([]);

    const search = await ok<{ search: List }>(
      `{ search(query: "dragon", mode: SEMANTIC, first: 5, filter: { genres: ["fantasy"] }) { ${LIST} } }`,
    );
    expect(search.search.items).toHaveLength(5);
    for (const entry of search.search.items) expect(entry.item.genres).toContain('fantasy');
  });

  it('rejects bad input with precise codes and no partial writes', async () => {
    const cases: Array<[string, string]> = [
      [`{ recommendations(userId: "reader-00001", first: 0) { strategy } }`, 'BAD_USER_INPUT'],
      [`{ recommendations(userId: "reader-00001", diversity: 3) { strategy } }`, 'BAD_USER_INPUT'],
      [`{ search(query: "   ") { strategy } }`, 'BAD_USER_INPUT'],
      [`{ recommendForSession(itemIds: []) { strategy } }`, 'BAD_USER_INPUT'],
      [`{ similarItems(itemId: "missing") { strategy } }`, 'NOT_FOUND'],
      [`{ recommendations(userId: "${'x'.repeat(300)}") { strategy } }`, 'BAD_USER_INPUT'],
      [`{ recommendations(userId: 5) { nope } }`, 'GRAPHQL_VALIDATION_FAILED'],
    ];
    for (const [query, code] of cases) {
      const result = await graphql(query);
      expect(result.errors?.[0].extensions?.code, query).toBe(code);
    }
    const before = (await infra.pool.query(`SELECT count(*)::int AS n FROM items`)).rows[0].n;
    const badBatch = await graphql(`
      mutation {
        upsertItems(input: [{ id: "ok-item", title: "Fine" }, { id: "bad-item", title: "  " }]) {
          created
        }
      }
    `);
    expect(badBatch.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect((await infra.pool.query(`SELECT count(*)::int AS n FROM items`)).rows[0].n).toBe(before);
  });
});
