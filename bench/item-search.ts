/**
 * What a personalized search costs Qdrant, and what it returns, per collection layout and beam width: on the model
 * bench:serve trained (its Qdrant storage under .recgraph-bench/, or QDRANT_URL), the live items_collaborative
 * collection is copied into variants (MIPS → nearest-neighbour transform, int8 quantisation with rescoring, HNSW m)
 * and a sample of the stored user vectors is searched in each, as the server searches (limit = page + 1 + the
 * history it drops afterwards). Reported per setting: overlap of the top 20 with exact search over the served
 * vectors (ANN recall@20), Qdrant CPU ms per search (/proc) and the wall time of a search.
 *   npx tsx bench/item-search.ts [--users 1000] [--limit 54] [--ef 32,64,128,256,512] [--variants plain,mips,mips-int8]
 * Run bench:serve once first. Writes bench/results/item-search.json.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { VectorStore, type SearchParams } from '../src/vector/client.js';
import { startEmbeddedQdrant } from '../src/vector/embedded-qdrant.js';
import { augmentQuery, augmentRows, maxRowNorm } from './lib/mips.js';
import { cpuMs, pidListeningOn } from './lib/proc-cpu.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values: args } = parseArgs({
  options: {
    users: { type: 'string', default: '1000' },
    limit: { type: 'string', default: '54' },
    ef: { type: 'string', default: '32,64,128,256,512' },
    variants: { type: 'string', default: 'plain,mips,mips-int8' },
    concurrency: { type: 'string', default: '4' },
  },
});

interface Variant {
  name: string;
  mips: boolean;
  int8: boolean;
  m?: number;
  efConstruct?: number;
}
const VARIANTS: Record<string, Variant> = {
  plain: { name: 'plain (as served)', mips: false, int8: false },
  mips: { name: 'MIPS → NN (+1 coordinate)', mips: true, int8: false },
  'mips-int8': { name: 'MIPS → NN, int8 + rescore', mips: true, int8: true },
  'plain-int8': { name: 'plain, int8 + rescore', mips: false, int8: true },
  'mips-m32': { name: 'MIPS → NN, m 32', mips: true, int8: false, m: 32 },
  'mips-m8': { name: 'MIPS → NN, m 8', mips: true, int8: false, m: 8 },
};

const qdrant = process.env.QDRANT_URL
  ? { url: process.env.QDRANT_URL, stop: async () => {} }
  : await startEmbeddedQdrant({ storageDir: path.join(root, '.recgraph-bench', 'qdrant') });
const store = new VectorStore({ url: qdrant.url, timeoutMs: 300_000 });
const qdrantPid = pidListeningOn(Number(new URL(qdrant.url).port));
const created: string[] = [];
try {
  const items = await store.resolveAlias('items_collaborative');
  const usersCollection = await store.resolveAlias('users_collaborative');
  if (!items || !usersCollection) throw new Error('no live model in this Qdrant: run npm run bench:serve first');
  // The whole item collection, in id order.
  const ids: number[] = [];
  const rows: number[][] = [];
  const payloads: Array<Record<string, unknown>> = [];
  let offset: number | undefined;
  do {
    const page = await store.scroll(items, { limit: 2000, offset, withVector: true, withPayload: true });
    for (const p of page.points) {
      ids.push(p.id);
      rows.push(p.vector!);
      payloads.push(p.payload ?? {});
    }
    offset = page.nextOffset;
  } while (offset !== undefined);
  const dim = rows[0].length;
  const flat = new Float32Array(ids.length * dim);
  rows.forEach((r, i) => flat.set(r, i * dim));
  // A fixed sample of user ids (every k-th point of the users collection).
  const userCount = await store.count(usersCollection);
  const wanted = Math.min(Number(args.users), userCount);
  const sampleIds: number[] = [];
  offset = undefined;
  do {
    const page: { points: Array<{ id: number }>; nextOffset: number | undefined } = await store.scroll(
      usersCollection,
      { limit: 5000, offset },
    );
    for (const p of page.points) sampleIds.push(p.id);
    offset = page.nextOffset;
  } while (offset !== undefined);
  const stride = Math.max(1, Math.floor(sampleIds.length / wanted));
  const picked = sampleIds.filter((_, i) => i % stride === 0).slice(0, wanted);
  const queries = (await store.retrieve(usersCollection, picked, { withVector: true })).map((p) => p.vector!);
  const limit = Number(args.limit);
  process.stderr.write(`${ids.length} items × ${dim}, ${queries.length} users, limit ${limit}\n`);

  const concurrency = Number(args.concurrency);
  const runAll = async (collection: string, make: (q: number[]) => SearchParams) => {
    const out: number[][] = new Array(queries.length);
    let next = 0;
    const cpu0 = qdrantPid === undefined ? NaN : cpuMs(qdrantPid)!;
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < queries.length) {
          const i = next++;
          out[i] = (await store.search(collection, make(queries[i]))).map((h) => h.id);
        }
      }),
    );
    const seconds = (performance.now() - t0) / 1000;
    const cpu = qdrantPid === undefined ? NaN : cpuMs(qdrantPid)! - cpu0;
    return {
      ids: out,
      qdrantCpuMsPerSearch: cpu / queries.length,
      wallMsPerSearch: (seconds * 1000 * concurrency) / queries.length,
    };
  };
  const exact = await runAll(items, (q) => ({ vector: q, limit, exact: true }));
  const overlap = (got: number[][]) => {
    let hits = 0;
    got.forEach((list, i) => {
      const truth = new Set(exact.ids[i].slice(0, 20));
      for (const id of list.slice(0, 20)) if (truth.has(id)) hits++;
    });
    return hits / (20 * got.length);
  };
  const results: Array<Record<string, unknown>> = [
    {
      variant: 'plain (as served)',
      search: 'exact',
      recallAt20VsExact: 1,
      qdrantCpuMsPerSearch: exact.qdrantCpuMsPerSearch,
      wallMsPerSearch: exact.wallMsPerSearch,
    },
  ];
  const bound = maxRowNorm(flat, dim);
  for (const key of args.variants!.split(',')) {
    const variant = VARIANTS[key];
    if (!variant) throw new Error(`unknown variant ${key}; known: ${Object.keys(VARIANTS).join(', ')}`);
    let collection = items;
    if (key !== 'plain') {
      collection = `itemsearch_${key.replace(/[^a-z0-9]/g, '_')}`;
      created.push(collection);
      const t0 = performance.now();
      await store.deleteCollection(collection);
      await store.createCollection(collection, {
        dimension: variant.mips ? dim + 1 : dim,
        distance: 'Dot',
        bulkLoad: true,
        ...(variant.int8 ? { quantization: 'int8' as const } : {}),
        ...(variant.m || variant.efConstruct ? { hnsw: { m: variant.m, efConstruct: variant.efConstruct } } : {}),
      });
      await store.upsert(collection, { ids, vectors: variant.mips ? augmentRows(flat, dim, bound) : flat, payloads });
      await store.finishBulkLoad(collection);
      await store.waitForIndexing(collection, { timeoutMs: 900_000 });
      process.stderr.write(
        `${variant.name}: written and indexed in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`,
      );
    }
    for (const ef of args.ef!.split(',').map(Number)) {
      const run = await runAll(collection, (q) => ({
        vector: variant.mips ? augmentQuery(q) : q,
        limit,
        hnswEf: ef,
        ...(variant.int8 ? { quantization: { rescore: true, oversampling: 2 } } : {}),
      }));
      const row = {
        variant: variant.name,
        search: `hnsw_ef ${ef}`,
        recallAt20VsExact: overlap(run.ids),
        qdrantCpuMsPerSearch: run.qdrantCpuMsPerSearch,
        wallMsPerSearch: run.wallMsPerSearch,
      };
      results.push(row);
      process.stderr.write(
        `${row.variant.padEnd(28)} ${row.search.padEnd(12)} recall@20 vs exact ${row.recallAt20VsExact.toFixed(4)}  Qdrant CPU ${row.qdrantCpuMsPerSearch.toFixed(3)} ms/search\n`,
      );
    }
  }
  console.log('| collection | search | top-20 overlap with exact | Qdrant CPU ms / search | wall ms / search |');
  console.log('|---|---|---|---|---|');
  for (const r of results) {
    console.log(
      `| ${r.variant} | ${r.search} | ${(r.recallAt20VsExact as number).toFixed(4)} | ${(r.qdrantCpuMsPerSearch as number).toFixed(3)} | ${(r.wallMsPerSearch as number).toFixed(2)} |`,
    );
  }
  await mkdir(path.join(root, 'bench', 'results'), { recursive: true });
  await writeFile(
    path.join(root, 'bench', 'results', 'item-search.json'),
    JSON.stringify(
      {
        createdAt: new Date().toISOString(),
        loadAverage: os.loadavg(),
        items: ids.length,
        dimension: dim,
        users: queries.length,
        limit,
        concurrency,
        results,
      },
      null,
      2,
    ) + '\n',
  );
} finally {
  for (const name of created) await store.deleteCollection(name).catch(() => false);
  store.close();
  await qdrant.stop();
}
