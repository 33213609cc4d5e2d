// The one function training and fold-in weigh events with, and the configuration that feeds it.
import { describe, expect, it } from 'vitest';
import { feedbackPolicyFrom, loadConfig, parseEventWeights } from '../../src/config.js';
import { DEFAULT_FEEDBACK_POLICY, pairFeedback, type FeedbackPolicy } from '../../src/feedback/event-weights.js';
import { pushDownNearNegatives } from '../../src/recommend/negative-feedback.js';

const policy: FeedbackPolicy = {
  ...DEFAULT_FEEDBACK_POLICY,
  weights: parseEventWeights('view=1,click=2,like=4,purchase=8'),
  cap: 10,
  negativeRatingBelow: 3,
};

describe('event weights', () => {
  it('weighs each event by its kind and adds repeats up to the cap', () => {
    expect(pairFeedback([{ kind: 'view', count: 1, below: 0 }], policy)).toEqual({ confidence: 1, negative: false });
    expect(pairFeedback([{ kind: 'click', count: 2, below: 0 }], policy).confidence).toBe(4);
    expect(
      pairFeedback(
        [
          { kind: 'view', count: 1, below: 0 },
          { kind: 'like', count: 1, below: 0 },
        ],
        policy,
      ).confidence,
    ).toBe(5);
    expect(pairFeedback([{ kind: 'purchase', count: 3, below: 0 }], policy).confidence).toBe(10);
    // An unlisted kind weighs the default weight.
    expect(pairFeedback([{ kind: 'share', count: 2, below: 0 }], policy).confidence).toBe(2);
  });

  it('makes a pair negative on one negative event or one low rating, whatever else happened', () => {
    expect(
      pairFeedback(
        [
          { kind: 'purchase', count: 1, below: 0 },
          { kind: 'return', count: 1, below: 0 },
        ],
        policy,
      ),
    ).toEqual({ confidence: 0, negative: true });
    expect(pairFeedback([{ kind: 'rating', count: 2, below: 1 }], policy).negative).toBe(true);
    expect(pairFeedback([{ kind: 'rating', count: 2, below: 0 }], policy)).toEqual({ confidence: 2, negative: false });
    // Without a threshold, ratings are never negative; `below` of a non-rating kind means nothing.
    expect(pairFeedback([{ kind: 'rating', count: 1, below: 1 }], DEFAULT_FEEDBACK_POLICY).negative).toBe(false);
    expect(pairFeedback([{ kind: 'view', count: 1, below: 1 }], policy).negative).toBe(false);
  });

  it('reads the settings and refuses malformed ones with the variable and the value named', () => {
    const read = feedbackPolicyFrom({
      RECGRAPH_EVENT_WEIGHTS: ' view=1, purchase = 8 ',
      RECGRAPH_NEGATIVE_KINDS: 'dislike,refund',
      RECGRAPH_NEGATIVE_RATING_BELOW: '2.5',
      RECGRAPH_EVENT_WEIGHT_CAP: '12',
    });
    expect([...read.weights]).toEqual([
      ['view', 1],
      ['purchase', 8],
    ]);
    expect([...read.negativeKinds]).toEqual(['dislike', 'refund']);
    expect(read.negativeRatingBelow).toBe(2.5);
    expect(read.cap).toBe(12);
    expect([...loadConfig({}).feedback.negativeKinds]).toEqual(['dislike', 'hide', 'not_interested', 'return']);
    expect(() => parseEventWeights('view')).toThrow(/RECGRAPH_EVENT_WEIGHTS: "view" is not kind=weight/);
    expect(() => parseEventWeights('view=abc')).toThrow(/weight of "view" must be a number > 0, got "abc"/);
    expect(() => parseEventWeights('view=-1')).toThrow(/must be a number > 0/);
    expect(() => parseEventWeights('view=1,view=2')).toThrow(/"view" is given twice/);
    expect(() => parseEventWeights('vi ew=1')).toThrow(/is not kind=weight/);
    expect(() => feedbackPolicyFrom({ RECGRAPH_EVENT_WEIGHTS: 'dislike=2' })).toThrow(/makes negative/);
    expect(() => feedbackPolicyFrom({ RECGRAPH_EVENT_WEIGHT_CAP: '0' })).toThrow(
      /RECGRAPH_EVENT_WEIGHT_CAP must be a number > 0/,
    );
    expect(() => feedbackPolicyFrom({ RECGRAPH_NEGATIVE_RATING_BELOW: 'low' })).toThrow(
      /RECGRAPH_NEGATIVE_RATING_BELOW/,
    );
    expect(() => feedbackPolicyFrom({ RECGRAPH_NEGATIVE_KINDS: 'dis like' })).toThrow(/not an event kind/);
  });
});

describe('negative push-down', () => {
  it('lowers candidates by their closeness to a negative item and leaves unrelated ones', () => {
    const candidates = [
      { id: 1, score: 1.0 },
      { id: 2, score: 0.9 },
      { id: 3, score: 0.5 },
    ];
    const vectors = new Map([
      [1, [1, 0]],
      [2, [0, 1]],
      [3, [0.1, 1]],
    ]);
    const out = pushDownNearNegatives(candidates, vectors, { vectors: [[1, 0]], penalty: 0.5 });
    expect(out.map((c) => c.id)).toEqual([2, 1, 3]);
    expect(out.find((c) => c.id === 2)!.score).toBe(0.9);
    expect(out.find((c) => c.id === 1)!.score).toBeCloseTo(1 - 0.5 * 0.5, 10);
  });
});
