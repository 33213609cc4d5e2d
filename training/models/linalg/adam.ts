/**
 * Adam for parameter tables kept in JS typed arrays, with lazy (sparse) updates: a step only updates the rows
 * a batch touched (as TF's LazyAdam), so an embedding table of 40k items costs what the batch uses, not the
 * whole table. Dense weights are the same thing with every row touched.
 *
 * Gradients are accumulated into `grad` by the caller (rows listed once in `touched` via `touch`), then `step`
 * applies Adam to those rows and clears their gradient.
 */
export class AdamTable {
  readonly grad: Float32Array;
  private readonly m: Float32Array;
  private readonly v: Float32Array;
  private readonly mark: Uint8Array;
  private readonly touchedRows: Int32Array;
  private numTouched = 0;

  constructor(
    readonly weights: Float32Array,
    readonly rows: number,
    readonly cols: number,
    private readonly l2 = 0,
  ) {
    if (weights.length !== rows * cols) throw new Error(`AdamTable: ${weights.length} weights for ${rows}×${cols}`);
    this.grad = new Float32Array(rows * cols);
    this.m = new Float32Array(rows * cols);
    this.v = new Float32Array(rows * cols);
    this.mark = new Uint8Array(rows);
    this.touchedRows = new Int32Array(rows);
  }

  /** Marks a row as touched by this step (its gradient must be added to `grad` by the caller). */
  touch(row: number): void {
    if (this.mark[row]) return;
    this.mark[row] = 1;
    this.touchedRows[this.numTouched++] = row;
  }

  /** Adds `scale · g[gOff .. gOff+cols)` to row `row`'s gradient and marks it touched. */
  addRow(row: number, g: Float32Array, gOff: number, scale = 1): void {
    this.touch(row);
    const off = row * this.cols;
    for (let k = 0; k < this.cols; k++) this.grad[off + k] += scale * g[gOff + k];
  }

  /** Sets the whole gradient (dense weights) and marks every row touched. */
  setDense(g: Float32Array): void {
    this.grad.set(g);
    for (let r = 0; r < this.rows; r++) this.touch(r);
  }

  /** One Adam step (global step count `t`, 1-based) over the touched rows; clears their gradients. */
  step(t: number, lr: number, beta1 = 0.9, beta2 = 0.999, eps = 1e-8): void {
    const c1 = 1 - Math.pow(beta1, t);
    const c2 = 1 - Math.pow(beta2, t);
    const alpha = (lr * Math.sqrt(c2)) / c1;
    const { weights: w, grad, m, v, cols, l2 } = this;
    for (let n = 0; n < this.numTouched; n++) {
      const row = this.touchedRows[n];
      this.mark[row] = 0;
      const off = row * cols;
      for (let k = off; k < off + cols; k++) {
        const g = grad[k] + l2 * w[k];
        grad[k] = 0;
        const mk = (m[k] = beta1 * m[k] + (1 - beta1) * g);
        const vk = (v[k] = beta2 * v[k] + (1 - beta2) * g * g);
        w[k] -= (alpha * mk) / (Math.sqrt(vk) + eps);
      }
    }
    this.numTouched = 0;
  }
}
