// Writes need an API key; reads stay open.
// Every operation that is not a query (mutations) must carry one of the configured keys, as `x-api-key: <key>` or
// `Authorization: Bearer <key>`. Without one of them it is refused before execution:
//   keys configured, missing or wrong key   → UNAUTHENTICATED, HTTP 401 (+ WWW-Authenticate: Bearer)
//   no key configured, production           → FORBIDDEN, HTTP 403: mutations are disabled (fail closed; the
//                                              service still serves reads, so a missing secret never takes it down)
//   no key configured, development          → allowed, with one warning at startup (zero-config demo)
import { createHash, timingSafeEqual } from 'node:crypto';
import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { HeaderMap } from '@apollo/server';
import { GraphQLError } from 'graphql';
import type { Logger } from '../../logger.js';
import { ERROR_CODES, type ErrorCode } from '../error-codes.js';

export interface ApiKeyOptions {
  /** Accepted keys; several allow rotation without downtime. Empty: see the table above. */
  apiKeys: readonly string[];
  production: boolean;
  logger?: Pick<Logger, 'warn'>;
}

/** The key a request presents: `x-api-key`, else the token of `Authorization: Bearer <token>`. */
export function presentedApiKey(headers: { get(name: string): string | undefined } | undefined): string | undefined {
  const direct = headers?.get('x-api-key')?.trim();
  if (direct) return direct;
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(headers?.get('authorization') ?? '');
  return bearer?.[1];
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

/**
 * Constant-time membership: compares fixed-length digests (so neither content nor length leaks through timing) and
 * checks every key without stopping at the first match.
 */
export function isAcceptedApiKey(candidate: string | undefined, apiKeys: readonly string[]): boolean {
  if (candidate === undefined) return false;
  const presented = digest(candidate);
  let accepted = false;
  for (const key of apiKeys) accepted = timingSafeEqual(presented, digest(key)) || accepted;
  return accepted;
}

function refused(message: string, code: Extract<ErrorCode, 'UNAUTHENTICATED' | 'FORBIDDEN'>): GraphQLError {
  const headers = new HeaderMap();
  if (code === 'UNAUTHENTICATED') headers.set('www-authenticate', 'Bearer realm="recgraph"');
  return new GraphQLError(message, { extensions: { code, http: { status: ERROR_CODES[code].status, headers } } });
}

export function apiKeyPlugin(options: ApiKeyOptions): ApolloServerPlugin<BaseContext> {
  const { apiKeys, production, logger } = options;
  const keyless = apiKeys.length === 0;
  return {
    async serverWillStart() {
      if (keyless && production) logger?.warn('RECGRAPH_API_KEY is not set: mutations are disabled (reads are served)');
      else if (keyless) logger?.warn('RECGRAPH_API_KEY is not set: mutations are open to anyone (development mode)');
    },
    async requestDidStart() {
      return {
        async didResolveOperation({ operation, request }) {
          if (!operation || operation.operation === 'query') return;
          if (keyless) {
            if (production) throw refused('Mutations are disabled: the server has no API key configured', 'FORBIDDEN');
            return;
          }
          const presented = presentedApiKey(request.http?.headers);
          if (!isAcceptedApiKey(presented, apiKeys)) {
            throw refused(
              presented === undefined
                ? 'This operation requires an API key (x-api-key or Authorization: Bearer)'
                : 'The API key is not valid',
              'UNAUTHENTICATED',
            );
          }
        },
      };
    },
  };
}
