// The cold-start policy, as tables: the first row whose condition holds decides the strategy. Every branch a
// list can come from is here, with the reason shown to clients when it is not the model's own answer.
import type { Strategy } from './types.js';

export interface PolicyRow<S> {
  when: string;
  applies(situation: S): boolean;
  strategy: Strategy;
  /** Told to the client (RecommendationList.reason); null for the model's own answer. */
  reason: string | null;
}

export interface UserSituation {
  knownUser: boolean;
  hasModel: boolean;
  historySize: number;
  inModel: boolean;
  /** Events created after the model's data cutoff. */
  freshEvents: number;
}

export const USER_POLICY: ReadonlyArray<PolicyRow<UserSituation>> = [
  { when: 'unknown user', applies: (s) => !s.knownUser, strategy: 'POPULAR', reason: 'unknown user: popular items' },
  { when: 'no model trained yet', applies: (s) => !s.hasModel, strategy: 'POPULAR', reason: 'no trained model yet: popular items' },
  { when: 'user without events', applies: (s) => s.historySize === 0, strategy: 'POPULAR', reason: 'no events for this user yet: popular items' },
  { when: 'user in the model, nothing newer', applies: (s) => s.inModel && s.freshEvents === 0, strategy: 'MODEL', reason: null },
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
  { when: 'creators known', applies: (s) => s.creators > 0, strategy: 'SAME_CREATOR', reason: 'no vectors for this item yet: same creator' },
  { when: 'nothing known', applies: () => true, strategy: 'POPULAR', reason: 'no vectors or creators for this item: popular items' },
];

export function decide<S>(table: ReadonlyArray<PolicyRow<S>>, situation: S): PolicyRow<S> {
  const row = table.find((candidate) => candidate.applies(situation));
  if (!row) throw new Error('policy table has no catch-all row');
  return row;
}
