// The user cold-start table: which row answers each situation, with the segment row in particular.
import { describe, expect, it } from 'vitest';
import {
  decide,
  reasonOf,
  segmentTooSmallReason,
  USER_POLICY,
  type UserSituation,
} from '../../src/recommend/policy.js';

const student = { attribute: 'occupation', value: 'student' };
const base: UserSituation = { knownUser: true, hasModel: true, historySize: 0, inModel: false, freshEvents: 0 };

function answer(situation: Partial<UserSituation>) {
  const full = { ...base, ...situation };
  const row = decide(USER_POLICY, full);
  return { when: row.when, strategy: row.strategy, among: row.popularAmong ?? 'everyone', reason: reasonOf(row, full) };
}

describe('USER_POLICY', () => {
  it('a known user with a segment and no events: popular among the segment, saying which', () => {
    expect(answer({ segment: student })).toEqual({
      when: 'user with a segment, and no model or no events',
      strategy: 'POPULAR',
      among: 'segment',
      reason: 'no events yet: popular among segment occupation=student',
    });
  });

  it('a user with a segment before any model is trained: popular among the segment, even with events', () => {
    expect(answer({ segment: student, hasModel: false, historySize: 4, freshEvents: 4 })).toMatchObject({
      strategy: 'POPULAR',
      among: 'segment',
      reason: 'no trained model yet: popular among segment occupation=student',
    });
  });

  it('without a segment, the global popular rows answer as before', () => {
    expect(answer({})).toMatchObject({
      strategy: 'POPULAR',
      among: 'everyone',
      reason: 'no events for this user yet: popular items',
    });
    expect(answer({ hasModel: false, historySize: 3 })).toMatchObject({
      among: 'everyone',
      reason: 'no trained model yet: popular items',
    });
  });

  it('an unknown user stays global popular', () => {
    expect(answer({ knownUser: false, hasModel: true })).toMatchObject({
      strategy: 'POPULAR',
      among: 'everyone',
      reason: 'unknown user: popular items',
    });
  });

  it('a user with a segment and events is answered by the model, not the segment', () => {
    expect(answer({ segment: student, historySize: 5, inModel: true })).toMatchObject({
      strategy: 'MODEL',
      reason: null,
    });
    expect(answer({ segment: student, historySize: 5, freshEvents: 5 })).toMatchObject({
      strategy: 'FOLD_IN',
      reason: null,
    });
  });

  it('says why a too-small segment gets the global list', () => {
    expect(segmentTooSmallReason({ ...base, segment: student }, 3, 100)).toBe(
      'no events yet: segment occupation=student has too few events (3 < 100): popular items',
    );
  });
});
