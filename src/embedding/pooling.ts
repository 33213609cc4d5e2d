// Sentence-transformers pooling in plain TypeScript: the attention-masked mean over a [batch, seq, hidden] tensor
// and L2 normalisation. The ONNX loader applies them to models that output token states (last_hidden_state); the
// tests use them as the reference the exported graphs are checked against.

/** Mean of the token vectors whose mask is non-zero, per row of the batch; a row with no tokens pools to zeros. */
export function maskedMeanPool(
  hidden: ArrayLike<number>,
  mask: ArrayLike<number | bigint>,
  batch: number,
  seq: number,
  dim: number,
): Float32Array[] {
  if (hidden.length !== batch * seq * dim)
    throw new RangeError(`hidden states hold ${hidden.length} values, expected ${batch}×${seq}×${dim}`);
  if (mask.length !== batch * seq)
    throw new RangeError(`attention mask holds ${mask.length} values, expected ${batch}×${seq}`);
  const out: Float32Array[] = [];
  for (let b = 0; b < batch; b++) {
    const sum = new Float64Array(dim);
    let count = 0;
    for (let s = 0; s < seq; s++) {
      if (Number(mask[b * seq + s]) === 0) continue;
      count++;
      const base = (b * seq + s) * dim;
      for (let d = 0; d < dim; d++) sum[d] += hidden[base + d];
    }
    const row = new Float32Array(dim);
    if (count > 0) for (let d = 0; d < dim; d++) row[d] = sum[d] / count;
    out.push(row);
  }
  return out;
}

/** Scales `vector` to unit length in place (a zero vector stays zero: there is no direction to keep). */
export function l2Normalize<T extends Float32Array | Float64Array>(vector: T): T {
  let norm = 0;
  for (let i = 0; i < vector.length; i++) norm += vector[i] * vector[i];
  norm = Math.sqrt(norm);
  if (norm > 0) for (let i = 0; i < vector.length; i++) vector[i] /= norm;
  return vector;
}
