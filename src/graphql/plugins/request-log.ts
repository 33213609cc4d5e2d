// One structured JSON log line per GraphQL operation, tied to a request id the client can quote.
// The id is the caller's `x-request-id` when it is sane (a proxy or client already named the request), else a fresh
// UUID; it is echoed in the response header. Variables are never logged: they hold user ids and free text.
import { randomUUID } from 'node:crypto';
import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import type { GraphQLFormattedError } from 'graphql';
import type { Logger } from '../../logger.js';
import { degradedReasons } from './degraded.js';
import { serverErrorKind } from '../error-format.js';
import type { ErrorCode } from '../error-codes.js';

export const REQUEST_ID_HEADER = 'x-request-id';

const SANE_REQUEST_ID = /^[A-Za-z0-9._-]{1,128}$/;

/** The caller's request id when it is 1–128 characters of [A-Za-z0-9._-], else a new UUID. */
export function requestIdFromHeader(value: string | null | undefined, generate: () => string = randomUUID): string {
  return value && SANE_REQUEST_ID.test(value) ? value : generate();
}

const requestIds = new WeakMap<object, string>();

/** This request's id, for resolvers and other plugins (keyed by the context object, like plugins/degraded.ts). */
export function requestIdOf(context: object): string | undefined {
  return requestIds.get(context);
}

const UNCODED: ErrorCode = 'INTERNAL_SERVER_ERROR';
const codeOf = (error: GraphQLFormattedError) =>
  typeof error.extensions?.code === 'string' ? error.extensions.code : UNCODED;

/** The codes of the errors sent, as formatted for the client (after formatError's mapping). */
function sentErrorCodes(
  body:
    | { kind: 'single'; singleResult: { errors?: readonly GraphQLFormattedError[] } }
    | { kind: 'incremental'; initialResult: { errors?: readonly GraphQLFormattedError[] } },
): string[] {
  const errors = (body.kind === 'single' ? body.singleResult.errors : body.initialResult.errors) ?? [];
  return [...new Set(errors.map((error) => codeOf(error)))];
}

/**
 * Logs, per operation: requestId, operationName, operationType, durationMs, errorCodes, degraded (+ reasons).
 * Info level normally; warn when the answer was degraded or a server-side error occurred. Unexpected errors are logged
 * in full (message, stack, cause) at error level, since formatError hides them from clients in production.
 */
export function requestLogPlugin(options: { logger: Logger }): ApolloServerPlugin<BaseContext> {
  const { logger } = options;
  return {
    async requestDidStart({ request, contextValue }) {
      const startedAt = performance.now();
      const requestId = requestIdFromHeader(request.http?.headers.get(REQUEST_ID_HEADER));
      requestIds.set(contextValue, requestId);
      let serverErrors = 0;
      return {
        async didEncounterErrors({ errors, operationName }) {
          for (const error of errors) {
            const kind = serverErrorKind(error);
            if (!kind) continue;
            serverErrors++;
            const cause = error.originalError ?? error;
            const fields = { requestId, operationName, kind, err: cause };
            if (kind === 'internal') logger.error(fields, 'unexpected error in GraphQL operation');
            else logger.warn(fields, `dependency unavailable (${kind})`);
          }
        },
        async willSendResponse({ response, operation, operationName }) {
          response.http.headers.set(REQUEST_ID_HEADER, requestId);
          const reasons = degradedReasons(contextValue);
          const line = {
            requestId,
            operationName: operationName ?? null,
            operationType: operation?.operation ?? null,
            durationMs: Math.round((performance.now() - startedAt) * 100) / 100,
            errorCodes: sentErrorCodes(response.body),
            degraded: reasons.length > 0,
            ...(reasons.length > 0 ? { degradedReasons: reasons } : {}),
          };
          if (reasons.length > 0 || serverErrors > 0) logger.warn(line, 'graphql operation');
          else logger.info(line, 'graphql operation');
        },
      };
    },
  };
}
