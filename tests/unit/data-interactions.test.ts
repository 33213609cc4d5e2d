import { describe, expect, it } from 'vitest';
import {
  buildInteractionMatrix,
  mergeMatrices,
  rowItems,
  rowValues,
  transpose,
} from '../../training/data/interactions.js';
import { formatSplitText, parseSplitText } from '../../training/data/split-file.js';
import { syntheticInteractions } from '../../training/data/synthetic.js';
import { randomHoldout } from '../../training/eval/splits.js';

describe('buildInteractionMatrix', () => {
  it('sorts rows and merges duplicates by the chosen policy', () => {
    const users = [1, 0, 1, 1, 0];
    const items = [3, 2, 0, 3, 2];
    const values = [1, 5, 2, 4, 1];
    const sum = buildInteractionMatrix(3, 4, users, items, values);
    expect(Array.from(sum.indptr)).toEqual([0, 1, 3, 3]);
    expect(Array.from(rowItems(sum, 1))).toEqual([0, 3]);
    expect(Array.from(rowValues(sum, 1))).toEqual([2, 5]);
    expect(Array.from(rowValues(sum, 0))).toEqual([6]);
    expect(Array.from(rowValues(buildInteractionMatrix(3, 4, users, items, values, 'max'), 0))).toEqual([5]);
    expect(Array.from(rowValues(buildInteractionMatrix(3, 4, users, items, values, 'last'), 1))).toEqual([2, 4]);
  });

  it('rejects ids outside the declared shape', () => {
    expect(() => buildInteractionMatrix(2, 2, [2], [0])).toThrow(/user id 2/);
    expect(() => buildInteractionMatrix(2, 2, [0], [-1])).toThrow(/item id -1/);
  });

  it('transposes to the item-major view and back', () => {
    const m = syntheticInteractions({ numUsers: 50, numItems: 40, interactions: 400, seed: 3 });
    const t = transpose(m);
    expect(t.numUsers).toBe(40);
    for (let i = 0; i < 40; i++) {
      for (const u of rowItems(t, i)) expect(Array.from(rowItems(m, u))).toContain(i);
    }
    const back = transpose(t);
    expect(Array.from(back.indptr)).toEqual(Array.from(m.indptr));
    expect(Array.from(back.indices)).toEqual(Array.from(m.indices));
  });
});

describe('split files', () => {
  it('parses the "user item item …" layout and round-trips', () => {
    const parsed = parseSplitText('0 3 1\n\n2 0\t4\n');
    expect(Array.from(parsed.users)).toEqual([0, 0, 2, 2]);
    expect(Array.from(parsed.items)).toEqual([3, 1, 0, 4]);
    expect([parsed.maxUser, parsed.maxItem]).toEqual([2, 4]);
    const m = buildInteractionMatrix(3, 5, parsed.users, parsed.items);
    expect(formatSplitText(m)).toBe('0 1 3\n2 0 4\n');
  });

  it('reports the line of a malformed id', () => {
    expect(() => parseSplitText('0 1\n1 x\n')).toThrow(/line 2/);
  });
});

describe('randomHoldout', () => {
  it('partitions every user exactly and is reproducible by seed', () => {
    const m = syntheticInteractions({ numUsers: 80, numItems: 60, interactions: 900, seed: 5 });
    const a = randomHoldout(m, 0.2, 11);
    const b = randomHoldout(m, 0.2, 11);
    expect(Array.from(a.test.indices)).toEqual(Array.from(b.test.indices));
    const merged = mergeMatrices(a.train, a.test);
    expect(Array.from(merged.indices)).toEqual(Array.from(m.indices));
    for (let u = 0; u < m.numUsers; u++) {
      const tr = new Set(rowItems(a.train, u));
      for (const i of rowItems(a.test, u)) expect(tr.has(i)).toBe(false);
      if (rowItems(m, u).length >= 2) expect(rowItems(a.train, u).length).toBeGreaterThan(0);
    }
  });
});
