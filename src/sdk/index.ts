// The typed client SDK: one method per operation in operations.graphql, with variables and results typed from
// schema.graphql (npm run codegen). Works in Node ≥ 18 and browsers (global fetch); pass `fetch` to override.
//
//   import { createRecgraphClient } from 'recgraph/sdk';
//   const recgraph = createRecgraphClient({ url: 'http://localhost:4000/graphql', apiKey: process.env.RECGRAPH_API_KEY });
//   const list = await recgraph.recommendations({ userId: 'reader-00001', first: 10 });
//   list.items.forEach(({ item, score }) => console.log(item.title, score));
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print } from 'graphql';
import { isErrorCode, type ErrorCode } from '../graphql/error-codes.js';
import * as ops from './__generated__/operations.js';

export type * from './__generated__/operations.js';
// Every code the server answers with, its HTTP status and meaning (README § Errors lists the same table).
export { ERROR_CODES, isErrorCode, type ErrorCode } from '../graphql/error-codes.js';

export interface RecgraphClientOptions {
  /** The GraphQL endpoint, e.g. http://localhost:4000/graphql */
  url: string;
  /** Sent as x-api-key; mutations need it when the server has one configured. */
  apiKey?: string;
  headers?: Record<string, string>;
  fetch?: typeof fetch;
  /** Per-request deadline in milliseconds (default 10 s). */
  timeoutMs?: number;
}

export interface GraphQLErrorPayload {
  message: string;
  extensions?: { code?: ErrorCode | string; [key: string]: unknown };
}

/** The server answered with errors (each keeps its extensions.code) or with a non-GraphQL HTTP failure. */
export class RecgraphError extends Error {
  constructor(
    message: string,
    readonly errors: GraphQLErrorPayload[],
    readonly status: number,
  ) {
    super(message);
    this.name = 'RecgraphError';
  }

  /**
   * extensions.code of the first error (BAD_USER_INPUT, NOT_FOUND, UNAUTHENTICATED, …; see ERROR_CODES), or
   * undefined when the server sent none of the documented codes (e.g. a proxy's HTML error page).
   */
  get code(): ErrorCode | undefined {
    const code = this.errors[0]?.extensions?.code;
    return isErrorCode(code) ? code : undefined;
  }
}

export interface RecgraphResponse<T> {
  data: T;
  /** Response extensions, e.g. `degraded` when a fallback answered. */
  extensions?: Record<string, unknown>;
}

const printed = new WeakMap<object, string>();

export function createRecgraphClient(options: RecgraphClientOptions) {
  const fetchImpl = options.fetch ?? globalThis.fetch;
  const headers = {
    'content-type': 'application/json',
    ...(options.apiKey ? { 'x-api-key': options.apiKey } : {}),
    ...options.headers,
  };

  /** Runs any typed document; resolves with data and extensions, rejects with RecgraphError. */
  async function execute<R, V>(document: TypedDocumentNode<R, V>, variables: V): Promise<RecgraphResponse<R>> {
    let query = printed.get(document);
    if (query === undefined) printed.set(document, (query = print(document)));
    const response = await fetchImpl(options.url, {
      method: 'POST',
      headers,
      body: JSON.stringify({ query, variables }),
      signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
    });
    const text = await response.text();
    let body: { data?: R | null; errors?: GraphQLErrorPayload[]; extensions?: Record<string, unknown> };
    try {
      body = JSON.parse(text);
    } catch {
      throw new RecgraphError(`HTTP ${response.status}: ${text.slice(0, 200)}`, [], response.status);
    }
    if (body.errors?.length || body.data == null) {
      const errors = body.errors ?? [{ message: `HTTP ${response.status} without data` }];
      throw new RecgraphError(errors.map((e) => e.message).join('; '), errors, response.status);
    }
    return { data: body.data, extensions: body.extensions };
  }

  const run = async <R, V>(document: TypedDocumentNode<R, V>, variables: V) =>
    (await execute(document, variables)).data;

  return {
    execute,
    recommendations: async (v: ops.RecommendationsQueryVariables) =>
      (await run(ops.RecommendationsDocument, v)).recommendations,
    similarItems: async (v: ops.SimilarItemsQueryVariables) => (await run(ops.SimilarItemsDocument, v)).similarItems,
    search: async (v: ops.SearchQueryVariables) => (await run(ops.SearchDocument, v)).search,
    recommendForSession: async (v: ops.RecommendForSessionQueryVariables) =>
      (await run(ops.RecommendForSessionDocument, v)).recommendForSession,
    popular: async (v: ops.PopularQueryVariables = {}) => (await run(ops.PopularDocument, v)).popular,
    item: async (id: string) => (await run(ops.ItemDocument, { id })).item,
    items: async (ids: string[]) => (await run(ops.ItemsDocument, { ids })).items,
    userHistory: async (v: ops.UserHistoryQueryVariables) => (await run(ops.UserHistoryDocument, v)).user,
    modelInfo: async () => (await run(ops.ModelInfoDocument, {})).modelInfo,
    recordInteractions: async (input: ops.InteractionInput[]) =>
      (await run(ops.RecordInteractionsDocument, { input })).recordInteractions,
    upsertItems: async (input: ops.ItemInput[]) => (await run(ops.UpsertItemsDocument, { input })).upsertItems,
    deleteItems: async (ids: string[]) => (await run(ops.DeleteItemsDocument, { ids })).deleteItems,
    // Experiments (A/B)
    experiments: async () => (await run(ops.ExperimentsDocument, {})).experiments,
    experimentReport: async (v: ops.ExperimentReportQueryVariables) =>
      (await run(ops.ExperimentReportDocument, v)).experimentReport,
    createExperiment: async (input: ops.ExperimentInput) =>
      (await run(ops.CreateExperimentDocument, { input })).createExperiment,
    startExperiment: async (name: string) => (await run(ops.StartExperimentDocument, { name })).startExperiment,
    stopExperiment: async (name: string) => (await run(ops.StopExperimentDocument, { name })).stopExperiment,
    endExperiment: async (name: string) => (await run(ops.EndExperimentDocument, { name })).endExperiment,
    // Training jobs
    trainModel: async (input: ops.TrainModelInput = {}) => (await run(ops.TrainModelDocument, { input })).trainModel,
    trainingJobs: async (first?: number) => (await run(ops.TrainingJobsDocument, { first })).trainingJobs,
    trainingJob: async (id: string) => (await run(ops.TrainingJobDocument, { id })).trainingJob,
    // Business rules
    businessRules: async (v: ops.BusinessRulesQueryVariables = {}) =>
      (await run(ops.BusinessRulesDocument, v)).businessRules,
    upsertBusinessRules: async (input: ops.BusinessRuleInput[]) =>
      (await run(ops.UpsertBusinessRulesDocument, { input })).upsertBusinessRules,
    deleteBusinessRules: async (ids: string[]) =>
      (await run(ops.DeleteBusinessRulesDocument, { ids })).deleteBusinessRules,
  };
}

export type RecgraphClient = ReturnType<typeof createRecgraphClient>;
