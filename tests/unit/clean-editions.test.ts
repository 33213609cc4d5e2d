import { describe, expect, it } from 'vitest';
import { editionKeys, groupEditions, WorkUnion } from '../../training/clean/editions.js';
import { applyImplicitPolicy, emptyImplicitStats, validatePolicy } from '../../training/clean/implicit.js';

/** Items that share a work id with `id`. */
function workOf(works: Map<number, number>, id: number): number[] {
  return [...works.entries()]
    .filter(([, w]) => w === works.get(id))
    .map(([i]) => i)
    .sort((a, b) => a - b);
}

describe('groupEditions', () => {
  const catalog = [
    { id: 1, title: 'The Fellowship of the Ring', creators: ['J. R. R. Tolkien'] },
    { id: 2, title: 'Fellowship of the Ring (The Lord of the Rings, Part 1)', creators: ['Tolkien, J.R.R.'] },
    { id: 3, title: 'The Fellowship of the Ring: Mass Market Paperback', creators: ['J.R.R. TOLKIEN'] },
    { id: 4, title: 'The Two Towers', creators: ['J. R. R. Tolkien'] },
    { id: 5, title: 'The Felowship of the Ring', creators: ['John Ronald Reuel Tolkien'] }, // typo, full name
    { id: 6, title: 'The Fellowship of the Ring', creators: ['Christopher Tolkien'] }, // another Tolkien
    { id: 7, title: 'Harry Potter and the Chamber of Secrets', creators: ['J. K. Rowling'] },
    { id: 8, title: 'Harry Potter and the Prisoner of Azkaban', creators: ['J. K. Rowling'] },
    { id: 9, title: 'Harry Potter and the Chamber of Secrets (Book 2)', creators: ['Rowling, J.K.'] },
    { id: 10, title: 'Foundation, Volume 1', creators: ['Isaac Asimov'] },
    { id: 11, title: 'Foundation, Volume 2', creators: ['Isaac Asimov'] },
    { id: 12, title: 'Chasing Amy (1997)', year: 1997 },
    { id: 13, title: 'Chasing Amy (1997)', year: 1997 },
    { id: 14, title: 'Hamlet (1990)', year: 1990 },
    { id: 15, title: 'Hamlet (1996)', year: 1996 },
    { id: 16, title: '', creators: ['Nobody'] },
    { id: 17, title: 'USB Cable' },
    { id: 18, title: 'USB Cable' },
  ];
  const works = groupEditions(catalog);

  it('groups editions of one work, whatever the spelling of title and creator', () => {
    expect(workOf(works, 1)).toEqual([1, 2, 3, 5]);
    expect(workOf(works, 7)).toEqual([7, 9]);
  });

  it('uses the smallest item id as the work id', () => {
    expect(works.get(3)).toBe(1);
    expect(works.get(9)).toBe(7);
  });

  it('keeps different works apart: other titles, other creators, other volumes, other years', () => {
    expect(workOf(works, 4)).toEqual([4]);
    expect(workOf(works, 6)).toEqual([6]);
    expect(workOf(works, 8)).toEqual([8]);
    expect(workOf(works, 10)).toEqual([10]);
    expect(workOf(works, 11)).toEqual([11]);
    expect(workOf(works, 14)).toEqual([14]);
  });

  it('groups items without creators only on the exact title and a known year', () => {
    expect(workOf(works, 12)).toEqual([12, 13]);
    expect(workOf(works, 17)).toEqual([17]);
  });

  it('is lossless: every item gets a work id, untitled ones their own', () => {
    expect(works.size).toBe(catalog.length);
    expect(works.get(16)).toBe(16);
    expect(editionKeys({ id: 16, title: '' })).toBeNull();
  });

  it('links transitively (connected components) and does not depend on input order', () => {
    const chain = [
      { id: 3, title: 'The Neverending Story abc', creators: ['Michael Ende'] },
      { id: 1, title: 'The Neverending Story', creators: ['Michael Ende'] },
      { id: 2, title: 'The Neverending Story a', creators: ['Michael Ende'] },
    ];
    const a = groupEditions(chain, { threshold: 0.97 });
    const b = groupEditions([...chain].reverse(), { threshold: 0.97 });
    expect([...a.values()]).toEqual([1, 1, 1]);
    expect(new Map([...b.entries()].sort())).toEqual(new Map([...a.entries()].sort()));
  });
});

describe('WorkUnion', () => {
  it('keeps the smallest id as root', () => {
    const u = new WorkUnion(10);
    u.union(9, 4);
    u.union(4, 7);
    u.union(2, 9);
    expect([9, 4, 7, 2].map((i) => u.find(i))).toEqual([2, 2, 2, 2]);
    expect(u.find(5)).toBe(5);
  });
});

describe('implicit policy', () => {
  it('drops ratings below the threshold and counts them; leaves implicit events alone', () => {
    const stats = emptyImplicitStats();
    const policy = { positiveThreshold: 4 };
    expect(applyImplicitPolicy({ kind: 'rating', value: 3 }, policy, stats)).toBeNull();
    expect(applyImplicitPolicy({ kind: 'rating', value: 4 }, policy, stats)).toEqual({ kind: 'rating', value: 4 });
    expect(applyImplicitPolicy({ kind: 'implicit', value: 0 }, policy, stats)).toEqual({ kind: 'implicit', value: 0 });
    expect(stats.filtered).toBe(1);
  });

  it('binarizes positives and can keep the rest', () => {
    const stats = emptyImplicitStats();
    const policy = { positiveThreshold: 6, binarize: true, belowThreshold: 'keep' as const };
    expect(applyImplicitPolicy({ kind: 'rating', value: 8 }, policy, stats)).toEqual({ kind: 'implicit', value: 1 });
    expect(applyImplicitPolicy({ kind: 'rating', value: 2 }, policy, stats)).toEqual({ kind: 'rating', value: 2 });
    expect(stats).toEqual({ filtered: 0, binarized: 1 });
  });

  it('refuses an incomplete policy', () => {
    expect(() => validatePolicy({ binarize: true })).toThrow(/threshold/);
  });
});
