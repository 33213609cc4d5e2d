/**
 * Text encoder benchmark: `npm run bench:text [-- --dataset ml-100k|demo|all] [--cold-share 0.2] [--seed 1]`
 *
 * What it measures, per dataset (ml-100k: real MovieLens titles + genres; demo: the generated book catalog):
 * a seeded share of the items is held out as *cold* (never seen by training: no events, and their text is not in
 * the encoder's vocabulary/IDF either, exactly like an item added by upsertItems after training). iALS is trained
 * on the warm items' events; each text encoder is fitted on the warm items' text and mapped into that
 * collaborative space. Then, for every encoder:
 *   - cold recall@20 / ndcg@20: each user's held-out events on cold items, ranked among all cold items by
 *     user vector · (cold item's text mapped into the collaborative space) — the path that makes a new item
 *     reachable in recommendations;
 *   - similar@20: for each cold item, overlap of its 20 nearest warm items by semantic vector with its 20 nearest
 *     warm items by co-consumption (cosine over the users of all events) — "semantic neighbours are what the same
 *     people consume";
 *   - title MRR: the item's title alone as a search query, rank of the item among all items by semantic cosine
 *     (warm items, and cold items whose words the encoder may not know) — known-item search; "typo" drops one
 *     inner character of the title's longest word (warm items);
 *   - encode latency (one query per call, p50/p95) and batch throughput (64 texts per call).
 * Random ranking is the floor for the first two. Prints a table and writes bench/results/text-encoder.json.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { embedText, fitHashedText } from '../src/embedding/hashed-text.js';
import { itemText } from '../src/embedding/item-text.js';
import { applyLinearMap, type LinearMap } from '../src/embedding/linear-map.js';
import { openTextEncoder, toStoredEncoder } from '../src/embedding/encoder-artifact.js';
import type { SentenceEncoder } from '../src/embedding/sentence-encoder.js';
import { buildInteractionMatrix } from '../training/data/interactions.js';
import { createReaderContext } from '../training/datasets/context.js';
import { openMovieLens } from '../training/datasets/movielens.js';
import { generateDemoDataset } from '../training/demo/generate.js';
import { IALS } from '../training/models/ials.js';
import { Rng } from '../src/random.js';
import { fitTextToCf } from '../training/models/text-encoder/text-to-cf.js';
import { trainTextEncoder } from '../training/train-job/text-encoder.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const datasetsDir = process.env.RECGRAPH_DATASETS ?? path.resolve(root, '../shared/datasets');
const K = 20;

const { values: args } = parseArgs({
  options: {
    dataset: { type: 'string', default: 'all' },
    'cold-share': { type: 'string', default: '0.2' },
    seed: { type: 'string', default: '1' },
  },
});

interface Catalog {
  name: string;
  documents: string[];
  titles: string[];
  /** (user, item) event pairs, dense indices. */
  users: number[];
  items: number[];
  numUsers: number;
}

async function loadMl100k(): Promise<Catalog> {
  const dataset = await openMovieLens(
    [path.join(datasetsDir, 'ml-100k')],
    createReaderContext({ report: () => undefined }),
  );
  const index = new Map<string, number>();
  const documents: string[] = [];
  const titles: string[] = [];
  for await (const item of dataset.items!) {
    index.set(item.externalId, documents.length);
    documents.push(
      itemText({
        title: item.title,
        creators: item.creators ?? [],
        genres: item.genres ?? [],
        tags: item.tags ?? [],
        description: item.description ?? null,
      }),
    );
    titles.push(item.title);
  }
  const userIndex = new Map<string, number>();
  const users: number[] = [];
  const items: number[] = [];
  for await (const event of dataset.interactions!) {
    const item = index.get(event.itemExternalId);
    if (item === undefined) continue;
    let user = userIndex.get(event.userExternalId);
    if (user === undefined) userIndex.set(event.userExternalId, (user = userIndex.size));
    users.push(user);
    items.push(item);
  }
  return { name: 'ml-100k', documents, titles, users, items, numUsers: userIndex.size };
}

function loadDemo(): Catalog {
  const dataset = generateDemoDataset();
  const index = new Map(dataset.items.map((item, i) => [item.externalId, i]));
  const userIndex = new Map(dataset.users.map((user, i) => [user.externalId, i]));
  return {
    name: 'demo (generated books)',
    documents: dataset.items.map((item) => itemText(item)),
    titles: dataset.items.map((item) => item.title),
    users: dataset.interactions.map((e) => userIndex.get(e.userExternalId)!),
    items: dataset.interactions.map((e) => index.get(e.itemExternalId)!),
    numUsers: dataset.users.length,
  };
}

const dot = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
};

function topK(scores: Float64Array | number[], k: number): number[] {
  return Array.from(scores.keys())
    .sort((a, b) => scores[b] - scores[a] || a - b)
    .slice(0, k);
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
}

interface Split {
  cold: number[];
  warm: number[];
  /** Dense warm index of every catalog item (-1 for cold). */
  warmIndex: Int32Array;
  userVectors: Float32Array;
  itemVectors: Float32Array;
  dim: number;
  warmRows: number[];
  /** Held-out cold events per user. */
  coldEvents: Map<number, Set<number>>;
  /** Warm items that co-occur most with each cold item (ground truth for similar@K). */
  coNeighbours: Map<number, number[]>;
}

async function prepare(catalog: Catalog, coldShare: number, seed: number): Promise<Split> {
  const n = catalog.documents.length;
  const rng = new Rng(seed);
  const withEvents = [...new Set(catalog.items)].sort((a, b) => a - b);
  rng.shuffle(withEvents);
  const cold = withEvents.slice(0, Math.round(withEvents.length * coldShare)).sort((a, b) => a - b);
  const coldSet = new Set(cold);
  const warm = Array.from({ length: n }, (_, i) => i).filter((i) => !coldSet.has(i));
  const warmIndex = new Int32Array(n).fill(-1);
  warm.forEach((item, w) => (warmIndex[item] = w));

  const trainUsers: number[] = [];
  const trainItems: number[] = [];
  const coldEvents = new Map<number, Set<number>>();
  const usersOf = new Map<number, Set<number>>();
  catalog.users.forEach((user, k) => {
    const item = catalog.items[k];
    let set = usersOf.get(item);
    if (!set) usersOf.set(item, (set = new Set()));
    set.add(user);
    if (coldSet.has(item)) {
      let events = coldEvents.get(user);
      if (!events) coldEvents.set(user, (events = new Set()));
      events.add(item);
    } else {
      trainUsers.push(user);
      trainItems.push(warmIndex[item]);
    }
  });
  const matrix = buildInteractionMatrix(
    catalog.numUsers,
    warm.length,
    trainUsers,
    trainItems,
    new Float32Array(trainUsers.length).fill(1),
    'max',
  );
  const model = new IALS({ factors: 64 });
  await model.fit(matrix);
  const items = model.itemVectors();
  const counts = new Float32Array(warm.length);
  for (const w of trainItems) counts[w]++;
  const warmRows: number[] = [];
  counts.forEach((c, w) => c >= 3 && warmRows.push(w));

  // Co-consumption neighbours over all events (the cold items' real audience, unseen by training).
  const itemsOf = new Map<number, number[]>();
  catalog.users.forEach((user, k) => {
    let list = itemsOf.get(user);
    if (!list) itemsOf.set(user, (list = []));
    list.push(catalog.items[k]);
  });
  const coNeighbours = new Map<number, number[]>();
  for (const c of cold) {
    const overlap = new Map<number, number>();
    for (const user of usersOf.get(c) ?? [])
      for (const other of new Set(itemsOf.get(user)))
        if (!coldSet.has(other)) overlap.set(other, (overlap.get(other) ?? 0) + 1);
    const size = usersOf.get(c)?.size ?? 0;
    const ranked = [...overlap]
      .map(([other, both]) => [other, both / Math.sqrt(size * usersOf.get(other)!.size)] as const)
      .sort((a, b) => b[1] - a[1] || a[0] - b[0]);
    if (ranked.length >= K)
      coNeighbours.set(
        c,
        ranked.slice(0, K).map(([other]) => other),
      );
  }
  return {
    cold,
    warm,
    warmIndex,
    userVectors: model.userVectors().data,
    itemVectors: items.data,
    dim: items.dim,
    warmRows,
    coldEvents,
    coNeighbours,
  };
}

/** The title with one inner character of its longest word dropped ("Casablanca" → "Casablnca"). */
function withTypo(title: string): string {
  const words = title.split(' ');
  let longest = 0;
  words.forEach((word, i) => word.length > words[longest].length && (longest = i));
  const word = words[longest];
  if (word.length >= 4)
    words[longest] = word.slice(0, Math.floor(word.length / 2)) + word.slice(Math.floor(word.length / 2) + 1);
  return words.join(' ');
}

interface Embedded {
  name: string;
  /** Semantic vector of every catalog item (in catalog order). */
  semantic: Float32Array[];
  textToCf: LinearMap;
  encoder: SentenceEncoder;
  fitSeconds: number;
}

interface Row {
  encoder: string;
  dimension: number;
  'cold recall@20': number;
  'cold ndcg@20': number;
  'similar@20': number;
  'title MRR (warm)': number;
  'title MRR (cold)': number;
  'title MRR (typo)': number;
  'encode p50 µs': number;
  'encode p95 µs': number;
  'batch texts/s': number;
  'fit s': number;
}

function coldRanking(
  split: Split,
  score: (user: number, item: number) => number,
): { recall: number; ndcg: number; users: number } {
  let recall = 0;
  let ndcg = 0;
  let users = 0;
  for (const [user, relevant] of split.coldEvents) {
    const scores = split.cold.map((item) => score(user, item));
    const top = topK(scores, K).map((i) => split.cold[i]);
    let hits = 0;
    let dcg = 0;
    top.forEach((item, rank) => {
      if (relevant.has(item)) {
        hits++;
        dcg += 1 / Math.log2(rank + 2);
      }
    });
    let idcg = 0;
    for (let r = 0; r < Math.min(K, relevant.size); r++) idcg += 1 / Math.log2(r + 2);
    recall += hits / relevant.size;
    ndcg += dcg / idcg;
    users++;
  }
  return { recall: recall / users, ndcg: ndcg / users, users };
}

async function measure(catalog: Catalog, split: Split, embedded: Embedded): Promise<Row> {
  const { semantic, textToCf, encoder } = embedded;
  const mapped = new Map(split.cold.map((item) => [item, applyLinearMap(textToCf, semantic[item])]));
  const ranking = coldRanking(split, (user, item) =>
    dot(split.userVectors.subarray(user * split.dim, (user + 1) * split.dim), mapped.get(item)!),
  );

  let similar = 0;
  for (const [c, truth] of split.coNeighbours) {
    const scores = split.warm.map((w) => dot(semantic[c], semantic[w]));
    const top = new Set(topK(scores, K).map((i) => split.warm[i]));
    similar += truth.filter((item) => top.has(item)).length / K;
  }
  similar /= split.coNeighbours.size;

  // Known-item search by title: reciprocal rank of the item among all items.
  const queries = (items: number[]) => items.slice(0, 300);
  const mrr = async (items: number[], query: (title: string) => string = (title) => title) => {
    const vectors = await encoder.encode(items.map((i) => query(catalog.titles[i])));
    let sum = 0;
    vectors.forEach((query, k) => {
      const target = dot(query, semantic[items[k]]);
      let rank = 1;
      for (let j = 0; j < semantic.length; j++) if (j !== items[k] && dot(query, semantic[j]) > target) rank++;
      sum += 1 / rank;
    });
    return sum / items.length;
  };
  const rng = new Rng(3);
  const warmSample = queries(rng.shuffle([...split.warm]));
  const coldSample = queries(rng.shuffle([...split.cold]));

  // Latency: one query per call, as a search request does (titles as queries, after a warm-up).
  const sample = rng.shuffle(Array.from({ length: catalog.titles.length }, (_, i) => i)).slice(0, 1000);
  for (const i of sample.slice(0, 50)) await encoder.encode([catalog.titles[i]]);
  const times: number[] = [];
  for (const i of sample) {
    const started = process.hrtime.bigint();
    await encoder.encode([catalog.titles[i]]);
    times.push(Number(process.hrtime.bigint() - started) / 1000);
  }
  times.sort((a, b) => a - b);
  const batchStarted = process.hrtime.bigint();
  let encoded = 0;
  for (let start = 0; start < catalog.documents.length; start += 64) {
    encoded += (await encoder.encode(catalog.documents.slice(start, start + 64))).length;
  }
  const batchSeconds = Number(process.hrtime.bigint() - batchStarted) / 1e9;

  return {
    encoder: embedded.name,
    dimension: encoder.dimension,
    'cold recall@20': ranking.recall,
    'cold ndcg@20': ranking.ndcg,
    'similar@20': similar,
    'title MRR (warm)': await mrr(warmSample),
    'title MRR (cold)': await mrr(coldSample),
    'title MRR (typo)': await mrr(warmSample, withTypo),
    'encode p50 µs': percentile(times, 0.5),
    'encode p95 µs': percentile(times, 0.95),
    'batch texts/s': encoded / batchSeconds,
    'fit s': embedded.fitSeconds,
  };
}

/** The hashed TF-IDF path recgraph used before the ONNX encoder (fit on warm text, ridge map λ = 1). */
async function hashedBaseline(catalog: Catalog, split: Split): Promise<Embedded> {
  const started = Date.now();
  const model = fitHashedText(
    split.warm.map((i) => catalog.documents[i]),
    { dimension: 128 },
  );
  const encoder: SentenceEncoder = {
    kind: 'hashed-tfidf',
    dimension: model.dimension,
    fingerprint: 'hashed',
    encode: async (texts) => texts.map((text) => embedText(model, text)),
  };
  const semantic = catalog.documents.map((doc) => embedText(model, doc));
  const warmText = new Float32Array(split.warm.length * model.dimension);
  split.warm.forEach((item, w) => warmText.set(semantic[item], w * model.dimension));
  const textToCf = fitTextToCf(warmText, model.dimension, split.itemVectors, split.dim, split.warmRows, 1);
  return { name: 'hashed TF-IDF (before)', semantic, textToCf, encoder, fitSeconds: (Date.now() - started) / 1000 };
}

/** The catalog encoder as training builds it, then opened from its stored form and run by onnxruntime. */
async function onnxEncoder(catalog: Catalog, split: Split, lexicalWeight: number): Promise<Embedded> {
  const started = Date.now();
  const warmDocs = split.warm.map((i) => catalog.documents[i]);
  const trained = await trainTextEncoder(warmDocs, split.itemVectors, split.dim, split.warmRows, {
    encoderParams: { lexicalWeight },
  });
  const fitSeconds = (Date.now() - started) / 1000;
  const encoder = await openTextEncoder(JSON.parse(JSON.stringify(toStoredEncoder(trained.artifact))));
  const semantic = await encoder.encode(catalog.documents);
  return { name: `ONNX catalog encoder a=${lexicalWeight}`, semantic, textToCf: trained.textToCf, encoder, fitSeconds };
}

function randomRow(split: Split): Pick<Row, 'encoder' | 'cold recall@20' | 'cold ndcg@20' | 'similar@20'> {
  const rng = new Rng(11);
  const ranking = coldRanking(split, () => rng.next());
  let similar = 0;
  for (const truth of split.coNeighbours.values()) {
    const top = new Set(rng.shuffle([...split.warm]).slice(0, K));
    similar += truth.filter((item) => top.has(item)).length / K;
  }
  return {
    encoder: 'random ranking',
    'cold recall@20': ranking.recall,
    'cold ndcg@20': ranking.ndcg,
    'similar@20': similar / split.coNeighbours.size,
  };
}

function formatTable(rows: Array<Partial<Row>>): string {
  const columns = [
    'encoder',
    'dimension',
    'cold recall@20',
    'cold ndcg@20',
    'similar@20',
    'title MRR (warm)',
    'title MRR (cold)',
    'title MRR (typo)',
    'encode p50 µs',
    'encode p95 µs',
    'batch texts/s',
    'fit s',
  ] as const;
  const cell = (row: Partial<Row>, column: (typeof columns)[number]) => {
    const value = row[column];
    if (value === undefined) return '—';
    if (typeof value === 'string') return value;
    if (column.startsWith('encode') || column === 'batch texts/s') return value.toFixed(0);
    if (column === 'dimension') return String(value);
    if (column === 'fit s') return value.toFixed(2);
    return value.toFixed(4);
  };
  const body = rows.map((row) => columns.map((c) => cell(row, c)));
  const widths = columns.map((c, i) => Math.max(c.length, ...body.map((r) => r[i].length)));
  const line = (cells: readonly string[]) =>
    cells.map((v, i) => (i === 0 ? v.padEnd(widths[i]) : v.padStart(widths[i]))).join('  ');
  return [line(columns), line(widths.map((w) => '-'.repeat(w))), ...body.map(line)].join('\n');
}

async function main(): Promise<void> {
  const coldShare = Number(args['cold-share']);
  const seed = Number(args.seed);
  const which = args.dataset === 'all' ? ['ml-100k', 'demo'] : [args.dataset!];
  const report: Record<string, unknown>[] = [];
  for (const name of which) {
    const catalog = name === 'ml-100k' ? await loadMl100k() : name === 'demo' ? loadDemo() : undefined;
    if (!catalog) throw new Error(`unknown dataset "${name}" (ml-100k, demo or all)`);
    const split = await prepare(catalog, coldShare, seed);
    console.log(
      `\n${catalog.name}: ${catalog.documents.length} items (${split.cold.length} cold), ${catalog.numUsers} users, ${catalog.users.length} events; ` +
        `${split.coldEvents.size} users with cold events, ${split.coNeighbours.size} cold items with ≥ ${K} co-consumed warm items`,
    );
    const rows: Array<Partial<Row>> = [randomRow(split)];
    const embeddings = [
      () => hashedBaseline(catalog, split),
      ...[1, 0.75, 0.5, 0.25, 0].map((a) => () => onnxEncoder(catalog, split, a)),
    ];
    for (const build of embeddings) {
      const embedded = await build();
      rows.push(await measure(catalog, split, embedded));
      await embedded.encoder.close?.();
    }
    console.log(formatTable(rows));
    report.push({
      dataset: catalog.name,
      items: catalog.documents.length,
      coldItems: split.cold.length,
      users: catalog.numUsers,
      events: catalog.users.length,
      coldShare,
      seed,
      rows,
    });
  }
  const out = path.join(root, 'bench/results/text-encoder.json');
  await mkdir(path.dirname(out), { recursive: true });
  await writeFile(
    out,
    JSON.stringify(
      {
        benchmark: 'text-encoder',
        measuredAt: new Date().toISOString(),
        note: 'shared 2-core machine; latency is one query per onnxruntime call (1 intra-op thread), throughput 64 texts per call',
        k: K,
        datasets: report,
      },
      null,
      2,
    ),
  );
  console.log(`\nwrote ${path.relative(root, out)}`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
