/**
 * Splits of an interaction matrix for evaluation and tuning (README § Evaluation protocol). Given split files are read
 * by training/data/split-file.ts; this module makes splits from a single matrix.
 */
import { Rng } from '../../src/random.js';
import { buildInteractionMatrix, type InteractionMatrix } from '../data/interactions.js';

export interface HoldoutSplit {
  train: InteractionMatrix;
  test: InteractionMatrix;
}

/**
 * Per-user random holdout (seeded): each user with at least `minItems` items puts round(fraction·n) of them
 * (at least one, never all) into test; other users stay entirely in train.
 */
export function randomHoldout(m: InteractionMatrix, fraction: number, seed: number, minItems = 2): HoldoutSplit {
  const rng = new Rng(seed);
  const tr = { u: [] as number[], i: [] as number[], v: [] as number[] };
  const te = { u: [] as number[], i: [] as number[], v: [] as number[] };
  for (let u = 0; u < m.numUsers; u++) {
    const lo = m.indptr[u];
    const n = m.indptr[u + 1] - lo;
    const order = rng.shuffle(Int32Array.from({ length: n }, (_, k) => lo + k));
    const held = n >= minItems ? Math.min(n - 1, Math.max(1, Math.round(fraction * n))) : 0;
    for (let k = 0; k < n; k++) {
      const dst = k < held ? te : tr;
      dst.u.push(u);
      dst.i.push(m.indices[order[k]]);
      dst.v.push(m.values[order[k]]);
    }
  }
  return {
    train: buildInteractionMatrix(m.numUsers, m.numItems, tr.u, tr.i, tr.v),
    test: buildInteractionMatrix(m.numUsers, m.numItems, te.u, te.i, te.v),
  };
}
