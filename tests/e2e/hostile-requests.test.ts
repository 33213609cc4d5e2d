// Requests no well-behaved client sends, over real HTTP against the real app: each one gets a clear, coded answer and
// the server keeps serving everyone else.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendRaw } from '../helpers/raw-http.js';
import { startServedApp, type ServedApp } from '../helpers/served-app.js';

describe('hostile request lines', () => {
  let served: ServedApp;
  let port: number;

  beforeAll(async () => {
    served = await startServedApp({ env: { NODE_ENV: 'production', RECGRAPH_API_KEY: 'hostile-key' }, dataset: { seed: 53, items: 120, users: 60, eventsPerUser: 10 } });
    port = served.app.server.port;
  });
  afterAll(async () => served?.stop());

  const KEY = { 'x-api-key': 'hostile-key' };
  const RECORD = `mutation($input: [InteractionInput!]!) { recordInteractions(input: $input) { recorded rejected { index reason } duplicates } }`;
  type Recorded = { recordInteractions: { recorded: number; rejected: Array<{ index: number; reason: string }>; duplicates: number[] } };
  const rows = async (user: string) =>
    (await served.pool.query(`SELECT count(*)::int AS n FROM interactions x JOIN users u ON u.id = x.user_id WHERE u.external_id = $1`, [user])).rows[0].n;
  const users = async (pattern: string) => (await served.pool.query(`SELECT count(*)::int AS n FROM users WHERE external_id LIKE $1`, [pattern])).rows[0].n;
  const item = (i: number) => served.dataset.items[i].externalId;

  const get = (target: string) => sendRaw(port, `GET ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`);

  it('answers 400 BAD_REQUEST to malformed absolute-form targets instead of crashing', async () => {
    for (const target of ['http://[::1/graphql', 'http://a:99999/', 'http://%zz/', 'http://a:b/', 'https://x:-1/', 'http://[/', '*']) {
      const answer = await get(target);
      expect(answer.status, target).toBe(400);
      expect(JSON.parse(answer.body).errors[0].extensions.code, target).toBe('BAD_REQUEST');
    }
    // Still serving, and a well-formed absolute target is routed like its path.
    expect((await get('/health/live')).status).toBe(200);
    expect((await get('http://127.0.0.1/health/live')).status).toBe(200);
    expect((await served.graphql(`{ popular(first: 1) { strategy } }`)).data).toEqual({ popular: { strategy: 'POPULAR' } });
  });

  it('U+0000 and lone surrogates: BAD_USER_INPUT for a single value, a bad list element rejected alone', async () => {
    for (const bad of ['x\u0000', 'bad\ud800user', '\udc00']) {
      const single = await served.graphql(`query($id: ID!) { item(id: $id) { id } }`, { id: bad });
      expect(single.errors?.[0].extensions?.code, JSON.stringify(bad)).toBe('BAD_USER_INPUT');
      const recs = await served.graphql(`query($u: ID!) { recommendations(userId: $u) { strategy } }`, { u: bad });
      expect(recs.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    }

    const items = await served.graphql<{ items: Array<{ id: string } | null> }>(`query($ids: [ID!]!) { items(ids: $ids) { id } }`, { ids: [item(0), 'x\u0000'] });
    expect(items.data!.items).toEqual([{ id: item(0) }, null]);
    expect(items.errors).toHaveLength(1);
    expect(items.errors![0]).toMatchObject({ path: ['items', 1], extensions: { code: 'BAD_USER_INPUT', index: 1, argumentName: 'ids' } });

    // The excluded item stays excluded; the bad id is named.
    const top = await served.graphql<{ popular: { items: Array<{ item: { id: string } }> } }>(`{ popular(first: 1) { items { item { id } } } }`);
    const first = top.data!.popular.items[0].item.id;
    const excluded = await served.graphql<{ popular: { items: Array<{ item: { id: string } }> } }>(
      `query($f: ItemFilter) { popular(first: 5, filter: $f) { items { item { id } } } }`,
      { f: { excludeIds: [first, '\u0000'], genres: ['\ud800'] } },
    );
    expect(excluded.errors).toBeUndefined();
    expect(excluded.data!.popular.items.map((e) => e.item.id)).not.toContain(first);
    expect(excluded.data!.popular.items).toHaveLength(5);
    expect(excluded.extensions?.rejectedInputs).toEqual([
      { argument: 'filter.genres', index: 0, reason: expect.stringMatching(/surrogate/) },
      { argument: 'filter.excludeIds', index: 1, reason: expect.stringMatching(/U\+0000/) },
    ]);
    // A surrogate in a filter sent to Qdrant (similarItems searches vectors) is left out too, not a Qdrant 400.
    const similar = await served.graphql(`query($f: ItemFilter) { similarItems(itemId: "${item(2)}", filter: $f) { strategy } }`, {
      f: { tags: ['ok', '\udfff'] },
    });
    expect(similar.errors).toBeUndefined();
    expect(similar.extensions?.rejectedInputs).toEqual([{ argument: 'filter.tags', index: 1, reason: expect.any(String) }]);

    const session = await served.graphql<{ recommendForSession: { strategy: string } }>(
      `query($ids: [ID!]!) { recommendForSession(itemIds: $ids, first: 3) { strategy } }`,
      { ids: [item(3), 'x\u0000'] },
    );
    expect(session.data!.recommendForSession.strategy).toBe('SESSION');
    expect(session.extensions?.rejectedInputs).toEqual([{ argument: 'itemIds', index: 1, reason: expect.any(String) }]);

    const input = Array.from({ length: 10 }, (_, i) => ({ userId: 'nul-user', itemId: item(10 + i), kind: 'click' }));
    input[4] = { userId: 'nul-user', itemId: 'book-\u0000', kind: 'click' };
    input[7] = { userId: 'bad\ud800user', itemId: item(30), kind: 'click' };
    const written = await served.graphql<Recorded>(RECORD, { input }, KEY);
    expect(written.errors).toBeUndefined();
    expect(written.data!.recordInteractions.recorded).toBe(8);
    expect(written.data!.recordInteractions.rejected.map((r) => r.index)).toEqual([4, 7]);
    expect(written.data!.recordInteractions.rejected[1].reason).toMatch(/userId .*surrogate/);
    expect(await rows('nul-user')).toBe(8);
    expect(await users('bad%user')).toBe(0);
  });

  it('accounts for every event: identical ones are counted as duplicates, rows match', async () => {
    const click = { userId: 'dup-user', itemId: item(40), kind: 'click' };
    const three = await served.graphql<Recorded>(RECORD, { input: [click, click, click] }, KEY);
    expect(three.data!.recordInteractions).toEqual({ recorded: 1, rejected: [], duplicates: [1, 2] });
    const at = '2024-05-01T10:00:00Z';
    const timed = { ...click, occurredAt: at };
    const answers = await Promise.all(Array.from({ length: 20 }, () => served.graphql<Recorded>(RECORD, { input: [timed] }, KEY)));
    const recorded = answers.reduce((n, a) => n + a.data!.recordInteractions.recorded, 0);
    const duplicates = answers.reduce((n, a) => n + a.data!.recordInteractions.duplicates.length, 0);
    expect(recorded).toBe(1);
    expect(recorded + duplicates).toBe(20);
    expect(await rows('dup-user')).toBe(2);
  });

  it('occurredAt takes only real ISO-8601 dates and times, and a reason never echoes a huge input', async () => {
    const bad = ['2024-02-30', '2023-02-29', '2024-04-31T10:00:00Z', '0', '-1', '1 2 3', '12/25/2024', 'June 5, 2024',
      'Wed, 01 May 2024 10:00:00 GMT', '2024-05-01T10:00:00Z\u0000', '2024-05-01T10:00:00', '2024-05-01T24:00:00Z',
      '2024-13-01', '2024-05-01T10:00:00+25:00', 'x'.repeat(10_000)];
    const input = bad.map((occurredAt) => ({ userId: 'time-user', itemId: item(50), occurredAt }));
    const answer = await served.graphql<Recorded>(RECORD, { input }, KEY);
    expect(answer.data!.recordInteractions.recorded).toBe(0);
    expect(answer.data!.recordInteractions.rejected.map((r) => r.index)).toEqual(bad.map((_, i) => i));
    for (const { reason } of answer.data!.recordInteractions.rejected) expect(reason.length).toBeLessThan(200);

    const good = ['2024-02-29', '2024-05-01T10:00Z', '2024-05-01T10:00:00.123456Z', '2024-05-01T12:00:00+02:00', '2024-05-01t10:00:00z'];
    const ok = await served.graphql<Recorded>(RECORD, { input: good.map((occurredAt, i) => ({ userId: 'time-user', itemId: item(51 + i), occurredAt })) }, KEY);
    expect(ok.data!.recordInteractions).toEqual({ recorded: 5, rejected: [], duplicates: [] });
    const { rows: times } = await served.pool.query<{ t: Date }>(
      `SELECT x.occurred_at AS t FROM interactions x JOIN users u ON u.id = x.user_id WHERE u.external_id = 'time-user' ORDER BY x.item_id`,
    );
    expect(times.map((r) => r.t.toISOString())).toEqual([
      '2024-02-29T00:00:00.000Z', '2024-05-01T10:00:00.000Z', '2024-05-01T10:00:00.123Z', '2024-05-01T10:00:00.000Z', '2024-05-01T10:00:00.000Z',
    ]);
  });

  it('a retried call with the same Idempotency-Key records once and answers the same', async () => {
    const input = [
      { userId: 'retry-user', itemId: item(60), kind: 'purchase' },
      { userId: 'retry-user', itemId: 'no-such-item' },
    ];
    const headers = { ...KEY, 'idempotency-key': 'order-4711' };
    const first = await served.graphql<Recorded>(RECORD, { input }, headers);
    expect(first.data!.recordInteractions).toMatchObject({ recorded: 1, rejected: [{ index: 1 }] });
    const retries = await Promise.all(Array.from({ length: 5 }, () => served.graphql<Recorded>(RECORD, { input }, headers)));
    for (const retry of retries) expect(retry.data).toEqual(first.data);
    expect(await rows('retry-user')).toBe(1);

    const other = await served.graphql<Recorded>(RECORD, { input: [input[0], input[0]] }, headers);
    expect(other.errors?.[0].extensions?.code).toBe('IDEMPOTENCY_KEY_REUSED');
    const badKey = await served.graphql<Recorded>(RECORD, { input }, { ...KEY, 'idempotency-key': 'x'.repeat(201) });
    expect(badKey.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    // Without a key, the same events are new events (their default time differs).
    await new Promise((resolve) => setTimeout(resolve, 2));
    expect((await served.graphql<Recorded>(RECORD, { input }, KEY)).data!.recordInteractions.recorded).toBe(1);
    expect(await rows('retry-user')).toBe(2);
  });

  it('persisted-query hash mismatch, Content-Type and cursors: each a client error with its code', async () => {
    const query = '{ popular(first: 1) { strategy } }';
    const post = (body: unknown, contentType = 'application/json') =>
      fetch(`${served.origin}/graphql`, { method: 'POST', headers: { 'content-type': contentType, 'apollo-require-preflight': '1' }, body: JSON.stringify(body) });
    const mismatch = await post({ query, extensions: { persistedQuery: { version: 1, sha256Hash: 'a'.repeat(64) } } });
    expect(mismatch.status).toBe(400);
    expect(((await mismatch.json()) as { errors: Array<{ extensions: { code: string } }> }).errors[0].extensions.code).toBe('BAD_REQUEST');
    const sha256Hash = createHash('sha256').update(query).digest('hex');
    expect((await post({ query, extensions: { persistedQuery: { version: 1, sha256Hash } } })).status).toBe(200);

    expect((await post({ query }, 'APPLICATION/JSON; Charset=UTF-8')).status).toBe(200);
    const jsonx = await post({ query }, 'application/jsonx');
    expect(jsonx.status).toBe(400);
    expect(((await jsonx.json()) as { errors: Array<{ extensions: { code: string } }> }).errors[0].extensions.code).toBe('BAD_REQUEST');

    const page = `query($after: String) { recommendations(userId: "reader-00001", first: 2, after: $after) { pageInfo { endCursor } } }`;
    const real = await served.graphql<{ recommendations: { pageInfo: { endCursor: string } } }>(page);
    const cursor = real.data!.recommendations.pageInfo.endCursor;
    expect((await served.graphql(page, { after: cursor })).errors).toBeUndefined();
    for (const after of ['bzo', Buffer.from('o:0x10').toString('base64url'), 'b z o 1', `${cursor}=`, Buffer.from('o:-1').toString('base64url')]) {
      const answer = await served.graphql(page, { after });
      expect(answer.errors?.[0].extensions, after).toMatchObject({ code: 'BAD_USER_INPUT', argumentName: 'after' });
    }
  });
});
