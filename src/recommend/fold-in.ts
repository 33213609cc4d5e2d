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

/** The user vector from the items of `history` that have vectors; undefined when none has. */
export function foldIn(
  model: ServingModel,
  history: ReadonlyArray<{ itemId: number; value: number }>,
  points: ReadonlyMap<number, HistoryPoint>,
): Float32Array | undefined {
  const known = history.filter((h) => points.has(h.itemId));
  if (!known.length) return undefined;
  // Events are implicit feedback: strength is how often the user came back to the item.
  const strength = (h: { value: number }) => Math.max(1, h.value);
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
