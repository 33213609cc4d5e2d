// Editions as one work, end to end over HTTP on real Postgres + Qdrant: the demo generator's catalogue (whose
// duplicate titles by one author the seed groups as editions) and a Book-Crossing-shaped catalogue loaded through
// `recgraph ingest bookcrossing`. No list ever holds two editions of one work; an event on one edition excludes
// every edition; works answer in the API; upsertItems and deleteItems keep works right.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateEditionsCatalog, writeBookCrossingFiles } from '../../training/demo/editions.js';
import { runIngest } from '../../training/ingest/ingest.js';
import { startServedApp, type ServedApp } from '../helpers/served-app.js';

const ITEM = 'id title work { id } otherEditions';
const LIST = `strategy reason items { item { ${ITEM} } }`;

interface ListItem {
  item: { id: string; title: string; work: { id: string }; otherEditions: string[] };
}
interface List {
  strategy: string;
  reason: string | null;
  items: ListItem[];
}

/** Fails with the list when two of its items are editions of one work. */
function expectOnePerWork(list: List, label: string): void {
  const works = list.items.map((entry) => entry.item.work.id);
  const repeated = works.filter((work, index) => works.indexOf(work) !== index);
  expect(repeated, `${label}: ${JSON.stringify(list.items.map((e) => [e.item.id, e.item.work.id]))}`).toEqual([]);
}

async function listOf(app: ServedApp, field: string, args: string, variables: Record<string, unknown> = {}) {
  const declared = args.includes('$v') ? '($v: ID)' : '';
  const response = await app.graphql<Record<string, List>>(
    `query ${declared} { ${field}(${args}) { ${LIST} } }`,
    variables,
  );
  expect(response.errors).toBeUndefined();
  return response.data![field];
}

/** Works with ≥ 2 editions, from the API itself: work id → edition ids (asked 100 ids at a time: cost limits). */
async function multiEditionWorks(app: ServedApp, ids: string[]): Promise<Map<string, string[]>> {
  const works = new Map<string, string[]>();
  for (let start = 0; start < ids.length; start += 100) {
    const response = await app.graphql<{
      items: Array<{ id: string; work: { id: string; editions: { id: string }[] } }>;
    }>(`query ($ids: [ID!]!) { items(ids: $ids) { id work { id editions(first: 20) { id } } } }`, {
      ids: ids.slice(start, start + 100),
    });
    expect(response.errors).toBeUndefined();
    for (const item of response.data!.items) {
      if (item.work.editions.length > 1)
        works.set(
          item.work.id,
          item.work.editions.map((e) => e.id),
        );
    }
  }
  return works;
}

describe('editions as one work: the demo catalogue', () => {
  let app: ServedApp;
  let works: Map<string, string[]>;

  beforeAll(async () => {
    app = await startServedApp({ dataset: { seed: 42, items: 1500, users: 700, eventsPerUser: 24 } });
    works = await multiEditionWorks(
      app,
      app.dataset.items.map((item) => item.externalId),
    );
  }, 240_000);

  afterAll(async () => {
    await app?.stop();
  });

  it('groups the demo’s editions at seeding and trains one vector per work', async () => {
    expect(works.size).toBeGreaterThan(20);
    const info = await app.graphql<{ modelInfo: { metrics: string } }>('{ modelInfo { metrics } }');
    const metrics = JSON.parse(info.data!.modelInfo.metrics);
    expect(metrics.trainedOn).toBe('works');
    expect(metrics.multiEditionWorks).toBe(works.size);
  });

  it('shows a work once in search, popular, recommendations, similar items and sessions — and keeps lists full', async () => {
    for (const query of ['dragon', 'murder', 'heart', 'star', 'ghost', 'journey']) {
      const list = await listOf(app, 'search', `query: "${query}", first: 12`);
      expectOnePerWork(list, `search ${query}`);
      expect(list.items.length).toBe(12);
    }
    const popular = await listOf(app, 'popular', 'first: 100');
    expectOnePerWork(popular, 'popular');
    expect(popular.items).toHaveLength(100);
    for (const user of app.dataset.users.slice(0, 40)) {
      const list = await listOf(app, 'recommendations', `userId: "${user.externalId}", first: 30`);
      expectOnePerWork(list, `recommendations ${user.externalId}`);
      expect(list.items).toHaveLength(30);
    }
    // Similar items of every edition of 15 works: never another edition of the item asked about.
    for (const [workId, editions] of [...works].slice(0, 15)) {
      for (const edition of editions) {
        for (const mode of ['COLLABORATIVE', 'SEMANTIC', 'HYBRID']) {
          const list = await listOf(app, 'similarItems', `itemId: "${edition}", mode: ${mode}, first: 20`);
          expectOnePerWork(list, `similarItems ${edition} ${mode}`);
          expect(list.items.map((e) => e.item.work.id)).not.toContain(workId);
          expect(list.items).toHaveLength(20);
        }
      }
      const session = await listOf(app, 'recommendForSession', `itemIds: ["${editions[0]}"], first: 20`);
      expectOnePerWork(session, `session ${editions[0]}`);
      expect(session.items.map((e) => e.item.work.id)).not.toContain(workId);
    }
  });

  it('pages through recommendations without a work on two pages', async () => {
    const user = app.dataset.users[3].externalId;
    const response = await app.graphql<{ recommendations: { items: ListItem[]; pageInfo: { endCursor: string } } }>(
      `query ($u: ID!, $after: String) { recommendations(userId: $u, first: 25, after: $after) {
         items { item { ${ITEM} } } pageInfo { endCursor } } }`,
      { u: user },
    );
    const next = await app.graphql<{ recommendations: { items: ListItem[] } }>(
      `query ($u: ID!, $after: String) { recommendations(userId: $u, first: 25, after: $after) { items { item { ${ITEM} } } } }`,
      { u: user, after: response.data!.recommendations.pageInfo.endCursor },
    );
    const both = [...response.data!.recommendations.items, ...next.data!.recommendations.items];
    expect(both).toHaveLength(50);
    expectOnePerWork({ strategy: 'MODEL', reason: null, items: both }, 'two pages');
  });

  it('an event on edition A excludes edition B of the same work', async () => {
    // A user whose list shows a multi-edition work: they read another edition of it, and the work leaves the list.
    let done = false;
    for (const user of app.dataset.users.slice(0, 200)) {
      const before = await listOf(app, 'recommendations', `userId: "${user.externalId}", first: 50`);
      const shown = before.items.find((entry) => entry.item.otherEditions.length > 0);
      if (!shown) continue;
      const other = shown.item.otherEditions[0];
      const recorded = await app.graphql<{ recordInteractions: { recorded: number } }>(
        `mutation ($input: [InteractionInput!]!) { recordInteractions(input: $input) { recorded } }`,
        { input: [{ userId: user.externalId, itemId: other, kind: 'like' }] },
      );
      expect(recorded.data!.recordInteractions.recorded).toBe(1);
      const after = await listOf(app, 'recommendations', `userId: "${user.externalId}", first: 50`);
      expect(after.items.map((e) => e.item.work.id)).not.toContain(shown.item.work.id);
      expect(after.items.map((e) => e.item.id)).not.toContain(shown.item.id);
      expect(after.items).toHaveLength(50);
      done = true;
      break;
    }
    expect(done).toBe(true);
  });

  it('answers Item.work and otherEditions, and filters a list to one work', async () => {
    const [workId, editions] = [...works][0];
    const response = await app.graphql<{
      item: { work: { id: string; editionCount: number; editions: { id: string }[] }; otherEditions: string[] };
    }>(`query ($id: ID!) { item(id: $id) { work { id editionCount editions(first: 10) { id } } otherEditions } }`, {
      id: editions[1],
    });
    expect(response.data!.item.work.id).toBe(workId);
    expect(response.data!.item.work.editionCount).toBe(editions.length);
    expect(response.data!.item.work.editions.map((e) => e.id).sort()).toEqual([...editions].sort());
    expect(response.data!.item.otherEditions.sort()).toEqual(editions.filter((id) => id !== editions[1]).sort());
    const filtered = await listOf(app, 'popular', 'first: 20, filter: { workId: $v }', { v: workId });
    expect(filtered.items.map((e) => e.item.work.id)).toEqual(filtered.items.map(() => workId));
    expect(filtered.items.length).toBeGreaterThan(0);
    const unknown = await listOf(app, 'popular', 'first: 5, filter: { workId: $v }', { v: 'no-such-book' });
    expect(unknown.items).toEqual([]);
  });

  it('upsertItems joins a new edition to its work; deleteItems of one edition keeps the work', async () => {
    const [workId, editions] = [...works][1];
    const original = app.dataset.items.find((item) => item.externalId === workId)!;
    const upsert = await app.graphql<{ upsertItems: { items: Array<{ id: string; work: { id: string } }> } }>(
      `mutation ($input: [ItemInput!]!) { upsertItems(input: $input) { items { id work { id } } } }`,
      {
        input: [
          {
            id: 'new-paperback',
            title: `${original.title} (Paperback)`,
            creators: original.creators,
            genres: original.genres,
            year: 2024,
          },
          { id: 'unrelated-new-book', title: 'Quite Another Book Entirely', creators: ['Nobody Known'], year: 2024 },
        ],
      },
    );
    expect(upsert.errors).toBeUndefined();
    expect(upsert.data!.upsertItems.items).toEqual([
      { id: 'new-paperback', work: { id: workId } },
      { id: 'unrelated-new-book', work: { id: 'unrelated-new-book' } },
    ]);
    const grown = await multiEditionWorks(app, [workId]);
    expect(grown.get(workId)!.sort()).toEqual([...editions, 'new-paperback'].sort());
    const search = await listOf(app, 'search', `query: "${original.title}", first: 20, mode: KEYWORD`);
    expectOnePerWork(search, 'search after upsert');

    // The work's first edition (whose id names the work) goes; the work lives on in the others.
    const deleted = await app.graphql<{ deleteItems: { deleted: number } }>(
      `mutation ($ids: [ID!]!) { deleteItems(ids: $ids) { deleted } }`,
      { ids: [workId] },
    );
    expect(deleted.data!.deleteItems.deleted).toBe(1);
    const remaining = await multiEditionWorks(app, ['new-paperback']);
    expect(remaining.get(workId)!.sort()).toEqual([...editions.filter((id) => id !== workId), 'new-paperback'].sort());
  });
});

describe('editions as one work: a Book-Crossing-shaped catalogue through ingest', () => {
  let app: ServedApp;
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'recgraph-bx-'));
    const catalog = generateEditionsCatalog({ seed: 11, works: 500, users: 400, eventsPerUser: 14 });
    writeBookCrossingFiles(dir, catalog);
    app = await startServedApp({
      load: async (pool) => {
        const summary = await runIngest(pool, 'bookcrossing', [dir], { rejectFile: null });
        expect(summary.works!.multiEditionWorks).toBeGreaterThan(100);
      },
    });
  }, 240_000);

  afterAll(async () => {
    await app?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('serves every list one item per work', async () => {
    const info = await app.graphql<{ modelInfo: { metrics: string } }>('{ modelInfo { metrics } }');
    expect(JSON.parse(info.data!.modelInfo.metrics).trainedOn).toBe('works');
    const popular = await listOf(app, 'popular', 'first: 60');
    expectOnePerWork(popular, 'popular');
    expect(popular.items).toHaveLength(60);
    for (const user of ['1', '2', '3', '4', '5', '6', '7', '8']) {
      const list = await listOf(app, 'recommendations', `userId: "${user}", first: 40`);
      expect(list.strategy).toBe('MODEL');
      expectOnePerWork(list, `recommendations ${user}`);
      expect(list.items).toHaveLength(40);
    }
    for (const entry of popular.items.slice(0, 10)) {
      const similar = await listOf(app, 'similarItems', `itemId: "${entry.item.id}", first: 20`);
      expectOnePerWork(similar, `similarItems ${entry.item.id}`);
      expect(similar.items.map((e) => e.item.work.id)).not.toContain(entry.item.work.id);
    }
    const search = await listOf(app, 'search', 'query: "river", first: 20');
    expectOnePerWork(search, 'search river');
  });
});
