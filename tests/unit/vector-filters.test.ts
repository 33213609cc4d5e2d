import { describe, expect, it } from 'vitest';
import { allOf, buildItemFilter, ITEM_PAYLOAD_INDEXES } from '../../src/vector/filters.js';

describe('buildItemFilter', () => {
  it('returns undefined when nothing constrains the search', () => {
    expect(buildItemFilter()).toBeUndefined();
    expect(buildItemFilter({})).toBeUndefined();
    expect(buildItemFilter({ genres: [], tags: [], creators: [], excludeIds: [] })).toBeUndefined();
  });

  it('maps lists to match-any conditions that must all hold', () => {
    expect(buildItemFilter({ genres: ['Comedy', 'Drama'], tags: ['cult'], creators: ['c42'] })).toEqual({
      must: [
        { key: 'genres', match: { any: ['Comedy', 'Drama'] } },
        { key: 'tags', match: { any: ['cult'] } },
        { key: 'creators', match: { any: ['c42'] } },
      ],
    });
  });

  it('maps year bounds to one inclusive range, open on a missing side', () => {
    expect(buildItemFilter({ yearFrom: 1990, yearTo: 1999 })).toEqual({
      must: [{ key: 'year', range: { gte: 1990, lte: 1999 } }],
    });
    expect(buildItemFilter({ yearFrom: 2000 })).toEqual({ must: [{ key: 'year', range: { gte: 2000 } }] });
    expect(buildItemFilter({ yearTo: 1950 })).toEqual({ must: [{ key: 'year', range: { lte: 1950 } }] });
    expect(buildItemFilter({ yearFrom: 1995, yearTo: 1995 })).toEqual({
      must: [{ key: 'year', range: { gte: 1995, lte: 1995 } }],
    });
  });

  it('rejects an empty or invalid year range instead of silently matching nothing', () => {
    expect(() => buildItemFilter({ yearFrom: 2001, yearTo: 2000 })).toThrow(
      /yearFrom \(2001\) is after yearTo \(2000\)/,
    );
    expect(() => buildItemFilter({ yearFrom: Number.NaN })).toThrow(RangeError);
  });

  it('excludes ids with a de-duplicated has_id in must_not', () => {
    expect(buildItemFilter({ excludeIds: [5, 3, 5] })).toEqual({ must_not: [{ has_id: [5, 3] }] });
  });

  it('combines all constraints', () => {
    expect(buildItemFilter({ genres: ['Horror'], yearFrom: 1980, excludeIds: [1] })).toEqual({
      must: [
        { key: 'genres', match: { any: ['Horror'] } },
        { key: 'year', range: { gte: 1980 } },
      ],
      must_not: [{ has_id: [1] }],
    });
  });

  it('does not keep references to the caller arrays', () => {
    const genres = ['A'];
    const filter = buildItemFilter({ genres });
    genres.push('B');
    expect(filter).toEqual({ must: [{ key: 'genres', match: { any: ['A'] } }] });
  });

  it('indexes every payload key it filters on', () => {
    expect(ITEM_PAYLOAD_INDEXES).toMatchObject({
      genres: 'keyword',
      tags: 'keyword',
      creators: 'keyword',
      year: 'integer',
      popularity: 'float',
    });
  });
});

describe('allOf', () => {
  it('concatenates must and must_not clauses', () => {
    expect(
      allOf(buildItemFilter({ genres: ['A'] }), undefined, buildItemFilter({ excludeIds: [9] }), {
        must: { key: 'x', match: { value: 1 } },
      }),
    ).toEqual({
      must: [
        { key: 'genres', match: { any: ['A'] } },
        { key: 'x', match: { value: 1 } },
      ],
      must_not: [{ has_id: [9] }],
    });
  });

  it("keeps each filter's should clause as its own nested condition", () => {
    const a = {
      should: [
        { key: 'g', match: { value: 'x' } },
        { key: 'g', match: { value: 'y' } },
      ],
    };
    const b = { should: [{ key: 'h', match: { value: 'z' } }] };
    expect(allOf(a, b)).toEqual({ must: [{ should: a.should }, { should: b.should }] });
  });

  it('is undefined when every input is', () => {
    expect(allOf(undefined, buildItemFilter({}))).toBeUndefined();
  });
});
