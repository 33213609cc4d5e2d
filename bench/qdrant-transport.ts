// Qdrant transport benchmark: the same filtered searches through @qdrant/js-client-rest (fetch/undici) and through
// recgraph's VectorStore (node:http keep-alive), sequential and with requests in flight, on loopback.
//
//   npx tsx bench/qdrant-transport.ts [--points 100000] [--dim 64] [--requests 500] [--concurrency 32]
//                                      [--concurrent-requests 2000]
// Uses QDRANT_URL when set, else starts the embedded Qdrant in a temp dir (removed afterwards).
// Prints a table and writes bench/results/qdrant-transport.json.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { QdrantClient } from '@qdrant/js-client-rest';
import { VectorStore } from '../src/vector/client.js';
import { startEmbeddedQdrant, type EmbeddedQdrant } from '../src/vector/embedded-qdrant.js';
import { QdrantTransport } from '../src/vector/http-transport.js';
import { buildItemFilter, ITEM_PAYLOAD_INDEXES } from '../src/vector/filters.js';
import { uniform } from '../src/random.js';

const { values: args } = parseArgs({
  options: {
    points: { type: 'string', default: '100000' },
    dim: { type: 'string', default: '64' },
    requests: { type: 'string', default: '500' },
    concurrency: { type: 'string', default: '32' },
    'concurrent-requests': { type: 'string', default: '2000' },
  },
});
const POINTS = Number(args.points);
const DIM = Number(args.dim);
const REQUESTS = Number(args.requests);
const CONCURRENCY = Number(args.concurrency);
const CONCURRENT_REQUESTS = Number(args['concurrent-requests']);
const WARMUP = 50;
const COLLECTION = `bench_transport_${process.pid}`;
const GENRES = [
  'Action',
  'Adventure',
  'Animation',
  'Children',
  'Comedy',
  'Crime',
  'Documentary',
  'Drama',
  'Fantasy',
  'Film-Noir',
  'Horror',
  'Musical',
  'Mystery',
  'Romance',
  'Sci-Fi',
  'Thriller',
  'War',
  'Western',
  'IMAX',
  'Biography',
];

const random = uniform(7);

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

interface Row {
  client: string;
  scenario: string;
  requests: number;
  concurrency: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  maxMs: number;
  requestsPerSecond: number;
  meanResponseBytes?: number;
}

/** Runs `requests` calls of `fn`, `concurrency` at a time; latency per call. */
async function measure(
  client: string,
  scenario: string,
  requests: number,
  concurrency: number,
  fn: (i: number) => Promise<unknown>,
): Promise<Row> {
  for (let i = 0; i < WARMUP; i++) await fn(i);
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < requests) {
        const i = next++;
        const t0 = performance.now();
        await fn(i);
        latencies.push(performance.now() - t0);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const round = (x: number) => Math.round(x * 100) / 100;
  return {
    client,
    scenario,
    requests,
    concurrency,
    p50Ms: round(quantile(latencies, 0.5)),
    p95Ms: round(quantile(latencies, 0.95)),
    p99Ms: round(quantile(latencies, 0.99)),
    maxMs: round(latencies[latencies.length - 1]!),
    requestsPerSecond: Math.round(requests / seconds),
  };
}

async function main(): Promise<void> {
  let embedded: EmbeddedQdrant | undefined;
  let storageDir: string | undefined;
  let url = process.env.QDRANT_URL;
  if (!url) {
    storageDir = await mkdtemp(path.join(os.tmpdir(), 'recgraph-bench-qdrant-'));
    embedded = await startEmbeddedQdrant({ storageDir });
    url = embedded.url;
  }
  const store = new VectorStore({ url, apiKey: process.env.QDRANT_API_KEY });
  const official = new QdrantClient({ url, apiKey: process.env.QDRANT_API_KEY, checkCompatibility: false });
  try {
    // ── data: POINTS items with realistic payloads ────────────────────────────────────────────────────────────
    const ids = Array.from({ length: POINTS }, (_, i) => i + 1);
    const vectors = Float32Array.from({ length: POINTS * DIM }, () => random() * 2 - 1);
    const payloads = ids.map((id) => ({
      title: `Item number ${id} — a title of typical length`,
      genres: Array.from({ length: 1 + Math.floor(random() * 3) }, () => GENRES[Math.floor(random() * GENRES.length)]!),
      year: 1920 + Math.floor(random() * 105),
      creators: [`creator-${Math.floor(random() * 5000)}`],
      popularity: random(),
    }));

    await store.deleteCollection(COLLECTION);
    await store.createCollection(COLLECTION, { dimension: DIM, distance: 'Dot', bulkLoad: true });
    let t0 = performance.now();
    await store.upsert(COLLECTION, { ids, vectors, payloads }, { batchSize: 1000, parallel: 2 });
    const uploadSeconds = (performance.now() - t0) / 1000;
    t0 = performance.now();
    await store.createPayloadIndexes(COLLECTION, ITEM_PAYLOAD_INDEXES);
    await store.finishBulkLoad(COLLECTION);
    // Optimizers start a moment after the PATCH; wait until indexing is visibly done.
    await new Promise((resolve) => setTimeout(resolve, 500));
    const info = await store.waitForIndexing(COLLECTION, { timeoutMs: 600_000, pollMs: 500 });
    const indexSeconds = (performance.now() - t0) / 1000;
    console.log(
      `uploaded ${POINTS} points (dim ${DIM}) in ${uploadSeconds.toFixed(1)} s (${Math.round(POINTS / uploadSeconds)} points/s); ` +
        `payload + HNSW indexing ${indexSeconds.toFixed(1)} s (indexed vectors ${info.indexed_vectors_count})`,
    );

    // ── queries: same vectors and filters for both clients ───────────────────────────────────────────────────
    const queryCount = 256;
    const queries = Array.from({ length: queryCount }, () => Array.from({ length: DIM }, () => random() * 2 - 1));
    const filters = queries.map(() => {
      const from = 1950 + Math.floor(random() * 40);
      return buildItemFilter({
        genres: [GENRES[Math.floor(random() * 6)]!, GENRES[6 + Math.floor(random() * 6)]!],
        yearFrom: from,
        yearTo: from + 30,
      })!;
    });

    // Sanity: both clients must return the same hits.
    const mine = await store.search(COLLECTION, {
      vector: queries[0]!,
      limit: 20,
      filter: filters[0],
      withPayload: true,
    });
    const theirs = await official.query(COLLECTION, {
      query: queries[0]!,
      limit: 20,
      filter: filters[0],
      with_payload: true,
    });
    if (JSON.stringify(mine.map((h) => h.id)) !== JSON.stringify(theirs.points.map((p) => p.id)))
      throw new Error('clients disagree on results');
    const responseBytes = JSON.stringify({ result: theirs, status: 'ok', time: 0 }).length;

    const viaOfficial = (i: number) =>
      official.query(COLLECTION, {
        query: queries[i % queryCount]!,
        limit: 20,
        filter: filters[i % queryCount],
        with_payload: true,
      });
    const viaStore = (i: number) =>
      store.search(COLLECTION, {
        vector: queries[i % queryCount]!,
        limit: 20,
        filter: filters[i % queryCount],
        withPayload: true,
      });
    const smallOfficial = (i: number) => official.query(COLLECTION, { query: queries[i % queryCount]!, limit: 1 });
    const smallStore = (i: number) => store.search(COLLECTION, { vector: queries[i % queryCount]!, limit: 1 });
    const batchStore = (i: number) =>
      store.searchBatch(
        COLLECTION,
        Array.from({ length: 8 }, (_, k) => ({
          vector: queries[(i * 8 + k) % queryCount]!,
          limit: 20,
          filter: filters[(i * 8 + k) % queryCount],
          withPayload: true,
        })),
      );

    // Qdrant's own `time` per search (server-side work only): what no transport can go below.
    const raw = new QdrantTransport({ url });
    const serverMs: number[] = [];
    for (let i = 0; i < REQUESTS; i++) {
      const body = { query: queries[i % queryCount], limit: 20, filter: filters[i % queryCount], with_payload: true };
      const text = await raw.requestText('POST', `/collections/${COLLECTION}/points/query`, body);
      serverMs.push((JSON.parse(text) as { time: number }).time * 1000);
    }
    raw.close();
    serverMs.sort((a, b) => a - b);
    const serverTime = { p50Ms: +quantile(serverMs, 0.5).toFixed(2), p99Ms: +quantile(serverMs, 0.99).toFixed(2) };
    console.log(
      `  Qdrant-reported server time for the main search: p50 ${serverTime.p50Ms} ms, p99 ${serverTime.p99Ms} ms`,
    );

    const main = 'search limit 20 + payload + filter';
    const rows: Row[] = [];
    const run = async (row: Promise<Row>, bytes?: number) => {
      const result = await row;
      if (bytes) result.meanResponseBytes = bytes;
      rows.push(result);
      console.log(
        `  ${result.client.padEnd(22)} ${result.scenario.padEnd(40)} c=${String(result.concurrency).padEnd(3)} p50 ${result.p50Ms} ms  p99 ${result.p99Ms} ms  ${result.requestsPerSecond} req/s`,
      );
    };
    await run(measure('@qdrant/js-client-rest', main, REQUESTS, 1, viaOfficial), responseBytes);
    await run(measure('recgraph VectorStore', main, REQUESTS, 1, viaStore), responseBytes);
    await run(measure('@qdrant/js-client-rest', main, CONCURRENT_REQUESTS, CONCURRENCY, viaOfficial), responseBytes);
    await run(measure('recgraph VectorStore', main, CONCURRENT_REQUESTS, CONCURRENCY, viaStore), responseBytes);
    await run(measure('@qdrant/js-client-rest', 'search limit 1, no payload (< 1 KB)', REQUESTS, 1, smallOfficial));
    await run(measure('recgraph VectorStore', 'search limit 1, no payload (< 1 KB)', REQUESTS, 1, smallStore));
    await run(
      measure(
        'recgraph VectorStore',
        'batch of 8 searches (as main) per request',
        Math.ceil(REQUESTS / 4),
        1,
        batchStore,
      ),
    );

    console.log('\n| client | scenario | concurrency | requests | p50 ms | p95 ms | p99 ms | req/s |');
    console.log('|---|---|---|---|---|---|---|---|');
    for (const r of rows)
      console.log(
        `| ${r.client} | ${r.scenario} | ${r.concurrency} | ${r.requests} | ${r.p50Ms} | ${r.p95Ms} | ${r.p99Ms} | ${r.requestsPerSecond} |`,
      );

    const resultsDir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'results');
    await mkdir(resultsDir, { recursive: true });
    const out = path.join(resultsDir, 'qdrant-transport.json');
    await writeFile(
      out,
      `${JSON.stringify(
        {
          benchmark: 'qdrant-transport',
          date: new Date().toISOString(),
          environment: {
            node: process.version,
            cpus: os.cpus().length,
            platform: `${process.platform}/${process.arch}`,
            qdrant: embedded ? 'embedded 1.16.3' : url,
          },
          dataset: {
            points: POINTS,
            dimension: DIM,
            distance: 'Dot',
            payloadIndexes: ITEM_PAYLOAD_INDEXES,
            uploadSeconds,
            indexSeconds,
            indexedVectors: info.indexed_vectors_count,
          },
          serverTimeMainSearch: serverTime,
          responseBytesMainSearch: responseBytes,
          rows,
        },
        null,
        2,
      )}\n`,
    );
    console.log(`\nwrote ${path.relative(process.cwd(), out)}`);
  } finally {
    await store.deleteCollection(COLLECTION).catch(() => false);
    store.close();
    await embedded?.stop();
    if (storageDir) await rm(storageDir, { recursive: true, force: true });
  }
}

await main();
