// The degraded path for real: a Qdrant server of this file's own, stopped in the middle of the test. Queries keep
// answering from Postgres (popular, same creator, keyword search), say so in `extensions.degraded`, count it in
// /metrics, and readiness reports Qdrant down.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmbeddedQdrant, type EmbeddedQdrant } from '../../src/vector/embedded-qdrant.js';
import { startServedApp, type ServedApp } from '../helpers/served-app.js';

interface List {
  strategy: string;
  reason: string | null;
  items: Array<{ source: string; item: { id: string; creators: string[] } }>;
}
const LIST = 'strategy reason items { source item { id creators } }';

describe('Qdrant stopped mid-test', () => {
  let qdrant: EmbeddedQdrant;
  let qdrantDir: string;
  let served: ServedApp;

  beforeAll(async () => {
    qdrantDir = await mkdtemp(path.join(os.tmpdir(), 'recgraph-degraded-qdrant-'));
    qdrant = await startEmbeddedQdrant({ storageDir: qdrantDir });
    served = await startServedApp({
      qdrantUrl: qdrant.url,
      dataset: { seed: 31, items: 200, users: 120, eventsPerUser: 15 },
    });
  });

  afterAll(async () => {
    await served?.stop();
    await qdrant?.stop().catch(() => undefined);
    if (qdrantDir) await rm(qdrantDir, { recursive: true, force: true });
  });

  const metric = async (name: string) => {
    const text = await (await fetch(`${served.origin}/metrics`)).text();
    const line = text.split('\n').find((l) => l.startsWith(name));
    return line ? Number(line.split(' ').pop()) : 0;
  };

  it('answers from Postgres, flagged degraded and counted, and readiness says Qdrant is down', async () => {
    const user = 'reader-00002';
    const healthy = await served.graphql<{ recommendations: List }>(
      `{ recommendations(userId: "${user}", first: 5) { ${LIST} } }`,
    );
    expect(healthy.data!.recommendations.strategy).toBe('MODEL');
    expect(healthy.extensions).toBeUndefined();
    expect((await fetch(`${served.origin}/health/ready`)).status).toBe(200);
    const counterBefore = await metric('recgraph_degraded_answers_total{reason="VECTOR_STORE_UNAVAILABLE"}');

    await qdrant.stop();

    const ready = await fetch(`${served.origin}/health/ready`);
    expect(ready.status).toBe(503);
    const readyBody = (await ready.json()) as { status: string; checks: Record<string, string> };
    expect(readyBody.checks.postgres).toBe('ok');
    expect(readyBody.checks.qdrant).toMatch(/^down/);
    expect((await fetch(`${served.origin}/health/live`)).status).toBe(200);

    // Personalized: popular items, still excluding what the user has seen, with a reason.
    const recs = await served.graphql<{ recommendations: List }>(
      `{ recommendations(userId: "${user}", first: 5) { ${LIST} } }`,
    );
    expect(recs.status).toBe(200);
    expect(recs.errors).toBeUndefined();
    expect(recs.extensions).toEqual({ degraded: { reasons: ['VECTOR_STORE_UNAVAILABLE'] } });
    expect(recs.data!.recommendations.strategy).toBe('POPULAR');
    expect(recs.data!.recommendations.reason).toMatch(/temporarily unavailable/);
    expect(recs.data!.recommendations.items).toHaveLength(5);
    const seen = new Set(
      served.dataset.interactions.filter((e) => e.userExternalId === user).map((e) => e.itemExternalId),
    );
    expect(recs.data!.recommendations.items.filter((e) => seen.has(e.item.id))).toEqual([]);

    // Similar items: the same creator's other items, from Postgres.
    const anchor = served.dataset.items[3];
    const similar = await served.graphql<{ similarItems: List }>(
      `{ similarItems(itemId: "${anchor.externalId}", first: 5) { ${LIST} } }`,
    );
    expect(similar.extensions).toEqual({ degraded: { reasons: ['VECTOR_STORE_UNAVAILABLE'] } });
    expect(similar.data!.similarItems.strategy).toBe('SAME_CREATOR');
    expect(similar.data!.similarItems.items.length).toBeGreaterThan(0);
    for (const entry of similar.data!.similarItems.items) {
      expect(entry.source).toBe('SAME_CREATOR');
      expect(entry.item.creators.some((c) => anchor.creators.includes(c))).toBe(true);
      expect(entry.item.id).not.toBe(anchor.externalId);
    }

    // Search: keyword matches only; sessions: popular.
    const word = anchor.title.split(/\s+/).find((w) => w.length > 4) ?? anchor.title;
    const search = await served.graphql<{ search: List }>(
      `query($q: String!) { search(query: $q, first: 5) { ${LIST} } }`,
      { q: word },
    );
    expect(search.extensions).toEqual({ degraded: { reasons: ['VECTOR_STORE_UNAVAILABLE'] } });
    expect(search.data!.search.reason).toMatch(/keyword matches only/);
    expect(search.data!.search.items.length).toBeGreaterThan(0);
    expect(search.data!.search.items.every((e) => e.source === 'KEYWORD')).toBe(true);
    const session = await served.graphql<{ recommendForSession: List }>(
      `{ recommendForSession(itemIds: ["${anchor.externalId}"], first: 3) { ${LIST} } }`,
    );
    expect(session.extensions).toEqual({ degraded: { reasons: ['VECTOR_STORE_UNAVAILABLE'] } });
    expect(session.data!.recommendForSession.strategy).toBe('POPULAR');

    // A user without events is answered from Postgres anyway (popular among their segment): not degraded.
    const {
      rows: [{ segment }],
    } = await served.pool.query<{ segment: string }>(
      `INSERT INTO users (external_id, attributes) SELECT 'newcomer', attributes FROM users WHERE external_id = $1 RETURNING attributes ->> 'segment' AS segment`,
      [user],
    );
    const newcomer = await served.graphql<{ recommendations: List }>(
      `{ recommendations(userId: "newcomer", first: 3) { ${LIST} } }`,
    );
    expect(newcomer.extensions).toBeUndefined();
    expect(newcomer.data!.recommendations.reason).toBe(`no events yet: popular among segment segment=${segment}`);
    expect(newcomer.data!.recommendations.items).toHaveLength(3);

    // Lists Postgres answers on its own are not degraded.
    const popular = await served.graphql<{ popular: List }>(`{ popular(first: 3) { ${LIST} } }`);
    expect(popular.extensions).toBeUndefined();
    expect(popular.data!.popular.items).toHaveLength(3);
    for (const list of ['latest', 'trending']) {
      const answer = await served.graphql<Record<string, List>>(`{ ${list}(first: 3) { ${LIST} } }`);
      expect(answer.extensions).toBeUndefined();
      expect(answer.data![list].items).toHaveLength(3);
    }
    // similarUsers has no Postgres answer: a retryable 503.
    const neighbours = await served.graphql(`{ similarUsers(userId: "${user}") { strategy } }`);
    expect(neighbours.status).toBe(503);
    expect(neighbours.errors?.[0].extensions?.code).toBe('SERVICE_DEGRADED');

    // Writes stay durable; the missing vectors are reported rather than failing the write.
    const upsert = await served.graphql<{ upsertItems: { created: number } }>(
      `mutation { upsertItems(input: [{ id: "while-down", title: "Written while Qdrant was down" }]) { created } }`,
    );
    expect(upsert.data!.upsertItems.created).toBe(1);
    expect(upsert.extensions).toEqual({ degraded: { reasons: ['ITEMS_NOT_INDEXED'] } });

    expect(await metric('recgraph_degraded_answers_total{reason="VECTOR_STORE_UNAVAILABLE"}')).toBe(counterBefore + 4);
    expect(await metric('recgraph_degraded_answers_total{reason="ITEMS_NOT_INDEXED"}')).toBe(1);
  });
});
