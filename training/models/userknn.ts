/**
 * User-based nearest neighbours: s_u = Σ_{v ∈ N_k(u)} sim(u, v)^p · x_v with cosine similarity on binary
 * histories. It looks at the data from the user side, which item-item models (EASE, GF-CF) do not, so it adds
 * more to a blend than another item-item variant would. No vectors; a new user's neighbours are found from
 * the history through the item → users lists (scoreHistory), so it also works for users unseen at training.
 */
import { binarize, transpose, userDegrees, type InteractionMatrix } from '../data/interactions.js';
import { topKRow } from './linalg/topk.js';
import { noopProgress, type ProgressSink } from '../progress.js';
import { assertFitted, mergeParams, type Recommender } from './contract.js';
import { normalizedCooccurrenceNeighbors, type ItemNeighbors } from './linalg/item-neighbors.js';
import { scaleMatrix } from './linalg/sparse.js';

export const USERKNN_DEFAULTS = {
  neighbors: 100,
  /** Exponent applied to similarities: > 1 sharpens towards the closest neighbours. */
  power: 1,
};
export type UserKnnParams = typeof USERKNN_DEFAULTS;

export class UserKNN implements Recommender {
  readonly name = 'userknn';
  readonly params: UserKnnParams;
  private train?: InteractionMatrix;
  private byItem?: InteractionMatrix;
  private norms?: Float64Array;
  private graph?: ItemNeighbors;

  constructor(params: Partial<UserKnnParams> = {}) {
    this.params = mergeParams('userknn', USERKNN_DEFAULTS, params);
  }

  async fit(data: InteractionMatrix, progress: ProgressSink = noopProgress): Promise<void> {
    const x = binarize(data);
    const du = userDegrees(x);
    const inv = du.map((d) => (d > 0 ? 1 / Math.sqrt(d) : 0));
    const ones = new Float64Array(x.numItems).fill(1);
    const xn = scaleMatrix(x, inv, ones); // rows scaled to unit norm: dot = cosine
    const xnT = transpose(xn);
    // Rows of (Xnᵀ)ᵀ(Xnᵀ) = Xn Xnᵀ: user-user cosine, each user keeping its strongest neighbours (+ itself).
    this.graph = normalizedCooccurrenceNeighbors(xn, xnT, this.params.neighbors + 1, progress);
    this.train = x;
    this.byItem = transpose(x);
    this.norms = inv;
  }

  scoreUsers(users: Int32Array): Float32Array {
    const x = assertFitted(this.train, this.name);
    const g = assertFitted(this.graph, this.name);
    const n = x.numItems;
    const out = new Float32Array(users.length * n);
    users.forEach((u, r) => {
      for (let p = g.indptr[u]; p < g.indptr[u + 1]; p++) {
        const v = g.indices[p];
        if (v === u) continue;
        this.addNeighbour(x, v, Math.pow(g.weights[p], this.params.power), out, r * n);
      }
    });
    return out;
  }

  scoreHistory(items: Int32Array): Float32Array {
    const x = assertFitted(this.train, this.name);
    const byItem = assertFitted(this.byItem, this.name);
    const norms = assertFitted(this.norms, this.name);
    const sims = new Float32Array(x.numUsers);
    for (const i of items)
      for (let p = byItem.indptr[i]; p < byItem.indptr[i + 1]; p++) sims[byItem.indices[p]] += norms[byItem.indices[p]];
    const selfNorm = items.length > 0 ? 1 / Math.sqrt(items.length) : 0;
    const k = this.params.neighbors;
    const top = new Int32Array(k);
    topKRow(sims, 0, x.numUsers, k, new Int32Array(0), top, 0);
    const out = new Float32Array(x.numItems);
    for (const v of top)
      if (v >= 0 && sims[v] > 0) this.addNeighbour(x, v, Math.pow(sims[v] * selfNorm, this.params.power), out, 0);
    return out;
  }

  private addNeighbour(x: InteractionMatrix, v: number, w: number, out: Float32Array, off: number): void {
    for (let q = x.indptr[v]; q < x.indptr[v + 1]; q++) out[off + x.indices[q]] += w;
  }
}
