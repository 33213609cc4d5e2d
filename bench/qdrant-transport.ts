// Qdrant transport benchmark: the same filtered searches through @qdrant/js-client-rest (fetch/undici) as shipped,
// the same client tuned (no response compression asked for, a connection pool as wide as the load), and recgraph's
// VectorStore (node:http keep-alive), sequential and with requests in flight, on loopback; with this process's CPU
// per request. A raw-socket probe shows where the stock client's stall comes from (see stallProbe).
//
//   npx tsx bench/qdrant-transport.ts [--points 100000] [--dim 64] [--requests 500] [--concurrency 32]
//                                      [--concurrent-requests 2000]
// Uses QDRANT_URL when set, else starts the embedded Qdrant in a temp dir (removed afterwards).
// Prints a table and writes bench/results/qdrant-transport.json.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
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
  /** CPU of this (client) process per request, user + system. */
  clientCpuMsPerRequest: number;
  meanResponseBytes?: number;
}

/**
 * The cause of the stock client's stall, on a raw socket: fetch asks for `accept-encoding: gzip, deflate` (the Fetch
 * standard's default), Qdrant then compresses the answer and writes it as two TCP segments (the chunked head, then
 * the gzip body). Under Nagle's algorithm on Qdrant's side the second segment waits for the ACK of the first, and
 * the client's kernel delays that ACK (Linux: ≈ 40 ms). Asked for `identity`, Qdrant writes one segment with a
 * Content-Length. Returns, per encoding, the share of answers over 30 ms and their segment arrival times.
 */
async function stallProbe(url: string, collection: string, body: unknown, requests: number) {
  const { hostname, port } = new URL(url);
  const text = JSON.stringify(body);
  const out: Record<string, { p50Ms: number; p99Ms: number; over30Ms: number; segments: string[] }> = {};
  for (const encoding of ['gzip, deflate', 'identity']) {
    const socket = net.connect(Number(port), hostname);
    socket.setNoDelay(true);
    await new Promise((resolve) => socket.once('connect', resolve));
    const latencies: number[] = [];
    let over30Ms = 0;
    let segments: string[] = [];
    for (let i = 0; i < requests; i++) {
      const arrivals: string[] = [];
      const t0 = performance.now();
      await new Promise<void>((resolve) => {
        let received = '';
        const onData = (chunk: Buffer) => {
          received += chunk.toString('latin1');
          arrivals.push(`${(performance.now() - t0).toFixed(1)} ms: ${chunk.length} B`);
          const headEnd = received.indexOf('\r\n\r\n');
          const length = /content-length: (\d+)/i.exec(received);
          const complete =
            headEnd >= 0 &&
            (length ? received.length - headEnd - 4 >= Number(length[1]) : received.endsWith('\r\n0\r\n\r\n'));
          if (!complete) return;
          socket.off('data', onData);
          resolve();
        };
        socket.on('data', onData);
        socket.write(
          `POST /collections/${collection}/points/query HTTP/1.1\r\nhost: ${hostname}\r\ncontent-type: application/json\r\n` +
            `accept-encoding: ${encoding}\r\ncontent-length: ${Buffer.byteLength(text)}\r\n\r\n${text}`,
        );
      });
      const ms = performance.now() - t0;
      latencies.push(ms);
      if (ms > 30) {
        over30Ms++;
        if (segments.length === 0 || arrivals.length > 1) segments = arrivals;
      }
    }
    socket.destroy();
    latencies.sort((a, b) => a - b);
    out[encoding] = {
      p50Ms: +quantile(latencies, 0.5).toFixed(2),
      p99Ms: +quantile(latencies, 0.99).toFixed(2),
      over30Ms: +(over30Ms / requests).toFixed(3),
      segments,
    };
  }
  return out;
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
  const cpuBefore = process.cpuUsage();
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
  const cpu = process.cpuUsage(cpuBefore);
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
    clientCpuMsPerRequest: round((cpu.user + cpu.system) / 1000 / requests),
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
  // The stall's fix on the client side: ask for an uncompressed answer (one segment, no Nagle wait), and as many
  // pooled connections as requests in flight (the client's undici Agent defaults to 25).
  const tuned = new QdrantClient({
    url,
    apiKey: process.env.QDRANT_API_KEY,
    checkCompatibility: false,
    headers: { 'accept-encoding': 'identity' },
    maxConnections: 64,
  });
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
    const viaTuned = (i: number) =>
      tuned.query(COLLECTION, {
        query: queries[i % queryCount]!,
        limit: 20,
        filter: filters[i % queryCount],
        with_payload: true,
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
    const loadBefore = os.loadavg();
    const rows: Row[] = [];
    const run = async (row: Promise<Row>, bytes?: number) => {
      const result = await row;
      if (bytes) result.meanResponseBytes = bytes;
      rows.push(result);
      console.log(
        `  ${result.client.padEnd(22)} ${result.scenario.padEnd(40)} c=${String(result.concurrency).padEnd(3)} p50 ${result.p50Ms} ms  p99 ${result.p99Ms} ms  ${result.requestsPerSecond} req/s`,
      );
    };
    const TUNED = '@qdrant/js-client-rest tuned';
    await run(measure('@qdrant/js-client-rest', main, REQUESTS, 1, viaOfficial), responseBytes);
    await run(measure(TUNED, main, REQUESTS, 1, viaTuned), responseBytes);
    await run(measure('recgraph VectorStore', main, REQUESTS, 1, viaStore), responseBytes);
    await run(measure('@qdrant/js-client-rest', main, CONCURRENT_REQUESTS, CONCURRENCY, viaOfficial), responseBytes);
    // Twice, alternating, so a shift of the machine's load shows as a difference between the two rounds.
    for (let round = 0; round < 2; round++) {
      await run(measure(TUNED, main, CONCURRENT_REQUESTS, CONCURRENCY, viaTuned), responseBytes);
      await run(measure('recgraph VectorStore', main, CONCURRENT_REQUESTS, CONCURRENCY, viaStore), responseBytes);
    }
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

    const stall = await stallProbe(
      url,
      COLLECTION,
      { query: queries[0], limit: 20, filter: filters[0], with_payload: true },
      REQUESTS,
    );
    for (const [encoding, probe] of Object.entries(stall))
      console.log(
        `  raw socket, accept-encoding ${encoding}: p50 ${probe.p50Ms} ms, p99 ${probe.p99Ms} ms, ${(probe.over30Ms * 100).toFixed(1)} % over 30 ms; a slow answer's segments: ${probe.segments.join(', ')}`,
      );

    console.log(
      '\n| client | scenario | concurrency | requests | p50 ms | p95 ms | p99 ms | req/s | client CPU ms/req |',
    );
    console.log('|---|---|---|---|---|---|---|---|---|');
    for (const r of rows)
      console.log(
        `| ${r.client} | ${r.scenario} | ${r.concurrency} | ${r.requests} | ${r.p50Ms} | ${r.p95Ms} | ${r.p99Ms} | ${r.requestsPerSecond} | ${r.clientCpuMsPerRequest} |`,
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
          command: `npx tsx bench/qdrant-transport.ts ${process.argv.slice(2).join(' ')}`.trim(),
          loadAverage: { before: loadBefore, after: os.loadavg() },
          serverTimeMainSearch: serverTime,
          stallProbe: stall,
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
