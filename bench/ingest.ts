// bench:ingest — rows/s and memory of `recgraph ingest` on real and generated files, into a real Postgres.
//
//   npm run bench:ingest [-- --rows 5000000 --skip-generated --skip-datasets --reingest]
// Cases (each into a fresh, migrated database that is dropped afterwards):
//   ml-100k       ../shared/datasets/ml-100k (MovieLens 100K: catalog, users, ratings), then the same again (idempotent re-run)
//   ml-1m-split   ../shared/datasets/ml-1m-split (836,478 events, splits format)
//   generated     a MovieLens-CSV-layout file of --rows ratings (default 5,000,000) written to a temp dir and deleted after
// Postgres: DATABASE_URL's server, else 127.0.0.1:5432. Prints a table and writes bench/results/ingest.json.
// Memory: peak RSS and heap of this process sampled every 100 ms during each case (the ingest runs in-process).
import { createWriteStream, existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { applyMigrations } from '../src/db/migrate.js';
import { createPool } from '../src/db/pool.js';
import { runIngest, type IngestSummary } from '../training/ingest/ingest.js';
import { uniform } from '../src/random.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const datasets = path.resolve(root, '..', 'shared', 'datasets');
const { values: args } = parseArgs({
  options: {
    rows: { type: 'string', default: '5000000' },
    'skip-generated': { type: 'boolean', default: false },
    reingest: { type: 'boolean', default: false },
    'skip-datasets': { type: 'boolean', default: false },
  },
});
const serverUrl = process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';

function dbUrl(name: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

async function admin(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** MovieLens-20M-style files: movies.csv (20k movies) and ratings.csv with `rows` ratings, skewed popularity. */
async function generate(dir: string, rows: number): Promise<void> {
  const random = uniform(42);
  const movies = 20_000;
  const users = Math.max(1000, Math.round(rows / 100));
  const genres = ['Action', 'Comedy', 'Drama', 'Horror', 'Romance', 'Sci-Fi', 'Thriller', 'Animation'];
  const movieLines = ['movieId,title,genres'];
  for (let m = 1; m <= movies; m++) {
    const title = m % 7 === 0 ? `"Movie ${m}, The (${1950 + (m % 70)})"` : `Movie ${m} (${1950 + (m % 70)})`;
    movieLines.push(`${m},${title},${genres[m % genres.length]}|${genres[(m * 3) % genres.length]}`);
  }
  await writeFile(path.join(dir, 'movies.csv'), movieLines.join('\n') + '\n');
  const out = createWriteStream(path.join(dir, 'ratings.csv'));
  const write = (chunk: string) =>
    new Promise<void>((resolve) => (out.write(chunk) ? resolve() : out.once('drain', resolve)));
  await write('userId,movieId,rating,timestamp\n');
  let buffer: string[] = [];
  const start = 1_000_000_000;
  for (let i = 0; i < rows; i++) {
    const user = 1 + Math.floor(random() * users);
    const movie = 1 + Math.floor(movies * random() ** 2.5); // popular movies are rated much more often
    const rating = (1 + Math.floor(random() * 10)) / 2;
    buffer.push(`${user},${movie},${rating},${start + i * 37}`);
    if (buffer.length === 50_000) {
      await write(buffer.join('\n') + '\n');
      buffer = [];
    }
  }
  if (buffer.length) await write(buffer.join('\n') + '\n');
  await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())));
}

interface CaseResult {
  case: string;
  format: string;
  run: 'first' | 'again';
  inputMiB: number;
  interactions: number;
  inserted: number;
  seconds: number;
  interactionsPerSecond: number;
  stageSeconds: number;
  mergeSeconds: number;
  strategy: string | null;
  peakRssMiB: number;
  peakHeapMiB: number;
  timingsMs: Record<string, number>;
}

async function measure(
  name: string,
  format: string,
  paths: string[],
  run: CaseResult['run'],
  url: string,
  idPrefix = '',
): Promise<CaseResult> {
  const pool = createPool(url, { max: 2 });
  let peakRss = process.memoryUsage().rss;
  let peakHeap = process.memoryUsage().heapUsed;
  const sampler = setInterval(() => {
    const m = process.memoryUsage();
    peakRss = Math.max(peakRss, m.rss);
    peakHeap = Math.max(peakHeap, m.heapUsed);
  }, 100);
  const started = performance.now();
  let summary: IngestSummary;
  try {
    summary = await runIngest(pool, format, paths, { rejectFile: null, idPrefix });
  } finally {
    clearInterval(sampler);
    await pool.end();
  }
  const seconds = (performance.now() - started) / 1000;
  let bytes = 0;
  for (const f of summary.files) bytes += (await stat(f)).size;
  const t = summary.timings;
  const sum = (prefix: string) =>
    Object.entries(t)
      .filter(([k]) => k.startsWith(prefix))
      .reduce((s, [, v]) => s + v, 0) / 1000;
  return {
    case: name,
    format: summary.format,
    run,
    inputMiB: +(bytes / 2 ** 20).toFixed(1),
    interactions: summary.tables.interactions.read,
    inserted: summary.tables.interactions.inserted,
    seconds: +seconds.toFixed(2),
    interactionsPerSecond: Math.round(summary.tables.interactions.read / seconds),
    stageSeconds: +sum('stage.').toFixed(2),
    mergeSeconds: +(sum('merge.') + sum('works') + sum('commit')).toFixed(2),
    strategy: summary.interactionStrategy,
    peakRssMiB: Math.round(peakRss / 2 ** 20),
    peakHeapMiB: Math.round(peakHeap / 2 ** 20),
    timingsMs: t,
  };
}

async function withDatabase<T>(fn: (url: string) => Promise<T>): Promise<T> {
  const name = `recgraph_bench_ingest_${process.pid}`;
  await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin(`CREATE DATABASE ${name}`);
  try {
    await applyMigrations(dbUrl(name));
    return await fn(dbUrl(name));
  } finally {
    await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  }
}

const results: CaseResult[] = [];
const ml100k = path.join(datasets, 'ml-100k');
const split = path.join(datasets, 'ml-1m-split');

if (args['skip-datasets']) console.warn('skipped ml-100k and ml-1m-split (--skip-datasets)');
else if (existsSync(ml100k)) {
  await withDatabase(async (url) => {
    results.push(await measure('ml-100k', 'movielens', [ml100k], 'first', url));
    results.push(await measure('ml-100k', 'movielens', [ml100k], 'again', url));
  });
} else console.warn(`skipped ml-100k: ${ml100k} not found`);

if (args['skip-datasets']) {
  // skipped above
} else if (existsSync(split)) {
  await withDatabase(async (url) => results.push(await measure('ml-1m-split', 'splits', [split], 'first', url)));
} else console.warn(`skipped ml-1m-split: ${split} not found`);

if (!args['skip-generated']) {
  const rows = Number(args.rows);
  if (!Number.isInteger(rows) || rows <= 0) throw new Error(`--rows must be a positive integer, got ${args.rows}`);
  const dir = await mkdtemp(path.join(os.tmpdir(), 'recgraph-bench-ingest-'));
  try {
    const t0 = performance.now();
    await generate(dir, rows);
    console.log(
      `generated ${rows.toLocaleString('en-US')} ratings in ${((performance.now() - t0) / 1000).toFixed(1)} s (${dir})`,
    );
    await withDatabase(async (url) => {
      results.push(await measure(`generated-${rows}`, 'movielens', [dir], 'first', url));
      if (args.reingest) results.push(await measure(`generated-${rows}`, 'movielens', [dir], 'again', url));
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const header = [
  'case',
  'run',
  'input MiB',
  'events',
  'seconds',
  'events/s',
  'stage s',
  'merge s',
  'strategy',
  'peak RSS MiB',
  'peak heap MiB',
];
const rowsOut = results.map((r) => [
  r.case,
  r.run,
  r.inputMiB,
  r.interactions.toLocaleString('en-US'),
  r.seconds,
  r.interactionsPerSecond.toLocaleString('en-US'),
  r.stageSeconds,
  r.mergeSeconds,
  r.strategy ?? '-',
  r.peakRssMiB,
  r.peakHeapMiB,
]);
const widths = header.map((h, i) => Math.max(h.length, ...rowsOut.map((r) => String(r[i]).length)));
console.log([header, ...rowsOut].map((r) => r.map((c, i) => String(c).padStart(widths[i])).join('  ')).join('\n'));

const output = {
  benchmark: 'ingest',
  date: new Date().toISOString(),
  machine: {
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    loadAverage: os.loadavg(),
  },
  postgres: serverUrl.replace(/\/\/[^@]*@/, '//'),
  goal: '≥ 200,000 interactions/s into Postgres on 2 cores',
  results,
};
await mkdir(path.join(root, 'bench', 'results'), { recursive: true });
await writeFile(path.join(root, 'bench', 'results', 'ingest.json'), JSON.stringify(output, null, 2) + '\n');
console.log('wrote bench/results/ingest.json');
