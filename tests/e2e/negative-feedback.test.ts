// Negative feedback and event weights end to end, on real Postgres + Qdrant over HTTP: one dislike removes the item
// from the user's list and lowers its nearest neighbours there (with everything else about the user unchanged);
// negative events and low ratings are never training positives; training and fold-in weigh events alike.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { feedbackPolicyFrom } from '../../src/config.js';
import { readTrainingData } from '../../training/train-job/training-data.js';
import { startServedApp, type ServedApp } from '../helpers/served-app.js';

const ENV = {
  RECGRAPH_EVENT_WEIGHTS: 'view=1,click=2,like=4,purchase=8',
  RECGRAPH_EVENT_WEIGHT_CAP: '12',
  RECGRAPH_NEGATIVE_RATING_BELOW: '3',
};

interface List {
  strategy: string;
  items: Array<{ score: number; item: { id: string } }>;
}

describe('negative feedback and event weights over HTTP', () => {
  let served: ServedApp;
  const ok = async <T>(query: string, variables: Record<string, unknown> = {}): Promise<T> => {
    const response = await served.graphql<T>(query, variables);
    expect(response.errors, JSON.stringify(response.errors)).toBeUndefined();
    return response.data!;
  };
  const recommend = (userId: string, first = 50) =>
    ok<{ recommendations: List }>(
      `query($u: ID!, $f: Int) { recommendations(userId: $u, first: $f) { strategy items { score item { id } } } }`,
      { u: userId, f: first },
    ).then((d) => d.recommendations);
  const neighbours = (itemId: string, first: number) =>
    ok<{ similarItems: List }>(
      `query($i: ID!, $f: Int) { similarItems(itemId: $i, mode: COLLABORATIVE, first: $f) { strategy items { score item { id } } } }`,
      { i: itemId, f: first },
    ).then((d) => d.similarItems.items.map((entry) => entry.item.id));
  const record = (
    events: Array<{ userId: string; itemId: string; kind: string; value?: number; occurredAt?: string }>,
  ) =>
    ok<{ recordInteractions: { recorded: number } }>(
      `mutation($e: [InteractionInput!]!) { recordInteractions(input: $e) { recorded } }`,
      { e: events },
    ).then((d) => expect(d.recordInteractions.recorded).toBe(events.length));
  const internalUser = async (externalId: string) =>
    (await served.pool.query<{ id: number }>(`SELECT id FROM users WHERE external_id = $1`, [externalId])).rows[0].id;
  const internalItem = async (externalId: string) =>
    (await served.pool.query<{ id: number }>(`SELECT id FROM items WHERE external_id = $1`, [externalId])).rows[0].id;

  beforeAll(async () => {
    served = await startServedApp({ env: ENV });
  });
  afterAll(async () => {
    await served?.stop();
  });

  it('one dislike removes the item and lowers its nearest neighbours for that user', async () => {
    const user = 'reader-00010';
    const start = await recommend(user);
    // A positive event first, so both lists below come from the same folded-in vector: negatives are not fold-in
    // input, so the dislike changes nothing but the removal and the push-down.
    await record([{ userId: user, itemId: start.items[40].item.id, kind: 'view' }]);
    const before = await recommend(user);
    expect(before.strategy).toBe('FOLD_IN');
    const disliked = before.items[0].item.id;
    const near = (await neighbours(disliked, 10)).filter((id) => before.items.some((e) => e.item.id === id));
    expect(near.length).toBeGreaterThan(0);

    await record([{ userId: user, itemId: disliked, kind: 'dislike' }]);
    const after = await recommend(user);
    expect(after.strategy).toBe('FOLD_IN');
    expect(after.items.map((e) => e.item.id)).not.toContain(disliked);
    const scoreOf = (list: List, id: string) => list.items.find((e) => e.item.id === id)?.score;
    const rankOf = (list: List, id: string) => list.items.findIndex((e) => e.item.id === id);
    for (const id of near) {
      const [was, now] = [scoreOf(before, id)!, scoreOf(after, id)];
      // Lower score, or pushed out of the 50 altogether.
      if (now !== undefined) expect(now).toBeLessThan(was);
    }
    // The closest neighbour falls in rank too (removing the disliked item alone would lift it by one).
    const closest = near[0];
    const [rankBefore, rankAfter] = [rankOf(before, closest), rankOf(after, closest)];
    expect(rankAfter === -1 || rankAfter >= rankBefore).toBe(true);
    // Items the push-down leaves alone keep their scores exactly: the user's vector did not move.
    const untouched = after.items.filter((e) => scoreOf(before, e.item.id) === e.score);
    expect(untouched.length).toBeGreaterThan(0);

    // Never recommended again, also to a list a page further on.
    const deeper = await recommend(user, 100);
    expect(deeper.items.map((e) => e.item.id)).not.toContain(disliked);
  });

  it('a low rating is negative; negative pairs are never training positives', async () => {
    const user = 'reader-00011';
    const list = await recommend(user);
    const [low, high] = [list.items[0].item.id, list.items[1].item.id];
    await record([
      { userId: user, itemId: low, kind: 'rating', value: 1 },
      { userId: user, itemId: high, kind: 'rating', value: 5 },
    ]);
    expect((await recommend(user)).items.map((e) => e.item.id)).not.toContain(low);
    const data = await readTrainingData(served.pool, new Date(), feedbackPolicyFrom(ENV));
    const u = data.userIds.indexOf(await internalUser(user));
    const pairs = new Map<number, number>();
    for (let k = 0; k < data.users.length; k++)
      if (data.users[k] === u) pairs.set(data.itemIds[data.items[k]], data.weights[k]);
    expect(pairs.has(await internalItem(low))).toBe(false);
    expect(pairs.has(await internalItem(high))).toBe(true);
    expect(data.negativePairs).toBeGreaterThanOrEqual(1);
    // The disliked item of the test above is out of training too.
    const other = data.userIds.indexOf(await internalUser('reader-00010'));
    const dislikes = await served.pool.query<{ item_id: number }>(
      `SELECT item_id FROM interactions WHERE user_id = $1 AND kind = 'dislike'`,
      [await internalUser('reader-00010')],
    );
    for (let k = 0; k < data.users.length; k++) {
      if (data.users[k] === other) expect(data.itemIds[data.items[k]]).not.toBe(dislikes.rows[0].item_id);
    }
  });

  it('training and fold-in weigh repeated events of each kind the same way, up to the cap', async () => {
    const user = 'reader-00012';
    const item = (await recommend(user)).items[3].item.id;
    const other = (await recommend(user)).items[4].item.id;
    await record([
      { userId: user, itemId: item, kind: 'purchase', occurredAt: '2026-01-01T00:00:00Z' },
      { userId: user, itemId: item, kind: 'purchase', occurredAt: '2026-01-02T00:00:00Z' },
      { userId: user, itemId: other, kind: 'view', occurredAt: '2026-01-01T00:00:00Z' },
      { userId: user, itemId: other, kind: 'click', occurredAt: '2026-01-01T00:00:00Z' },
    ]);
    const data = await readTrainingData(served.pool, new Date(), feedbackPolicyFrom(ENV));
    const u = data.userIds.indexOf(await internalUser(user));
    const weightOf = async (externalId: string) => {
      const id = await internalItem(externalId);
      for (let k = 0; k < data.users.length; k++) {
        if (data.users[k] === u && data.itemIds[data.items[k]] === id) return data.weights[k];
      }
      return undefined;
    };
    expect(await weightOf(item)).toBe(12); // 2 × purchase (8) = 16, capped at 12
    expect(await weightOf(other)).toBe(3); // view (1) + click (2)
    // What fold-in reads for the same user: the same weights, from the serving path's history.
    const history = await served.app.services.users.historyItems(await internalUser(user));
    const served_ = new Map(history.map((h) => [h.itemId, h]));
    expect(served_.get(await internalItem(item))).toMatchObject({ value: 12, negative: false });
    expect(served_.get(await internalItem(other))).toMatchObject({ value: 3, negative: false });
  });
});
