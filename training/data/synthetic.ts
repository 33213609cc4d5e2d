/**
 * Seeded synthetic implicit-feedback data with planted structure, for tests and for the scale benchmark
 * (Gowalla scale: ≈ 30k users, 40k items, 1M interactions).
 *
 * Users and items belong to `clusters` taste groups; a user draws most events from their group's items and the
 * rest from the whole catalogue, both with Zipf-like popularity, so popularity is a real but beatable baseline
 * and collaborative models have structure to find. Activity per user is log-normal (a long tail, like real data).
 */
import { Rng } from '../../src/random.js';
import { buildInteractionMatrix, type InteractionMatrix } from './interactions.js';

export interface SyntheticOptions {
  numUsers: number;
  numItems: number;
  /** Target number of distinct interactions (the result is close, duplicates are merged). */
  interactions: number;
  clusters?: number;
  /** Share of events drawn from the whole catalogue instead of the user's group. */
  noise?: number;
  /** Zipf exponent of item popularity. */
  zipf?: number;
  seed?: number;
}

export function syntheticInteractions(opts: SyntheticOptions): InteractionMatrix {
  const { numUsers, numItems, interactions } = opts;
  const clusters = opts.clusters ?? 20;
  const noise = opts.noise ?? 0.2;
  const zipf = opts.zipf ?? 0.8;
  const rng = new Rng(opts.seed ?? 1);

  const itemCluster = new Int32Array(numItems);
  for (let i = 0; i < numItems; i++) itemCluster[i] = rng.int(clusters);
  // Popularity weights: a random permutation of Zipf ranks, so ids carry no information.
  const rank = rng.shuffle(Int32Array.from({ length: numItems }, (_, i) => i));
  const weight = new Float64Array(numItems);
  for (let i = 0; i < numItems; i++) weight[i] = 1 / Math.pow(rank[i] + 1, zipf);

  const globalCdf = cumulative(
    Int32Array.from({ length: numItems }, (_, i) => i),
    weight,
  );
  const members: number[][] = Array.from({ length: clusters }, () => []);
  for (let i = 0; i < numItems; i++) members[itemCluster[i]].push(i);
  const clusterCdf = members.map((m) => cumulative(Int32Array.from(m), weight));

  // Log-normal activity scaled to the target mean (σ = 1 gives a realistic long tail).
  const sigma = 1;
  const mean = interactions / numUsers;
  const mu = Math.log(mean) - (sigma * sigma) / 2;
  const users: number[] = [];
  const items: number[] = [];
  for (let u = 0; u < numUsers; u++) {
    const c = rng.int(clusters);
    const n = Math.max(2, Math.min(numItems >> 1, Math.round(Math.exp(mu + sigma * rng.normal()))));
    for (let e = 0; e < n; e++) {
      const src = rng.next() < noise || clusterCdf[c].ids.length === 0 ? globalCdf : clusterCdf[c];
      users.push(u);
      items.push(sample(src, rng));
    }
  }
  return buildInteractionMatrix(numUsers, numItems, users, items, undefined, 'max');
}

interface Cdf {
  ids: Int32Array;
  cdf: Float64Array;
}

function cumulative(ids: Int32Array, weight: Float64Array): Cdf {
  const cdf = new Float64Array(ids.length);
  let s = 0;
  for (let k = 0; k < ids.length; k++) cdf[k] = s += weight[ids[k]];
  return { ids, cdf };
}

function sample({ ids, cdf }: Cdf, rng: Rng): number {
  const x = rng.next() * cdf[cdf.length - 1];
  let lo = 0;
  let hi = cdf.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (cdf[mid] <= x) lo = mid + 1;
    else hi = mid;
  }
  return ids[lo];
}
