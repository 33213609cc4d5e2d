// Deterministic assignment of users to variants: sha256(salt, user id) read as a number in [0, 1), then the variant
// whose cumulative share interval holds it. No state: every replica, every request, the same answer; a new salt
// re-shuffles. A point past the sum of the shares is outside the experiment.
import { createHash } from 'node:crypto';
import type { Assignment, Experiment, Variant } from './types.js';

/** The user's point in [0, 1) for this salt (52 bits of the hash: uniform for any user-id distribution). */
export function assignmentPoint(salt: string, userKey: string): number {
  const digest = createHash('sha256').update(salt).update('\u0000').update(userKey).digest();
  // 52 bits as hi·2^32 + lo, divided by 2^52: exact in a double.
  const hi = digest.readUInt32BE(0) >>> 12;
  const lo = digest.readUInt32BE(4);
  return (hi * 4294967296 + lo) / 2 ** 52;
}

export function variantFor(variants: readonly Variant[], point: number): Variant | undefined {
  let upper = 0;
  for (const variant of variants) {
    upper += variant.share;
    if (point < upper) return variant;
  }
  return undefined;
}

/** The user's variant in a running experiment, or undefined (not running, or outside its shares). */
export function assign(experiment: Experiment | undefined, userKey: string): Assignment | undefined {
  if (!experiment || experiment.status !== 'running') return undefined;
  const variant = variantFor(experiment.variants, assignmentPoint(experiment.salt, userKey));
  return variant && { experimentId: experiment.id, experiment: experiment.name, variant };
}
