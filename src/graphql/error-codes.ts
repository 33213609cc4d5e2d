// Every `extensions.code` the API answers with, its HTTP status and what it means: the one list the server, the SDK
// (RecgraphError.code) and README § Errors share. No imports, so the SDK can ship it as is.
//
// A request-level error (the request was refused before or instead of execution) answers with its status. A
// field-level error (a resolver failed; other fields may still hold data) answers HTTP 200 when its status is 4xx —
// GraphQL's partial results — and with its own status when it is 5xx, so load balancers and retry logic see that
// the server failed (503 comes with Retry-After).

export const ERROR_CODES = {
  BAD_REQUEST: {
    status: 400,
    // HTTP's more precise statuses where they exist: 405 method, 406 Accept, 415 GET Content-Type, 417 Expect,
    // 431 headers.
    meaning:
      'The HTTP request is malformed: bad request line or target, body not JSON, CSRF-able, bad persisted-query hash',
  },
  GRAPHQL_PARSE_FAILED: { status: 400, meaning: 'The document is not GraphQL, or has more tokens than allowed' },
  GRAPHQL_VALIDATION_FAILED: {
    status: 400,
    meaning: 'The document does not fit the schema (or asks for introspection, or for a subscription)',
  },
  OPERATION_RESOLUTION_FAILURE: { status: 400, meaning: 'operationName names no operation of the document' },
  BAD_USER_INPUT: {
    status: 400,
    meaning: 'An argument or variable is out of range or malformed; the message says which',
  },
  PERSISTED_QUERY_NOT_FOUND: { status: 200, meaning: 'Unknown persisted-query hash: send the query text with it' },
  QUERY_TOO_COMPLEX: {
    status: 400,
    meaning: 'The operation is too deep, too costly or has too many fields: reshape it',
  },
  PAYLOAD_TOO_LARGE: { status: 413, meaning: 'The request body is larger than RECGRAPH_MAX_BODY_BYTES' },
  UNAUTHENTICATED: { status: 401, meaning: 'A mutation without a valid API key (x-api-key or Authorization: Bearer)' },
  FORBIDDEN: { status: 403, meaning: 'Mutations are disabled: the server runs in production without an API key' },
  NOT_FOUND: { status: 404, meaning: 'The item or user asked about (or the HTTP route) does not exist' },
  IDEMPOTENCY_KEY_REUSED: { status: 422, meaning: 'An Idempotency-Key already used for a different request body' },
  SERVICE_DEGRADED: { status: 503, meaning: 'The vector store is unreachable and this field has no fallback: retry' },
  SERVICE_UNAVAILABLE: {
    status: 503,
    meaning: 'Postgres is unreachable or too slow: retry after Retry-After (a write with its same Idempotency-Key)',
  },
  INTERNAL_SERVER_ERROR: { status: 500, meaning: 'A bug: the details are in the server log under the request id' },
} as const satisfies Record<string, { status: number; meaning: string }>;

export type ErrorCode = keyof typeof ERROR_CODES;

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.hasOwn(ERROR_CODES, value);
}

/** Seconds a client should wait before retrying a 503 (the Retry-After header). */
export const RETRY_AFTER_SECONDS = 2;

/**
 * The HTTP status of a response whose errors carry these codes, or undefined to keep the status the request got
 * otherwise: the highest 5xx among them (see the header): a server failure outranks a client's mistake, and a
 * dependency failure (503, retryable) outranks the internal error it may have caused.
 */
export function serverFailureStatus(codes: Iterable<unknown>): number | undefined {
  let status: number | undefined;
  for (const code of codes) {
    const own = isErrorCode(code) ? ERROR_CODES[code].status : ERROR_CODES.INTERNAL_SERVER_ERROR.status;
    if (own >= 500 && (status === undefined || own > status)) status = own;
  }
  return status;
}
