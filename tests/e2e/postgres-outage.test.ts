// Postgres refused and blackholed (socket open, no bytes) through a TCP proxy, in production mode: readiness and
// requests fail fast with 503 + Retry-After and SERVICE_UNAVAILABLE, and the service recovers by itself.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startServedApp, type ServedApp } from '../helpers/served-app.js';
import { startTcpProxy, type TcpProxy } from '../helpers/tcp-proxy.js';

const RECS = `query($u: ID!) { recommendations(userId: $u, first: 3) { strategy items { item { id } } } }`;
const RECORD = `mutation($input: [InteractionInput!]!) { recordInteractions(input: $input) { recorded } }`;
// Bounded, not fast: the timeouts are 1 s (connect) and 1.5 s (query); this only proves no request hangs for the
// outage. The measured times are in bench/results/faults.json (npm run test:faults).
const BOUND_MS = 4_000;

describe('Postgres outage', () => {
  let served: ServedApp;
  let proxy: TcpProxy;

  beforeAll(async () => {
    const postgres = new URL(inject('postgresAdminUrl'));
    proxy = await startTcpProxy({ host: postgres.hostname, port: Number(postgres.port || 5432) });
    served = await startServedApp({
      env: { NODE_ENV: 'production', RECGRAPH_API_KEY: 'outage-key' },
      dataset: { seed: 59, items: 120, users: 60, eventsPerUser: 10 },
      databaseUrl: (real) => {
        const url = new URL(real);
        url.port = String(proxy.port);
        return url.toString();
      },
    });
  }, 180_000);
  afterAll(async () => {
    await proxy?.heal();
    await served?.stop();
  });

  const timed = async <T>(work: () => Promise<T>) => {
    const started = performance.now();
    const value = await work();
    return { value, ms: performance.now() - started };
  };
  const expectUnavailable = async (work: () => ReturnType<ServedApp['graphql']>) => {
    const { value, ms } = await timed(work);
    expect(ms).toBeLessThan(BOUND_MS);
    expect(value.status, JSON.stringify(value)).toBe(503);
    expect(value.headers.get('retry-after')).toBe('2');
    expect(value.errors?.map((e) => e.extensions?.code)).toEqual(['SERVICE_UNAVAILABLE']);
    expect(JSON.stringify(value.errors)).not.toMatch(/stacktrace|\.ts:\d+|127\.0\.0\.1/);
  };
  const recommend = (user: string) => served.graphql(RECS, { u: user });
  const record = (user: string) =>
    served.graphql(RECORD, { input: [{ userId: user, itemId: served.dataset.items[0].externalId }] }, { 'x-api-key': 'outage-key' });
  const recovers = async () => {
    for (let attempt = 0; attempt < 50; attempt++) {
      const answer = await recommend('reader-00003');
      if (answer.status === 200 && !answer.errors) return answer;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error('no normal answer within 5 s of Postgres coming back');
  };

  for (const fault of ['blackhole', 'refuse'] as const) {
    it(`${fault}: readiness 503 and SERVICE_UNAVAILABLE 503 within the bound, then recovery by itself`, async () => {
      expect((await recommend('reader-00001')).data).toBeDefined();
      if (fault === 'blackhole') proxy.blackhole();
      else await proxy.refuse();

      const ready = await timed(() => fetch(`${served.origin}/health/ready`));
      expect(ready.ms).toBeLessThan(BOUND_MS);
      expect(ready.value.status).toBe(503);
      expect(((await ready.value.json()) as { checks: Record<string, string> }).checks.postgres).toMatch(/^down/);

      await expectUnavailable(() => recommend('reader-00002'));
      await expectUnavailable(() => record('outage-user'));
      // Concurrent requests each fail on their own deadline, not one after the other.
      const { ms } = await timed(() => Promise.all(Array.from({ length: 20 }, (_, i) => expectUnavailable(() => recommend(`reader-000${10 + i}`)))));
      expect(ms).toBeLessThan(BOUND_MS);

      await proxy.heal();
      const answer = await recovers();
      expect(answer.data).toMatchObject({ recommendations: { strategy: expect.any(String) } });
      expect((await fetch(`${served.origin}/health/ready`)).status).toBe(200);
      expect((await record('outage-user')).data).toEqual({ recordInteractions: { recorded: 1 } });
    });
  }
});
