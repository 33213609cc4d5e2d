import { createRequire } from 'node:module';
import { ApolloServer } from '@apollo/server';
import { getIntrospectionQuery, GraphQLError, parse, type OperationDefinitionNode } from 'graphql';
import { describe, expect, it } from 'vitest';
import { loadTypeDefs } from '../../src/graphql/schema.js';
import {
  createOperationLimiter,
  DEFAULT_QUERY_LIMITS,
  queryLimitsPlugin,
  queryParseOptions,
  resolveQueryLimits,
  type QueryLimits,
} from '../../src/graphql/plugins/limits.js';

// Schemas must come from the graphql copy Node (and Apollo, and graphql-query-complexity) load: CommonJS. Under
// vitest a plain `import 'graphql'` resolves to the package's ESM build instead, a second copy.
const { buildSchema } = createRequire(import.meta.url)('graphql') as typeof import('graphql');

const typeDefs = `
  type Query {
    recommendations(userId: ID!, first: Int = 20): List!
    items(ids: [ID!]!): [Item]!
    item(id: ID!): Item
  }
  type List { items: [Scored!]! strategy: String! }
  type Scored { score: Float! item: Item! }
  type Item { id: ID! title: String! related: Item }
`;
const tinySchema = buildSchema(typeDefs);

function measure(
  query: string,
  variables?: Record<string, unknown>,
  limits: Partial<QueryLimits> = {},
  schema = tinySchema,
  operationName?: string,
) {
  const document = parse(query);
  const operations = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === 'OperationDefinition');
  const operation = operationName ? operations.find((o) => o.name?.value === operationName)! : operations[0];
  return createOperationLimiter(limits)(schema, document, operation, variables);
}

function limitError(run: () => unknown): GraphQLError {
  try {
    run();
  } catch (error) {
    if (error instanceof GraphQLError) return error;
    throw error;
  }
  throw new Error('expected a limit error');
}

describe('createOperationLimiter: cost', () => {
  it('multiplies the children of a field with `first` by first', () => {
    // items: 1 + score 1 = 2 per element → 1 + 10 × 2
    expect(measure('{ recommendations(userId: "u", first: 10) { items { score } } }').cost).toBe(21);
    // item(1 + id + title) = 3, so items = 1 + 1 + 3 = 5, plus strategy = 6 per element → 1 + 5 × 6
    expect(
      measure('{ recommendations(userId: "u", first: 5) { strategy items { score item { id title } } } }').cost,
    ).toBe(31);
  });

  it('uses the schema default of `first` when omitted and defaultFirst when null', () => {
    expect(measure('{ recommendations(userId: "u") { strategy } }').cost).toBe(1 + 20 * 1);
    expect(
      measure('{ recommendations(userId: "u", first: null) { strategy } }', undefined, { defaultFirst: 7 }).cost,
    ).toBe(1 + 7 * 1);
  });

  it('reads `first` from variables', () => {
    const query = 'query Recs($n: Int) { recommendations(userId: "u", first: $n) { items { score } } }';
    expect(measure(query, { n: 3 }).cost).toBe(7);
    const error = limitError(() => measure(query, { n: 10_000 }));
    expect(error.extensions).toMatchObject({
      code: 'QUERY_TOO_COMPLEX',
      limit: 'cost',
      maximum: 5_000,
      actual: 20_001,
    });
    expect(error.message).toBe('Query cost is 20001, more than the limit of 5000');
  });

  it('sizes an id-list field by the number of ids', () => {
    expect(measure('{ items(ids: ["a", "b", "c"]) { id title } }').cost).toBe(1 + 3 * 2);
  });

  it('reuses measures per operation, yet re-costs whenever a sizing or @include variable changes', () => {
    const limiter = createOperationLimiter({ defaultFirst: 7 });
    const document = parse(`query Q($u: ID!, $n: Int, $ids: [ID!]!, $withItem: Boolean!) {
      recommendations(userId: $u, first: $n) { items { score item @include(if: $withItem) { id } } }
      items(ids: $ids) { id }
    }`);
    const operation = document.definitions[0] as OperationDefinitionNode;
    const cost = (variables: Record<string, unknown>) => limiter(tinySchema, document, operation, variables).cost;
    const base = { u: 'a', n: 3, ids: ['x', 'y'], withItem: true };
    // recommendations: items(1 + score 1 + item 2) = 4 → 1 + 3 × 4 = 13; items: 1 + 2 × 1 = 3
    expect(cost(base)).toBe(16);
    expect(cost({ ...base, u: 'someone-else' })).toBe(16);
    expect(cost({ ...base, n: 5 })).toBe(1 + 5 * 4 + 3);
    const { n: _absent, ...withoutN } = base;
    expect(cost(withoutN)).toBe(1 + 20 * 4 + 3); // absent: the schema default
    expect(cost({ ...base, n: null })).toBe(1 + 7 * 4 + 3); // explicit null: defaultFirst
    expect(cost({ ...base, ids: ['x', 'y', 'z', 'w'] })).toBe(13 + 1 + 4);
    expect(cost({ ...base, withItem: false })).toBe(1 + 3 * 2 + 3);
    expect(() => cost({ ...base, n: 10_000 })).toThrow('Query cost is');
    expect(cost(base)).toBe(16);
  });

  it('leaves variables that do not coerce to execution (cost NaN, no throw)', () => {
    const measures = measure('query Recs($n: Int) { recommendations(userId: "u", first: $n) { strategy } }', {
      n: 'many',
    });
    expect(measures.cost).toBeNaN();
  });
});

describe('resolveQueryLimits', () => {
  it('keeps the default where an override is undefined', () => {
    expect(resolveQueryLimits({ maxCost: 10, maxDepth: undefined })).toEqual({ ...DEFAULT_QUERY_LIMITS, maxCost: 10 });
    expect(queryParseOptions({ maxTokens: undefined })).toEqual({ maxTokens: DEFAULT_QUERY_LIMITS.maxTokens });
  });
});

describe('createOperationLimiter: depth and fields', () => {
  it('rejects a query deeper than maxDepth, naming the actual depth', () => {
    const nested = (levels: number) =>
      'item(id: "x") { ' + 'related { '.repeat(levels) + 'id' + ' }'.repeat(levels) + ' }';
    expect(measure(`{ ${nested(7)} }`).depth).toBe(8);
    const error = limitError(() => measure(`{ ${nested(9)} }`));
    expect(error.extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', limit: 'depth', maximum: 8, actual: 10 });
    expect(error.message).toBe('Query depth is 10, more than the limit of 8');
  });

  it('counts depth through fragments', () => {
    const query = '{ item(id: "x") { ...A } } fragment A on Item { related { related { id } } }';
    expect(measure(query).depth).toBe(3);
    expect(() => measure(query, undefined, { maxDepth: 2 })).toThrow('Query depth is 3, more than the limit of 2');
  });

  it('rejects 1,000 aliased fields before measuring anything else', () => {
    const aliases = Array.from({ length: 1_001 }, (_, i) => `a${i}: __typename`).join(' ');
    const error = limitError(() => measure(`{ ${aliases} }`));
    expect(error.extensions).toMatchObject({
      code: 'QUERY_TOO_COMPLEX',
      limit: 'fields',
      maximum: 1_000,
      actual: 1_001,
    });
  });

  it('expands a fragment bomb in linear time and rejects it', () => {
    // F0 selects 2 fields and each Fi spreads F(i-1) twice: 2^41 fields once expanded.
    const fragments = ['fragment F0 on Item { id title }'];
    for (let i = 1; i <= 40; i++) fragments.push(`fragment F${i} on Item { ...F${i - 1} related { ...F${i - 1} } }`);
    const started = performance.now();
    const error = limitError(() => measure(`{ item(id: "x") { ...F40 } } ${fragments.join(' ')}`));
    expect(error.extensions).toMatchObject({ limit: 'fields' });
    expect(error.extensions.actual as number).toBeGreaterThan(2 ** 40);
    expect(performance.now() - started).toBeLessThan(200);
  });

  it('measures only the operation operationName picks', () => {
    const aliases = Array.from({ length: 1_100 }, (_, i) => `a${i}: __typename`).join(' ');
    const query = `query Big { ${aliases} } query Small { item(id: "x") { id } }`;
    expect(measure(query, undefined, {}, tinySchema, 'Small')).toEqual({ depth: 1, fields: 2, cost: 2 });
  });
});

describe('default limits on the real schema', () => {
  const schema = buildSchema(loadTypeDefs());

  it('let the richest realistic recommendations query pass with room to spare', () => {
    const query = `query Rich {
      recommendations(userId: "reader-00001", first: 100, explain: true) {
        strategy reason modelVersion pageInfo { endCursor hasNextPage }
        items {
          score source explanation { text becauseOf { id title } }
          item { id title creators genres tags year publisher description imageUrl language }
        }
      }
    }`;
    const measures = measure(query, undefined, {}, schema);
    expect(measures.cost).toBeLessThan(DEFAULT_QUERY_LIMITS.maxCost * 0.6);
    expect(measures.depth).toBeLessThanOrEqual(4);
  });

  it('let the full introspection query (Sandbox) pass', () => {
    const query = getIntrospectionQuery({
      descriptions: true,
      specifiedByUrl: true,
      directiveIsRepeatable: true,
      schemaDescription: true,
      inputValueDeprecation: true,
    });
    const measures = measure(query, undefined, {}, schema);
    expect(measures.fields).toBeLessThan(DEFAULT_QUERY_LIMITS.maxFields);
    expect(measures.cost).toBeLessThan(DEFAULT_QUERY_LIMITS.maxCost);
    expect(() => parse(query, queryParseOptions())).not.toThrow();
  });
});

describe('queryLimitsPlugin in Apollo Server', () => {
  async function server() {
    const apollo = new ApolloServer({
      typeDefs,
      resolvers: { Query: { recommendations: () => ({ strategy: 'MODEL', items: [] }) } },
      plugins: [queryLimitsPlugin({ maxCost: 100 })],
      parseOptions: queryParseOptions({ maxTokens: 200 }),
    });
    await apollo.start();
    return apollo;
  }

  it('runs a query within limits and rejects one over them with QUERY_TOO_COMPLEX and HTTP 400', async () => {
    const apollo = await server();
    try {
      const ok = await apollo.executeOperation({ query: '{ recommendations(userId: "u", first: 10) { strategy } }' });
      expect(ok.body.kind === 'single' && ok.body.singleResult).toMatchObject({
        data: { recommendations: { strategy: 'MODEL' } },
      });

      const tooBig = await apollo.executeOperation({
        query: 'query($n: Int) { recommendations(userId: "u", first: $n) { strategy } }',
        variables: { n: 100 },
      });
      expect(tooBig.http.status).toBe(400);
      const result = tooBig.body.kind === 'single' ? tooBig.body.singleResult : undefined;
      expect(result?.data).toBeUndefined();
      expect(result?.errors?.[0]).toMatchObject({
        message: 'Query cost is 101, more than the limit of 100',
        extensions: { code: 'QUERY_TOO_COMPLEX', limit: 'cost' },
      });
      expect(result?.errors?.[0].extensions).not.toHaveProperty('http');
    } finally {
      await apollo.stop();
    }
  });

  it('refuses a document over maxTokens at parse time, and leaves bad variables to execution', async () => {
    const apollo = await server();
    try {
      const aliases = Array.from({ length: 100 }, (_, i) => `a${i}: __typename`).join(' ');
      const tooLong = await apollo.executeOperation({ query: `{ ${aliases} }` });
      expect(tooLong.http.status).toBe(400);
      expect(tooLong.body.kind === 'single' && tooLong.body.singleResult.errors?.[0].extensions?.code).toBe(
        'GRAPHQL_PARSE_FAILED',
      );

      const badVariable = await apollo.executeOperation({
        query: 'query($n: Int) { recommendations(userId: "u", first: $n) { strategy } }',
        variables: { n: 'x' },
      });
      expect(badVariable.body.kind === 'single' && badVariable.body.singleResult.errors?.[0].extensions?.code).toBe(
        'BAD_USER_INPUT',
      );
    } finally {
      await apollo.stop();
    }
  });
});
