// Maximal marginal relevance (rank.ts) against the textbook formulation: the incremental version must pick the
// same items in the same order.
import { describe, expect, it } from 'vitest';
import { diversify, type Ranked } from '../../src/recommend/rank.js';

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

/** Every round, every remaining candidate against every pick: (1−λ)·relevance − λ·max(0, max cosine to picks). */
function reference(
  candidates: readonly Ranked[],
  vectors: ReadonlyMap<number, ArrayLike<number>>,
  lambda: number,
  count: number,
): Ranked[] {
  const max = Math.max(...candidates.map((c) => c.score));
  const min = Math.min(...candidates.map((c) => c.score));
  const relevance = (c: Ranked) => (max > min ? (c.score - min) / (max - min) : 1);
  const remaining = [...candidates];
  const picked: Ranked[] = [];
  while (picked.length < count && remaining.length) {
    let bestIndex = 0;
    let bestValue = -Infinity;
    remaining.forEach((candidate, index) => {
      const vector = vectors.get(candidate.id);
      const redundancy = vector
        ? Math.max(0, ...picked.map((p) => (vectors.has(p.id) ? cosine(vector, vectors.get(p.id)!) : 0)))
        : 0;
      const value = (1 - lambda) * relevance(candidate) - lambda * redundancy;
      if (value > bestValue) [bestValue, bestIndex] = [value, index];
    });
    picked.push(remaining.splice(bestIndex, 1)[0]);
  }
  return picked;
}

function random(seed: number): () => number {
  return () => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed / 2 ** 31;
  };
}

describe('diversify (MMR)', () => {
  it('picks what the textbook formulation picks, in its order', () => {
    const next = random(7);
    for (const lambda of [0.1, 0.3, 0.7, 1]) {
      const candidates = Array.from({ length: 60 }, (_, i) => ({ id: i, score: 10 - i * 0.1 + next() * 0.05 }));
      // Clustered vectors (so redundancy matters), one candidate without a vector and one zero vector.
      const vectors = new Map<number, number[]>();
      for (const c of candidates) {
        if (c.id === 5) continue;
        const cluster = c.id % 4;
        vectors.set(
          c.id,
          c.id === 9
            ? [0, 0, 0, 0, 0, 0]
            : Array.from({ length: 6 }, (_, k) => (k === cluster ? 1 : 0) + (next() - 0.5) * 0.4),
        );
      }
      expect(diversify(candidates, vectors, lambda, 20).map((c) => c.id)).toEqual(
        reference(candidates, vectors, lambda, 20).map((c) => c.id),
      );
    }
  });

  it('keeps the relevance order at λ = 0 and spreads over clusters as λ grows', () => {
    const candidates = Array.from({ length: 8 }, (_, i) => ({ id: i, score: 8 - i }));
    const vectors = new Map(candidates.map((c) => [c.id, c.id < 4 ? [1, 0] : [0, 1]]));
    expect(diversify(candidates, vectors, 0, 4).map((c) => c.id)).toEqual([0, 1, 2, 3]);
    expect(diversify(candidates, vectors, 0.6, 2).map((c) => c.id)).toEqual([0, 4]);
  });
});
