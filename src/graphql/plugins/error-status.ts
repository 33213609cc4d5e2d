// A failed field answers with the server's failure, not 200: when any error sent has a 5xx code (error-codes.ts),
// the response takes that status, and a 503 says when to retry. Load balancers and retrying clients watch the
// status, not the body. Client mistakes in a field (BAD_USER_INPUT, NOT_FOUND) keep GraphQL's 200 with partial data.
import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { RETRY_AFTER_SECONDS, serverFailureStatus } from '../error-codes.js';

export function errorStatusPlugin(): ApolloServerPlugin<BaseContext> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ response }) {
          const errors = (response.body.kind === 'single' ? response.body.singleResult.errors : response.body.initialResult.errors) ?? [];
          const status = serverFailureStatus(errors.map((error) => error.extensions?.code));
          if (status === undefined) return;
          response.http.status = status;
          if (status === 503) response.http.headers.set('retry-after', String(RETRY_AFTER_SECONDS));
        },
      };
    },
  };
}
