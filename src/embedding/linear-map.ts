// A learned linear map between vector spaces (row-major inputDim × outputDim): here, text vectors → collaborative
// vectors, so an item with no interactions yet lands near the items its audience likes (fitted by
// training/models/text-encoder/text-to-cf.ts).
export interface LinearMap {
  inputDim: number;
  outputDim: number;
  /** inputDim × outputDim, row-major. */
  weights: ArrayLike<number>;
}

export function applyLinearMap(map: LinearMap, input: ArrayLike<number>): Float32Array {
  if (input.length !== map.inputDim)
    throw new RangeError(`linear map expects ${map.inputDim} inputs, got ${input.length}`);
  const out = new Float32Array(map.outputDim);
  for (let i = 0; i < map.inputDim; i++) {
    const x = input[i];
    if (x === 0) continue;
    const row = i * map.outputDim;
    for (let j = 0; j < map.outputDim; j++) out[j] += x * map.weights[row + j];
  }
  return out;
}
