// Query limits against expensive or hostile operations: token count (at parse time), expanded field count
// (aliases and fragment bombs), depth (graphql-depth-limit) and cost (graphql-query-complexity, where a field with
// a `first` argument multiplies its children's cost by `first`).
//
// Why a plugin (didResolveOperation) rather than Apollo `validationRules`: Apollo re-codes every validation error
// as GRAPHQL_VALIDATION_FAILED (our QUERY_TOO_COMPLEX would be lost), validation results are cached per document
// while cost depends on variables (`first: $n`), and validation cannot see which operation `operationName` picks.
// Every limit error has extensions.code QUERY_TOO_COMPLEX (the client must reshape the query, not fix a value —
// hence not BAD_USER_INPUT) and HTTP status 400. The one cost that arises inside validation itself (repeated response
// names) is guarded before Apollo, by ../query-precheck.ts at the HTTP layer.
import { createRequire } from 'node:module';
import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import depthLimit from 'graphql-depth-limit';
import type { ComplexityEstimator } from 'graphql-query-complexity';
import {
  GraphQLError,
  Kind,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type ParseOptions,
  type SelectionSetNode,
  type ValidationContext,
} from 'graphql';

// graphql-query-complexity's ESM build imports 'graphql/index.mjs', a second graphql copy next to the CommonJS one
// that `import 'graphql'` (and Apollo) load in Node, and its instanceof checks then fail on Apollo's schema. Its
// CommonJS build, loaded with require, shares Apollo's copy under Node and under vitest alike.
import { ERROR_CODES, type ErrorCode } from '../error-codes.js';

const queryComplexity = createRequire(import.meta.url)(
  'graphql-query-complexity',
) as typeof import('graphql-query-complexity');

export interface QueryLimits {
  /** Most nested object fields in one operation (introspection fields excluded). */
  maxDepth: number;
  /** Highest cost of one operation (see listSizeEstimator). */
  maxCost: number;
  /** Most field selections in one operation once fragments are expanded; aliases count one each. */
  maxFields: number;
  /** Most lexical tokens in a document; enforced by the parser before any other work. */
  maxTokens: number;
  /** The size a `first` list is costed at when the argument is explicitly null. */
  defaultFirst: number;
  /**
   * The largest `first` the resolvers accept; larger values are costed at this size so the resolver's precise
   * BAD_USER_INPUT ("first must be between 1 and 100") answers instead of a cost error.
   */
  maxFirst: number;
}

// Our richest real query — recommendations(first: 100, explain: true) with every Item field, the explanation and
// pageInfo — costs 2,501 at depth 4 with 26 fields; the README example costs 75. Sandbox's full introspection query
// has 229 fields in 183 tokens (introspection fields do not count towards depth).
export const DEFAULT_QUERY_LIMITS: Readonly<QueryLimits> = Object.freeze({
  maxDepth: 8,
  maxCost: 5_000,
  maxFields: 1_000,
  maxTokens: 2_000,
  defaultFirst: 20,
  // No clamp unless the server says what its resolvers accept (src/runtime/app.ts passes LIMITS.first).
  maxFirst: Infinity,
});

export const QUERY_TOO_COMPLEX = 'QUERY_TOO_COMPLEX' satisfies ErrorCode;

export interface OperationMeasures {
  depth: number;
  fields: number;
  cost: number;
}

/** The defaults with every override that is not undefined (so `{ maxCost: config.maxCost }` may pass undefined). */
export function resolveQueryLimits(overrides: Partial<QueryLimits> = {}): QueryLimits {
  const defined = Object.entries(overrides).filter(([, value]) => value !== undefined);
  return { ...DEFAULT_QUERY_LIMITS, ...Object.fromEntries(defined) };
}

/** Apollo's `parseOptions`: a document with more tokens is a GRAPHQL_PARSE_FAILED before validation runs. */
export function queryParseOptions(overrides: Partial<QueryLimits> = {}): ParseOptions {
  return { maxTokens: resolveQueryLimits(overrides).maxTokens };
}

/** Arguments holding a list of ids whose length is the size of the answer (`items(ids:)`). */
const ID_LIST_ARGUMENTS = ['ids', 'itemIds'] as const;

/**
 * A field with a `first` argument costs 1 + first × (its children's cost, at least 1); a field with an id-list
 * argument and no `first` multiplies by the list's length. Other fields are left to the next estimator.
 */
export function listSizeEstimator(options: { defaultFirst: number; maxFirst?: number }): ComplexityEstimator {
  return ({ args, childComplexity }) => {
    let size: number | undefined;
    if ('first' in args) {
      size = Math.min(typeof args.first === 'number' ? args.first : options.defaultFirst, options.maxFirst ?? Infinity);
    } else {
      const idList = ID_LIST_ARGUMENTS.map((name) => args[name]).find(Array.isArray);
      if (idList) size = idList.length;
    }
    if (size === undefined) return undefined;
    // Each element costs at least 1, even when it is a scalar (child cost 0).
    return 1 + Math.max(0, size) * Math.max(1, childComplexity);
  };
}

function limitExceeded(limit: string, maximum: number, actual: number, message: string): GraphQLError {
  return new GraphQLError(message, {
    extensions: {
      code: QUERY_TOO_COMPLEX,
      limit,
      maximum,
      actual,
      http: { status: ERROR_CODES[QUERY_TOO_COMPLEX].status },
    },
  });
}

/** Field selections once every fragment spread is expanded, memoised per fragment so a fragment bomb costs linear time. */
function expandedFieldCount(
  operation: OperationDefinitionNode,
  fragments: Map<string, FragmentDefinitionNode>,
): number {
  const memo = new Map<string, number>();
  const visiting = new Set<string>();
  const count = (selectionSet: SelectionSetNode): number => {
    let total = 0;
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) total += 1 + (selection.selectionSet ? count(selection.selectionSet) : 0);
      else if (selection.kind === Kind.INLINE_FRAGMENT) total += count(selection.selectionSet);
      else {
        const name = selection.name.value;
        const fragment = fragments.get(name);
        // Unknown or cyclic fragments are rejected by validation before this runs; count them as empty regardless.
        if (!fragment || visiting.has(name)) continue;
        if (!memo.has(name)) {
          visiting.add(name);
          memo.set(name, count(fragment.selectionSet));
          visiting.delete(name);
        }
        total += memo.get(name)!;
      }
    }
    return total;
  };
  return count(operation.selectionSet);
}

/** graphql-depth-limit's measure of a document (run with no ceiling, so it reports the actual depth). */
function documentDepth(document: DocumentNode): number {
  let depth = 0;
  const rule = depthLimit(Number.MAX_SAFE_INTEGER, {}, (depths: Record<string, number>) => {
    depth = Math.max(0, ...Object.values(depths));
  });
  // The rule reads only the document (and would report only past its ceiling): a two-method context is enough, and
  // it avoids graphql's `validate`, whose schema instanceof checks fail when two graphql copies are loaded.
  rule({ getDocument: () => document, reportError: () => undefined } as unknown as ValidationContext);
  return depth;
}

/** A variable whose value (or, for an id list, length) can change the cost; the rest (user ids …) cannot. */
interface CostInput {
  variable: string;
  use: 'value' | 'length';
}

/** The variables sizing a list (`first: $n`, `ids: $ids`) or deciding @include/@skip, in this operation and its fragments. */
function costInputsOf(operation: OperationDefinitionNode, fragments: Map<string, FragmentDefinitionNode>): CostInput[] {
  const inputs = new Map<string, CostInput>();
  const seenFragments = new Set<string>();
  const visit = (selectionSet: SelectionSetNode): void => {
    for (const selection of selectionSet.selections) {
      for (const directive of selection.directives ?? []) {
        for (const argument of directive.arguments ?? []) {
          if (argument.value.kind === Kind.VARIABLE)
            inputs.set(argument.value.name.value, { variable: argument.value.name.value, use: 'value' });
        }
      }
      if (selection.kind === Kind.FIELD) {
        for (const argument of selection.arguments ?? []) {
          if (argument.value.kind !== Kind.VARIABLE) continue;
          const variable = argument.value.name.value;
          if (argument.name.value === 'first') inputs.set(variable, { variable, use: 'value' });
          else if ((ID_LIST_ARGUMENTS as readonly string[]).includes(argument.name.value))
            inputs.set(variable, { variable, use: 'length' });
        }
        if (selection.selectionSet) visit(selection.selectionSet);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        visit(selection.selectionSet);
      } else if (!seenFragments.has(selection.name.value)) {
        seenFragments.add(selection.name.value);
        const fragment = fragments.get(selection.name.value);
        if (fragment) visit(fragment.selectionSet);
      }
    }
  };
  visit(operation.selectionSet);
  return [...inputs.values()];
}

function costKey(inputs: readonly CostInput[], variables: Record<string, unknown>): string {
  return inputs
    .map(({ variable, use }) => {
      const value = variables[variable];
      if (value === undefined) return '~'; // absent (→ the default) differs from an explicit null
      return use === 'length' && Array.isArray(value) ? `#${value.length}` : JSON.stringify(value);
    })
    .join('|');
}

/** What does not depend on variables, measured once per operation node (Apollo reuses parsed documents). */
interface OperationShape {
  fields: number;
  /** Undefined when fields is over the limit: depth is not measured on a document that large. */
  depth?: number;
  single: DocumentNode;
  costInputs: CostInput[];
  /** Cost by costKey; a handful of entries (clients vary `first`, rarely more). */
  costs: Map<string, number>;
}

const MAX_COSTS_PER_OPERATION = 32;

export type OperationLimiter = (
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Record<string, unknown> | undefined,
) => OperationMeasures;

/**
 * Returns a check of the operation `operationName` picks: throws QUERY_TOO_COMPLEX at the first limit exceeded,
 * else returns its depth, expanded field count and cost (variables resolve `first: $n`; cost is NaN when they do not
 * coerce). The field count is measured first (memoised, linear) so the costlier walks never run over a hostile
 * document. Measures are cached per operation node and, for cost, per value of the variables that can change it:
 * graphql-query-complexity takes ≈ 65 µs per call even on a small query.
 */
export function createOperationLimiter(overrides: Partial<QueryLimits> = {}): OperationLimiter {
  const limits = resolveQueryLimits(overrides);
  const shapes = new WeakMap<OperationDefinitionNode, OperationShape>();

  const shapeOf = (document: DocumentNode, operation: OperationDefinitionNode): OperationShape => {
    let shape = shapes.get(operation);
    if (shape) return shape;
    const fragments = new Map<string, FragmentDefinitionNode>();
    for (const definition of document.definitions) {
      if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
    }
    // Only this operation and the fragments: other operations in the document are not run and are not measured.
    const single: DocumentNode = { kind: Kind.DOCUMENT, definitions: [operation, ...fragments.values()] };
    const fields = expandedFieldCount(operation, fragments);
    const depth = fields > limits.maxFields ? undefined : documentDepth(single);
    shape = { fields, depth, single, costInputs: costInputsOf(operation, fragments), costs: new Map() };
    shapes.set(operation, shape);
    return shape;
  };

  return (schema, document, operation, variables = {}) => {
    const shape = shapeOf(document, operation);
    const { fields, depth } = shape;
    if (fields > limits.maxFields || depth === undefined) {
      throw limitExceeded(
        'fields',
        limits.maxFields,
        fields,
        `Query selects ${fields} fields (fragments expanded), more than the limit of ${limits.maxFields}`,
      );
    }
    if (depth > limits.maxDepth) {
      throw limitExceeded(
        'depth',
        limits.maxDepth,
        depth,
        `Query depth is ${depth}, more than the limit of ${limits.maxDepth}`,
      );
    }
    const key = costKey(shape.costInputs, variables);
    let cost = shape.costs.get(key);
    if (cost === undefined) {
      try {
        cost = queryComplexity.getComplexity({
          schema,
          query: shape.single,
          variables,
          // Our own field count above is the bound; the library's node ceiling (10,000 by default) must not cut in first.
          maxQueryNodes: Number.MAX_SAFE_INTEGER,
          // No fieldExtensionsEstimator: a schema built from SDL has no field extensions, and the cost cache relies
          // on costs depending only on the variables costInputsOf finds.
          estimators: [listSizeEstimator(limits), queryComplexity.simpleEstimator({ defaultComplexity: 1 })],
        });
      } catch (error) {
        // Variables that do not coerce: execution rejects them with its own BAD_USER_INPUT, so leave them to it. By
        // name, not instanceof: the error comes from the CommonJS graphql copy (see queryComplexity above).
        if ((error as Error | undefined)?.name === 'GraphQLError') return { depth, fields, cost: Number.NaN };
        throw error;
      }
      if (shape.costs.size >= MAX_COSTS_PER_OPERATION) shape.costs.clear();
      shape.costs.set(key, cost);
    }
    if (cost > limits.maxCost) {
      throw limitExceeded(
        'cost',
        limits.maxCost,
        cost,
        `Query cost is ${cost}, more than the limit of ${limits.maxCost}`,
      );
    }
    return { depth, fields, cost };
  };
}

/** Rejects, before execution, an operation over any limit with QUERY_TOO_COMPLEX (HTTP 400). */
export function queryLimitsPlugin(overrides: Partial<QueryLimits> = {}): ApolloServerPlugin<BaseContext> {
  const checkOperation = createOperationLimiter(overrides);
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ schema, document, operation, request }) {
          // No operation matches operationName: execution reports that itself.
          if (operation) checkOperation(schema, document, operation, request.variables);
        },
      };
    },
  };
}
