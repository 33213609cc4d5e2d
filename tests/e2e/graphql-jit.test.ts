// graphql-jit (src/graphql/jit-executor.ts) answers every query as graphql-js does: the same operations, run on
// the same served app (real Postgres + Qdrant, a trained model) through graphql-js's execute and through the
// compiled path, give the same data and the same errors; and over HTTP a query keeps its answer once compiled.
import { makeExecutableSchema } from '@graphql-tools/schema';
import { execute, getOperationAST, parse, type ExecutionResult } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRequestContext } from '../../src/graphql/context.js';
import { COMPILE_AFTER, createJitExecutor } from '../../src/graphql/jit-executor.js';
import { resolvers } from '../../src/graphql/resolvers.js';
import { loadTypeDefs } from '../../src/graphql/schema.js';
import { startServedApp, type ServedApp } from '../helpers/served-app.js';

const ITEM = 'id title creators genres year';

/** The answer without what differs by design between two executions (each list gets a fresh recommendationId). */
function comparable(result: ExecutionResult): unknown {
  return JSON.parse(
    JSON.stringify({
      data: result.data,
      errors: result.errors?.map((e) => ({ message: e.message, path: e.path, code: e.extensions?.code })),
    }),
    (key, value: unknown) => (key === 'recommendationId' ? 'id' : value),
  );
}

describe('graphql-jit against graphql-js', () => {
  let served: ServedApp;
  let user: string;
  let item: string;

  beforeAll(async () => {
    served = await startServedApp();
    user = served.dataset.users[4]!.externalId;
    item = served.dataset.items[7]!.externalId;
  }, 240_000);

  afterAll(async () => {
    await served?.stop();
  });

  const operations: Array<[string, string, () => Record<string, unknown>]> = [
    [
      'recommendations with item fields',
      `query ($u: ID!) { recommendations(userId: $u, first: 20) { strategy reason modelVersion recommendationId
         pageInfo { endCursor hasNextPage } items { score source item { ${ITEM} } } } }`,
      () => ({ u: user }),
    ],
    [
      'recommendations with explanations and diversity',
      `query ($u: ID!) { recommendations(userId: $u, first: 10, explain: true, diversity: 0.3) { strategy
         items { score item { id } explanation { text becauseOf { id title } } } } }`,
      () => ({ u: user }),
    ],
    [
      'recommendations for an unknown user',
      `query ($u: ID!) { recommendations(userId: $u, first: 5) { strategy reason items { item { id } } } }`,
      () => ({ u: 'nobody-at-all' }),
    ],
    [
      'similarItems',
      `query ($i: ID!) { similarItems(itemId: $i, mode: COLLABORATIVE, first: 20) { strategy items { score item { ${ITEM} } } } }`,
      () => ({ i: item }),
    ],
    [
      'search',
      `query ($q: String!) { search(query: $q, first: 20) { strategy items { score source item { ${ITEM} } } } }`,
      () => ({ q: served.dataset.items[3]!.title.split(' ')[0]! }),
    ],
    ['popular', `{ popular(first: 20) { strategy items { score item { ${ITEM} } } } }`, () => ({})],
    [
      'an item and a user with their history',
      `query ($i: ID!, $u: ID!) { item(id: $i) { ${ITEM} } user(id: $u) { id history(first: 5) { events { item { id } kind value occurredAt } pageInfo { hasNextPage } } } }`,
      () => ({ i: item, u: user }),
    ],
    [
      'a resolver error (unknown item: NOT_FOUND)',
      `query ($i: ID!) { similarItems(itemId: $i) { items { item { id } } } }`,
      () => ({ i: 'no-such-item' }),
    ],
    [
      'a bad argument (first out of range: BAD_USER_INPUT)',
      `{ popular(first: -3) { items { item { id } } } }`,
      () => ({}),
    ],
    ['a variable of the wrong type', `query ($n: Int) { popular(first: $n) { strategy } }`, () => ({ n: 'ten' })],
    ['a required variable missing', `query ($u: ID!) { recommendations(userId: $u) { strategy } }`, () => ({})],
    ['introspection', `{ __type(name: "RecommendationList") { name fields { name } } }`, () => ({})],
  ];

  it.each(operations)('%s: the same answer', async (_name, query, variables) => {
    const schema = makeExecutableSchema({ typeDefs: loadTypeDefs(), resolvers: resolvers as never });
    const jit = createJitExecutor(schema, { compileAfter: 0 });
    const document = parse(query);
    const operation = getOperationAST(document);
    const context = () => createRequestContext(served.app.services);
    const interpreted = await execute({
      schema,
      document,
      variableValues: variables(),
      contextValue: context(),
    });
    const compiled = await jit({ document, operation, variables: variables(), context: context() });
    expect(comparable(compiled)).toEqual(comparable(interpreted));
    // Something was answered: data for the queries, an error for the refusals.
    expect(interpreted.data ?? interpreted.errors).toBeTruthy();
  });

  it('over HTTP, a query answers the same before and after it is compiled', async () => {
    const query = `query ($u: ID!) { recommendations(userId: $u, first: 10) { strategy items { score item { ${ITEM} } } } }`;
    const answers = [];
    for (let i = 0; i < COMPILE_AFTER + 2; i++) answers.push(await served.graphql(query, { u: user }));
    for (const answer of answers) {
      expect(answer.status).toBe(200);
      expect(answer.errors).toBeUndefined();
      expect(answer.data).toEqual(answers[0]!.data);
    }
    const refused = [];
    for (let i = 0; i < COMPILE_AFTER + 2; i++) refused.push(await served.graphql(query, {}));
    for (const answer of refused) {
      expect(answer.status).toBe(400);
      expect(answer.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      expect(answer.errors).toEqual(refused[0]!.errors);
    }
  });
});
