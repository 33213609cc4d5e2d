// The GraphQL server, assembled in one place: Apollo Server with the schema, the resolvers, the error policy and the
// plugins (each does one thing, see ./plugins/*), plus the pre-parse check that runs before Apollo. The HTTP layer
// (src/http/server.ts) only moves bytes between node:http and what this returns.
import type http from 'node:http';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import {
  ApolloServerPluginLandingPageLocalDefault,
  ApolloServerPluginLandingPageProductionDefault,
} from '@apollo/server/plugin/landingPage/default';
import type { GraphQLFormattedError } from 'graphql';
import type { Logger } from '../logger.js';
import type { RequestContext } from './context.js';
import { createFormatError } from './error-format.js';
import { apiKeyPlugin } from './plugins/api-key.js';
import { degradedPlugin, type DegradedCounter } from './plugins/degraded.js';
import { errorStatusPlugin } from './plugins/error-status.js';
import { queryLimitsPlugin, queryParseOptions, type QueryLimits } from './plugins/limits.js';
import { metricsPlugin, type GraphQLMetrics } from './plugins/metrics.js';
import { operationKindsPlugin } from './plugins/operation-kinds.js';
import { rejectedInputsPlugin } from './plugins/rejected-inputs.js';
import { requestLogPlugin } from './plugins/request-log.js';
import { jitGateway } from './jit-executor.js';
import { createQueryPrecheck } from './query-precheck.js';
import { resolvers } from './resolvers.js';
import { loadTypeDefs } from './schema.js';

export interface GraphQLServerOptions {
  /** The HTTP server Apollo drains on stop. */
  httpServer: http.Server;
  production: boolean;
  logger: Logger;
  metrics: GraphQLMetrics & { degradedAnswers: DegradedCounter };
  /** Keys accepted on mutations; none = mutations open in development, refused in production. */
  apiKeys: readonly string[];
  queryLimits?: Partial<QueryLimits>;
  /** Execute repeated queries with graphql-jit instead of graphql-js (jit-executor.ts). */
  jit?: boolean;
}

export interface GraphQLServer {
  apollo: ApolloServer<RequestContext>;
  /** A QUERY_TOO_COMPLEX error to answer with HTTP 400 before Apollo sees the query, or undefined. */
  precheckQuery(query: unknown): GraphQLFormattedError | undefined;
}

export function createGraphQLServer(options: GraphQLServerOptions): GraphQLServer {
  const schemaOptions = options.jit
    ? { gateway: jitGateway(loadTypeDefs(), resolvers as never) }
    : { typeDefs: loadTypeDefs(), resolvers: resolvers as never };
  const apollo = new ApolloServer<RequestContext>({
    ...schemaOptions,
    introspection: !options.production,
    includeStacktraceInErrorResponses: !options.production,
    csrfPrevention: true,
    hideSchemaDetailsFromClientErrors: options.production,
    formatError: createFormatError({ production: options.production }),
    parseOptions: queryParseOptions(options.queryLimits),
    // Order matters only in that subscriptions and auth are refused before limits are computed.
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer: options.httpServer }),
      // We set no cache hints; Apollo's default cache-control plugin would still wrap every field resolution.
      ApolloServerPluginCacheControlDisabled(),
      options.production
        ? ApolloServerPluginLandingPageProductionDefault({ footer: false })
        : ApolloServerPluginLandingPageLocalDefault({ embed: true, footer: false }),
      requestLogPlugin({ logger: options.logger }),
      metricsPlugin(options.metrics),
      degradedPlugin({ counter: options.metrics.degradedAnswers }),
      errorStatusPlugin(),
      rejectedInputsPlugin(),
      operationKindsPlugin(),
      apiKeyPlugin({ apiKeys: options.apiKeys, production: options.production, logger: options.logger }),
      queryLimitsPlugin(options.queryLimits),
    ],
  });
  // Hostile shapes (thousands of repeated fields) are refused before Apollo's validation spends CPU on them.
  return { apollo, precheckQuery: createQueryPrecheck({ maxTokens: options.queryLimits?.maxTokens }) };
}
