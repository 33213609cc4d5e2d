// Pure list operations the use cases share: rank fusion and diversification.
export interface Ranked {
  id: number;
  score: number;
}

/** Reciprocal rank fusion (k = 60, Cormack et al. 2009): robust to lists whose scores are not comparable. */
export function reciprocalRankFusion(
  lists: ReadonlyArray<readonly Ranked[]>,
  k = 60,
): Array<Ranked & { from: number }> {
  const fused = new Map<number, { score: number; from: number; best: number }>();
  lists.forEach((list, listIndex) =>
    list.forEach((entry, rank) => {
      const contribution = 1 / (k + rank + 1);
      const current = fused.get(entry.id);
      if (!current) fused.set(entry.id, { score: contribution, from: listIndex, best: contribution });
      else {
        current.score += contribution;
        if (contribution > current.best) Object.assign(current, { from: listIndex, best: contribution });
      }
    }),
  );
  return [...fused.entries()]
    .map(([id, v]) => ({ id, score: v.score, from: v.from }))
    .sort((a, b) => b.score - a.score || a.id - b.id);
}

function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i] * b[i];
  return sum;
}

/**
 * Maximal marginal relevance: greedily picks the candidate maximising (1−λ)·relevance − λ·max similarity to the
 * picks so far. λ = 0 keeps the relevance order; relevance is min-max normalised so λ means the same for any model.
 * Each candidate's max similarity is kept up to date with only the newest pick (O(count · candidates · dim), not
 * the count² · candidates · dim of recomputing it against every pick in every round).
 */
export function diversify<T extends Ranked>(
  candidates: readonly T[],
  vectors: ReadonlyMap<number, ArrayLike<number>>,
  lambda: number,
  count: number,
): T[] {
  if (lambda <= 0 || candidates.length <= 1) return candidates.slice(0, count);
  let max = -Infinity;
  let min = Infinity;
  for (const c of candidates) {
    if (c.score > max) max = c.score;
    if (c.score < min) min = c.score;
  }
  const remaining = candidates.map((candidate) => {
    const vector = vectors.get(candidate.id);
    const norm = vector ? Math.sqrt(dot(vector, vector)) : 0;
    return { candidate, vector, norm, relevance: max > min ? (candidate.score - min) / (max - min) : 1, redundancy: 0 };
  });
  const picked: T[] = [];
  while (picked.length < count && remaining.length) {
    let bestIndex = 0;
    let bestValue = -Infinity;
    for (let index = 0; index < remaining.length; index++) {
      const entry = remaining[index];
      const value = (1 - lambda) * entry.relevance - lambda * (entry.vector ? entry.redundancy : 0);
      if (value > bestValue) [bestValue, bestIndex] = [value, index];
    }
    const [chosen] = remaining.splice(bestIndex, 1);
    picked.push(chosen.candidate);
    if (!chosen.vector || !chosen.norm) continue;
    for (const entry of remaining) {
      if (!entry.vector || !entry.norm) continue;
      const similarity = dot(entry.vector, chosen.vector) / (entry.norm * chosen.norm);
      if (similarity > entry.redundancy) entry.redundancy = similarity;
    }
  }
  return picked;
}
