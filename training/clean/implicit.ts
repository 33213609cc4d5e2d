// Implicit-feedback policy: which events count as positive, and what happens to the others.
// Only explicit ratings (kind 'rating') are subject to it; implicit events (views, purchases, Book-Crossing's
// rating 0) are positive by definition. Default: no policy — every event is stored as read (lossless), and
// models choose their own threshold. With a threshold, events below it are either kept (and tagged so) or
// dropped — dropped events are counted as `filtered`, never silently lost.

export interface ImplicitPolicy {
  /** Ratings ≥ this are positive. */
  positiveThreshold?: number;
  /** What to do with ratings below the threshold: 'drop' (default when a threshold is set) or 'keep'. */
  belowThreshold?: 'drop' | 'keep';
  /** Store positive ratings as kind 'implicit' with value 1 (a binary interaction matrix). */
  binarize?: boolean;
}

export interface ImplicitStats {
  /** Ratings dropped for being below the threshold. */
  filtered: number;
  /** Ratings turned into implicit events by binarize. */
  binarized: number;
}

export function emptyImplicitStats(): ImplicitStats {
  return { filtered: 0, binarized: 0 };
}

export function validatePolicy(policy: ImplicitPolicy): void {
  if (policy.positiveThreshold !== undefined && !Number.isFinite(policy.positiveThreshold)) {
    throw new Error(`positive threshold must be a number, got ${String(policy.positiveThreshold)}`);
  }
  if (policy.binarize && policy.positiveThreshold === undefined) {
    throw new Error('binarize needs a positive threshold (which ratings become positive events?)');
  }
}

/** The event to store, or null when the policy drops it. */
export function applyImplicitPolicy<E extends { kind?: string; value?: number }>(
  event: E,
  policy: ImplicitPolicy,
  stats: ImplicitStats,
): E | null {
  if (event.kind !== 'rating' || policy.positiveThreshold === undefined) return event;
  const positive = (event.value ?? 1) >= policy.positiveThreshold;
  if (!positive) {
    if ((policy.belowThreshold ?? 'drop') === 'drop') {
      stats.filtered++;
      return null;
    }
    return event;
  }
  if (policy.binarize) {
    stats.binarized++;
    return { ...event, kind: 'implicit', value: 1 };
  }
  return event;
}
