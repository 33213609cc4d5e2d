// Writing one versioned Qdrant collection the way every export does it: fresh (a leftover of an interrupted
// export is dropped), bulk-loaded with indexing deferred, payload-indexed, indexed (bounded wait), then verified by
// an exact count.
// Shared by publish.ts (Postgres-backed versions) and the served-path evaluation (training/eval/served.ts).
import type { Distance, Payload, PointRows, VectorStore } from '../../src/vector/client.js';
import { ITEM_PAYLOAD_INDEXES } from '../../src/vector/filters.js';
import { DEGREE_PAYLOAD } from '../../src/embedding/blended-foldin.js';

export interface CollectionWrite {
  name: string;
  dimension: number;
  distance: Distance;
  rows: PointRows;
  /** Item collections get the filter payload indexes. */
  itemIndexes: boolean;
  /**
   * Points are only ever read by id (the users collection: a user's vector is fetched, never searched for), so no
   * HNSW graph is built: indexing stays off after the upload, which saves most of the export time of a big user base.
   */
  lookupOnly?: boolean;
  /** How long to wait for the HNSW graph before going on (default INDEX_WAIT_MS). */
  indexWaitMs?: number;
}

/**
 * A bounded wait for the HNSW graph. Within it (enough for a demo-size catalog), the first queries after the alias
 * switch use the graph; past it the collection is still complete and answers exactly (a full scan until the graph is
 * built in the background), so the export goes on: on the Gowalla-size catalog (40k × 384) graph building takes about
 * a minute per collection on 2 cores, which waiting for would add to every train + export (bench:train measured
 * export 82 s with a 20 s wait per collection against 25 s without).
 */
export const INDEX_WAIT_MS = 5_000;

export interface CollectionWriteResult {
  /** False when the HNSW graph was still being built when the wait ended (or the collection is lookup-only). */
  indexed: boolean;
}

export async function writeCollection(store: VectorStore, write: CollectionWrite): Promise<CollectionWriteResult> {
  const { name, rows } = write;
  await store.deleteCollection(name);
  await store.createCollection(name, { dimension: write.dimension, distance: write.distance, bulkLoad: true });
  if (write.itemIndexes) await store.createPayloadIndexes(name, ITEM_PAYLOAD_INDEXES);
  await store.upsert(name, rows);
  let indexed = false;
  if (!write.lookupOnly) {
    await store.finishBulkLoad(name);
    const info = await store.waitForIndexing(name, {
      timeoutMs: write.indexWaitMs ?? INDEX_WAIT_MS,
      returnOnTimeout: true,
    });
    indexed = info.status === 'green';
  }
  const count = await store.count(name);
  if (count !== rows.ids.length) throw new Error(`${name}: wrote ${rows.ids.length} points but Qdrant counts ${count}`);
  return { indexed };
}

/** Adds each item's training degree (blended-foldin.ts needs it to fold users in) to its payload. */
export function withDegrees(payloads: readonly Payload[], degrees: ArrayLike<number>): Payload[] {
  if (payloads.length !== degrees.length) throw new Error(`${payloads.length} payloads but ${degrees.length} degrees`);
  return payloads.map((payload, i) => ({ ...payload, [DEGREE_PAYLOAD]: degrees[i] }));
}
