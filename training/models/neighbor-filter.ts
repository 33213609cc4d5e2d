/**
 * GF-CF's linear filter on its own, in the form serving can compute from a Qdrant search result:
 *     s_ui = Σ_{j ∈ H_u} W_ij,   W = R̃ᵀR̃,  R̃ = D_U^{-1/2} R D_I^{-1/2}  (binarised R)
 * with each item's row of W pruned to its `neighbors` largest entries. Scoring reads the CANDIDATE's row
 * (W_i·, restricted to the user's history), not the history items' rows: the candidate's row ships with the
 * candidate as a Qdrant payload, so a served request needs no extra lookups (src/recommend/rerank.ts). Offline
 * this is the transposed pruned matrix applied to the history — the same numbers.
 *
 * Why not full GF-CF at serving time: its dense item-item term is items² floats (55 MB at 3.7k items, 6 GB at
 * 40k) and its ideal low-pass term needs a second k-dim vector space per item and per user. bench/rerank-variants.ts
 * measures what dropping the low-pass term and pruning the rows costs (see the pipeline's defaults).
 */
import { binarize, itemDegrees, transpose, userDegrees, type InteractionMatrix } from '../data/interactions.js';
import { noopProgress, type ProgressSink } from '../progress.js';
import { assertFitted, mergeParams, type Recommender } from './contract.js';
import { ItemNeighbors, normalizedCooccurrenceNeighbors } from './linalg/item-neighbors.js';
import { scaleMatrix } from './linalg/sparse.js';

export const NEIGHBOR_FILTER_DEFAULTS = {
  /** Entries kept per item row (each is one id + one weight in the item's Qdrant payload). */
  neighbors: 100,
};
export type NeighborFilterParams = typeof NEIGHBOR_FILTER_DEFAULTS;

export class NeighborFilter implements Recommender {
  readonly name = 'neighbors';
  readonly params: NeighborFilterParams;
  private train?: InteractionMatrix;
  /** Row i = item i's strongest neighbours (what is exported). */
  private rows?: ItemNeighbors;
  /** Transpose of `rows`: accumulating a history through it gives Σ_{j∈H} W_ij for every i. */
  private columns?: ItemNeighbors;

  constructor(params: Partial<NeighborFilterParams> = {}) {
    this.params = mergeParams('neighbors', NEIGHBOR_FILTER_DEFAULTS, params);
    if (!Number.isInteger(this.params.neighbors) || this.params.neighbors < 1) {
      throw new Error(`neighbors: "neighbors" must be a positive integer, got ${this.params.neighbors}`);
    }
  }

  async fit(data: InteractionMatrix, progress: ProgressSink = noopProgress): Promise<void> {
    const x = binarize(data);
    const invSqrt = (d: Float64Array) => d.map((v) => (v > 0 ? 1 / Math.sqrt(v) : 0));
    const rn = scaleMatrix(x, invSqrt(userDegrees(x)), invSqrt(itemDegrees(x)));
    this.rows = normalizedCooccurrenceNeighbors(transpose(rn), rn, this.params.neighbors, progress);
    this.columns = transposeNeighbors(this.rows);
    this.train = x;
  }

  /** Each item's pruned row of W (dense item indices), for export. */
  neighborLists(): ItemNeighbors {
    return assertFitted(this.rows, this.name);
  }

  scoreUsers(users: Int32Array): Float32Array {
    const x = assertFitted(this.train, this.name);
    const cols = assertFitted(this.columns, this.name);
    const n = x.numItems;
    const out = new Float32Array(users.length * n);
    users.forEach((u, r) => cols.accumulate(x.indices.subarray(x.indptr[u], x.indptr[u + 1]), out, r * n));
    return out;
  }

  /** Σ_{j ∈ items} W_ij for every i; the filter is binary, so `values` are ignored (as at serving time). */
  scoreHistory(items: Int32Array): Float32Array {
    const cols = assertFitted(this.columns, this.name);
    const out = new Float32Array(cols.numItems);
    cols.accumulate(new Int32Array(new Set(items)), out, 0);
    return out;
  }
}

/** CSR transpose of a pruned item-item matrix. */
export function transposeNeighbors(m: ItemNeighbors): ItemNeighbors {
  const n = m.numItems;
  const indptr = new Int32Array(n + 1);
  for (let p = 0; p < m.indices.length; p++) indptr[m.indices[p] + 1]++;
  for (let i = 0; i < n; i++) indptr[i + 1] += indptr[i];
  const fill = indptr.slice(0, n);
  const indices = new Int32Array(m.indices.length);
  const weights = new Float32Array(m.indices.length);
  for (let i = 0; i < n; i++) {
    for (let p = m.indptr[i]; p < m.indptr[i + 1]; p++) {
      const q = fill[m.indices[p]]++;
      indices[q] = i;
      weights[q] = m.weights[p];
    }
  }
  return new ItemNeighbors(n, indptr, indices, weights);
}
