// Errors a client can act on, each with a stable extensions.code from error-codes.ts.
import { GraphQLError } from 'graphql';
import type { ErrorCode } from './error-codes.js';

/** A GraphQL error with one of the API's codes (and any extra extensions a client can use). */
export function apiError(code: ErrorCode, message: string, extensions: Record<string, unknown> = {}): GraphQLError {
  return new GraphQLError(message, { extensions: { ...extensions, code } });
}

export function badUserInput(message: string, argumentName?: string): GraphQLError {
  return apiError('BAD_USER_INPUT', message, argumentName ? { argumentName } : {});
}

export function notFound(message: string): GraphQLError {
  return apiError('NOT_FOUND', message);
}
