import { getIntrospectionQuery, parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { createQueryPrecheck, fieldComparisons } from '../../src/graphql/query-precheck.js';

const ITEM_FIELDS = 'id title creators genres tags year publisher description imageUrl language';

describe('fieldComparisons', () => {
  it('is zero when no selection set repeats a response name', () => {
    expect(fieldComparisons(parse(`{ a: item(id: "1") { ${ITEM_FIELDS} } b: item(id: "2") { ${ITEM_FIELDS} } }`))).toBe(
      0,
    );
    const introspection = getIntrospectionQuery({
      descriptions: true,
      specifiedByUrl: true,
      directiveIsRepeatable: true,
      inputValueDeprecation: true,
    });
    expect(fieldComparisons(parse(introspection))).toBe(0);
  });

  it('counts leaf pairs once each and object pairs by the product of their subtree sizes', () => {
    expect(fieldComparisons(parse('{ a: id a: id a: id }'))).toBe(3);
    // each `item { id }` weighs 5 + 1 = 6: one pair → 36
    expect(fieldComparisons(parse('{ item(id: "1") { id } item(id: "1") { id } }'))).toBe(36);
  });

  it('merges inline and named fragments into the selection set that spreads them', () => {
    expect(fieldComparisons(parse('{ id ... on Query { id } ...F } fragment F on Query { id }'))).toBe(3);
  });

  it('measures a fragment bomb without expanding it', () => {
    const fragments = ['fragment F0 on Item { id }'];
    for (let i = 1; i <= 60; i++) fragments.push(`fragment F${i} on Item { ...F${i - 1} ...F${i - 1} }`);
    const started = performance.now();
    expect(fieldComparisons(parse(`{ item(id: "x") { ...F60 } } ${fragments.join(' ')}`))).toBeGreaterThan(1e30);
    expect(performance.now() - started).toBeLessThan(100);
  });

  it('survives unknown and cyclic fragments (validation reports those)', () => {
    expect(
      fieldComparisons(parse('{ ...Missing ...A } fragment A on Query { id ...B } fragment B on Query { id ...A }')),
    ).toBe(1);
  });
});

describe('createQueryPrecheck', () => {
  it('rejects a document of repeated aliased object fields with QUERY_TOO_COMPLEX', () => {
    const precheck = createQueryPrecheck();
    const hostile = `{ ${Array(100).fill('a: item(id: "x") { id }').join(' ')} }`;
    const error = precheck(hostile);
    expect(error?.extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', limit: 'fieldComparisons', maximum: 10_000 });
    expect(error?.message).toMatch(/needs up to \d+ field comparisons, more than the limit of 10000/);
  });

  it('lets ordinary queries, fragments, syntax errors and non-strings through to Apollo', () => {
    const precheck = createQueryPrecheck();
    expect(
      precheck(
        `query { recommendations(userId: "u", first: 5) { ...A ...B } } fragment A on RecommendationList { items { score item { ${ITEM_FIELDS} } } } fragment B on RecommendationList { items { item { ${ITEM_FIELDS} } } strategy }`,
      ),
    ).toBeUndefined();
    expect(precheck('{ unbalanced ')).toBeUndefined();
    expect(precheck(`{ ${Array(3000).fill('a: id').join(' ')} }`)).toBeUndefined(); // over maxTokens: Apollo's parse error
    expect(precheck(undefined)).toBeUndefined();
    expect(precheck({ query: 1 })).toBeUndefined();
  });

  it('remembers verdicts for the most recent queries only', () => {
    const precheck = createQueryPrecheck({ maxFieldComparisons: 2 }, 2);
    const repeated = '{ a: id a: id a: id }';
    const first = precheck(repeated);
    expect(first?.extensions?.actual).toBe(3);
    expect(precheck(repeated)).toBe(first); // the remembered verdict object
    precheck('{ b: id }');
    precheck('{ c: id }');
    expect(precheck(repeated)).not.toBe(first); // evicted, judged again
    expect(precheck(repeated)).toEqual(first);
  });
});
