// Business rules: declarative edits a product team makes to every list (promotions, out-of-stock items, variety).
// As stored and listed they name items by the catalogue's own ids; compiled for serving they hold internal ids.
import type { ItemMatch } from '../catalogue.js';

export type RuleKind = 'BOOST' | 'BURY' | 'PIN' | 'CAP' | 'EXCLUDE';
export type CapField = 'CREATOR' | 'GENRE';

/** Which items a rule is about: the listed ids and/or those passing the filter (both given: both must hold). */
export interface RuleMatchSpec {
  itemIds?: string[];
  filter?: { genres?: string[]; tags?: string[]; creators?: string[]; yearFrom?: number; yearTo?: number };
}

/** A rule's parameters, by kind: BOOST/BURY/EXCLUDE `match` (+ `factor`), PIN `pins`, CAP `cap`. */
export interface RuleSpec {
  match?: RuleMatchSpec;
  /** BOOST: ≥ 1, BURY: in (0, 1] — the matching items' scores are multiplied by it. */
  factor?: number;
  /** 1-based positions in the whole list (not the page). */
  pins?: Array<{ itemId: string; position: number }>;
  /** At most `max` items per creator (or genre) in one list. */
  cap?: { by: CapField; max: number };
}

export interface BusinessRule {
  id: string;
  ruleSet: string;
  kind: RuleKind;
  spec: RuleSpec;
  startsAt: Date | null;
  endsAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

/** A rule as the serving path applies it: internal item ids, times as epoch milliseconds. */
export interface CompiledRule {
  id: string;
  ruleSet: string;
  kind: RuleKind;
  match?: ItemMatch;
  factor?: number;
  pins?: Array<{ itemId: number; position: number }>;
  cap?: { by: CapField; max: number };
  startsAt?: number;
  endsAt?: number;
}

export const DEFAULT_RULE_SET = 'default';

/** Where the serving path gets the current rules from (rule-cache.ts). */
export interface RuleSource {
  rules(): Promise<readonly CompiledRule[]>;
}
