// Business rules end to end over HTTP on real Postgres + Qdrant: each rule kind changes every list it should, says so
// in the items' appliedRules and the list's reason, and bad rules are refused whole with the index and reason.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BusinessRuleStore } from '../../src/db/business-rules.js';
import { RuleCache } from '../../src/rules/rule-cache.js';
import { startServedApp, type ServedApp } from '../helpers/served-app.js';

const KEY = 'rules-test-key';

interface ListItem {
  score: number;
  source: string;
  appliedRules: string[];
  item: { id: string; genres: string[]; creators: string[] };
  explanation?: { text: string } | null;
}
interface List {
  strategy: string;
  reason: string | null;
  items: ListItem[];
}

const LIST = `strategy reason items { score source appliedRules item { id genres creators } explanation { text } }`;

describe('business rules over HTTP', () => {
  let served: ServedApp;
  const write = async (query: string, variables: Record<string, unknown>) =>
    served.graphql(query, variables, { 'x-api-key': KEY });
  const ok = async <T>(query: string, variables: Record<string, unknown> = {}, key = true): Promise<T> => {
    const response = key ? await write(query, variables) : await served.graphql<T>(query, variables);
    expect(response.errors, JSON.stringify(response.errors)).toBeUndefined();
    return response.data as T;
  };
  const upsert = (input: unknown[]) =>
    ok<{ upsertBusinessRules: { created: number; updated: number } }>(
      `mutation($input: [BusinessRuleInput!]!) { upsertBusinessRules(input: $input) { created updated } }`,
      { input },
    );
  const remove = (ids: string[]) =>
    ok(`mutation($ids: [ID!]!) { deleteBusinessRules(ids: $ids) { deleted notFound } }`, { ids });
  const popular = (first = 20) =>
    ok<{ popular: List }>(`query($f: Int) { popular(first: $f) { ${LIST} } }`, { f: first }, false).then(
      (d) => d.popular,
    );
  const recommend = (userId: string, first = 20, explain = false) =>
    ok<{ recommendations: List }>(
      `query($u: ID!, $f: Int, $e: Boolean) { recommendations(userId: $u, first: $f, explain: $e) { ${LIST} } }`,
      { u: userId, f: first, e: explain },
      false,
    ).then((d) => d.recommendations);
  const similar = (itemId: string) =>
    ok<{ similarItems: List }>(
      `query($i: ID!) { similarItems(itemId: $i, first: 20) { ${LIST} } }`,
      { i: itemId },
      false,
    ).then((d) => d.similarItems);
  const session = (itemIds: string[]) =>
    ok<{ recommendForSession: List }>(
      `query($i: [ID!]!) { recommendForSession(itemIds: $i, first: 20) { ${LIST} } }`,
      { i: itemIds },
      false,
    ).then((d) => d.recommendForSession);
  const search = (query: string) =>
    ok<{ search: List }>(
      `query($q: String!) { search(query: $q, mode: KEYWORD, first: 20) { ${LIST} } }`,
      { q: query },
      false,
    ).then((d) => d.search);
  const ids = (list: List) => list.items.map((entry) => entry.item.id);

  beforeAll(async () => {
    served = await startServedApp({ env: { RECGRAPH_API_KEY: KEY } });
  });
  afterAll(async () => {
    await served?.stop();
  });

  it('needs the API key to write rules; reads list them', async () => {
    const refused = await served.graphql(
      `mutation { upsertBusinessRules(input: [{ id: "x", kind: EXCLUDE, match: { itemIds: ["book-00001"] } }]) { created } }`,
    );
    expect(refused.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    const listed = await ok<{ businessRules: unknown[] }>(`{ businessRules { id } }`, {}, false);
    expect(listed.businessRules).toEqual([]);
  });

  it('EXCLUDE by id removes the item from every kind of list, and the reason says so', async () => {
    const before = await popular();
    const top = before.items[0].item.id;
    const user = 'reader-00003';
    const userList = await recommend(user);
    const fromUser = userList.items[0].item.id;
    const similarTo = before.items[1].item.id;
    const similarBefore = await similar(similarTo);
    const neighbour = similarBefore.items[0].item.id;
    const title = await ok<{ item: { title: string } }>(`query($i: ID!) { item(id: $i) { title } }`, { i: top }, false);
    const word = title.item.title.split(/\s+/).find((w) => w.length > 3) ?? title.item.title;
    expect(ids(await search(word))).toContain(top);
    await upsert([{ id: 'out-of-stock', kind: 'EXCLUDE', match: { itemIds: [top, fromUser, neighbour] } }]);

    const after = await popular();
    expect(ids(after)).not.toContain(top);
    expect(after.items).toHaveLength(20);
    expect(after.reason).toContain('exclude out-of-stock');
    expect(ids(await recommend(user))).not.toContain(fromUser);
    expect(ids(await similar(similarTo))).not.toContain(neighbour);
    expect(ids(await session([similarTo]))).not.toContain(neighbour);
    expect(ids(await search(word))).not.toContain(top);
    await remove(['out-of-stock']);
    expect(ids(await popular())).toContain(top);
  });

  it('EXCLUDE by filter removes every matching item and keeps the list full', async () => {
    const before = await popular();
    const genre = before.items[0].item.genres[0];
    await upsert([{ id: 'no-genre', kind: 'EXCLUDE', match: { filter: { genres: [genre] } } }]);
    const after = await popular();
    expect(after.items).toHaveLength(20);
    expect(after.items.every((entry) => !entry.item.genres.includes(genre))).toBe(true);
    const forUser = await recommend('reader-00004');
    expect(forUser.items.every((entry) => !entry.item.genres.includes(genre))).toBe(true);
    await remove(['no-genre']);
  });

  it('BOOST lifts the matching item to the top and marks it; BURY sinks the first one', async () => {
    const user = 'reader-00005';
    const before = await recommend(user, 20);
    const lifted = before.items[12].item.id;
    await upsert([{ id: 'promo', kind: 'BOOST', match: { itemIds: [lifted] }, factor: 100 }]);
    const boosted = await recommend(user, 20, true);
    expect(boosted.items[0].item.id).toBe(lifted);
    expect(boosted.items[0].appliedRules).toEqual(['promo']);
    expect(boosted.items[0].explanation?.text).toMatch(/\(rules: promo\)$/);
    expect(boosted.items.slice(1).every((entry) => entry.appliedRules.length === 0)).toBe(true);
    expect(boosted.reason).toContain('boost promo (1 item)');
    await remove(['promo']);

    const first = before.items[0].item.id;
    await upsert([{ id: 'sink', kind: 'BURY', match: { itemIds: [first] }, factor: 0.000001 }]);
    const buried = await recommend(user, 20);
    expect(buried.items[0].item.id).not.toBe(first);
    const at = ids(buried).indexOf(first);
    expect(at === -1 || at > 5).toBe(true);
    expect(buried.reason).toContain('bury sink');
    await remove(['sink']);
    expect((await recommend(user, 20)).items[0].item.id).toBe(first);
  });

  it('PIN places items at their positions in every list, never an item the list excludes', async () => {
    const list = await popular(30);
    const pinned = list.items[25].item.id;
    const user = 'reader-00006';
    const history = await ok<{ user: { history: { events: Array<{ item: { id: string } }> } } }>(
      `query($u: ID!) { user(id: $u) { history(first: 100) { events { item { id } } } } }`,
      { u: user },
      false,
    );
    const seen = history.user.history.events[0].item.id;
    await upsert([
      {
        id: 'banner',
        kind: 'PIN',
        pins: [
          { itemId: pinned, position: 2 },
          { itemId: seen, position: 4 },
        ],
      },
    ]);
    const pop = await popular();
    expect(pop.items[1].item.id).toBe(pinned);
    expect(pop.items[1].source).toBe('PINNED');
    expect(pop.items[1].appliedRules).toEqual(['banner']);
    expect(pop.items).toHaveLength(20);
    expect(ids(pop).filter((id) => id === pinned)).toHaveLength(1);
    const forUser = await recommend(user, 10, true);
    expect(forUser.items[1].item.id).toBe(pinned);
    // The user's own history is excluded from their list: a pin does not bring it back.
    expect(ids(forUser)).not.toContain(seen);
    expect(forUser.reason).toContain('pin banner');
    await remove(['banner']);
  });

  it('CAP keeps at most N items per genre (or creator) in one list', async () => {
    const before = await popular(20);
    const count = (list: List) => {
      const perGenre = new Map<string, number>();
      for (const entry of list.items) for (const g of entry.item.genres) perGenre.set(g, (perGenre.get(g) ?? 0) + 1);
      return Math.max(...perGenre.values());
    };
    expect(count(before)).toBeGreaterThan(1);
    await upsert([{ id: 'variety', kind: 'CAP', cap: { by: 'GENRE', max: 1 } }]);
    const capped = await popular(5);
    expect(count(capped)).toBe(1);
    expect(capped.reason).toContain('cap variety');
    await upsert([{ id: 'variety', kind: 'CAP', cap: { by: 'CREATOR', max: 1 } }]);
    const byCreator = await recommend('reader-00007', 20);
    const creators = byCreator.items.flatMap((entry) => entry.item.creators);
    expect(new Set(creators).size).toBe(creators.length);
    await remove(['variety']);
  });

  it('start and end times: a rule starting later does not apply yet, and is listed inactive', async () => {
    const top = (await popular()).items[0].item.id;
    const later = new Date(Date.now() + 3_600_000).toISOString();
    await upsert([{ id: 'later', kind: 'EXCLUDE', match: { itemIds: [top] }, startsAt: later }]);
    expect(ids(await popular())).toContain(top);
    const listed = await ok<{ businessRules: Array<{ id: string; active: boolean; startsAt: string }> }>(
      `{ businessRules { id active startsAt } }`,
      {},
      false,
    );
    expect(listed.businessRules).toEqual([{ id: 'later', active: false, startsAt: later }]);
    await remove(['later']);
  });

  it('a rule set applies only when asked for; EXCLUDE rules apply in every set', async () => {
    const { recommender } = served.app.services;
    const list = await popular();
    const [a, b] = [list.items[3].item.id, list.items[4].item.id];
    await upsert([
      { id: 'variant-boost', kind: 'BOOST', ruleSet: 'variant-b', match: { itemIds: [a] }, factor: 100 },
      { id: 'gone', kind: 'EXCLUDE', ruleSet: 'variant-b', match: { itemIds: [b] } },
    ]);
    const internal = await served.app.services.items.byExternalIds([a, b]);
    const page = { first: 10, offset: 0 };
    const plain = await recommender.popularList(page, 'ALL_TIME', {}, null);
    expect(plain.items[0].itemId).not.toBe(internal[0]!.id);
    expect(plain.items.map((e) => e.itemId)).not.toContain(internal[1]!.id);
    const variant = await recommender.popularList(page, 'ALL_TIME', {}, null, undefined, { ruleSet: 'variant-b' });
    expect(variant.items[0].itemId).toBe(internal[0]!.id);
    expect(variant.items[0].rules).toEqual(['variant-boost']);
    await remove(['variant-boost', 'gone']);
  });

  it('refuses a bad rule with its index and reason, and stores none of the call', async () => {
    const cases: Array<[unknown, RegExp]> = [
      [
        { id: 'b', kind: 'BOOST', match: { itemIds: ['book-00001'] }, factor: 0.5 },
        /input\[1\]\.factor must be between 1 and 100/,
      ],
      [{ id: 'b', kind: 'BURY', match: { itemIds: ['book-00001'] } }, /input\[1\]\.factor is required for a BURY rule/],
      [
        { id: 'b', kind: 'PIN', pins: [{ itemId: 'book-00001', position: 0 }] },
        /input\[1\]\.pins\[0\]\.position must be between 1 and 500/,
      ],
      [
        { id: 'b', kind: 'EXCLUDE', match: { itemIds: ['no-such-book'] } },
        /input\[1\]\.match\.itemIds\[0\] names no item/,
      ],
      [{ id: 'b', kind: 'CAP', cap: { by: 'GENRE', max: 0 } }, /input\[1\]\.cap\.max must be between 1 and 100/],
      [{ id: 'b', kind: 'EXCLUDE', match: {} }, /input\[1\]\.match must name item ids or a filter/],
      [
        { id: 'b', kind: 'CAP', cap: { by: 'GENRE', max: 2 }, factor: 2 },
        /input\[1\]\.factor is not taken by a CAP rule/,
      ],
      [
        {
          id: 'b',
          kind: 'EXCLUDE',
          match: { itemIds: ['book-00001'] },
          startsAt: '2030-01-02T00:00:00Z',
          endsAt: '2030-01-01T00:00:00Z',
        },
        /input\[1\]\.endsAt must be after startsAt/,
      ],
      [
        { id: 'b', kind: 'EXCLUDE', match: { itemIds: ['book-00001'] }, startsAt: 'tomorrow' },
        /input\[1\]\.startsAt .*not an ISO-8601/,
      ],
      [{ id: 'a', kind: 'CAP', cap: { by: 'GENRE', max: 2 } }, /input\[1\]\.id repeats the id of input\[0\]/],
    ];
    for (const [bad, reason] of cases) {
      const response = await write(
        `mutation($input: [BusinessRuleInput!]!) { upsertBusinessRules(input: $input) { created } }`,
        { input: [{ id: 'a', kind: 'CAP', cap: { by: 'GENRE', max: 2 } }, bad] },
      );
      expect(response.errors?.[0]?.extensions?.code, JSON.stringify(bad)).toBe('BAD_USER_INPUT');
      expect(response.errors?.[0]?.extensions?.index).toBe(1);
      expect(response.errors?.[0]?.message).toMatch(reason);
    }
    const listed = await ok<{ businessRules: unknown[] }>(`{ businessRules { id } }`, {}, false);
    expect(listed.businessRules).toEqual([]);
  });

  it("another replica's cache sees a write within its refresh interval, and not before", async () => {
    let clock = 1_000_000;
    const replica = new RuleCache(new BusinessRuleStore(served.pool), { refreshMs: 1_000, now: () => clock });
    expect(await replica.rules()).toEqual([]);
    await upsert([{ id: 'cross', kind: 'CAP', cap: { by: 'GENRE', max: 3 } }]);
    clock += 999;
    expect(await replica.rules()).toEqual([]);
    clock += 1;
    expect((await replica.rules()).map((rule) => rule.id)).toEqual(['cross']);
    await remove(['cross']);
    clock += 1_000;
    expect(await replica.rules()).toEqual([]);
  });
});
