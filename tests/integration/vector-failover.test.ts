// QDRANT_URL with several nodes (src/vector/failover-transport.ts), against the run's real Qdrant and a port where
// nothing listens (a node that is down). The cluster behaviour itself is in qdrant-cluster.test.ts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectionLayoutFrom } from '../../src/config.js';
import { freePort } from '../../src/net/free-port.js';
import { VectorStore } from '../../src/vector/client.js';
import { QdrantError, QdrantUnavailableError } from '../../src/vector/errors.js';
import { FailoverTransport, NODE_RETRY_AFTER_MS, qdrantUrls } from '../../src/vector/failover-transport.js';
import { QdrantTransport } from '../../src/vector/http-transport.js';
import { getTestQdrant, type TestQdrant } from '../helpers/qdrant.js';

let qdrant: TestQdrant;
let deadUrl: string;

beforeAll(async () => {
  qdrant = await getTestQdrant();
  deadUrl = `http://127.0.0.1:${await freePort()}`;
});
afterAll(async () => qdrant?.stop());

describe('QDRANT_URL with several nodes', () => {
  it('splits on commas and refuses an empty list', () => {
    expect(qdrantUrls(' http://a:6333 , http://b:6333,')).toEqual(['http://a:6333', 'http://b:6333']);
    expect(() => qdrantUrls(' , ')).toThrow('no Qdrant URL given');
  });

  it('answers through the live node when another is down, and skips the down one for a while', async () => {
    let now = 1_000_000;
    const transport = new FailoverTransport(
      [new QdrantTransport({ url: deadUrl, timeoutMs: 2_000 }), new QdrantTransport({ url: qdrant.url })],
      () => now,
    );
    try {
      for (let i = 0; i < 4; i++) await expect(transport.request('GET', '/collections')).resolves.toBeDefined();
      // The dead node (index 0) is tried last while its mark lasts, first again in its turn after it.
      expect(transport.order()[1]).toBe(0);
      expect(transport.order()[1]).toBe(0);
      now += NODE_RETRY_AFTER_MS + 1;
      expect(transport.order()).toContain(0);
      expect(transport.url).toBe(`${deadUrl},${qdrant.url}`);
    } finally {
      transport.close();
    }
  });

  it('does not resend a request Qdrant refused (it is wrong on every node)', async () => {
    const store = new VectorStore({ url: `${qdrant.url},${qdrant.url}` });
    try {
      await expect(store.count('no_such_collection_failover')).rejects.toBeInstanceOf(QdrantError);
    } finally {
      store.close();
    }
  });

  it('fails as unavailable, naming the last node, when every node is down', async () => {
    const store = new VectorStore({ url: `${deadUrl},${deadUrl}/` });
    try {
      await expect(store.listCollections()).rejects.toBeInstanceOf(QdrantUnavailableError);
      expect(await store.ready(500)).toBe(false);
    } finally {
      store.close();
    }
  });
});

describe('RECGRAPH_QDRANT_SHARDS / _REPLICAS / _WRITE_CONSISTENCY', () => {
  it('are unset by default (Qdrant decides: right for one node) and validated when set', () => {
    expect(collectionLayoutFrom({})).toEqual({ shards: undefined, replicas: undefined, writeConsistency: undefined });
    expect(collectionLayoutFrom({ RECGRAPH_QDRANT_SHARDS: '6', RECGRAPH_QDRANT_REPLICAS: '2' })).toEqual({
      shards: 6,
      replicas: 2,
      writeConsistency: undefined,
    });
    expect(() => collectionLayoutFrom({ RECGRAPH_QDRANT_REPLICAS: '0' })).toThrow(/RECGRAPH_QDRANT_REPLICAS/);
    expect(() => collectionLayoutFrom({ RECGRAPH_QDRANT_WRITE_CONSISTENCY: '2' })).toThrow(
      'RECGRAPH_QDRANT_WRITE_CONSISTENCY (2) cannot exceed RECGRAPH_QDRANT_REPLICAS (1)',
    );
  });
});
