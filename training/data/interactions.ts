/**
 * The in-memory interaction matrix every model trains on: a users × items sparse matrix in CSR layout
 * (row = user, sorted unique item ids per row). The item-major view (CSC) is the CSR of the transpose.
 *
 * Typed arrays keep ml-1m (1M events) at a few MB and let the models run tight loops without boxing.
 */

export interface InteractionMatrix {
  numUsers: number;
  numItems: number;
  /** Row pointers, length numUsers + 1: the items of user u are indices[indptr[u] .. indptr[u+1]). */
  indptr: Int32Array;
  /** Item ids, sorted ascending within each user row, no duplicates. */
  indices: Int32Array;
  /** Interaction strength per entry (1 for plain implicit feedback). */
  values: Float32Array;
}

/** How repeated (user, item) pairs are merged. `sum` suits play counts; `max`/`last` suit ratings. */
export type DuplicatePolicy = 'sum' | 'max' | 'last';

/**
 * Builds a CSR matrix from parallel arrays of events. Duplicate (user, item) pairs are merged (`sum` by
 * default) and each row is sorted by item id. `values` defaults to 1 for every event.
 * Throws on ids outside [0, numUsers) / [0, numItems) — silently dropping them would hide remapping bugs.
 */
export function buildInteractionMatrix(
  numUsers: number,
  numItems: number,
  users: ArrayLike<number>,
  items: ArrayLike<number>,
  values?: ArrayLike<number>,
  duplicates: DuplicatePolicy = 'sum',
): InteractionMatrix {
  const n = users.length;
  if (items.length !== n || (values && values.length !== n)) {
    throw new Error(`buildInteractionMatrix: arrays differ in length (${n}, ${items.length}, ${values?.length})`);
  }
  // Counting sort by user, keeping event order within a user (needed for `last`).
  const counts = new Int32Array(numUsers + 1);
  for (let e = 0; e < n; e++) {
    const u = users[e];
    const i = items[e];
    if (!(u >= 0 && u < numUsers && Number.isInteger(u))) throw new Error(`user id ${u} outside [0, ${numUsers})`);
    if (!(i >= 0 && i < numItems && Number.isInteger(i))) throw new Error(`item id ${i} outside [0, ${numItems})`);
    counts[u + 1]++;
  }
  for (let u = 0; u < numUsers; u++) counts[u + 1] += counts[u];
  const cursor = counts.slice(0, numUsers);
  const rawItems = new Int32Array(n);
  const rawValues = new Float32Array(n);
  for (let e = 0; e < n; e++) {
    const pos = cursor[users[e]]++;
    rawItems[pos] = items[e];
    rawValues[pos] = values ? values[e] : 1;
  }

  // Sort each row by item, merge duplicates; compacted output is written in place (out <= read position).
  const indptr = new Int32Array(numUsers + 1);
  let out = 0;
  const order: number[] = [];
  let rowItemsBuf = new Int32Array(16);
  let rowValuesBuf = new Float32Array(16);
  for (let u = 0; u < numUsers; u++) {
    const lo = counts[u];
    const hi = counts[u + 1];
    const len = hi - lo;
    if (len > rowItemsBuf.length) {
      rowItemsBuf = new Int32Array(len * 2);
      rowValuesBuf = new Float32Array(len * 2);
    }
    let sorted = true;
    for (let p = lo + 1; p < hi; p++)
      if (rawItems[p] <= rawItems[p - 1]) {
        sorted = false;
        break;
      }
    if (sorted) {
      rowItemsBuf.set(rawItems.subarray(lo, hi));
      rowValuesBuf.set(rawValues.subarray(lo, hi));
    } else {
      order.length = 0;
      for (let p = lo; p < hi; p++) order.push(p);
      // Stable: ties keep event order, so `last` means the latest event.
      order.sort((a, b) => rawItems[a] - rawItems[b] || a - b);
      for (let k = 0; k < len; k++) {
        rowItemsBuf[k] = rawItems[order[k]];
        rowValuesBuf[k] = rawValues[order[k]];
      }
    }
    const rowStart = out;
    for (let k = 0; k < len; k++) {
      const item = rowItemsBuf[k];
      const value = rowValuesBuf[k];
      if (out > rowStart && rawItems[out - 1] === item) {
        const prev = rawValues[out - 1];
        rawValues[out - 1] = duplicates === 'sum' ? prev + value : duplicates === 'max' ? Math.max(prev, value) : value;
      } else {
        rawItems[out] = item;
        rawValues[out] = value;
        out++;
      }
    }
    indptr[u + 1] = out;
  }
  return {
    numUsers,
    numItems,
    indptr,
    indices: rawItems.slice(0, out),
    values: rawValues.slice(0, out),
  };
}

/** Number of stored (user, item) pairs. */
export function nnz(m: InteractionMatrix): number {
  return m.indptr[m.numUsers];
}

/** The items of one user (a view, not a copy). */
export function rowItems(m: InteractionMatrix, u: number): Int32Array {
  return m.indices.subarray(m.indptr[u], m.indptr[u + 1]);
}

/** The values of one user's items (a view, aligned with rowItems). */
export function rowValues(m: InteractionMatrix, u: number): Float32Array {
  return m.values.subarray(m.indptr[u], m.indptr[u + 1]);
}

/**
 * Transpose: from CSR-by-user to CSR-by-item (i.e. the CSC view). Rows of the result are sorted because
 * users are visited in increasing order.
 */
export function transpose(m: InteractionMatrix): InteractionMatrix {
  const total = nnz(m);
  const indptr = new Int32Array(m.numItems + 1);
  for (let p = 0; p < total; p++) indptr[m.indices[p] + 1]++;
  for (let i = 0; i < m.numItems; i++) indptr[i + 1] += indptr[i];
  const cursor = indptr.slice(0, m.numItems);
  const indices = new Int32Array(total);
  const values = new Float32Array(total);
  for (let u = 0; u < m.numUsers; u++) {
    for (let p = m.indptr[u]; p < m.indptr[u + 1]; p++) {
      const dst = cursor[m.indices[p]]++;
      indices[dst] = u;
      values[dst] = m.values[p];
    }
  }
  return { numUsers: m.numItems, numItems: m.numUsers, indptr, indices, values };
}

/** Number of users per item (item degree), as float64 for use in normalisations. */
export function itemDegrees(m: InteractionMatrix): Float64Array {
  const deg = new Float64Array(m.numItems);
  const total = nnz(m);
  for (let p = 0; p < total; p++) deg[m.indices[p]]++;
  return deg;
}

/** Number of items per user (user degree). */
export function userDegrees(m: InteractionMatrix): Float64Array {
  const deg = new Float64Array(m.numUsers);
  for (let u = 0; u < m.numUsers; u++) deg[u] = m.indptr[u + 1] - m.indptr[u];
  return deg;
}

/** A copy with every stored value set to 1 (binary implicit feedback). */
export function binarize(m: InteractionMatrix): InteractionMatrix {
  return { ...m, values: new Float32Array(nnz(m)).fill(1) };
}

/**
 * Element-wise union of two matrices over the same id spaces (e.g. train + valid for a final fit).
 * Duplicates are merged with `duplicates`.
 */
export function mergeMatrices(
  a: InteractionMatrix,
  b: InteractionMatrix,
  duplicates: DuplicatePolicy = 'max',
): InteractionMatrix {
  const numUsers = Math.max(a.numUsers, b.numUsers);
  const numItems = Math.max(a.numItems, b.numItems);
  const total = nnz(a) + nnz(b);
  const users = new Int32Array(total);
  const items = new Int32Array(total);
  const values = new Float32Array(total);
  let e = 0;
  for (const m of [a, b]) {
    for (let u = 0; u < m.numUsers; u++) {
      for (let p = m.indptr[u]; p < m.indptr[u + 1]; p++) {
        users[e] = u;
        items[e] = m.indices[p];
        values[e] = m.values[p];
        e++;
      }
    }
  }
  return buildInteractionMatrix(numUsers, numItems, users, items, values, duplicates);
}

/** Users that have at least one stored item, in increasing order. */
export function activeUsers(m: InteractionMatrix): Int32Array {
  const out: number[] = [];
  for (let u = 0; u < m.numUsers; u++) if (m.indptr[u + 1] > m.indptr[u]) out.push(u);
  return Int32Array.from(out);
}
