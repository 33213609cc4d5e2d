/**
 * Top-K selection over one row of scores with excluded items (the user's training items).
 * A size-K min-heap: O(n log K) per row and no full sort of the catalogue. Ties break towards the lower item
 * id so rankings are deterministic across runs and machines.
 */

/** True if (sa, ia) ranks strictly better than (sb, ib). */
function better(sa: number, ia: number, sb: number, ib: number): boolean {
  return sa > sb || (sa === sb && ia < ib);
}

/**
 * Writes the ids of the k best items of `scores[rowOff .. rowOff + numItems)` into `out[outOff .. outOff + k)`,
 * best first, skipping items in `exclude` (sorted ascending) and NaN scores. Pads with −1 when fewer items
 * remain. `candidates`, when given, restricts the ranking to those item ids.
 */
export function topKRow(
  scores: Float32Array,
  rowOff: number,
  numItems: number,
  k: number,
  exclude: Int32Array,
  out: Int32Array,
  outOff: number,
  heapScores = new Float64Array(k),
  heapItems = new Int32Array(k),
  candidates?: Int32Array,
): void {
  let size = 0;
  let ex = 0;
  const n = candidates ? candidates.length : numItems;
  for (let c = 0; c < n; c++) {
    const i = candidates ? candidates[c] : c;
    if (candidates) {
      if (isExcluded(exclude, i)) continue;
    } else {
      while (ex < exclude.length && exclude[ex] < i) ex++;
      if (ex < exclude.length && exclude[ex] === i) continue;
    }
    const s = scores[rowOff + i];
    if (s !== s) continue; // NaN
    if (size < k) {
      // sift up
      let pos = size++;
      while (pos > 0) {
        const parent = (pos - 1) >> 1;
        if (!better(heapScores[parent], heapItems[parent], s, i)) break;
        heapScores[pos] = heapScores[parent];
        heapItems[pos] = heapItems[parent];
        pos = parent;
      }
      heapScores[pos] = s;
      heapItems[pos] = i;
    } else if (better(s, i, heapScores[0], heapItems[0])) {
      siftDown(heapScores, heapItems, k, s, i); // replaces the worst (the root)
    }
  }
  // Pop worst-first into the tail of the output.
  for (let slot = k - 1; slot >= size; slot--) out[outOff + slot] = -1;
  for (let slot = size - 1; slot >= 0; slot--) {
    out[outOff + slot] = heapItems[0];
    const lastScore = heapScores[size - 1];
    const lastItem = heapItems[size - 1];
    size--;
    siftDown(heapScores, heapItems, size, lastScore, lastItem);
  }
}

/** Puts (s, i) at the root of the heap's first `size` entries (worst at the root) and sifts it down. */
function siftDown(heapScores: Float64Array, heapItems: Int32Array, size: number, s: number, i: number): void {
  let pos = 0;
  for (;;) {
    const l = 2 * pos + 1;
    if (l >= size) break;
    const r = l + 1;
    let worst = l;
    if (r < size && better(heapScores[l], heapItems[l], heapScores[r], heapItems[r])) worst = r;
    if (!better(s, i, heapScores[worst], heapItems[worst])) break;
    heapScores[pos] = heapScores[worst];
    heapItems[pos] = heapItems[worst];
    pos = worst;
  }
  heapScores[pos] = s;
  heapItems[pos] = i;
}

/** Binary search in a sorted Int32Array. */
export function isExcluded(sorted: Int32Array, item: number): boolean {
  let lo = 0;
  let hi = sorted.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const v = sorted[mid];
    if (v === item) return true;
    if (v < item) lo = mid + 1;
    else hi = mid - 1;
  }
  return false;
}
