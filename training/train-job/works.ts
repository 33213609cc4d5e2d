// Training on works: the editions of one book (items.work_id, grouped by src/editions/matcher.ts) become one column
// of the interaction matrix, so a book's signal is not split across its ISBNs. A user's events on several editions
// of one work sum into one strength (buildInteractionMatrix's 'sum'); the fitted work vector is then copied to
// every edition, so each edition is served — and folded in from — with its work's vector.
import type { DenseVectors } from '../models/contract.js';

/** 'auto' (the default): on when some work groups two or more live editions; 'on' / 'off' force it. */
export type WorksMode = 'auto' | 'on' | 'off';

export interface WorkColumns {
  /** Edition index (the training data's item index) → work column. */
  columnOf: Int32Array;
  /** Number of work columns. */
  columns: number;
  /** Works with ≥ 2 editions in the data. */
  multiEditionWorks: number;
}

/**
 * Work columns for items whose work ids are `workIds` (one per item index; an item's own id when alone), or
 * undefined when training stays on editions: mode 'off', or 'auto' with no work holding two editions.
 */
export function workColumns(workIds: ArrayLike<number>, mode: WorksMode = 'auto'): WorkColumns | undefined {
  if (mode === 'off') return undefined;
  const columnOfWork = new Map<number, number>();
  const sizes: number[] = [];
  const columnOf = new Int32Array(workIds.length);
  for (let i = 0; i < workIds.length; i++) {
    let column = columnOfWork.get(workIds[i]);
    if (column === undefined) {
      column = sizes.length;
      columnOfWork.set(workIds[i], column);
      sizes.push(0);
    }
    sizes[column]++;
    columnOf[i] = column;
  }
  const multiEditionWorks = sizes.filter((size) => size > 1).length;
  if (mode === 'auto' && multiEditionWorks === 0) return undefined;
  return { columnOf, columns: sizes.length, multiEditionWorks };
}

/** Item indices of interaction pairs mapped to their work columns (duplicate pairs are summed by the matrix). */
export function pairsOnWorks(items: Int32Array, works: WorkColumns): Int32Array {
  return Int32Array.from(items, (item) => works.columnOf[item]);
}

/** One row per edition, each a copy of its work's row. */
export function expandToEditions(vectors: DenseVectors, works: WorkColumns): DenseVectors {
  const { dim } = vectors;
  const data = new Float32Array(works.columnOf.length * dim);
  works.columnOf.forEach((column, edition) =>
    data.set(vectors.data.subarray(column * dim, (column + 1) * dim), edition * dim),
  );
  return { count: works.columnOf.length, dim, data };
}

/** Per-edition copy of a per-work array (e.g. training degrees for fold-in). */
export function expandValues(values: ArrayLike<number>, works: WorkColumns): Float32Array {
  return Float32Array.from(works.columnOf, (column) => values[column]);
}
