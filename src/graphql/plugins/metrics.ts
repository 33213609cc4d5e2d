// Feeds the GraphQL series of the Prometheus registry (src/http/metrics.ts): request durations per operation and
// errors by the code the client was sent.
import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import type { GraphQLFormattedError } from 'graphql';
import type { Counter, Histogram } from 'prom-client';
import type { ErrorCode } from '../error-codes.js';

/** The series this plugin writes (ServerMetrics has them). */
export interface GraphQLMetrics {
  requestDuration: Histogram<'operation' | 'type'>;
  errors: Counter<'code'>;
}

/**
 * Keeps a label's distinct values bounded: operation names come from clients, and every new value is a new time
 * series held in memory for the life of the process. Past `limit` values, new ones are reported as "(other)".
 */
function boundedLabel(limit: number): (value: string) => string {
  const seen = new Set<string>();
  return (value) => {
    if (seen.has(value)) return value;
    if (seen.size >= limit) return '(other)';
    seen.add(value);
    return value;
  };
}

function errorsOf(body: { kind: 'single'; singleResult: { errors?: readonly GraphQLFormattedError[] } } | { kind: 'incremental'; initialResult: { errors?: readonly GraphQLFormattedError[] } }): readonly GraphQLFormattedError[] {
  return (body.kind === 'single' ? body.singleResult.errors : body.initialResult.errors) ?? [];
}

/**
 * Records each request's duration under its operation name ("(anonymous)"; "(unresolved)" when parsing or validation
 * failed) and type (query, mutation, or "unknown"), and every error sent, by code as formatted for the client. At most
 * maxOperationNames distinct names are kept as labels (first come); later ones are counted under "(other)".
 */
export function metricsPlugin(metrics: GraphQLMetrics, options: { maxOperationNames?: number } = {}): ApolloServerPlugin<BaseContext> {
  const operationLabel = boundedLabel(options.maxOperationNames ?? 200);
  const codeLabel = boundedLabel(100);
  return {
    async requestDidStart() {
      const startedAt = performance.now();
      return {
        async willSendResponse({ operation, response }) {
          const seconds = (performance.now() - startedAt) / 1000;
          const name = operation ? (operation.name ? operationLabel(operation.name.value) : '(anonymous)') : '(unresolved)';
          metrics.requestDuration.observe({ operation: name, type: operation?.operation ?? 'unknown' }, seconds);
          for (const error of errorsOf(response.body)) {
            const code = typeof error.extensions?.code === 'string' ? error.extensions.code : ('INTERNAL_SERVER_ERROR' satisfies ErrorCode);
            metrics.errors.inc({ code: codeLabel(code) });
          }
        },
      };
    },
  };
}
