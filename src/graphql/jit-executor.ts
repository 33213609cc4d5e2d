// How Apollo executes an operation: graphql-jit for the queries clients send again and again, graphql-js for the rest.
//
// Why: graphql-js interprets the document on every request (collect fields, look up each field's definition and
// resolver, check each value against its type), ≈ 1 µs per field; a 20-item list with five item fields is ≈ 150
// field resolutions. graphql-jit compiles an operation once into a function that does the same walk without the
// lookups. Apollo still parses (cached), validates (cached) and runs every plugin; only the execution step changes,
// through Apollo's executor hook (`gateway`: the interface Apollo Federation's gateway uses to execute).
//
// What stays on graphql-js, so answers are the same:
// - mutations (serial execution, not the hot path);
// - an operation until it has been executed COMPILE_AFTER times (compiling costs ≈ 1–5 ms: a one-off query would
//   pay more than it saves, and a client sending many distinct documents must not make us compile each one);
// - anything graphql-jit refuses to compile.
// Variables are coerced by graphql-js first (getVariableValues), so a bad variable gets graphql-js's own message and
// Apollo's 400, whichever path runs. tests/graphql/jit-executor.test.ts checks the two paths answer alike.
import type { ApolloServerOptionsWithGateway, BaseContext } from '@apollo/server';
import { makeExecutableSchema } from '@graphql-tools/schema';
import {
  execute,
  getVariableValues,
  GraphQLError,
  type DocumentNode,
  type ExecutionResult,
  type GraphQLSchema,
} from 'graphql';
import { compileQuery, isCompiledQuery, type CompiledQuery } from 'graphql-jit';

type Gateway = ApolloServerOptionsWithGateway<BaseContext>['gateway'];
type Executor = NonNullable<Awaited<ReturnType<Gateway['load']>>['executor']>;

/** Executions of one operation on graphql-js before it is compiled. */
export const COMPILE_AFTER = 3;

interface OperationState {
  runs: number;
  /** The compiled operation; null when graphql-jit refused it (stays on graphql-js). */
  compiled?: CompiledQuery | null;
}

export interface JitExecutorOptions {
  /** Executions on graphql-js before an operation is compiled (default COMPILE_AFTER; 0 = from the first). */
  compileAfter?: number;
}

/**
 * An executor for Apollo's `gateway` option. Compiled operations are kept per parsed document (Apollo's document
 * cache hands back the same DocumentNode for the same query text), so they go when Apollo drops the document.
 */
export function createJitExecutor(
  schema: GraphQLSchema,
  options: JitExecutorOptions = {},
): (request: {
  document: DocumentNode;
  operationName?: string | null;
  operation?: { operation: string; variableDefinitions?: readonly unknown[] } | null;
  variables?: Record<string, unknown>;
  context: unknown;
}) => Promise<ExecutionResult> {
  const compileAfter = options.compileAfter ?? COMPILE_AFTER;
  const operations = new WeakMap<DocumentNode, Map<string, OperationState>>();
  const stateOf = (document: DocumentNode, operationName: string): OperationState => {
    let byName = operations.get(document);
    if (!byName) operations.set(document, (byName = new Map()));
    let state = byName.get(operationName);
    if (!state) byName.set(operationName, (state = { runs: 0 }));
    return state;
  };
  const interpreted = (request: Parameters<ReturnType<typeof createJitExecutor>>[0]) =>
    Promise.resolve(
      execute({
        schema,
        document: request.document,
        operationName: request.operationName,
        variableValues: request.variables,
        contextValue: request.context,
      }),
    );
  return async (request) => {
    const operation = request.operation;
    if (!operation || operation.operation !== 'query') return interpreted(request);
    const state = stateOf(request.document, request.operationName ?? '');
    if (state.compiled === undefined) {
      if (++state.runs <= compileAfter) return interpreted(request);
      const compiled = compileQuery(schema, request.document, request.operationName ?? undefined, {
        // Leaf values are serialised by their scalar as graphql-js does; the answer's JSON is Apollo's.
        customJSONSerializer: false,
      });
      state.compiled = isCompiledQuery(compiled) ? compiled : null;
    }
    if (state.compiled === null) return interpreted(request);
    const coerced = getVariableValues(
      schema,
      (operation as { variableDefinitions?: Parameters<typeof getVariableValues>[1] }).variableDefinitions ?? [],
      request.variables ?? {},
    );
    if (coerced.errors) return { errors: coerced.errors };
    const result = await state.compiled.query(undefined, request.context, request.variables ?? {});
    return result.errors?.length ? { ...result, errors: result.errors.map(asGraphQLJsError) } : result;
  };
}

/**
 * An error of graphql-jit as graphql-js would have made it. graphql-jit leaves `extensions` unset on errors whose
 * cause is not a GraphQLError (a Postgres timeout, a non-null field that resolved to null), and Apollo's error
 * formatting reads `extensions.code` — so those would become "Cannot read properties of undefined". graphql-js
 * takes the extensions from the cause, or none.
 */
function asGraphQLJsError(error: GraphQLError): GraphQLError {
  if (error.extensions) return error;
  const converted = new GraphQLError(error.message, {
    path: error.path,
    originalError: error.originalError ?? undefined,
  });
  // graphql-js computes locations from the AST nodes, which graphql-jit does not keep; it kept the locations.
  Object.defineProperty(converted, 'locations', { value: error.locations, enumerable: true });
  return converted;
}

/** Apollo's `gateway` option serving `typeDefs` + `resolvers` through createJitExecutor. */
export function jitGateway(
  typeDefs: string,
  resolvers: Parameters<typeof makeExecutableSchema>[0]['resolvers'],
  options: JitExecutorOptions = {},
): Gateway {
  const schema = makeExecutableSchema({ typeDefs, resolvers });
  const run = createJitExecutor(schema, options);
  const executor: Executor = (requestContext) =>
    run({
      document: requestContext.document,
      // The name the client sent, not Apollo's resolved one: Apollo sets that to null when no operation matches, and
      // graphql-js would then run a lone operation instead of answering "Unknown operation" (which Apollo turns into
      // its 400 OPERATION_RESOLUTION_FAILURE).
      operationName: requestContext.request.operationName ?? null,
      operation: requestContext.operation,
      variables: requestContext.request.variables,
      context: requestContext.context,
    }) as ReturnType<Executor>;
  let announce: Parameters<Gateway['onSchemaLoadOrUpdate']>[0] | undefined;
  return {
    onSchemaLoadOrUpdate(callback) {
      announce = callback;
      return () => (announce = undefined);
    },
    // The schema never changes while the server runs: announced once, when Apollo loads it (as a gateway does).
    async load() {
      announce?.({ apiSchema: schema, coreSupergraphSdl: typeDefs });
      return { schema, executor };
    },
    async stop() {},
  };
}
