// For bench/item-search.ts, which measured it against plain Dot search and found it much worse here (see the
// note there): maximum inner product search as nearest-neighbour search (Bachrach et al. 2014, "Speeding up the Xbox recommender
// system using a Euclidean transformation for inner-product spaces"). Every item vector x gets one extra coordinate
// √(M² − |x|²), M the largest item norm, so all items have norm M; a query q gets a 0 there. The inner product is
// unchanged (q·x + 0), so scores and order are exactly those of the plain vectors, but on a sphere the largest inner
// product is also the smallest angle and distance: the geometry HNSW's greedy walk is built for. Over the raw,
// unnormalised vectors a few long "hub" vectors dominate every neighbourhood and the beam must be wide to recover.

/** Largest Euclidean norm among the rows of a row-major n × dim buffer. */
export function maxRowNorm(data: Float32Array, dim: number): number {
  let max = 0;
  for (let offset = 0; offset < data.length; offset += dim) {
    let sq = 0;
    for (let k = 0; k < dim; k++) sq += data[offset + k] * data[offset + k];
    if (sq > max) max = sq;
  }
  return Math.sqrt(max);
}

/**
 * The rows with the extra coordinate: n × (dim + 1). A row longer than `bound` (a vector written after the
 * export, e.g. a new item's) gets 0 there — its scores stay exact, only the graph sees it slightly off the sphere.
 */
export function augmentRows(data: Float32Array, dim: number, bound: number): Float32Array {
  const rows = data.length / dim;
  const out = new Float32Array(rows * (dim + 1));
  const boundSq = bound * bound;
  for (let r = 0; r < rows; r++) {
    let sq = 0;
    for (let k = 0; k < dim; k++) {
      const v = data[r * dim + k];
      out[r * (dim + 1) + k] = v;
      sq += v * v;
    }
    out[r * (dim + 1) + dim] = Math.sqrt(Math.max(0, boundSq - sq));
  }
  return out;
}

/** A query for the augmented collection: the vector with a 0 appended. */
export function augmentQuery(vector: ArrayLike<number>): number[] {
  const out = Array.from(vector);
  out.push(0);
  return out;
}

/** The original vector of an augmented point (the extra coordinate dropped). */
export function stripAugmentation(vector: readonly number[]): number[] {
  return vector.slice(0, vector.length - 1);
}
