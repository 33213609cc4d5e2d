/**
 * EASE (Steck 2019, "Embarrassingly Shallow Autoencoders"): the closed-form item-item model
 *     B = argmin ‖X − XB‖² + λ‖B‖²  s.t. diag(B) = 0   ⇒   P = (XᵀX + λI)⁻¹,  B_ij = −P_ij / P_jj,  B_ii = 0.
 * Score of user u = x_u B. With `dropout` p > 0 the penalty becomes λ + p/(1−p)·G_ii per item (Steck 2020). One dense items × items inverse, so only for catalogues up to `maxItems`
 * (≈ 16k items = 1 GB of float32); GF-CF / item-kNN cover larger ones.
 *
 * No dot-product vectors: B is an item-item artifact. Serving uses it as a reranker (scoreHistory over the
 * user's history) on top of ANN candidates from a factor model.
 */
import { binarize, type InteractionMatrix } from '../data/interactions.js';
import { noopProgress, type ProgressSink } from '../progress.js';
import { assertFitted, mergeParams, type Recommender } from './contract.js';
import { accumulateRows, sparseGram } from './linalg/sparse.js';
import { spdInverse } from './linalg/spd-inverse.js';

export const EASE_DEFAULTS = {
  lambda: 500,
  /**
   * Dropout-style emphasis (Steck 2020, DLAE/EDLAE): adds p/(1−p)·G_ii to item i's penalty, so popular items
   * (large G_ii) are regularised more. 0 = plain EASE.
   */
  dropout: 0,
  /** Use 0/1 instead of stored values (EASE is defined on binary data). */
  binary: true,
  /** Refuse larger catalogues (memory: 3 × items² floats during fit). */
  maxItems: 16000,
};
export type EaseParams = typeof EASE_DEFAULTS;

export class EASE implements Recommender {
  readonly name = 'ease';
  readonly params: EaseParams;
  private weights?: Float32Array;
  private train?: InteractionMatrix;
  private numItems = 0;

  constructor(params: Partial<EaseParams> = {}) {
    this.params = mergeParams('ease', EASE_DEFAULTS, params);
  }

  async fit(data: InteractionMatrix, progress: ProgressSink = noopProgress): Promise<void> {
    const n = data.numItems;
    if (n > this.params.maxItems) {
      throw new Error(
        `ease: ${n} items exceeds maxItems=${this.params.maxItems}; use gfcf or itemknn for large catalogues`,
      );
    }
    const x = this.params.binary ? binarize(data) : data;
    const g = sparseGram(x);
    const emphasis = this.params.dropout / (1 - this.params.dropout);
    for (let i = 0; i < n; i++) g[i * n + i] += this.params.lambda + emphasis * g[i * n + i];
    const p = await spdInverse(g, n, { progress, inPlace: true });
    // B = I − P·diag(1/diag(P)), with a zero diagonal; written over P column by column.
    const diag = new Float64Array(n);
    for (let j = 0; j < n; j++) diag[j] = p[j * n + j];
    for (let i = 0; i < n; i++) {
      const ro = i * n;
      for (let j = 0; j < n; j++) p[ro + j] = i === j ? 0 : -p[ro + j] / diag[j];
    }
    this.weights = p;
    this.train = x;
    this.numItems = n;
  }

  scoreUsers(users: Int32Array): Float32Array {
    const b = assertFitted(this.weights, this.name);
    const x = assertFitted(this.train, this.name);
    const n = this.numItems;
    const out = new Float32Array(users.length * n);
    users.forEach((u, r) => {
      const lo = x.indptr[u];
      const hi = x.indptr[u + 1];
      accumulateRows(x.indices.subarray(lo, hi), x.values.subarray(lo, hi), b, n, out, r * n);
    });
    return out;
  }

  scoreHistory(items: Int32Array, values?: Float32Array): Float32Array {
    const b = assertFitted(this.weights, this.name);
    const out = new Float32Array(this.numItems);
    accumulateRows(items, this.params.binary ? undefined : values, b, this.numItems, out);
    return out;
  }

  /** The item-item weight matrix B (items × items, row-major; score = x_u B) for export to a reranker. */
  itemItem(): { n: number; data: Float32Array } {
    return { n: this.numItems, data: assertFitted(this.weights, this.name) };
  }
}
