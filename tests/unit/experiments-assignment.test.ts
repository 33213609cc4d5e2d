// Experiment assignment (src/experiments/assignment.ts) and the report's intervals (wilson.ts): deterministic,
// proportional to the shares, independent across salts; Wilson intervals against published values.
import { describe, expect, it } from 'vitest';
import { assign, assignmentPoint, variantFor } from '../../src/experiments/assignment.js';
import type { Experiment } from '../../src/experiments/types.js';
import { wilson } from '../../src/experiments/wilson.js';

function experiment(salt: string, shares: number[], status: Experiment['status'] = 'running'): Experiment {
  return {
    id: 1,
    name: 'exp',
    salt,
    status,
    variants: shares.map((share, i) => ({ name: `v${i}`, share })),
    createdAt: new Date(0),
    startedAt: null,
    stoppedAt: null,
    endedAt: null,
  };
}

const users = Array.from({ length: 20_000 }, (_, i) => `user-${i}`);

describe('experiment assignment', () => {
  it('gives a user the same variant on every call (and for a copy of the experiment)', () => {
    const a = experiment('salt-1', [0.5, 0.5]);
    const first = users.slice(0, 500).map((u) => assign(a, u)?.variant.name);
    const again = users.slice(0, 500).map((u) => assign(structuredClone(a), u)?.variant.name);
    expect(again).toEqual(first);
    expect(assignmentPoint('salt-1', 'user-7')).toBe(assignmentPoint('salt-1', 'user-7'));
  });

  it('matches the traffic shares within 4 standard errors over 20,000 users', () => {
    const shares = [0.5, 0.3, 0.15]; // 5 % outside the experiment
    const counts = new Map<string, number>();
    for (const user of users) {
      const name = assign(experiment('shares', shares), user)?.variant.name ?? 'outside';
      counts.set(name, (counts.get(name) ?? 0) + 1);
    }
    const expected: Array<[string, number]> = [
      ...shares.map((s, i): [string, number] => [`v${i}`, s]),
      ['outside', 0.05],
    ];
    for (const [name, share] of expected) {
      const observed = (counts.get(name) ?? 0) / users.length;
      const standardError = Math.sqrt((share * (1 - share)) / users.length);
      expect(Math.abs(observed - share), `${name}: ${observed} vs ${share}`).toBeLessThan(4 * standardError);
    }
  });

  it('re-shuffles users with another salt (assignments independent across salts)', () => {
    const a = experiment('salt-a', [0.5, 0.5]);
    const b = experiment('salt-b', [0.5, 0.5]);
    const same = users.filter((u) => assign(a, u)?.variant.name === assign(b, u)?.variant.name).length;
    // Independent halves agree for ≈ 50 % of users.
    expect(Math.abs(same / users.length - 0.5)).toBeLessThan(4 * Math.sqrt(0.25 / users.length));
  });

  it('assigns nobody unless the experiment runs; points past the shares are outside', () => {
    for (const status of ['draft', 'stopped', 'ended'] as const)
      expect(assign(experiment('s', [1], status), 'user-1')).toBeUndefined();
    expect(assign(experiment('s', [1]), 'user-1')?.variant.name).toBe('v0');
    expect(variantFor([{ name: 'a', share: 0.5 }], 0.49)?.name).toBe('a');
    expect(variantFor([{ name: 'a', share: 0.5 }], 0.5)).toBeUndefined();
    for (const user of users.slice(0, 1000)) {
      const point = assignmentPoint('range', user);
      expect(point).toBeGreaterThanOrEqual(0);
      expect(point).toBeLessThan(1);
    }
  });
});

describe('Wilson score interval', () => {
  it('matches published values (Newcombe 1998, Table I: 81/263, 15/148, 0/20)', () => {
    const a = wilson(81, 263);
    expect(a.low).toBeCloseTo(0.2553, 4);
    expect(a.high).toBeCloseTo(0.3662, 4);
    const b = wilson(15, 148);
    expect(b.low).toBeCloseTo(0.0624, 4);
    expect(b.high).toBeCloseTo(0.1605, 4);
    const c = wilson(0, 20);
    expect(c.low).toBe(0);
    expect(c.high).toBeCloseTo(0.1611, 4);
    expect(wilson(0, 0)).toEqual({ successes: 0, trials: 0, rate: 0, low: 0, high: 0 });
  });
});
