// Spherical k-means over unit vectors (cosine similarity), k-means++ seeding from src/random.ts: the same labels
// and seed give the same clusters. Weights (how many items carry a label) pull centroids toward common labels.
import { Rng } from '../../src/random.js';

export interface KMeansResult {
  /** Cluster of each point. */
  assignment: Int32Array;
  /** k unit centroids. */
  centroids: Float32Array[];
  iterations: number;
}

function dot(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

function normalized(v: Float32Array): Float32Array {
  const norm = Math.sqrt(dot(v, v));
  return norm > 0 ? v.map((x) => x / norm) : v;
}

export function kMeans(
  points: readonly Float32Array[],
  k: number,
  options: { seed: number; weights?: readonly number[]; maxIterations?: number },
): KMeansResult {
  const n = points.length;
  if (n === 0) return { assignment: new Int32Array(0), centroids: [], iterations: 0 };
  k = Math.max(1, Math.min(k, n));
  const weights = options.weights ?? points.map(() => 1);
  const rng = new Rng(options.seed);
  // k-means++: each next centroid drawn with probability ∝ weight · (1 − best cosine)².
  const centroids: Float32Array[] = [points[rng.int(n)]];
  const nearest = points.map((p) => 1 - dot(p, centroids[0]));
  while (centroids.length < k) {
    const mass = nearest.map((d, i) => Math.max(0, d) ** 2 * weights[i]);
    const total = mass.reduce((a, b) => a + b, 0);
    let pick = 0;
    if (total > 0) {
      let r = rng.next() * total;
      while (pick < n - 1 && r >= mass[pick]) r -= mass[pick++];
    } else pick = rng.int(n); // every point sits on a centroid already: duplicates of one label
    centroids.push(points[pick]);
    for (let i = 0; i < n; i++) nearest[i] = Math.min(nearest[i], 1 - dot(points[i], points[pick]));
  }
  const assignment = new Int32Array(n).fill(-1);
  let iterations = 0;
  for (; iterations < (options.maxIterations ?? 50); iterations++) {
    let changed = false;
    for (let i = 0; i < n; i++) {
      let best = 0;
      let bestScore = -Infinity;
      centroids.forEach((c, j) => {
        const score = dot(points[i], c);
        if (score > bestScore) [best, bestScore] = [j, score];
      });
      if (assignment[i] !== best) [assignment[i], changed] = [best, true];
    }
    if (!changed) break;
    const dim = points[0].length;
    const sums = centroids.map(() => new Float32Array(dim));
    for (let i = 0; i < n; i++) {
      const sum = sums[assignment[i]];
      for (let d = 0; d < dim; d++) sum[d] += points[i][d] * weights[i];
    }
    // A cluster left empty keeps its centroid (it may win points back next round).
    sums.forEach((sum, j) => {
      if (sum.some((x) => x !== 0)) centroids[j] = normalized(sum);
    });
  }
  return { assignment, centroids, iterations };
}
