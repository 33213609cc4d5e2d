// The business-rules engine (src/rules/apply.ts, compile.ts) on hand-made lists, and the exclusion filters it hands
// to Qdrant and Postgres.
import { describe, expect, it } from 'vitest';
import { itemFilterSql } from '../../src/db/item-filter-sql.js';
import type { ScoredItemId } from '../../src/recommend/types.js';
import {
  activeRules,
  rankByRules,
  reasonWithRules,
  withRuleExclusions,
  type ItemFacts,
} from '../../src/rules/apply.js';
import { compileRules } from '../../src/rules/compile.js';
import type { BusinessRule, CompiledRule } from '../../src/rules/types.js';
import { buildItemFilter } from '../../src/vector/filters.js';

const facts = new Map<number, ItemFacts>(
  [
    { id: 1, genres: ['fantasy'], tags: [], creators: ['a'], year: 2001 },
    { id: 2, genres: ['fantasy'], tags: [], creators: ['a'], year: 2002 },
    { id: 3, genres: ['horror'], tags: [], creators: ['b'], year: null },
    { id: 4, genres: ['travel'], tags: [], creators: ['a'], year: 1990 },
    { id: 9, genres: ['poetry'], tags: [], creators: ['c'], year: 2010 },
  ].map((f) => [f.id, f]),
);
const list: ScoredItemId[] = [1, 2, 3, 4].map((itemId, r) => ({ itemId, score: 1 - r / 10, source: 'COLLABORATIVE' }));
const rule = (r: Partial<CompiledRule> & Pick<CompiledRule, 'id' | 'kind'>): CompiledRule => ({
  ruleSet: 'default',
  ...r,
});

describe('rules engine', () => {
  it('boosts and buries by factor, caps per creator, pins at positions, in that order', () => {
    const { items, touched } = rankByRules(
      list,
      [
        rule({ id: 'up', kind: 'BOOST', match: { genres: ['travel'] }, factor: 2 }),
        rule({ id: 'down', kind: 'BURY', match: { ids: [1] }, factor: 0.5 }),
        rule({ id: 'cap', kind: 'CAP', cap: { by: 'CREATOR', max: 1 } }),
        rule({ id: 'pin', kind: 'PIN', pins: [{ itemId: 9, position: 2 }] }),
      ],
      facts,
      new Set([9]),
    );
    // travel (4) ×2 = 1.4 first; 2 (0.9), 3 (0.8), 1 (0.5); cap: creator a once → 4, 3; pin 9 at 2.
    expect(items.map((e) => e.itemId)).toEqual([4, 9, 3]);
    expect(items[0].rules).toEqual(['up']);
    expect(items[1]).toMatchObject({ source: 'PINNED', rules: ['pin'] });
    expect(Object.fromEntries(touched)).toEqual({ up: 1, down: 1, cap: 2, pin: 1 });
    const all = [rule({ id: 'up', kind: 'BOOST' }), rule({ id: 'x', kind: 'EXCLUDE' })];
    expect(reasonWithRules('fold-in', new Map([['up', 1]]), all, [all[1]])).toBe(
      'fold-in; business rules: boost up (1 item), exclude x',
    );
  });

  it('does not pin what the list may not hold, and keeps order when nothing matches', () => {
    const { items } = rankByRules(
      list,
      [rule({ id: 'pin', kind: 'PIN', pins: [{ itemId: 9, position: 1 }] })],
      facts,
      new Set(),
    );
    expect(items).toEqual(list);
    const none = rankByRules(
      list,
      [rule({ id: 'up', kind: 'BOOST', match: { genres: ['jazz'] }, factor: 3 })],
      facts,
      new Set(),
    );
    expect(none.items).toEqual(list);
  });

  it('applies a rule set, every EXCLUDE rule, and only inside the start and end times', () => {
    const rules = [
      rule({ id: 'a', kind: 'BOOST', ruleSet: 'b', factor: 2, match: { ids: [1] } }),
      rule({ id: 'x', kind: 'EXCLUDE', ruleSet: 'b', match: { ids: [2] } }),
      rule({ id: 'later', kind: 'CAP', cap: { by: 'GENRE', max: 1 }, startsAt: 2000 }),
      rule({ id: 'over', kind: 'CAP', cap: { by: 'GENRE', max: 1 }, endsAt: 1000 }),
    ];
    expect(activeRules(rules, undefined, 1500).map((r) => r.id)).toEqual(['x']);
    expect(activeRules(rules, 'b', 1500).map((r) => r.id)).toEqual(['a', 'x']);
    expect(activeRules(rules, undefined, 2000).map((r) => r.id)).toEqual(['x', 'later']);
  });

  it('turns EXCLUDE rules into filters Qdrant and Postgres apply (ids alone locally, the rest as must_not)', () => {
    const filter = withRuleExclusions({ excludeIds: [7] }, [
      rule({ id: 'ids', kind: 'EXCLUDE', match: { ids: [1, 2] } }),
      rule({ id: 'genre', kind: 'EXCLUDE', match: { genres: ['horror'], yearFrom: 2000 } }),
    ]);
    expect(filter).toEqual({ excludeIds: [7, 1, 2], excludeMatching: [{ genres: ['horror'], yearFrom: 2000 }] });
    expect(buildItemFilter(filter)?.must_not).toEqual([
      { has_id: [7, 1, 2] },
      {
        must: [
          { key: 'genres', match: { any: ['horror'] } },
          { key: 'year', range: { gte: 2000 } },
        ],
      },
    ]);
    const params: unknown[] = [];
    expect(itemFilterSql(filter, params)).toBe(
      'it.deleted_at IS NULL AND it.id <> ALL($1::int[]) AND NOT coalesce((it.genres && $2::text[] AND it.year >= $3), false)',
    );
    expect(params).toEqual([[7, 1, 2], ['horror'], 2000]);
  });

  it('compiles catalogue ids to internal ones, dropping a rule whose items are all gone', () => {
    const stored = (id: string, spec: BusinessRule['spec'], kind: BusinessRule['kind'] = 'EXCLUDE'): BusinessRule => ({
      id,
      ruleSet: 'default',
      kind,
      spec,
      startsAt: null,
      endsAt: null,
      createdAt: new Date(0),
      updatedAt: new Date(0),
    });
    const ids = new Map([['book-1', 1]]);
    const compiled = compileRules(
      [
        stored('kept', { match: { itemIds: ['book-1', 'gone'] } }),
        stored('dropped', { match: { itemIds: ['gone'] } }),
        stored('pin', { pins: [{ itemId: 'gone', position: 1 }] }, 'PIN'),
        stored('genre', { match: { filter: { genres: ['horror'] } } }),
      ],
      ids,
    );
    expect(compiled.map((r) => [r.id, r.match])).toEqual([
      ['kept', { ids: [1] }],
      ['genre', { genres: ['horror'] }],
    ]);
  });
});
