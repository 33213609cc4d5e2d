// Cold start by segment, over HTTP with real Postgres + Qdrant: a user without events whose attributes carry a
// segment (here RECGRAPH_SEGMENT_ATTRIBUTE=occupation) gets what users of that segment like, not the global list;
// a user without a segment, and one whose segment has too few events, get the global list, each saying why.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServedApp, type ServedApp } from '../helpers/served-app.js';

interface List {
  strategy: string;
  reason: string | null;
  items: Array<{ source: string; item: { id: string } }>;
  pageInfo: { hasNextPage: boolean };
}

const LIST = `strategy reason pageInfo { hasNextPage } items { source item { id } }`;
const MIN_EVENTS = 20;
const STUDENTS = 8;

describe('cold start by segment', () => {
  let served: ServedApp;
  /** The catalog's least popular items: what the students read, so their favourites differ clearly from everyone's. */
  let studentFavourites: string[];

  async function recommend(userId: string, first = 5): Promise<List> {
    const result = await served.graphql<{ recommendations: List }>(
      `query($u: ID!, $first: Int) { recommendations(userId: $u, first: $first) { ${LIST} } }`,
      { u: userId, first },
    );
    expect(result.errors, JSON.stringify(result.errors)).toBeUndefined();
    return result.data!.recommendations;
  }
  const ids = (list: List) => list.items.map((entry) => entry.item.id);

  async function addUser(
    externalId: string,
    attributes: Record<string, unknown>,
    itemExternalIds: string[] = [],
  ): Promise<void> {
    const { rows } = await served.pool.query<{ id: number }>(
      `INSERT INTO users (external_id, attributes) VALUES ($1, $2::jsonb) RETURNING id`,
      [externalId, JSON.stringify(attributes)],
    );
    await served.pool.query(
      `INSERT INTO interactions (user_id, item_id) SELECT $1, it.id FROM items it WHERE it.external_id = ANY($2::text[])`,
      [rows[0].id, itemExternalIds],
    );
  }

  beforeAll(async () => {
    served = await startServedApp({
      env: { RECGRAPH_SEGMENT_ATTRIBUTE: 'occupation', RECGRAPH_SEGMENT_MIN_EVENTS: String(MIN_EVENTS) },
    });
    const { rows } = await served.pool.query<{ externalId: string }>(
      `SELECT it.external_id AS "externalId" FROM items it LEFT JOIN interactions x ON x.item_id = it.id
        GROUP BY it.id ORDER BY count(x.id), it.id LIMIT 5`,
    );
    studentFavourites = rows.map((row) => row.externalId);
    // 8 students × 5 items = 40 events (≥ MIN_EVENTS), all on the same 5 items; 3 pilots' events (< MIN_EVENTS).
    for (let i = 0; i < STUDENTS; i++) await addUser(`student-${i}`, { occupation: 'student' }, studentFavourites);
    await addUser('pilot-0', { occupation: 'pilot' }, studentFavourites.slice(0, 3));
    await addUser('new-student', { occupation: 'student', age: 19 });
    await addUser('new-pilot', { occupation: 'pilot' });
    await addUser('no-segment', { age: 40 });
    await addUser('blank-segment', { occupation: '' });
  }, 120_000);

  afterAll(async () => {
    await served?.stop();
  });

  it('a user with a segment and no events gets the items popular among that segment', async () => {
    const list = await recommend('new-student', 10);
    expect(list.strategy).toBe('POPULAR');
    expect(list.reason).toBe('no events yet: popular among segment occupation=student');
    // Students read nothing else: exactly their five items, each by POPULAR, and no further page.
    expect(new Set(ids(list))).toEqual(new Set(studentFavourites));
    expect(list.items.every((entry) => entry.source === 'POPULAR')).toBe(true);
    expect(list.pageInfo.hasNextPage).toBe(false);

    const global = await recommend('somebody-unknown', 10);
    expect(global.reason).toMatch(/unknown user/);
    expect(ids(global).filter((id) => studentFavourites.includes(id))).toEqual([]);
  });

  it('a user without a segment (or with an empty one) gets the global list', async () => {
    const global = ids(await recommend('somebody-unknown'));
    for (const userId of ['no-segment', 'blank-segment']) {
      const list = await recommend(userId);
      expect(list.strategy).toBe('POPULAR');
      expect(list.reason).toBe('no events for this user yet: popular items');
      expect(ids(list)).toEqual(global);
    }
  });

  it('a segment with too few events falls back to the global list and says so', async () => {
    const list = await recommend('new-pilot');
    expect(list.strategy).toBe('POPULAR');
    expect(list.reason).toBe(
      `no events yet: segment occupation=pilot has too few events (3 < ${MIN_EVENTS}): popular items`,
    );
    expect(ids(list)).toEqual(ids(await recommend('somebody-unknown')));
  });

  it('a user of the segment with events of their own is not answered by the segment list', async () => {
    const list = await recommend('student-0');
    // Fold-in (or, if none of their items made it into the model, global popular): never the segment's list.
    expect(['FOLD_IN', 'POPULAR']).toContain(list.strategy);
    expect(list.reason ?? '').not.toMatch(/segment/);
    // Their own items are excluded, as in every personalized list.
    expect(ids(list).filter((id) => studentFavourites.includes(id))).toEqual([]);
  });
});
