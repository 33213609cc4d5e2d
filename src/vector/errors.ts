// Two kinds of failure reach callers of src/vector, and they need different handling upstream:
// - QdrantError: Qdrant answered and refused (unknown collection, bad dimension, …) → a bug or bad input;
// - QdrantUnavailableError: no usable answer (refused, reset, timeout, 502/503) → the API layer degrades
//   gracefully (SERVICE_DEGRADED) instead of failing the whole request.

export class QdrantError extends Error {
  override readonly name = 'QdrantError';
  constructor(
    /** HTTP status Qdrant answered with (404 unknown collection, 400 bad request, 409 conflict …). */
    readonly status: number,
    /** Qdrant's own message from `status.error`, e.g. "Not found: Collection `x` doesn't exist!". */
    readonly qdrantMessage: string,
    readonly method: string,
    readonly path: string,
  ) {
    super(`Qdrant ${method} ${path} → ${status}: ${qdrantMessage}`);
  }
}

export type UnavailableReason = 'connection' | 'timeout' | 'server';

export class QdrantUnavailableError extends Error {
  override readonly name = 'QdrantUnavailableError';
  constructor(
    readonly reason: UnavailableReason,
    /** Base URL of the server that could not be used. */
    readonly url: string,
    message: string,
    /** Low-level error code when there is one (ECONNREFUSED, ECONNRESET, ENOTFOUND …). */
    readonly code?: string,
    options?: { cause?: unknown },
  ) {
    super(`Qdrant at ${url} unavailable (${reason}): ${message}`, options);
  }
}

/** True when the error means "Qdrant cannot serve right now" (map to SERVICE_DEGRADED), not "the request is wrong". */
export function isQdrantUnavailable(error: unknown): error is QdrantUnavailableError {
  return error instanceof QdrantUnavailableError;
}

export function isQdrantNotFound(error: unknown): error is QdrantError {
  return error instanceof QdrantError && error.status === 404;
}
