// A guard that must run before Apollo validates a document, at the HTTP layer.
//
// graphql-js validation (OverlappingFieldsCanBeMerged) compares every pair of fields that share a response name in
// one selection set — fragments merged in — and each comparison walks both subselections. So a 1,000-token document
// repeating `a: item(id: "x") { id }` costs ≈ 50–150 ms of CPU before any plugin or validation rule of ours can
// object (Apollo runs its own rules in the same pass). This check parses the document once (bounded by maxTokens)
// and bounds that work in linear time (fieldComparisons); legitimate queries need a few hundred comparisons at most,
// the hostile one above over 100,000.
import {
  Kind,
  parse,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLFormattedError,
  type SelectionSetNode,
} from 'graphql';
import { DEFAULT_QUERY_LIMITS, QUERY_TOO_COMPLEX, type QueryLimits } from './plugins/limits.js';

export interface PrecheckLimits extends Pick<QueryLimits, 'maxTokens'> {
  /** Most field comparisons validation may make (see fieldComparisons). */
  maxFieldComparisons: number;
}

// Measured on this schema (graphql 16.12): hostile documents under 10,000 validate in ≲ 5 ms, rejected ones would take
// up to ≈ 300 ms at 2,000 tokens; legitimate queries stay far below (two fragments selecting the same 30-field subtree
// under one field: ≈ 1,200).
export const DEFAULT_PRECHECK_LIMITS: Readonly<PrecheckLimits> = Object.freeze({
  maxTokens: DEFAULT_QUERY_LIMITS.maxTokens,
  maxFieldComparisons: 10_000,
});

const REMEMBER_MAX_CHARS = 8 * 1024;

/** Comparing two object fields (arguments, then subselections collected and merged) costs ≈ 4 leaf comparisons more. */
const OBJECT_FIELD_WEIGHT = 5;

/** Per response name in one selection set (fragments merged in): Σ subtree sizes and Σ squared subtree sizes. */
type NameSizes = Map<string, { sum: number; sumOfSquares: number }>;

function addName(into: NameSizes, name: string, sum: number, sumOfSquares: number): void {
  const entry = into.get(name);
  if (entry) {
    entry.sum += sum;
    entry.sumOfSquares += sumOfSquares;
  } else into.set(name, { sum, sumOfSquares });
}

/**
 * An upper bound of the field comparisons graphql-js validation makes: every pair of fields sharing a response name
 * in a selection set (fragments merged in) is compared along with their subtrees, at most size(a) × size(b) field
 * pairs, where size = 1 for a leaf and OBJECT_FIELD_WEIGHT + the sizes below for an object field. Summed over all
 * selection sets. Fragments are measured once (memoised), so even a fragment bomb costs time linear in the document.
 */
export function fieldComparisons(document: DocumentNode): number {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  const fragmentSizes = new Map<string, { names: NameSizes; size: number }>();
  let comparisons = 0;

  const addComparisons = (names: NameSizes): void => {
    for (const { sum, sumOfSquares } of names.values()) comparisons += (sum * sum - sumOfSquares) / 2;
  };
  // The names a set contributes to its parent's merged set, and the number of fields it holds (its size).
  const measure = (selectionSet: SelectionSetNode): { names: NameSizes; size: number } => {
    const names: NameSizes = new Map();
    let size = 0;
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) {
        let fieldSize = 1;
        if (selection.selectionSet) {
          const below = measure(selection.selectionSet);
          addComparisons(below.names);
          fieldSize = OBJECT_FIELD_WEIGHT + below.size;
        }
        addName(names, selection.alias?.value ?? selection.name.value, fieldSize, fieldSize * fieldSize);
        size += fieldSize;
      } else {
        const merged =
          selection.kind === Kind.INLINE_FRAGMENT
            ? measure(selection.selectionSet)
            : measureFragment(selection.name.value);
        for (const [name, sizes] of merged.names) addName(names, name, sizes.sum, sizes.sumOfSquares);
        size += merged.size;
      }
    }
    return { names, size };
  };
  const measureFragment = (name: string): { names: NameSizes; size: number } => {
    const known = fragmentSizes.get(name);
    if (known) return known;
    // Placeholder first: an unknown or cyclic fragment (both rejected by validation) reads as empty.
    fragmentSizes.set(name, { names: new Map(), size: 0 });
    const fragment = fragments.get(name);
    if (!fragment) return { names: new Map(), size: 0 };
    const measured = measure(fragment.selectionSet);
    fragmentSizes.set(name, measured);
    return measured;
  };

  for (const definition of document.definitions) {
    if (definition.kind === Kind.OPERATION_DEFINITION) addComparisons(measure(definition.selectionSet).names);
  }
  return comparisons;
}

/**
 * Returns a check of a request's raw `query` (POST body field or GET parameter): a formatted QUERY_TOO_COMPLEX error
 * to answer with HTTP 400, or undefined to let Apollo handle the request (including syntax errors and documents over
 * maxTokens, which Apollo reports itself with parseOptions from queryParseOptions). Verdicts are remembered for the
 * most recent distinct queries, so a client repeating its queries pays one Map lookup.
 */
export function createQueryPrecheck(
  overrides: Partial<PrecheckLimits> = {},
  rememberLast = 500,
): (query: unknown) => GraphQLFormattedError | undefined {
  const limits: PrecheckLimits = {
    maxTokens: overrides.maxTokens ?? DEFAULT_PRECHECK_LIMITS.maxTokens,
    maxFieldComparisons: overrides.maxFieldComparisons ?? DEFAULT_PRECHECK_LIMITS.maxFieldComparisons,
  };
  const verdicts = new Map<string, GraphQLFormattedError | undefined>();

  const judge = (query: string): GraphQLFormattedError | undefined => {
    let document: DocumentNode;
    try {
      document = parse(query, { maxTokens: limits.maxTokens, noLocation: true });
    } catch {
      return undefined;
    }
    const comparisons = fieldComparisons(document);
    if (comparisons <= limits.maxFieldComparisons) return undefined;
    return {
      message: `Query repeats response names: validating it needs up to ${comparisons} field comparisons, more than the limit of ${limits.maxFieldComparisons}`,
      extensions: {
        code: QUERY_TOO_COMPLEX,
        limit: 'fieldComparisons',
        maximum: limits.maxFieldComparisons,
        actual: comparisons,
      },
    };
  };

  return (query) => {
    if (typeof query !== 'string' || query.length === 0) return undefined;
    if (verdicts.has(query)) return verdicts.get(query);
    const verdict = judge(query);
    // Only ordinary-sized queries are remembered, so the memory stays ≈ rememberLast × 8 KB at worst.
    if (query.length <= REMEMBER_MAX_CHARS) {
      if (verdicts.size >= rememberLast) verdicts.delete(verdicts.keys().next().value as string);
      verdicts.set(query, verdict);
    }
    return verdict;
  };
}
