// The 95 % confidence interval of a proportion: Wilson's score interval. Unlike the normal approximation it stays
// inside [0, 1] and is not degenerate at 0 or n successes, which matters for small variants and rare events.

const Z95 = 1.959963984540054;

export interface Proportion {
  successes: number;
  trials: number;
  rate: number;
  low: number;
  high: number;
}

export function wilson(successes: number, trials: number, z = Z95): Proportion {
  if (trials === 0) return { successes, trials, rate: 0, low: 0, high: 0 };
  const p = successes / trials;
  const z2 = z * z;
  const denominator = 1 + z2 / trials;
  const centre = (p + z2 / (2 * trials)) / denominator;
  const half = (z * Math.sqrt((p * (1 - p)) / trials + z2 / (4 * trials * trials))) / denominator;
  return { successes, trials, rate: p, low: Math.max(0, centre - half), high: Math.min(1, centre + half) };
}

export const INTERVAL_METHOD =
  'Wilson score interval, 95 % (z = 1.96), over lists; lists of one user are not independent, so read it as a lower bound on the uncertainty';
