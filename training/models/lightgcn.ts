/**
 * LightGCN — He, Deng, Wang, Li, Zhang & Wang, SIGIR 2020, "LightGCN: Simplifying and Powering Graph Convolution
 * Network for Recommendation" (arXiv:2002.02126): ID embeddings E⁰ of users and items propagated over the
 * symmetrically normalised bipartite graph Â = D^{-1/2} A D^{-1/2} with no weights and no non-linearity,
 * E^{k+1} = Â E^k, final embedding the layer mean (1/(K+1)) Σ_k E^k, score(u, i) = e_u · e_i; trained with BPR
 * (one sampled negative per observed pair) and L2 on the batch's E⁰ rows, Adam.
 *
 * Implementation: the sparse propagation runs in JS over CSR (tfjs-wasm has no sparse product); because Â is
 * symmetric its backward pass is the same propagation applied to the gradient of the final embeddings. The BPR
 * margins and loss of a batch run on tfjs (wasm backend), the gradient is BPR's closed form (see fit). Every step propagates the
 * whole graph twice (forward and backward), so steps are expensive and batches are large; training stops after
 * `epochs` or `maxSeconds`, whichever comes first (the report says which: `trainingReport`). Seeded.
 *
 * An evaluation row (seed system 001 trained LightGCN): it is not exported for serving.
 */
import { binarize, nnz, transpose, type InteractionMatrix } from '../data/interactions.js';
import { Rng } from '../../src/random.js';
import { noopProgress, type ProgressSink } from '../progress.js';
import { assertFitted, mergeParams, type DenseVectors, type Recommender } from './contract.js';
import { AdamTable } from './linalg/adam.js';
import { tensorflow } from './linalg/tf-backend.js';
import { gatherRows, ItemVectorIndex } from './linalg/scoring.js';

export const LIGHTGCN_DEFAULTS = {
  dim: 64,
  /** K: propagation layers (the paper's default 3). */
  layers: 3,
  /** Training budget: epochs over the observed pairs, or maxSeconds, whichever ends first. */
  epochs: 6,
  maxSeconds: 240,
  /** Pairs per step (large: every step propagates the whole graph). */
  batchSize: 32768,
  learningRate: 0.01,
  /** λ of the L2 term on the batch's E⁰ rows (the paper's 1e-4). */
  l2: 1e-4,
  initScale: 0.1,
  seed: 7,
};
export type LightGcnParams = typeof LIGHTGCN_DEFAULTS;

export interface LightGcnTrainingReport {
  epochs: number;
  steps: number;
  seconds: number;
  stoppedBy: 'epochs' | 'maxSeconds';
  finalLoss: number;
}

/** The normalised bipartite adjacency, both directions as CSR over the binarised training data. */
interface Graph {
  byUser: InteractionMatrix;
  byItem: InteractionMatrix;
}

export class LightGCN implements Recommender {
  readonly name = 'lightgcn';
  readonly params: LightGcnParams;
  readonly vectorsScoreExactly = true;
  trainingReport?: LightGcnTrainingReport;
  private users?: Float32Array;
  private items?: Float32Array;
  private numItems = 0;
  private index?: ItemVectorIndex;

  constructor(params: Partial<LightGcnParams> = {}) {
    this.params = mergeParams('lightgcn', LIGHTGCN_DEFAULTS, params);
    const p = this.params;
    if (!Number.isInteger(p.layers) || p.layers < 0) throw new Error('lightgcn: layers must be an integer ≥ 0');
    if (!Number.isInteger(p.batchSize) || p.batchSize < 1) throw new Error('lightgcn: batchSize must be ≥ 1');
  }

  async fit(data: InteractionMatrix, progress: ProgressSink = noopProgress): Promise<void> {
    const tf = await tensorflow();
    const p = this.params;
    const d = p.dim;
    this.index?.dispose();
    this.index = undefined;
    const x = binarize(data);
    const graph = normalisedGraph(x);
    const U = x.numUsers;
    const I = x.numItems;
    this.numItems = I;
    const rng = new Rng(p.seed);
    const eu = Float32Array.from({ length: U * d }, () => rng.normal() * p.initScale);
    const ei = Float32Array.from({ length: I * d }, () => rng.normal() * p.initScale);
    const adamU = new AdamTable(eu, U, d);
    const adamI = new AdamTable(ei, I, d);
    // The user of each observed pair (row index of x), for sampling pairs uniformly.
    const pairUser = new Int32Array(nnz(x));
    for (let u = 0; u < U; u++) pairUser.fill(u, x.indptr[u], x.indptr[u + 1]);
    const pairs = pairUser.length;
    // Each user's items sorted (rows keep event order) for the negative sampler's binary search.
    const sorted = Int32Array.from(x.indices);
    for (let u = 0; u < U; u++) sorted.subarray(x.indptr[u], x.indptr[u + 1]).sort();
    const stepsPerEpoch = Math.max(1, Math.ceil(pairs / p.batchSize));
    const t0 = performance.now();
    let steps = 0;
    let epochs = 0;
    let stoppedBy: LightGcnTrainingReport['stoppedBy'] = 'epochs';
    let finalLoss = NaN;
    const bu = new Int32Array(p.batchSize);
    const bp = new Int32Array(p.batchSize);
    const bn = new Int32Array(p.batchSize);
    progress.start(p.epochs * stepsPerEpoch, `lightgcn d=${d} K=${p.layers}`);
    training: for (let epoch = 0; epoch < p.epochs; epoch++) {
      for (let s = 0; s < stepsPerEpoch; s++) {
        if ((performance.now() - t0) / 1000 > p.maxSeconds) {
          stoppedBy = 'maxSeconds';
          break training;
        }
        const b = Math.min(p.batchSize, pairs);
        for (let r = 0; r < b; r++) {
          const pair = rng.int(pairs);
          const u = pairUser[pair];
          bu[r] = u;
          bp[r] = x.indices[pair];
          bn[r] = sampleNegative(sorted, x.indptr, u, x.numItems, rng);
        }
        const [fu, fi] = propagate(graph, eu, ei, d, p.layers);
        const uRows = gatherRows(fu, bu.subarray(0, b), d);
        const pRows = gatherRows(fi, bp.subarray(0, b), d);
        const nRows = gatherRows(fi, bn.subarray(0, b), d);
        // BPR margins m = e_u·(e_pos − e_neg) and the loss mean(−log σ(m)) on tfjs-wasm (element-wise ops without
        // broadcasting: tfjs autodiff here cost ≈ 0.4 s per call even at 2048 × 16, broadcast ops at 32768 × 64
        // 14–30 s); the gradient is the closed form ∂L/∂m = −σ(−m)/B, applied row by row in JS below.
        const { margins, loss } = tf.tidy(() => {
          const ut = tf.tensor2d(uRows, [b, d]);
          const diff = tf.sub(tf.tensor2d(pRows, [b, d]), tf.tensor2d(nRows, [b, d]));
          const m = tf.sum(tf.mul(ut, diff), 1);
          const l = tf.mean(tf.neg(tf.log(tf.add(tf.sigmoid(m), 1e-10))));
          return { margins: m.dataSync() as Float32Array, loss: l.dataSync()[0] };
        });
        finalLoss = loss;
        // ∂L/∂(final embeddings), scattered to the rows the batch used ...
        const gu = new Float32Array(U * d);
        const gi = new Float32Array(I * d);
        for (let r = 0; r < b; r++) {
          const o = r * d;
          const ou = bu[r] * d;
          const op = bp[r] * d;
          const on = bn[r] * d;
          const c = -1 / (1 + Math.exp(margins[r])) / b; // −σ(−m)/B
          for (let k = 0; k < d; k++) {
            gu[ou + k] += c * (pRows[o + k] - nRows[o + k]);
            gi[op + k] += c * uRows[o + k];
            gi[on + k] -= c * uRows[o + k];
          }
        }
        // ... then back through the (symmetric) propagation to E⁰, plus the L2 term on the batch's E⁰ rows.
        const [g0u, g0i] = propagate(graph, gu, gi, d, p.layers);
        const reg = p.l2 / b;
        for (let r = 0; r < b; r++) {
          for (const [g, e, row] of [
            [g0u, eu, bu[r]],
            [g0i, ei, bp[r]],
            [g0i, ei, bn[r]],
          ] as const) {
            const o = row * d;
            for (let k = 0; k < d; k++) g[o + k] += 2 * reg * e[o + k];
          }
        }
        steps++;
        adamU.setDense(g0u);
        adamI.setDense(g0i);
        adamU.step(steps, p.learningRate);
        adamI.step(steps, p.learningRate);
        progress.tick();
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
      epochs++;
    }
    progress.stop();
    const [fu, fi] = propagate(graph, eu, ei, d, p.layers);
    this.users = fu;
    this.items = fi;
    this.trainingReport = { epochs, steps, seconds: (performance.now() - t0) / 1000, stoppedBy, finalLoss };
  }

  scoreUsers(users: Int32Array): Float32Array {
    const items = assertFitted(this.items, this.name);
    const d = this.params.dim;
    this.index ??= new ItemVectorIndex(items, this.numItems, d);
    return this.index.score(gatherRows(assertFitted(this.users, this.name), users, d), users.length);
  }

  itemVectors(): DenseVectors {
    return { count: this.numItems, dim: this.params.dim, data: assertFitted(this.items, this.name) };
  }

  userVectors(): DenseVectors {
    const users = assertFitted(this.users, this.name);
    return { count: users.length / this.params.dim, dim: this.params.dim, data: users };
  }

  dispose(): void {
    this.index?.dispose();
  }
}

/** Edge weights 1/√(d_u d_i) on the binarised data, as CSR by user and by item. */
function normalisedGraph(x: InteractionMatrix): Graph {
  const du = new Float64Array(x.numUsers);
  const di = new Float64Array(x.numItems);
  for (let u = 0; u < x.numUsers; u++) {
    du[u] = x.indptr[u + 1] - x.indptr[u];
    for (let q = x.indptr[u]; q < x.indptr[u + 1]; q++) di[x.indices[q]]++;
  }
  const values = new Float32Array(x.indices.length);
  for (let u = 0; u < x.numUsers; u++)
    for (let q = x.indptr[u]; q < x.indptr[u + 1]; q++) values[q] = 1 / Math.sqrt(du[u] * di[x.indices[q]]);
  const byUser = { ...x, values };
  return { byUser, byItem: transpose(byUser) };
}

/** (1/(K+1)) Σ_{k=0..K} Â^k [Eu; Ei] — Â maps item rows to users and user rows to items. */
function propagate(
  g: Graph,
  eu: Float32Array,
  ei: Float32Array,
  d: number,
  layers: number,
): [Float32Array, Float32Array] {
  const sumU = Float32Array.from(eu);
  const sumI = Float32Array.from(ei);
  let cu = eu;
  let ci = ei;
  for (let k = 0; k < layers; k++) {
    const nu = spmm(g.byUser, ci, d);
    const ni = spmm(g.byItem, cu, d);
    for (let j = 0; j < nu.length; j++) sumU[j] += nu[j];
    for (let j = 0; j < ni.length; j++) sumI[j] += ni[j];
    cu = nu;
    ci = ni;
  }
  const scale = 1 / (layers + 1);
  for (let j = 0; j < sumU.length; j++) sumU[j] *= scale;
  for (let j = 0; j < sumI.length; j++) sumI[j] *= scale;
  return [sumU, sumI];
}

/** CSR (rows × cols) times dense (cols × d). */
function spmm(m: InteractionMatrix, x: Float32Array, d: number): Float32Array {
  const out = new Float32Array(m.numUsers * d);
  for (let r = 0; r < m.numUsers; r++) {
    const o = r * d;
    for (let q = m.indptr[r]; q < m.indptr[r + 1]; q++) {
      const w = m.values[q];
      const xo = m.indices[q] * d;
      for (let k = 0; k < d; k++) out[o + k] += w * x[xo + k];
    }
  }
  return out;
}

/** A uniformly random item the user has not interacted with (rejection; rows are sorted). */
function sampleNegative(sorted: Int32Array, indptr: Int32Array, u: number, numItems: number, rng: Rng): number {
  const lo = indptr[u];
  const hi = indptr[u + 1];
  for (let tries = 0; tries < 100; tries++) {
    const i = rng.int(numItems);
    let a = lo;
    let b = hi;
    while (a < b) {
      const mid = (a + b) >> 1;
      if (sorted[mid] < i) a = mid + 1;
      else b = mid;
    }
    if (a >= hi || sorted[a] !== i) return i;
  }
  return rng.int(numItems);
}
