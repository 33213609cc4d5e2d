// The catalogue of bench:scale: a seeded MovieLens-CSV-layout dataset (movies.csv + ratings.csv) of any size, with
// planted structure, written by streaming (memory: a few int arrays of the catalogue's size, never the events).
//
// Structure: every item belongs to one of `clusters` taste groups, every user to one group; a user draws a share
// (1 - noise) of their events from their group's items and the rest from the whole catalogue. Popularity is
// Zipf-like in both draws (one global rank per item, a random permutation so ids carry nothing), so popularity is
// a real baseline and a collaborative model has structure to beat it with. Activity per user is log-normal
// (σ = 1, a long tail), scaled to the requested number of events. Titles are drawn from a small vocabulary with
// the group's own words, and the group's genre, so text search has something to find.
//
// Sampling is O(1) per event: a Zipf rank by inverting the continuous CDF of r^-s on [1, n + 1) (no CDF arrays).
import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { Rng } from '../../src/random.js';

export interface ScaleDataOptions {
  items: number;
  users: number;
  /** Target number of events (the written number is close: per-user counts are drawn). */
  events: number;
  clusters?: number;
  /** Share of events drawn from the whole catalogue instead of the user's group. */
  noise?: number;
  /** Zipf exponent of item popularity (< 1). */
  zipf?: number;
  seed?: number;
}

export const SCALE_DATA_DEFAULTS = { clusters: 500, noise: 0.2, zipf: 0.8, seed: 7 };

/** Rank in [0, n) with P(r) ∝ (r + 1)^-s, from a uniform u in [0, 1): the inverse of the continuous CDF. */
export function zipfRank(u: number, n: number, s: number): number {
  const a = 1 - s;
  const top = Math.pow(n + 1, a) - 1;
  const r = Math.floor(Math.pow(1 + u * top, 1 / a)) - 1;
  return r < 0 ? 0 : r >= n ? n - 1 : r;
}

export interface PlantedCatalogue {
  /** Group of each item (0-based item index). */
  itemCluster: Int32Array;
  /** Item index at each global popularity rank. */
  byRank: Int32Array;
  /** Items of group c, most popular first: members.subarray(start[c], start[c + 1]). */
  members: Int32Array;
  start: Int32Array;
}

export function plantCatalogue(items: number, clusters: number, rng: Rng): PlantedCatalogue {
  const itemCluster = new Int32Array(items);
  for (let i = 0; i < items; i++) itemCluster[i] = rng.int(clusters);
  const byRank = rng.shuffle(Int32Array.from({ length: items }, (_, i) => i));
  const start = new Int32Array(clusters + 1);
  for (let i = 0; i < items; i++) start[itemCluster[i] + 1]++;
  for (let c = 0; c < clusters; c++) start[c + 1] += start[c];
  const fill = start.slice(0, clusters);
  const members = new Int32Array(items);
  for (let r = 0; r < items; r++) {
    const item = byRank[r];
    members[fill[itemCluster[item]]++] = item;
  }
  return { itemCluster, byRank, members, start };
}

export interface UserEvents {
  cluster: number;
  items: Int32Array;
}

/**
 * The events of users 0, 1, … in order (one call per user): each user's group and item indexes. The generator
 * and the tests share this, so what the tests measure is what the benchmark ingests.
 */
export function eventSampler(options: ScaleDataOptions): {
  catalogue: PlantedCatalogue;
  nextUser: () => UserEvents;
} {
  const o = { ...SCALE_DATA_DEFAULTS, ...options };
  const rng = new Rng(o.seed);
  const catalogue = plantCatalogue(o.items, o.clusters, rng);
  const { members, start, byRank } = catalogue;
  const sigma = 1;
  const mean = o.events / o.users;
  const mu = Math.log(mean) - (sigma * sigma) / 2;
  const cap = Math.max(2, Math.min(o.items >> 1, 2000));
  return {
    catalogue,
    nextUser: () => {
      const cluster = rng.int(o.clusters);
      const from = start[cluster];
      const size = start[cluster + 1] - from;
      const n = Math.max(1, Math.min(cap, Math.round(Math.exp(mu + sigma * rng.normal()))));
      const items = new Int32Array(n);
      for (let e = 0; e < n; e++) {
        items[e] =
          size === 0 || rng.next() < o.noise
            ? byRank[zipfRank(rng.next(), o.items, o.zipf)]
            : members[from + zipfRank(rng.next(), size, o.zipf)];
      }
      return { cluster, items };
    },
  };
}

const GENRES = ['Action', 'Comedy', 'Drama', 'Horror', 'Romance', 'Sci-Fi', 'Thriller', 'Animation', 'Documentary'];
// The bench:serve search words (serve-scenarios.ts) are among them, so search queries find titles.
const WORDS = [
  'dragon',
  'murder',
  'detective',
  'star',
  'colony',
  'kitchen',
  'recipes',
  'empire',
  'war',
  'ghost',
  'journey',
  'island',
  'truth',
  'virtue',
  'river',
  'night',
  'winter',
  'garden',
  'machine',
  'letters',
  'shadow',
  'harbor',
  'crown',
  'silver',
];

/** Title of item i (0-based) of group c: two of the group's words, one word from anywhere, a year. */
export function itemTitle(i: number, cluster: number): string {
  const a = WORDS[cluster % WORDS.length];
  const b = WORDS[(cluster * 7 + 3) % WORDS.length];
  const c = WORDS[(i * 7 + (i >> 4)) % WORDS.length];
  return `${a} ${b} ${c} ${i + 1} (${1950 + (i % 70)})`;
}

export interface WrittenScaleData {
  dir: string;
  items: number;
  users: number;
  events: number;
}

/**
 * Writes movies.csv (movieId,title,genres) and ratings.csv (userId,movieId,rating,timestamp) into `dir`, ids
 * 1-based, users in order. Returns the counts written.
 */
export async function writeScaleData(dir: string, options: ScaleDataOptions): Promise<WrittenScaleData> {
  await mkdir(dir, { recursive: true });
  const sampler = eventSampler(options);
  const { itemCluster } = sampler.catalogue;
  const writeAll = async (file: string, lines: (emit: (chunk: string) => Promise<void>) => Promise<void>) => {
    const out = createWriteStream(path.join(dir, file));
    const emit = (chunk: string) =>
      new Promise<void>((resolve) => (out.write(chunk) ? resolve() : out.once('drain', () => resolve())));
    await lines(emit);
    await new Promise<void>((resolve, reject) =>
      out.end((error?: Error | null) => (error ? reject(error) : resolve())),
    );
  };
  await writeAll('movies.csv', async (emit) => {
    let buffer = 'movieId,title,genres\n';
    for (let i = 0; i < options.items; i++) {
      const c = itemCluster[i];
      buffer += `${i + 1},${itemTitle(i, c)},${GENRES[c % GENRES.length]}|${GENRES[(c * 5 + 1) % GENRES.length]}\n`;
      if (buffer.length > 1 << 20) {
        await emit(buffer);
        buffer = '';
      }
    }
    await emit(buffer);
  });
  let events = 0;
  const rng = new Rng((options.seed ?? SCALE_DATA_DEFAULTS.seed) + 1);
  await writeAll('ratings.csv', async (emit) => {
    let buffer = 'userId,movieId,rating,timestamp\n';
    // Times: one second apart in generation order, from 2015 (parseUnixTime rejects the future).
    let time = 1_420_070_400;
    for (let u = 0; u < options.users; u++) {
      const { items } = sampler.nextUser();
      const user = String(u + 1);
      for (let e = 0; e < items.length; e++) {
        const rating = 3 + rng.int(3); // 3–5: implicit-style positives with some spread
        buffer += user + ',' + (items[e] + 1) + ',' + rating + ',' + time++ + '\n';
      }
      events += items.length;
      if (buffer.length > 1 << 20) {
        await emit(buffer);
        buffer = '';
      }
    }
    await emit(buffer);
  });
  return { dir, items: options.items, users: options.users, events };
}
