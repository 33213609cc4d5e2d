// The cold-start policy, as tables: the first row whose condition holds decides the strategy. Every branch a
// list can come from is here, with the reason shown to clients when it is not the model's own answer.
import type { Strategy } from './types.js';

export interface PolicyRow<S> {
  when: string;
  applies(situation: S): boolean;
  strategy: Strategy;
  /** POPULAR rows: whose events rank the items — everyone's (the default) or only those of the user's segment. */
  popularAmong?: 'everyone' | 'segment';
  /** Told to the client (RecommendationList.reason); null for the model's own answer. */
  reason: string | null | ((situation: S) => string);
}

/** A user's segment: the value of the configured attribute (RECGRAPH_SEGMENT_ATTRIBUTE) in users.attributes. */
export interface Segment {
  attribute: string;
  value: string;
}

export interface UserSituation {
  knownUser: boolean;
  hasModel: boolean;
  historySize: number;
  inModel: boolean;
  /** Events created after the model's data cutoff. */
  freshEvents: number;
  /** Undefined when the user has no value for the segment attribute (or is unknown). */
  segment?: Segment;
}

function whyNotPersonal(s: UserSituation): string {
  return s.hasModel ? 'no events yet' : 'no trained model yet';
}

/** The reason when the segment row applies but the segment's events are too few to rank by: global popular instead. */
export function segmentTooSmallReason(s: UserSituation, events: number, minEvents: number): string {
  return `${whyNotPersonal(s)}: segment ${s.segment!.attribute}=${s.segment!.value} has too few events (${events} < ${minEvents}): popular items`;
}

export const USER_POLICY: ReadonlyArray<PolicyRow<UserSituation>> = [
  { when: 'unknown user', applies: (s) => !s.knownUser, strategy: 'POPULAR', reason: 'unknown user: popular items' },
  {
    when: 'user with a segment, and no model or no events',
    applies: (s) => s.segment !== undefined && (!s.hasModel || s.historySize === 0),
    strategy: 'POPULAR',
    popularAmong: 'segment',
    reason: (s) => `${whyNotPersonal(s)}: popular among segment ${s.segment!.attribute}=${s.segment!.value}`,
  },
  {
    when: 'no model trained yet',
    applies: (s) => !s.hasModel,
    strategy: 'POPULAR',
    reason: 'no trained model yet: popular items',
  },
  {
    when: 'user without events',
    applies: (s) => s.historySize === 0,
    strategy: 'POPULAR',
    reason: 'no events for this user yet: popular items',
  },
  {
    when: 'user in the model, nothing newer',
    applies: (s) => s.inModel && s.freshEvents === 0,
    strategy: 'MODEL',
    reason: null,
  },
  {
    when: 'events newer than the model, or a user the model never saw',
    applies: () => true,
    strategy: 'FOLD_IN',
    reason: null,
  },
];

export interface ItemSituation {
  hasCollaborative: boolean;
  hasSemantic: boolean;
  creators: number;
  /** What the caller asked for. */
  mode: 'COLLABORATIVE' | 'SEMANTIC' | 'HYBRID';
}

export const ITEM_POLICY: ReadonlyArray<PolicyRow<ItemSituation>> = [
  {
    when: 'collaborative vector (and the mode wants it)',
    applies: (s) => s.hasCollaborative && s.mode !== 'SEMANTIC',
    strategy: 'MODEL',
    reason: null,
  },
  {
    when: 'semantic vector',
    applies: (s) => s.hasSemantic,
    strategy: 'SEMANTIC',
    reason: null,
  },
  {
    when: 'creators known',
    applies: (s) => s.creators > 0,
    strategy: 'SAME_CREATOR',
    reason: 'no vectors for this item yet: same creator',
  },
  {
    when: 'nothing known',
    applies: () => true,
    strategy: 'POPULAR',
    reason: 'no vectors or creators for this item: popular items',
  },
];

export function reasonOf<S>(row: PolicyRow<S>, situation: S): string | null {
  return typeof row.reason === 'function' ? row.reason(situation) : row.reason;
}

export function decide<S>(table: ReadonlyArray<PolicyRow<S>>, situation: S): PolicyRow<S> {
  const row = table.find((candidate) => candidate.applies(situation));
  if (!row) throw new Error('policy table has no catch-all row');
  return row;
}
