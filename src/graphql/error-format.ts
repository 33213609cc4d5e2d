// Apollo's formatError: what a client may see of an error.
// - Codes a client can act on (BAD_USER_INPUT, NOT_FOUND, UNAUTHENTICATED, QUERY_TOO_COMPLEX …) pass unchanged.
// - An error Apollo raised without a code but with a 4xx status (a persisted-query hash that does not match its
//   query, an unsupported persisted-query version) is the client's: BAD_REQUEST, not an internal error.
// - An error a resolver did not code itself is classified by its cause: Qdrant unreachable → SERVICE_DEGRADED (the
//   vector side is down; retry, or ask for something Postgres alone can answer), Postgres unreachable →
//   SERVICE_UNAVAILABLE (nothing can be answered); anything else is INTERNAL_SERVER_ERROR.
// - In production, server-side messages (internal, degraded, unavailable) are replaced by generic ones — they carry
//   hostnames, SQL and stack details — and stack traces are dropped. The originals are logged with the request id by
//   the request-log plugin, which uses serverErrorKind below to pick them out.
import type { GraphQLFormattedError } from 'graphql';
import { isQdrantUnavailable } from '../vector/errors.js';
import type { ErrorCode } from './error-codes.js';

export type ServerErrorKind = 'degraded' | 'unavailable' | 'internal';

const CODE_OF_KIND: Record<ServerErrorKind, ErrorCode> = {
  degraded: 'SERVICE_DEGRADED',
  unavailable: 'SERVICE_UNAVAILABLE',
  internal: 'INTERNAL_SERVER_ERROR',
};

const PRODUCTION_MESSAGE: Record<ServerErrorKind, string> = {
  degraded: 'The recommendation engine is temporarily unavailable; try again shortly.',
  unavailable: 'The service is temporarily unavailable; try again shortly.',
  internal: 'Internal server error',
};

// Socket failures (Node), Postgres SQLSTATEs for "cannot talk to the server now" (57014: statement_timeout fired,
// 25P03: idle_in_transaction_session_timeout ended the session), and Prisma's connection codes.
const CONNECTION_ERROR_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
  'EAI_AGAIN',
  '57P01',
  '57P02',
  '57P03',
  '53300',
  '57014',
  '25P03',
  'P1001',
  'P1002',
  'P1008',
  'P1017',
  'P2024',
]);
// Prisma driver-adapter error kinds meaning the same.
const CONNECTION_ERROR_KINDS = new Set([
  'DatabaseNotReachable',
  'ConnectionClosed',
  'SocketTimeout',
  'TooManyConnections',
  'TlsConnectionError',
]);
// node-postgres reports lost or timed-out connections (and its client-side query_timeout) with these messages and no
// code.
const PG_CONNECTION_MESSAGE = new RegExp(
  '^(Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error' +
    '|Query read timeout)',
);

/** The error and its causes (GraphQLError.originalError, Error.cause), nearest first, at most 8 deep. */
function causeChain(error: unknown): unknown[] {
  const chain: unknown[] = [];
  let current = error;
  while (current !== null && typeof current === 'object' && chain.length < 8 && !chain.includes(current)) {
    chain.push(current);
    const { originalError, cause } = current as { originalError?: unknown; cause?: unknown };
    current = originalError ?? cause;
  }
  return chain;
}

/** True when the error means the database could not be reached or dropped the connection (not a bad query). */
export function isDatabaseUnavailable(error: unknown): boolean {
  return causeChain(error).some((link) => {
    const { code, kind, message } = link as { code?: unknown; kind?: unknown; message?: unknown };
    if (typeof code === 'string' && (CONNECTION_ERROR_CODES.has(code) || code.startsWith('08'))) return true;
    if (typeof kind === 'string' && CONNECTION_ERROR_KINDS.has(kind)) return true;
    return typeof message === 'string' && PG_CONNECTION_MESSAGE.test(message);
  });
}

/**
 * Which kind of server-side failure an error sent to a client is, or undefined when it carries a code of its own
 * (a client error, or one a resolver chose deliberately).
 */
export function serverErrorKind(error: unknown, code?: unknown): ServerErrorKind | undefined {
  const ownCode = code ?? (error as { extensions?: { code?: unknown } } | undefined)?.extensions?.code;
  if (ownCode !== undefined && ownCode !== 'INTERNAL_SERVER_ERROR') return undefined;
  if (isClientRefusal(error)) return undefined;
  if (causeChain(error).some(isQdrantUnavailable)) return 'degraded';
  if (isDatabaseUnavailable(error)) return 'unavailable';
  return 'internal';
}

/** An uncoded error raised with a 4xx HTTP status (Apollo's request checks): the request was wrong, not the server. */
function isClientRefusal(error: unknown): boolean {
  const status = (error as { extensions?: { http?: { status?: unknown } } } | undefined)?.extensions?.http?.status;
  return typeof status === 'number' && status >= 400 && status < 500;
}

export type FormatError = (formattedError: GraphQLFormattedError, error: unknown) => GraphQLFormattedError;

/** Apollo's `formatError` option. */
export function createFormatError(options: { production: boolean }): FormatError {
  return (formattedError, error) => {
    const kind = serverErrorKind(error, formattedError.extensions?.code);
    const extensions = { ...formattedError.extensions };
    if (kind) extensions.code = CODE_OF_KIND[kind];
    else if (extensions.code === 'INTERNAL_SERVER_ERROR' && isClientRefusal(error)) extensions.code = 'BAD_REQUEST';
    if (!options.production) return { ...formattedError, extensions };
    // includeStacktraceInErrorResponses: false already omits it; dropping it here too keeps production safe even if
    // that option is misconfigured.
    delete extensions.stacktrace;
    return { ...formattedError, message: kind ? PRODUCTION_MESSAGE[kind] : formattedError.message, extensions };
  };
}
