// Pure list operations the use cases share: rank fusion and diversification.
export interface Ranked {
  id: number;
  score: number;
}

/** Reciprocal rank fusion (k = 60, Cormack et al. 2009): robust to lists whose scores are not comparable. */
export function reciprocalRankFusion(lists: ReadonlyArray<readonly Ranked[]>, k = 60): Array<Ranked & { from: number }> {
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
  return [...fused.entries()].map(([id, v]) => ({ id, score: v.score, from: v.from })).sort((a, b) => b.score - a.score || a.id - b.id);
}

function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i] * b[i];
    na += a[i] * a[i];
    nb += b[i] * b[i];
  }
  return na && nb ? dot / Math.sqrt(na * nb) : 0;
}

/**
 * Maximal marginal relevance: greedily picks the candidate maximising (1−λ)·relevance − λ·max similarity to the
 * picks so far. λ = 0 keeps the relevance order; relevance is min-max normalised so λ means the same for any model.
 */
export function diversify<T extends Ranked>(candidates: readonly T[], vectors: ReadonlyMap<number, ArrayLike<number>>, lambda: number, count: number): T[] {
  if (lambda <= 0 || candidates.length <= 1) return candidates.slice(0, count);
  const max = Math.max(...candidates.map((c) => c.score));
  const min = Math.min(...candidates.map((c) => c.score));
  const relevance = (c: T) => (max > min ? (c.score - min) / (max - min) : 1);
  const remaining = [...candidates];
  const picked: T[] = [];
  while (picked.length < count && remaining.length) {
    let bestIndex = 0;
    let bestValue = -Infinity;
    remaining.forEach((candidate, index) => {
      const vector = vectors.get(candidate.id);
      const redundancy = vector ? Math.max(0, ...picked.map((p) => (vectors.has(p.id) ? cosine(vector, vectors.get(p.id)!) : 0))) : 0;
      const value = (1 - lambda) * relevance(candidate) - lambda * redundancy;
      if (value > bestValue) [bestValue, bestIndex] = [value, index];
    });
    picked.push(remaining.splice(bestIndex, 1)[0]);
  }
  return picked;
}
