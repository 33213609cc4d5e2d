// What an operator and an attacker see, over HTTP against the real app (real Postgres + Qdrant): production mode,
// API keys, CSRF prevention, query limits, Postgres becoming unreachable, and a graceful shutdown.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startServedApp, type ServedApp } from '../helpers/served-app.js';
import { startTcpProxy, type TcpProxy } from '../helpers/tcp-proxy.js';

const RECORD = `mutation($input: [InteractionInput!]!) { recordInteractions(input: $input) { recorded } }`;

describe('production mode', () => {
  let served: ServedApp;

  beforeAll(async () => {
    served = await startServedApp({
      env: { NODE_ENV: 'production', RECGRAPH_API_KEY: 'key-one, key-two', RECGRAPH_MAX_QUERY_DEPTH: '3' },
      dataset: { seed: 41, items: 150, users: 80, eventsPerUser: 12 },
    });
  });
  afterAll(async () => served?.stop());

  it('turns introspection and the Sandbox off, and sends no stack traces or schema hints', async () => {
    const introspection = await served.graphql(`{ __schema { types { name } } }`);
    expect(introspection.errors?.[0].extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(introspection.errors?.[0].message).toMatch(/introspection/i);

    const page = await fetch(`${served.origin}/graphql`, { headers: { accept: 'text/html' } });
    const html = await page.text();
    // Apollo's production landing page: no embedded Sandbox element (development mounts one, see below).
    expect(html).not.toContain('id="embeddableSandbox"');
    expect(html).toContain(encodeURIComponent('"isProd":true'));

    const missing = await served.graphql(`{ similarItems(itemId: "no-such-item") { strategy } }`);
    expect(missing.errors?.[0].extensions).toEqual({ code: 'NOT_FOUND' });
    const typo = await served.graphql(`{ popular(first: 1) { strategi } }`);
    expect(typo.errors?.[0].extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(typo.errors?.[0].message).not.toMatch(/Did you mean/);
    expect(JSON.stringify([missing, typo].map((r) => r.errors))).not.toMatch(/stacktrace|\.ts:\d+/);
  });

  it('refuses mutations without a key or with a wrong one, and accepts either configured key', async () => {
    const input = [{ userId: 'auth-user', itemId: served.dataset.items[0].externalId }];
    const count = async () =>
      (
        await served.pool.query(
          `SELECT count(*)::int AS n FROM interactions x JOIN users u ON u.id = x.user_id WHERE u.external_id = 'auth-user'`,
        )
      ).rows[0].n;

    const anonymous = await served.graphql(RECORD, { input });
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect(anonymous.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    const wrong = await served.graphql(RECORD, { input }, { 'x-api-key': 'key-three' });
    expect(wrong.status).toBe(401);
    expect(wrong.errors?.[0].message).toMatch(/not valid/);
    expect(await count()).toBe(0);

    const viaHeader = await served.graphql(RECORD, { input }, { 'x-api-key': 'key-one' });
    expect(viaHeader.data).toEqual({ recordInteractions: { recorded: 1 } });
    const viaBearer = await served.graphql(
      RECORD,
      { input: [{ ...input[0], itemId: served.dataset.items[1].externalId }] },
      { authorization: 'Bearer key-two' },
    );
    expect(viaBearer.data).toEqual({ recordInteractions: { recorded: 1 } });
    expect(await count()).toBe(2);

    // Reads need no key.
    expect((await served.graphql(`{ popular(first: 1) { strategy } }`)).status).toBe(200);
  });

  it('refuses simple (CSRF-able) requests: a GET or a text/plain POST without a preflight header', async () => {
    const query = encodeURIComponent('{ popular(first: 1) { strategy } }');
    const simpleGet = await fetch(`${served.origin}/graphql?query=${query}`);
    expect(simpleGet.status).toBe(400);
    expect(await simpleGet.text()).toMatch(/CSRF/);
    const textPost = await fetch(`${served.origin}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: JSON.stringify({ query: '{ popular(first: 1) { strategy } }' }),
    });
    expect(textPost.status).toBe(400);
    expect(await textPost.text()).toMatch(/CSRF/);

    const preflighted = await fetch(`${served.origin}/graphql?query=${query}`, {
      headers: { 'apollo-require-preflight': 'true' },
    });
    expect(preflighted.status).toBe(200);
    expect(await preflighted.json()).toEqual({ data: { popular: { strategy: 'POPULAR' } } });
  });

  it('enforces depth, cost, first, token and body-size limits, each with its code', async () => {
    const deep = await served.graphql(`{ user(id: "reader-00001") { history { events { item { id } } } } }`);
    expect(deep.status).toBe(400);
    expect(deep.errors?.[0].extensions).toMatchObject({
      code: 'QUERY_TOO_COMPLEX',
      limit: 'depth',
      maximum: 3,
      actual: 4,
    });

    const rich = (alias: string) =>
      `${alias}: recommendations(userId: "reader-00001", first: 100) { items { item { id title creators genres tags year publisher description imageUrl language } } }`;
    // Each costs 1 + 100 × (items 1 + item 1 + 10 fields) = 1,201: five pass every other limit but not the cost of 5,000.
    const costly = await served.graphql(`{ ${['a', 'b', 'c', 'd', 'e'].map(rich).join(' ')} }`);
    expect(costly.status).toBe(400);
    expect(costly.errors?.[0].extensions).toMatchObject({
      code: 'QUERY_TOO_COMPLEX',
      limit: 'cost',
      maximum: 5000,
      actual: 6005,
    });

    const tooMany = await served.graphql(`{ popular(first: 101) { strategy } }`);
    expect(tooMany.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', argumentName: 'first' });

    const manyTokens = await served.graphql(
      `{ ${Array.from({ length: 700 }, (_, i) => `f${i}: __typename`).join(' ')} }`,
    );
    expect(manyTokens.status).toBe(400);
    expect(manyTokens.errors?.[0].extensions?.code).toBe('GRAPHQL_PARSE_FAILED');
    expect(manyTokens.errors?.[0].message).toMatch(/token/i);

    const huge = await fetch(`${served.origin}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ popular { strategy } }', variables: { padding: 'x'.repeat(300_000) } }),
    });
    expect(huge.status).toBe(413);
    expect(((await huge.json()) as { errors: Array<{ extensions: { code: string } }> }).errors[0].extensions.code).toBe(
      'PAYLOAD_TOO_LARGE',
    );

    const broken = await fetch(`${served.origin}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"query": ',
    });
    expect(broken.status).toBe(400);
    expect(
      ((await broken.json()) as { errors: Array<{ extensions: { code: string } }> }).errors[0].extensions.code,
    ).toBe('BAD_REQUEST');
  });
});

describe('development mode', () => {
  let served: ServedApp;

  beforeAll(async () => {
    served = await startServedApp({ dataset: { seed: 43, items: 150, users: 80, eventsPerUser: 12 } });
  });
  afterAll(async () => served?.stop());

  it('serves the Sandbox and introspection, and includes stack traces for debugging', async () => {
    const html = await (await fetch(`${served.origin}/graphql`, { headers: { accept: 'text/html' } })).text();
    expect(html).toContain('id="embeddableSandbox"');
    const introspection = await served.graphql<{ __schema: { queryType: { name: string } } }>(
      `{ __schema { queryType { name } } }`,
    );
    expect(introspection.data?.__schema.queryType.name).toBe('Query');
    const missing = await served.graphql(`{ similarItems(itemId: "no-such-item") { strategy } }`);
    expect(missing.errors?.[0].extensions?.code).toBe('NOT_FOUND');
    expect(Array.isArray(missing.errors?.[0].extensions?.stacktrace)).toBe(true);
  });

  it('shuts down gracefully: readiness fails, new connections are refused, the in-flight request completes', async () => {
    // Hold a lock the request needs, so it is provably in flight when the shutdown starts.
    const blocker = new pg.Client({ connectionString: served.config.databaseUrl });
    await blocker.connect();
    await blocker.query('BEGIN');
    await blocker.query('LOCK TABLE users IN ACCESS EXCLUSIVE MODE');
    const inFlight = served.graphql<{ recommendations: { strategy: string; items: unknown[] } }>(
      `{ recommendations(userId: "reader-00003", first: 4) { strategy items { score } } }`,
    );
    const database = new URL(served.config.databaseUrl!).pathname.slice(1);
    for (let waited = 0; ; waited += 20) {
      const { rows } = await blocker.query(
        `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1 AND wait_event_type = 'Lock'`,
        [database],
      );
      if (rows[0].n > 0) break;
      if (waited > 10_000) throw new Error('the request never reached Postgres');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }

    const stopped = served.app.stop();
    await new Promise((resolve) => setTimeout(resolve, 50));
    await expect(fetch(`${served.origin}/health/live`)).rejects.toThrow();

    await blocker.query('COMMIT');
    await blocker.end();
    const answer = await inFlight;
    expect(answer.status).toBe(200);
    expect(answer.data!.recommendations.strategy).toBe('MODEL');
    expect(answer.data!.recommendations.items).toHaveLength(4);
    await stopped;
  });
});

describe('Postgres unreachable', () => {
  let served: ServedApp;
  let proxy: TcpProxy;

  beforeAll(async () => {
    const postgres = new URL(inject('postgresAdminUrl'));
    proxy = await startTcpProxy({ host: postgres.hostname, port: Number(postgres.port || 5432) });
    served = await startServedApp({
      env: { NODE_ENV: 'production' },
      dataset: { seed: 47, items: 120, users: 60, eventsPerUser: 10 },
      databaseUrl: (real) => {
        const url = new URL(real);
        url.port = String(proxy.port);
        return url.toString();
      },
    });
  }, 180_000);
  afterAll(async () => served?.stop());

  it('fails readiness and answers with a clear SERVICE_UNAVAILABLE error, without internals', async () => {
    expect((await fetch(`${served.origin}/health/ready`)).status).toBe(200);
    expect((await served.graphql(`{ item(id: "book-00001") { id } }`)).data).toEqual({ item: { id: 'book-00001' } });

    await proxy.cut();

    const ready = await fetch(`${served.origin}/health/ready`);
    expect(ready.status).toBe(503);
    const checks = ((await ready.json()) as { checks: Record<string, string> }).checks;
    expect(checks.postgres).toMatch(/^down/);
    expect(checks.qdrant).toBe('ok');
    expect((await fetch(`${served.origin}/health/live`)).status).toBe(200);

    for (const query of [
      `{ item(id: "book-00002") { id } }`,
      `{ recommendations(userId: "reader-00001") { strategy } }`,
      `{ popular { strategy } }`,
    ]) {
      const result = await served.graphql(query);
      expect(result.errors?.[0].extensions, query).toEqual({ code: 'SERVICE_UNAVAILABLE' });
      expect(result.errors?.[0].message).toBe('The service is temporarily unavailable; try again shortly.');
    }
  });
});
