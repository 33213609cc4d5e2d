// A user vector from the collaborative vectors of the items they interacted with, for users (and anonymous
// sessions) the model has not seen: exact iALS fold-in, plus the low-pass block for the default model's blended
// vectors.
import { foldInBlended } from '../embedding/blended-foldin.js';
import { foldInUser } from '../embedding/ials-foldin.js';
import type { ServingModel } from './serving-model.js';

export interface HistoryPoint {
  vector: number[];
  degree?: number;
}

/**
 * The user vector from the positive items of `history` that have vectors; undefined when none has. `value` is the
 * pair's confidence as training weighs it (src/feedback/event-weights.ts): the same events make the same vector
 * whether they were trained on or folded in. Negative pairs (and kinds weighed 0) are not positives: left out.
 */
export function foldIn(
  model: ServingModel,
  history: ReadonlyArray<{ itemId: number; value: number; negative?: boolean }>,
  points: ReadonlyMap<number, HistoryPoint>,
): Float32Array | undefined {
  const known = history.filter((h) => !h.negative && h.value > 0 && points.has(h.itemId));
  if (!known.length) return undefined;
  const strength = (h: { value: number }) => h.value;
  if (model.layout) {
    return foldInBlended(
      model.gram,
      model.layout,
      model.foldIn,
      known.map((h) => ({
        vector: points.get(h.itemId)!.vector,
        degree: points.get(h.itemId)!.degree,
        value: strength(h),
      })),
    );
  }
  const data = new Float32Array(known.length * model.dimension);
  known.forEach((h, row) => data.set(points.get(h.itemId)!.vector, row * model.dimension));
  const indices = Int32Array.from(known, (_, row) => row);
  return foldInUser(
    model.gram,
    { dim: model.dimension, data },
    indices,
    Float32Array.from(known, strength),
    model.foldIn,
  );
}
