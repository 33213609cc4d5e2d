// The vocabulary of the serving use cases: what a list is made of and why it looks the way it does.
import type { ItemFilterInput } from '../catalogue.js';

export type Source =
  'COLLABORATIVE' | 'SEMANTIC' | 'IMAGE' | 'KEYWORD' | 'POPULAR' | 'SAME_CREATOR' | 'SESSION' | 'PINNED';
export type Strategy = 'MODEL' | 'FOLD_IN' | 'SEMANTIC' | 'SAME_CREATOR' | 'SESSION' | 'SEARCH' | 'POPULAR';

export interface ScoredItemId {
  itemId: number;
  score: number;
  source: Source;
  /** History items that pulled this one in, most influential first (only when an explanation was asked for). */
  because?: number[];
  /** Business rules that moved or placed this item (src/rules), in the order they applied. */
  rules?: string[];
}

export interface RecommendationResult {
  items: ScoredItemId[];
  strategy: Strategy;
  reason: string | null;
  modelVersion: string | null;
  /** More results exist past this page. */
  hasMore: boolean;
  /** Set when a fallback answered because a backing service failed (surfaced as `degraded` in extensions). */
  degraded?: string;
}

/** Filters as the use cases see them: internal ids, already validated. */
export type ItemFilter = ItemFilterInput;

/** Per-request list options every list takes (an experiment's variant sets them). */
export interface ListOptions {
  /** Business rules of this set apply (default "default"; EXCLUDE rules of every set always apply). */
  ruleSet?: string;
}

export interface PageRequest {
  first: number;
  offset: number;
}

export function emptyResult(strategy: Strategy, reason: string): RecommendationResult {
  return { items: [], strategy, reason, modelVersion: null, hasMore: false };
}
