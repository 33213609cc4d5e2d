// The schema has queries and mutations only. graphql-js validates a subscription document against a schema without
// a Subscription type as valid and fails it at execution ("not configured to execute subscription operation"), which
// Apollo would answer as an internal error: refuse it before execution, as the client's mistake it is.
import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { GraphQLError } from 'graphql';
import { ERROR_CODES } from '../error-codes.js';

export function operationKindsPlugin(): ApolloServerPlugin<BaseContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ operation }) {
          if (operation?.operation !== 'subscription') return;
          throw new GraphQLError('This API has no subscriptions: use a query or a mutation', {
            extensions: {
              code: 'GRAPHQL_VALIDATION_FAILED',
              http: { status: ERROR_CODES.GRAPHQL_VALIDATION_FAILED.status },
            },
          });
        },
      };
    },
  };
}
