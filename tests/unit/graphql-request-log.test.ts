import { Writable } from 'node:stream';
import { ApolloServer, HeaderMap } from '@apollo/server';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { markDegraded } from '../../src/graphql/plugins/degraded.js';
import { requestIdFromHeader, requestIdOf, requestLogPlugin } from '../../src/graphql/plugins/request-log.js';
import type { Logger } from '../../src/logger.js';

describe('requestIdFromHeader', () => {
  it('keeps a sane caller id and replaces anything else with a UUID', () => {
    expect(requestIdFromHeader('edge-7f3a.b_9')).toBe('edge-7f3a.b_9');
    expect(requestIdFromHeader('x'.repeat(128))).toBe('x'.repeat(128));
    for (const bad of ['x'.repeat(129), 'has space', 'inject\nline', '', undefined, null]) {
      expect(requestIdFromHeader(bad)).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    }
    expect(requestIdFromHeader('bad id', () => 'generated')).toBe('generated');
  });
});

describe('requestLogPlugin', () => {
  function capturingLogger() {
    const lines: Array<Record<string, unknown>> = [];
    const stream = new Writable({
      write(chunk, _encoding, done) {
        for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line));
        done();
      },
    });
    return { lines, logger: pino({ level: 'info', base: { service: 'recgraph' } }, stream) as unknown as Logger };
  }

  async function serve(logger: Logger) {
    const seenIds: Array<string | undefined> = [];
    const apollo = new ApolloServer<object>({
      typeDefs: 'type Query { greet(name: String!): String! broken: String fallback: String! }',
      resolvers: {
        Query: {
          greet: (_parent: unknown, args: { name: string }, context: object) => {
            seenIds.push(requestIdOf(context));
            return `hello ${args.name}`;
          },
          broken: () => {
            throw new Error('database row had no title');
          },
          fallback: (_parent: unknown, _args: unknown, context: object) => {
            markDegraded(context, 'VECTOR_STORE_UNAVAILABLE');
            return 'popular';
          },
        },
      },
      plugins: [requestLogPlugin({ logger })],
    });
    await apollo.start();
    return { apollo, seenIds };
  }

  const http = (headers: Array<[string, string]> = []) => ({
    method: 'POST',
    headers: new HeaderMap(headers),
    search: '',
    body: {},
  });

  it('logs one info line per operation with the request id, echoes the id, and never logs variable values', async () => {
    const { lines, logger } = capturingLogger();
    const { apollo, seenIds } = await serve(logger);
    try {
      const response = await apollo.executeOperation(
        {
          query: 'query Greet($name: String!) { greet(name: $name) }',
          variables: { name: 'secret-user-42' },
          http: http([['x-request-id', 'req-001']]),
        },
        { contextValue: {} },
      );
      expect(response.http.headers.get('x-request-id')).toBe('req-001');
      expect(seenIds).toEqual(['req-001']);
    } finally {
      await apollo.stop();
    }
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      level: 30,
      msg: 'graphql operation',
      service: 'recgraph',
      requestId: 'req-001',
      operationName: 'Greet',
      operationType: 'query',
      errorCodes: [],
      degraded: false,
    });
    expect(typeof lines[0].durationMs).toBe('number');
    expect(JSON.stringify(lines)).not.toContain('secret-user-42');
  });

  it('generates an id when none is sent, logs unexpected errors in full at error level and degraded answers at warn', async () => {
    const { lines, logger } = capturingLogger();
    const { apollo } = await serve(logger);
    let generated: string | null | undefined;
    try {
      const response = await apollo.executeOperation(
        { query: '{ broken fallback }', http: http() },
        { contextValue: {} },
      );
      generated = response.http.headers.get('x-request-id');
    } finally {
      await apollo.stop();
    }
    expect(generated).toMatch(/^[0-9a-f-]{36}$/);
    const [failure, summary] = lines;
    expect(failure).toMatchObject({
      level: 50,
      requestId: generated,
      kind: 'internal',
      msg: 'unexpected error in GraphQL operation',
    });
    expect((failure.err as { message: string; stack: string }).message).toBe('database row had no title');
    expect((failure.err as { stack: string }).stack).toContain('Error: database row had no title');
    expect(summary).toMatchObject({
      level: 40,
      requestId: generated,
      operationName: null,
      operationType: 'query',
      errorCodes: ['INTERNAL_SERVER_ERROR'],
      degraded: true,
      degradedReasons: ['VECTOR_STORE_UNAVAILABLE'],
    });
  });

  it('does not log client errors as server failures', async () => {
    const { lines, logger } = capturingLogger();
    const { apollo } = await serve(logger);
    try {
      await apollo.executeOperation({ query: '{ greet }', http: http() }, { contextValue: {} });
    } finally {
      await apollo.stop();
    }
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      level: 30,
      operationName: null,
      operationType: null,
      errorCodes: ['GRAPHQL_VALIDATION_FAILED'],
    });
  });
});
