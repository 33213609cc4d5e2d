/**
 * Sparse item-item matrices: each item keeps its strongest `neighbors` weights (CSR, items × neighbors).
 * Used where a dense items² matrix would not fit (≈ 40k items = 6.4 GB).
 */
import type { InteractionMatrix } from '../../data/interactions.js';
import { noopProgress, type ProgressSink } from '../../progress.js';
import { topKRow } from './topk.js';

export class ItemNeighbors {
  constructor(
    readonly numItems: number,
    readonly indptr: Int32Array,
    readonly indices: Int32Array,
    readonly weights: Float32Array,
  ) {}

  /** out[off + i] += Σ_{j ∈ history} v_j · W[j, i] — a history row times the sparse item-item matrix. */
  accumulate(history: ArrayLike<number>, out: Float32Array, off: number, values?: ArrayLike<number>): void {
    for (let h = 0; h < history.length; h++) {
      const j = history[h];
      const v = values ? values[h] : 1;
      for (let p = this.indptr[j]; p < this.indptr[j + 1]; p++) out[off + this.indices[p]] += v * this.weights[p];
    }
  }
}

/**
 * Rows of MᵀM (M users × items, given also as Mᵀ = items × users CSR), each pruned to its `neighbors` largest
 * entries (the diagonal included: an item's self-weight matters for the GF-CF filter). O(Σ_u nnz_u²) time,
 * O(items) scratch memory.
 */
export function normalizedCooccurrenceNeighbors(
  mt: InteractionMatrix,
  m: InteractionMatrix,
  neighbors: number,
  progress: ProgressSink = noopProgress,
): ItemNeighbors {
  const n = m.numItems;
  const acc = new Float32Array(n);
  const touched = new Int32Array(n);
  const mark = new Uint8Array(n);
  const indptr = new Int32Array(n + 1);
  const idx: Int32Array[] = [];
  const wts: Float32Array[] = [];
  const top = new Int32Array(neighbors);
  const hs = new Float64Array(neighbors);
  const hi = new Int32Array(neighbors);
  const none = new Int32Array(0);
  progress.start(n, 'item neighbours');
  for (let i = 0; i < n; i++) {
    let count = 0;
    for (let p = mt.indptr[i]; p < mt.indptr[i + 1]; p++) {
      const u = mt.indices[p];
      const w = mt.values[p];
      for (let q = m.indptr[u]; q < m.indptr[u + 1]; q++) {
        const j = m.indices[q];
        if (!mark[j]) {
          mark[j] = 1;
          touched[count++] = j;
        }
        acc[j] += w * m.values[q];
      }
    }
    const cand = touched.subarray(0, count);
    const keep = Math.min(neighbors, count);
    topKRow(acc, 0, n, neighbors, none, top, 0, hs, hi, cand);
    const rowIdx = new Int32Array(keep);
    const rowW = new Float32Array(keep);
    for (let r = 0; r < keep; r++) {
      rowIdx[r] = top[r];
      rowW[r] = acc[top[r]];
    }
    idx.push(rowIdx);
    wts.push(rowW);
    indptr[i + 1] = indptr[i] + keep;
    for (let c = 0; c < count; c++) {
      acc[touched[c]] = 0;
      mark[touched[c]] = 0;
    }
    if ((i & 255) === 255) progress.tick(256);
  }
  progress.stop();
  const indices = new Int32Array(indptr[n]);
  const weights = new Float32Array(indptr[n]);
  for (let i = 0; i < n; i++) {
    indices.set(idx[i], indptr[i]);
    weights.set(wts[i], indptr[i]);
  }
  return new ItemNeighbors(n, indptr, indices, weights);
}

/**
 * Rows of W² (W the pruned item-item lists), each cut to its `keep` largest entries: row j = Σ_m W[j, m] · W[m, ·].
 * The second-order filter P̃² from P̃'s pruned rows (BSPM's sharpening term) at O(items · neighbours²) time —
 * no items² matrix. Weights are non-negative when W's are.
 */
export function squareNeighbors(lists: ItemNeighbors, keep: number): ItemNeighbors {
  const n = lists.numItems;
  const acc = new Float32Array(n);
  const touched = new Int32Array(n);
  const mark = new Uint8Array(n);
  const indptr = new Int32Array(n + 1);
  const idx: Int32Array[] = [];
  const wts: Float32Array[] = [];
  const top = new Int32Array(keep);
  const hs = new Float64Array(keep);
  const hi = new Int32Array(keep);
  const none = new Int32Array(0);
  const { indptr: ip, indices: ix, weights: w } = lists;
  for (let j = 0; j < n; j++) {
    let count = 0;
    for (let p = ip[j]; p < ip[j + 1]; p++) {
      const mid = ix[p];
      const wm = w[p];
      for (let q = ip[mid]; q < ip[mid + 1]; q++) {
        const i = ix[q];
        if (!mark[i]) {
          mark[i] = 1;
          touched[count++] = i;
        }
        acc[i] += wm * w[q];
      }
    }
    const size = Math.min(keep, count);
    topKRow(acc, 0, n, keep, none, top, 0, hs, hi, touched.subarray(0, count));
    idx.push(top.slice(0, size));
    wts.push(Float32Array.from(top.subarray(0, size), (i) => acc[i]));
    indptr[j + 1] = indptr[j] + size;
    for (let c = 0; c < count; c++) {
      acc[touched[c]] = 0;
      mark[touched[c]] = 0;
    }
  }
  return concatRows(n, indptr, idx, wts);
}

/** a + wb · b on the union of each row's supports (entries sorted by item within a row). */
export function addNeighbors(a: ItemNeighbors, b: ItemNeighbors, wb: number): ItemNeighbors {
  if (a.numItems !== b.numItems) throw new Error('addNeighbors: the two lists have different item counts');
  const n = a.numItems;
  const acc = new Float32Array(n);
  const mark = new Uint8Array(n);
  const indptr = new Int32Array(n + 1);
  const idx: Int32Array[] = [];
  const wts: Float32Array[] = [];
  for (let j = 0; j < n; j++) {
    const items: number[] = [];
    for (const [lists, f] of [
      [a, 1],
      [b, wb],
    ] as const) {
      for (let p = lists.indptr[j]; p < lists.indptr[j + 1]; p++) {
        const i = lists.indices[p];
        if (!mark[i]) {
          mark[i] = 1;
          items.push(i);
        }
        acc[i] += f * lists.weights[p];
      }
    }
    items.sort((x, y) => x - y);
    const rowIdx = Int32Array.from(items);
    idx.push(rowIdx);
    wts.push(Float32Array.from(rowIdx, (i) => acc[i]));
    for (const i of items) {
      acc[i] = 0;
      mark[i] = 0;
    }
    indptr[j + 1] = indptr[j] + items.length;
  }
  return concatRows(n, indptr, idx, wts);
}

function concatRows(n: number, indptr: Int32Array, idx: Int32Array[], wts: Float32Array[]): ItemNeighbors {
  const indices = new Int32Array(indptr[n]);
  const weights = new Float32Array(indptr[n]);
  for (let i = 0; i < n; i++) {
    indices.set(idx[i], indptr[i]);
    weights.set(wts[i], indptr[i]);
  }
  return new ItemNeighbors(n, indptr, indices, weights);
}
