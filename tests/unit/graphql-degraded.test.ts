import { ApolloServer } from '@apollo/server';
import { describe, expect, it } from 'vitest';
import {
  degradedPlugin,
  degradedReasons,
  markDegraded,
  VECTOR_STORE_UNAVAILABLE,
} from '../../src/graphql/plugins/degraded.js';

const typeDefs = 'type Query { fallback: String! normal: String! }';
const resolvers = {
  Query: {
    // What a resolver does when Qdrant is unreachable: answer from Postgres and say so.
    fallback: (_parent: unknown, _args: unknown, context: object) => {
      markDegraded(context, VECTOR_STORE_UNAVAILABLE);
      markDegraded(context, VECTOR_STORE_UNAVAILABLE);
      return 'popular items';
    },
    normal: () => 'model answer',
  },
};

describe('markDegraded / degradedReasons', () => {
  it('keeps each reason once, in first-marked order, per context object', () => {
    const a = {};
    const b = {};
    markDegraded(a, 'B_REASON');
    markDegraded(a, 'A_REASON');
    markDegraded(a, 'B_REASON');
    expect(degradedReasons(a)).toEqual(['B_REASON', 'A_REASON']);
    expect(degradedReasons(b)).toEqual([]);
  });
});

describe('degradedPlugin', () => {
  async function run(query: string) {
    const counted: string[] = [];
    const apollo = new ApolloServer({
      typeDefs,
      resolvers,
      plugins: [degradedPlugin({ counter: { inc: ({ reason }) => counted.push(reason) } })],
    });
    await apollo.start();
    try {
      const response = await apollo.executeOperation({ query }, { contextValue: {} });
      return { response, counted };
    } finally {
      await apollo.stop();
    }
  }

  it('adds extensions.degraded and counts each reason once when a resolver fell back', async () => {
    const { response, counted } = await run('{ fallback normal }');
    expect(response.http.status ?? 200).toBe(200);
    expect(response.body.kind === 'single' && response.body.singleResult).toEqual({
      data: { fallback: 'popular items', normal: 'model answer' },
      extensions: { degraded: { reasons: ['VECTOR_STORE_UNAVAILABLE'] } },
    });
    expect(counted).toEqual(['VECTOR_STORE_UNAVAILABLE']);
  });

  it('leaves a normal answer untouched and uncounted', async () => {
    const { response, counted } = await run('{ normal }');
    expect(response.body.kind === 'single' && response.body.singleResult).toEqual({ data: { normal: 'model answer' } });
    expect(counted).toEqual([]);
  });
});
