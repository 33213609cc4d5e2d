// Seeded pseudo-random numbers (mulberry32): demo data, model initialisation, samplers, searches, test fixtures
// and the seeded text projections are reproducible from their seed. The one generator of the repository.

/** mulberry32: a generator of uniform 32-bit unsigned integers from `seed` (its 32 low bits). */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
}

/** A generator of uniform numbers in [0, 1) from `seed`. */
export function uniform(seed: number): () => number {
  const next = mulberry32(seed);
  return () => next() / 4294967296;
}

export class Rng {
  private readonly uint: () => number;
  constructor(seed: number) {
    this.uint = mulberry32(seed >>> 0 || 0x9e3779b9);
  }
  /** Uniform in [0, 1). */
  next(): number {
    return this.uint() / 4294967296;
  }
  /** Integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  /** One of `values`, uniformly. */
  pick<T>(values: readonly T[]): T {
    return values[this.int(values.length)];
  }
  /** Standard normal (Box–Muller). */
  normal(): number {
    let u = 0;
    while (u === 0) u = this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.next());
  }
  /** Fisher–Yates shuffle in place. */
  shuffle<T extends { length: number; [i: number]: unknown }>(a: T): T {
    for (let i = a.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
    return a;
  }
}
