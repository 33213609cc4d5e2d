// Request-time push-down of what a user said no to: a candidate close to one of the user's negative items (a
// dislike, a return, a low rating) loses score in proportion to that closeness, so "more like the thing I hated"
// sinks in their list. The negative items themselves never come back (they are in the user's exclusions).
import type { ScoredHit } from '../vector/client.js';

export interface NegativeSignal {
  /** Collaborative vectors of the user's most recent negative items. */
  vectors: ReadonlyArray<ArrayLike<number>>;
  /** RECGRAPH_NEGATIVE_PENALTY: how much of the candidates' score spread full similarity costs. */
  penalty: number;
}

/** Most negative items a request reads (the most recent ones). */
export const NEGATIVES_PER_REQUEST = 50;

function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i] * b[i];
  return sum;
}

function norm(a: ArrayLike<number>): number {
  return Math.sqrt(dot(a, a));
}

/**
 * The candidates re-scored (score − penalty × spread × max cosine to a negative, where spread is max − min score
 * of the candidates, so the penalty means the same for any model's score scale) and re-sorted. Candidates without a
 * vector keep their score.
 */
export function pushDownNearNegatives<H extends ScoredHit>(
  candidates: readonly H[],
  vectors: ReadonlyMap<number, ArrayLike<number>>,
  negative: NegativeSignal,
): H[] {
  if (!negative.vectors.length || negative.penalty <= 0 || candidates.length === 0) return [...candidates];
  let max = -Infinity;
  let min = Infinity;
  for (const c of candidates) {
    if (c.score > max) max = c.score;
    if (c.score < min) min = c.score;
  }
  const spread = max > min ? max - min : Math.abs(max) || 1;
  const negatives = negative.vectors.map((v) => ({ v, n: norm(v) })).filter((entry) => entry.n > 0);
  return candidates
    .map((candidate) => {
      const vector = vectors.get(candidate.id);
      const n = vector ? norm(vector) : 0;
      if (!vector || !n) return candidate;
      let closest = 0;
      for (const entry of negatives) closest = Math.max(closest, dot(vector, entry.v) / (n * entry.n));
      return closest > 0 ? { ...candidate, score: candidate.score - negative.penalty * spread * closest } : candidate;
    })
    .sort((a, b) => b.score - a.score || a.id - b.id);
}
