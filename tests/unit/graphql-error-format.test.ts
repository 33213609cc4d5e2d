import { ApolloServer } from '@apollo/server';
import { GraphQLError } from 'graphql';
import { describe, expect, it } from 'vitest';
import { createFormatError, isDatabaseUnavailable, serverErrorKind } from '../../src/graphql/error-format.js';
import { QdrantError, QdrantUnavailableError } from '../../src/vector/errors.js';

const qdrantDown = () =>
  new QdrantUnavailableError('connection', 'http://qdrant.internal:6333', 'connect ECONNREFUSED', 'ECONNREFUSED');
const withCode = (message: string, code: string) => Object.assign(new Error(message), { code });

describe('isDatabaseUnavailable', () => {
  it('recognises socket failures, connection SQLSTATEs, pg and Prisma connection errors, through causes', () => {
    expect(isDatabaseUnavailable(withCode('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED'))).toBe(true);
    expect(isDatabaseUnavailable(withCode('terminating connection due to administrator command', '57P01'))).toBe(true);
    expect(isDatabaseUnavailable(withCode('connection failure', '08006'))).toBe(true);
    expect(isDatabaseUnavailable(new Error('Connection terminated unexpectedly'))).toBe(true);
    expect(isDatabaseUnavailable(new Error('timeout exceeded when trying to connect'))).toBe(true);
    expect(
      isDatabaseUnavailable(Object.assign(new Error('adapter'), { cause: { kind: 'DatabaseNotReachable' } })),
    ).toBe(true);
    expect(
      isDatabaseUnavailable(new Error('query failed', { cause: withCode("Can't reach database server", 'P1001') })),
    ).toBe(true);
  });

  it('does not mistake a bad query or an ordinary bug for an outage', () => {
    expect(isDatabaseUnavailable(withCode('syntax error at or near "SELEC"', '42601'))).toBe(false);
    expect(isDatabaseUnavailable(new TypeError("Cannot read properties of undefined (reading 'id')"))).toBe(false);
  });
});

describe('serverErrorKind', () => {
  it('classifies uncoded errors by cause and leaves coded ones alone', () => {
    expect(serverErrorKind(new GraphQLError('wrapped', { originalError: qdrantDown() }))).toBe('degraded');
    expect(serverErrorKind(new GraphQLError('wrapped', { originalError: withCode('refused', 'ECONNREFUSED') }))).toBe(
      'unavailable',
    );
    expect(
      serverErrorKind(new GraphQLError('wrapped', { originalError: new QdrantError(404, 'Not found', 'POST', '/x') })),
    ).toBe('internal');
    expect(serverErrorKind(new GraphQLError('bad', { extensions: { code: 'BAD_USER_INPUT' } }))).toBeUndefined();
    expect(
      serverErrorKind(new GraphQLError('chosen', { extensions: { code: 'NOT_FOUND' }, originalError: qdrantDown() })),
    ).toBeUndefined();
  });
});

describe('createFormatError', () => {
  const formatted = (message: string, code: string) => ({
    message,
    extensions: { code, stacktrace: ['Error: x', '    at y'] },
  });

  it('in development keeps messages and stack traces and maps outages to their codes', () => {
    const format = createFormatError({ production: false });
    const error = new GraphQLError('Qdrant at http://qdrant.internal:6333 unavailable', {
      originalError: qdrantDown(),
    });
    expect(format(formatted(error.message, 'INTERNAL_SERVER_ERROR'), error)).toEqual({
      message: 'Qdrant at http://qdrant.internal:6333 unavailable',
      extensions: { code: 'SERVICE_DEGRADED', stacktrace: ['Error: x', '    at y'] },
    });
  });

  it('in production hides server-side messages and stack traces, and keeps client errors as they are', () => {
    const format = createFormatError({ production: true });
    const internal = new GraphQLError('SELECT failed on table items_secret', {
      originalError: new Error('SELECT failed on table items_secret'),
    });
    expect(format(formatted(internal.message, 'INTERNAL_SERVER_ERROR'), internal)).toEqual({
      message: 'Internal server error',
      extensions: { code: 'INTERNAL_SERVER_ERROR' },
    });

    const database = new GraphQLError('connect ECONNREFUSED 10.0.0.5:5432', {
      originalError: withCode('connect ECONNREFUSED 10.0.0.5:5432', 'ECONNREFUSED'),
    });
    expect(format(formatted(database.message, 'INTERNAL_SERVER_ERROR'), database)).toEqual({
      message: 'The service is temporarily unavailable; try again shortly.',
      extensions: { code: 'SERVICE_UNAVAILABLE' },
    });

    const input = new GraphQLError('first must be between 1 and 100, got 500', {
      extensions: { code: 'BAD_USER_INPUT', argumentName: 'first' },
    });
    expect(
      format(
        {
          message: input.message,
          path: ['recommendations'],
          extensions: { code: 'BAD_USER_INPUT', argumentName: 'first', stacktrace: ['x'] },
        },
        input,
      ),
    ).toEqual({
      message: 'first must be between 1 and 100, got 500',
      path: ['recommendations'],
      extensions: { code: 'BAD_USER_INPUT', argumentName: 'first' },
    });
  });

  it('works as Apollo formatError: a resolver hitting Qdrant outage yields SERVICE_DEGRADED without internals', async () => {
    const apollo = new ApolloServer({
      typeDefs: 'type Query { similar: [String!] ok: String }',
      resolvers: { Query: { similar: () => Promise.reject(qdrantDown()), ok: () => 'fine' } },
      formatError: createFormatError({ production: true }),
      includeStacktraceInErrorResponses: true, // misconfigured on purpose: formatError must still drop the stack
    });
    await apollo.start();
    try {
      const response = await apollo.executeOperation({ query: '{ similar ok }' });
      const result = response.body.kind === 'single' ? response.body.singleResult : undefined;
      expect(result?.data).toEqual({ similar: null, ok: 'fine' });
      expect(result?.errors).toEqual([
        {
          message: 'The recommendation engine is temporarily unavailable; try again shortly.',
          locations: [{ line: 1, column: 3 }],
          path: ['similar'],
          extensions: { code: 'SERVICE_DEGRADED' },
        },
      ]);
    } finally {
      await apollo.stop();
    }
  });
});
