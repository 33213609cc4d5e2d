// Errors on the graphql-jit path reach the client as on graphql-js: through real Apollo Server with our formatError,
// a resolver's uncoded error (here a Postgres statement timeout) is classified by its cause, a coded one keeps its
// code, and a null in a non-null field is the same error — whether the operation runs compiled or interpreted.
import { ApolloServer } from '@apollo/server';
import { GraphQLError } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFormatError } from '../../src/graphql/error-format.js';
import { jitGateway } from '../../src/graphql/jit-executor.js';

const typeDefs = `type Query { timeout: List!  refused: List!  missing: List!  fine: List! }
type List { n: Int!  label: String }`;

function statementTimeout(): Error {
  return Object.assign(new Error('canceling statement due to statement timeout'), { code: '57014' });
}

const resolvers = {
  Query: {
    timeout: async () => {
      throw statementTimeout();
    },
    refused: () => {
      throw new GraphQLError('first must be positive', { extensions: { code: 'BAD_USER_INPUT' } });
    },
    missing: () => ({ n: null }),
    fine: () => ({ n: 3, label: 'three' }),
  },
};

describe('graphql-jit errors through Apollo', () => {
  const servers: Record<'interpreted' | 'compiled', ApolloServer> = {
    interpreted: new ApolloServer({ typeDefs, resolvers, formatError: createFormatError({ production: true }) }),
    compiled: new ApolloServer({
      gateway: jitGateway(typeDefs, resolvers, { compileAfter: 0 }),
      formatError: createFormatError({ production: true }),
    }),
  };

  beforeAll(async () => {
    await Promise.all(Object.values(servers).map((server) => server.start()));
  });
  afterAll(async () => {
    await Promise.all(Object.values(servers).map((server) => server.stop()));
  });

  const answer = async (server: ApolloServer, query: string) => {
    const response = await server.executeOperation({ query });
    if (response.body.kind !== 'single') throw new Error('expected a single result');
    return { status: response.http.status, ...response.body.singleResult };
  };

  it.each([
    ['an uncoded error (a statement timeout: SERVICE_UNAVAILABLE)', '{ timeout { n } }', 'SERVICE_UNAVAILABLE', 3],
    ['a coded error', '{ refused { n } }', 'BAD_USER_INPUT', 3],
    ['null in a non-null field', '{ missing { n } }', 'INTERNAL_SERVER_ERROR', 13],
    ['no error', '{ fine { n label } }', undefined, undefined],
  ])('%s: the same answer', async (_name, query, code, column) => {
    const interpreted = await answer(servers.interpreted, query);
    const compiled = await answer(servers.compiled, query);
    expect(compiled).toEqual(interpreted);
    expect(interpreted.errors?.[0]?.extensions?.code).toBe(code);
    if (code) expect(interpreted.errors?.[0]?.locations).toEqual([{ line: 1, column }]);
    else expect(interpreted.data).toEqual({ fine: { n: 3, label: 'three' } });
  });
});
