// How much one (user, item) pair of events says, in one place for training (training/train-job/training-data.ts)
// and for request-time fold-in (src/db/users.ts → src/recommend/fold-in.ts): each event weighs what its kind weighs
// (RECGRAPH_EVENT_WEIGHTS), repeated events add up to a cap, and a pair with a negative event (a kind in
// RECGRAPH_NEGATIVE_KINDS, or a rating below RECGRAPH_NEGATIVE_RATING_BELOW) is negative: never a positive for
// training, never recommended to that user again, and a push-down for its nearest neighbours in that user's lists.

export interface FeedbackPolicy {
  /** Weight of one event, by kind; kinds not listed weigh `defaultWeight`. */
  weights: ReadonlyMap<string, number>;
  defaultWeight: number;
  /** Most confidence one (user, item) pair reaches, however many events it has. */
  cap: number;
  /** Kinds that say "not for me" (dislike, hide, return …). */
  negativeKinds: ReadonlySet<string>;
  /** Kinds whose value is a rating (e.g. `rating`): below `negativeRatingBelow` such an event is negative. */
  ratingKinds: ReadonlySet<string>;
  /** Ratings strictly below this are negative; undefined = ratings are never negative. */
  negativeRatingBelow?: number;
  /**
   * How hard a negative item pushes its nearest neighbours down a user's list: a candidate loses
   * penalty × (max cosine similarity to the user's negatives) × (the candidates' score spread). 0 = off.
   */
  negativePenalty: number;
}

export const DEFAULT_NEGATIVE_KINDS = ['dislike', 'hide', 'not_interested', 'return'] as const;

/**
 * Every kind weighs 1 and a pair counts its events, as training did before weights existed; the cap only bounds a
 * pair with very many events (the benchmark splits have one event a pair, so it changes none of their figures).
 */
export const DEFAULT_FEEDBACK_POLICY: FeedbackPolicy = {
  weights: new Map(),
  defaultWeight: 1,
  cap: 20,
  negativeKinds: new Set(DEFAULT_NEGATIVE_KINDS),
  ratingKinds: new Set(['rating']),
  negativeRatingBelow: undefined,
  negativePenalty: 0.5,
};

/** The events of one kind on one pair: how many, and how many of them had a value below the rating threshold. */
export interface KindCount {
  kind: string;
  count: number;
  /** Events with value < negativeRatingBelow (only read for rating kinds). */
  below: number;
}

export interface PairFeedback {
  /** The pair's positive strength (0 for a negative pair): Σ weight(kind) × events, at most `cap`. */
  confidence: number;
  negative: boolean;
}

export function kindWeight(kind: string, policy: FeedbackPolicy): number {
  return policy.weights.get(kind) ?? policy.defaultWeight;
}

export function isNegativeEvent(kind: string, value: number, policy: FeedbackPolicy): boolean {
  if (policy.negativeKinds.has(kind)) return true;
  return policy.ratingKinds.has(kind) && policy.negativeRatingBelow !== undefined && value < policy.negativeRatingBelow;
}

/** What a pair's events add up to. One negative event makes the pair negative, whatever else the user did. */
export function pairFeedback(kinds: Iterable<KindCount>, policy: FeedbackPolicy): PairFeedback {
  let confidence = 0;
  for (const { kind, count, below } of kinds) {
    if (count <= 0) continue;
    if (policy.negativeKinds.has(kind)) return { confidence: 0, negative: true };
    const lowRatings = policy.ratingKinds.has(kind) && policy.negativeRatingBelow !== undefined ? below : 0;
    if (lowRatings > 0) return { confidence: 0, negative: true };
    confidence += kindWeight(kind, policy) * count;
  }
  return { confidence: Math.min(policy.cap, confidence), negative: false };
}

/** The threshold the SQL summaries count `below` against (null: nothing is below). */
export function ratingThresholdParam(policy: FeedbackPolicy): number | null {
  return policy.negativeRatingBelow ?? null;
}

/** A pair summary as Postgres returns it (jsonb_object_agg(kind, [count, below])). */
export function kindCountsOf(summary: Record<string, [number, number]>): KindCount[] {
  return Object.entries(summary).map(([kind, [count, below]]) => ({ kind, count, below }));
}

/**
 * SQL for the per-kind summary of a pair, over the `interactions` rows in scope (alias `x`) grouped by pair and
 * kind in a subquery; `threshold` is the placeholder holding ratingThresholdParam. Used by the history reads and
 * training alike, so both count the same events.
 */
export function belowThresholdSql(threshold: string, alias = 'x'): string {
  return `count(*) FILTER (WHERE ${alias}.value < ${threshold})::int`;
}
