/**
 * The two-tower training loss and its gradient with respect to the logits, computed in JS on the B × K logit
 * matrix (tfjs-wasm spends ~25 elementwise passes over B × K for the same thing through autodiff; this is
 * three passes, and its gradient is handed back to tfjs as the upstream gradient of the logits).
 *
 * Row b of the logits scores user b against the step's K candidates. For each of the row's targets t:
 *   loss_bt = softplus(z_b − l'_bt),   z_b = log Σ_{k ∉ positives(b)} exp(l'_bk),   l' = l − logQ
 * i.e. a sampled softmax over {t} ∪ negatives, where the user's other positives (their whole history present
 * among the candidates) are never negatives ("accidental hits" removed). Summed over all targets, divided by
 * the number of targets.
 */
export interface SoftmaxRows {
  /** Candidates of row b that are positives of that user (masked out of the negatives): slots[ptr[b]..ptr[b+1]). */
  positivePtr: Int32Array;
  positiveSlots: Int32Array;
  /** The row's targets (a subset of its positives). */
  targetPtr: Int32Array;
  targetSlots: Int32Array;
}

/**
 * Returns the loss (mean over targets) and writes dLoss/dlogits into `grad` (B × K, overwritten).
 * `logQ` (length K) is subtracted from every logit of its column; pass zeros for no correction.
 */
export function sampledSoftmaxLoss(
  logits: Float32Array,
  rowsCount: number,
  K: number,
  logQ: Float32Array,
  rows: SoftmaxRows,
  grad: Float32Array,
  scratchMask: Uint8Array,
): number {
  let numTargets = 0;
  for (let b = 0; b < rowsCount; b++) numTargets += rows.targetPtr[b + 1] - rows.targetPtr[b];
  if (numTargets === 0) {
    grad.fill(0, 0, rowsCount * K);
    return 0;
  }
  let loss = 0;
  for (let b = 0; b < rowsCount; b++) {
    const off = b * K;
    for (let q = rows.positivePtr[b]; q < rows.positivePtr[b + 1]; q++) scratchMask[rows.positiveSlots[q]] = 1;
    let max = -Infinity;
    for (let k = 0; k < K; k++) {
      const v = logits[off + k] - logQ[k];
      if (!scratchMask[k] && v > max) max = v;
    }
    let sum = 0;
    for (let k = 0; k < K; k++) {
      if (scratchMask[k]) {
        grad[off + k] = 0;
        continue;
      }
      const e = Math.exp(logits[off + k] - logQ[k] - max);
      grad[off + k] = e;
      sum += e;
    }
    // z = max + log(sum); with no negatives at all (sum = 0) every target's loss is 0.
    const z = sum > 0 ? max + Math.log(sum) : -Infinity;
    let pull = 0;
    for (let q = rows.targetPtr[b]; q < rows.targetPtr[b + 1]; q++) {
      const slot = rows.targetSlots[q];
      const x = z - (logits[off + slot] - logQ[slot]);
      // softplus(x) and σ(x), stable for large |x|
      loss += x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x));
      const s = x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
      pull += s;
      grad[off + slot] = -s / numTargets;
    }
    // ∂z/∂l_k = softmax over negatives = e_k / sum; every target contributes σ(z − l_t) · ∂z/∂l_k.
    const scale = sum > 0 ? pull / sum / numTargets : 0;
    for (let k = 0; k < K; k++) if (!scratchMask[k]) grad[off + k] *= scale;
    for (let q = rows.positivePtr[b]; q < rows.positivePtr[b + 1]; q++) scratchMask[rows.positiveSlots[q]] = 0;
  }
  return loss / numTargets;
}
