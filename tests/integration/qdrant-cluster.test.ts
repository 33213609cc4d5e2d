// recgraph on a distributed Qdrant: three peers of the bundled binary on loopback (tests/helpers/qdrant-cluster.ts),
// the server and the export given all three URLs (QDRANT_URL=a,b,c), collections laid out by
// RECGRAPH_QDRANT_SHARDS / RECGRAPH_QDRANT_REPLICAS. One peer is killed under a bounded open-loop load and restarted.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { activateVersion, rollbackVersion } from '../../training/export/publish.js';
import { trainAndPublish } from '../../training/train-job/bootstrap.js';
import { createLogger } from '../../src/logger.js';
import { startQdrantCluster, waitFor, type QdrantCluster } from '../helpers/qdrant-cluster.js';
import { startServedApp, type ServedApp } from '../helpers/served-app.js';

let cluster: QdrantCluster;
let served: ServedApp;

async function qdrantGet<T>(url: string): Promise<T> {
  const response = await fetch(url, { signal: AbortSignal.timeout(5_000) });
  expect(response.status, url).toBe(200);
  return ((await response.json()) as { result: T }).result;
}

interface CollectionCluster {
  peer_id: number;
  local_shards: Array<{ shard_id: number; points_count: number; state: string }>;
  remote_shards: Array<{ shard_id: number; peer_id: number; state: string }>;
}

/** Every replica of every shard of `collection`, as peer `url` sees them. */
async function replicaStates(url: string, collection: string): Promise<string[]> {
  const info = await qdrantGet<CollectionCluster>(`${url}/collections/${collection}/cluster`);
  return [...info.local_shards.map((shard) => shard.state), ...info.remote_shards.map((shard) => shard.state)];
}

async function aliasesOn(url: string): Promise<Record<string, string>> {
  const result = await qdrantGet<{ aliases: Array<{ alias_name: string; collection_name: string }> }>(`${url}/aliases`);
  return Object.fromEntries(
    result.aliases
      .filter((alias) => alias.alias_name.startsWith(served.config.collectionPrefix))
      .map((alias) => [alias.alias_name, alias.collection_name]),
  );
}

const RECOMMEND = `query ($userId: ID!) { recommendations(userId: $userId, first: 10) { strategy items { item { id } } } }`;

beforeAll(async () => {
  cluster = await startQdrantCluster(3);
  served = await startServedApp({
    qdrantUrl: cluster.urls,
    env: {
      RECGRAPH_QDRANT_SHARDS: '3',
      RECGRAPH_QDRANT_REPLICAS: '2',
      // Under test is Qdrant's failover, not Postgres: on a loaded CI machine the serving pool's 1.5 s statement
      // bound would fail requests that have nothing to do with the killed peer.
      RECGRAPH_PG_QUERY_TIMEOUT_MS: '10000',
      RECGRAPH_PG_CONNECT_TIMEOUT_MS: '10000',
      LOG_LEVEL: 'error',
    },
  });
}, 240_000);

afterAll(async () => {
  await served?.stop();
  await cluster?.stop();
});

describe('recgraph on a 3-node Qdrant cluster', () => {
  it('the export lays every collection out as configured and every peer sees the same live aliases', async () => {
    const aliases = await aliasesOn(cluster.peers[0]!.url);
    expect(Object.keys(aliases).length).toBeGreaterThanOrEqual(2);
    for (const peer of cluster.peers) expect(await aliasesOn(peer.url)).toEqual(aliases);
    for (const collection of Object.values(aliases)) {
      const info = await qdrantGet<{ config: { params: Record<string, unknown> } }>(
        `${cluster.peers[2]!.url}/collections/${collection}`,
      );
      expect(info.config.params).toMatchObject({ shard_number: 3, replication_factor: 2 });
      // 3 shards × 2 replicas, spread over the peers, all serving.
      const states = await replicaStates(cluster.peers[1]!.url, collection);
      expect(states).toHaveLength(6);
      expect(new Set(states)).toEqual(new Set(['Active']));
    }
    const answer = await served.graphql(RECOMMEND, { userId: served.dataset.users[0]!.externalId });
    expect(answer.errors).toBeUndefined();
    expect(answer.data).toMatchObject({ recommendations: { strategy: 'MODEL' } });
  });

  it('a second version goes live, is rolled back and activated again through the alias switch on the cluster', async () => {
    const { prefix } = { prefix: served.config.collectionPrefix };
    const first = Object.values(await aliasesOn(cluster.peers[0]!.url))[0]!;
    const second = await trainAndPublish(served.pool, served.app.vectorStore, createLogger('silent'), {
      dataDir: served.config.dataDir,
      prefix,
      params: { factors: 8, iterations: 4 },
    });
    for (const peer of cluster.peers)
      expect(Object.values(await aliasesOn(peer.url)).every((name) => name.endsWith(`__${second}`))).toBe(true);
    const { to } = await rollbackVersion(served.app.vectorStore, served.pool, { prefix });
    expect(first.endsWith(`__${to}`)).toBe(true);
    for (const peer of cluster.peers)
      expect(Object.values(await aliasesOn(peer.url)).every((name) => name.endsWith(`__${to}`))).toBe(true);
    await activateVersion(served.app.vectorStore, served.pool, second, { prefix });
    expect(Object.values(await aliasesOn(cluster.peers[2]!.url)).every((name) => name.endsWith(`__${second}`))).toBe(
      true,
    );
  }, 120_000);

  it('a peer killed under 200 req/s fails no request; a write during the outage is read after; it rejoins in sync', async () => {
    const users = served.dataset.users.map((user) => user.externalId);
    const ratePerSecond = 200;
    const durationMs = 8_000;
    const failures: string[] = [];
    let answered = 0;
    const inFlight: Promise<void>[] = [];
    const started = performance.now();
    let outageWrite: Promise<void> | undefined;
    let killed: Promise<void> | undefined;
    // Open loop: request i is sent at i/rate seconds whatever earlier answers did; bounded in time and count.
    for (let i = 0; i < (ratePerSecond * durationMs) / 1000; i++) {
      const due = started + (i * 1000) / ratePerSecond;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      if (i === ratePerSecond * 2) killed = cluster.kill(1); // at 2 s
      if (i === ratePerSecond * 4) {
        // at 4 s, during the outage: a new item is written into the live collections
        outageWrite = served
          .graphql<{ upsertItems: { created: number } }>(
            `mutation { upsertItems(input: [{ id: "written-in-outage", title: "Written while a peer was down", genres: ["fantasy"], year: 2026 }]) { created } }`,
          )
          .then((answer) => {
            expect(answer.errors).toBeUndefined();
            expect(answer.extensions?.degraded).toBeUndefined();
            expect(answer.data?.upsertItems.created).toBe(1);
          });
      }
      inFlight.push(
        served
          .graphql<{ recommendations: { strategy: string; items: unknown[] } }>(RECOMMEND, {
            userId: users[i % users.length],
          })
          .then((answer) => {
            if (answer.status !== 200 || answer.errors || answer.extensions?.degraded)
              failures.push(`#${i}: ${answer.status} ${JSON.stringify(answer.errors ?? answer.extensions?.degraded)}`);
            else if (answer.data?.recommendations.items.length !== 10) failures.push(`#${i}: short list`);
            else answered++;
          })
          .catch(
            (error: Error) =>
              void failures.push(
                `#${i}: ${error.message} ${String((error.cause as Error | undefined)?.message ?? '')}`,
              ),
          ),
      );
    }
    await Promise.all(inFlight);
    await killed;
    await outageWrite;
    expect({ count: failures.length, first: failures.slice(0, 5), last: failures.slice(-3) }).toEqual({
      count: 0,
      first: [],
      last: [],
    });
    expect(answered).toBe((ratePerSecond * durationMs) / 1000);

    const restartedAt = Date.now();
    await cluster.restart(1);
    const collections = Object.values(await aliasesOn(cluster.peers[0]!.url));
    const syncMs = await waitFor(
      'every replica Active again after the restart',
      async () => {
        for (const collection of collections) {
          const states = await replicaStates(cluster.peers[1]!.url, collection);
          if (states.length !== 6 || states.some((state) => state !== 'Active')) return false;
        }
        return true;
      },
      120_000,
    );
    console.log(`restarted peer back in sync ${((Date.now() - restartedAt) / 1000).toFixed(1)} s after restart`);
    expect(syncMs).toBeGreaterThanOrEqual(0);

    // The write made during the outage is on every replica of its shard, the restarted peer's included.
    const itemsCollection = collections.find((name) => name.includes('items_semantic'))!;
    const pointId = (
      await served.pool.query<{ id: string }>(`SELECT id::text FROM items WHERE external_id = 'written-in-outage'`)
    ).rows[0]!.id;
    const local = await qdrantGet<CollectionCluster>(`${cluster.peers[1]!.url}/collections/${itemsCollection}/cluster`);
    const counts = await Promise.all(
      cluster.peers.map(async (peer) => {
        const info = await qdrantGet<CollectionCluster>(`${peer.url}/collections/${itemsCollection}/cluster`);
        return info.local_shards.reduce((sum, shard) => sum + shard.points_count, 0);
      }),
    );
    // 2 replicas of every point: the peers' local counts add up to twice the collection's points.
    const countResponse = await fetch(`${cluster.peers[1]!.url}/collections/${itemsCollection}/points/count`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ exact: true }),
    });
    const total = ((await countResponse.json()) as { result: { count: number } }).result;
    expect(counts.reduce((a, b) => a + b, 0)).toBe(2 * total.count);
    expect(local.local_shards.length).toBeGreaterThan(0);
    const point = await fetch(`${cluster.peers[1]!.url}/collections/${itemsCollection}/points/${pointId}`);
    expect(point.status).toBe(200);
    const found = await served.graphql<{ search: { items: Array<{ item: { id: string } }> } }>(
      `{ search(query: "Written while a peer was down", mode: SEMANTIC, first: 5) { items { item { id } } } }`,
    );
    expect(found.data?.search.items.map((entry) => entry.item.id)).toContain('written-in-outage');
  }, 240_000);
});
