// Validation of client input at the boundary: every limit a hostile or careless query could push, with a
// BAD_USER_INPUT error that names the argument and the allowed range.
import { decodeCursor } from './cursor.js';
import type { ItemFilter, PageRequest } from '../recommend/types.js';
import type { ItemFilter as ItemFilterArg } from './__generated__/resolvers.js';
import type { RequestContext } from './context.js';
import { badUserInput } from './errors.js';

export const LIMITS = {
  first: 100,
  idLength: 256,
  filterValues: 50,
  filterValueLength: 200,
  queryLength: 500,
  sessionItems: 50,
  itemsById: 100,
  interactionsPerCall: 1000,
  itemsPerUpsert: 500,
  deletesPerCall: 1000,
  textLength: 20_000,
} as const;

export function checkFirst(first: number | null | undefined, argumentName = 'first'): number {
  const value = first ?? 20;
  if (!Number.isInteger(value) || value < 1 || value > LIMITS.first) {
    throw badUserInput(`${argumentName} must be between 1 and ${LIMITS.first}, got ${value}`, argumentName);
  }
  return value;
}

export function checkPage(first: number | null | undefined, after: string | null | undefined): PageRequest {
  const page = { first: checkFirst(first), offset: 0 };
  if (after != null) {
    const offset = after.length <= 64 ? decodeCursor(after) : undefined;
    if (offset === undefined) throw badUserInput('after is not a cursor this API returned (use pageInfo.endCursor)', 'after');
    page.offset = offset;
  }
  if (page.offset + page.first > 500) throw badUserInput('pagination reaches past the 500th result', 'after');
  return page;
}

export function checkId(id: string, argumentName: string): string {
  if (id.length === 0 || id.length > LIMITS.idLength) throw badUserInput(`${argumentName} must be 1 to ${LIMITS.idLength} characters`, argumentName);
  return id;
}

export function checkIdList(ids: readonly string[], max: number, argumentName: string): string[] {
  if (ids.length > max) throw badUserInput(`${argumentName} takes at most ${max} ids, got ${ids.length}`, argumentName);
  return ids.map((id) => checkId(id, argumentName));
}

export function checkRange(value: number | null | undefined, fallback: number, min: number, max: number, argumentName: string): number {
  const v = value ?? fallback;
  if (!Number.isFinite(v) || v < min || v > max) throw badUserInput(`${argumentName} must be between ${min} and ${max}, got ${v}`, argumentName);
  return v;
}

export function checkText(text: string, max: number, argumentName: string): string {
  const trimmed = text.trim();
  if (!trimmed) throw badUserInput(`${argumentName} must not be empty`, argumentName);
  if (trimmed.length > max) throw badUserInput(`${argumentName} must be at most ${max} characters`, argumentName);
  return trimmed;
}

function checkValues(values: readonly string[] | null | undefined, name: string): string[] | undefined {
  if (values == null) return undefined;
  if (values.length > LIMITS.filterValues) throw badUserInput(`filter.${name} takes at most ${LIMITS.filterValues} values`, `filter.${name}`);
  for (const v of values) {
    if (v.length > LIMITS.filterValueLength) throw badUserInput(`filter.${name} values must be at most ${LIMITS.filterValueLength} characters`, `filter.${name}`);
  }
  return values.length ? [...values] : undefined;
}

function checkYear(value: number | null | undefined, name: string): number | undefined {
  if (value == null) return undefined;
  if (!Number.isInteger(value) || value < -10_000 || value > 10_000) throw badUserInput(`filter.${name} must be a year, got ${value}`, `filter.${name}`);
  return value;
}

/** The GraphQL filter as the pipelines want it: validated, excluded external ids mapped to internal ids. */
export async function resolveFilter(arg: ItemFilterArg | null | undefined, context: RequestContext): Promise<ItemFilter> {
  if (!arg) return {};
  const filter: ItemFilter = {
    genres: checkValues(arg.genres, 'genres'),
    tags: checkValues(arg.tags, 'tags'),
    creators: checkValues(arg.creators, 'creators'),
    yearFrom: checkYear(arg.yearFrom, 'yearFrom'),
    yearTo: checkYear(arg.yearTo, 'yearTo'),
  };
  if (filter.yearFrom !== undefined && filter.yearTo !== undefined && filter.yearFrom > filter.yearTo) {
    throw badUserInput(`filter.yearFrom (${filter.yearFrom}) is after filter.yearTo (${filter.yearTo})`, 'filter.yearFrom');
  }
  if (arg.excludeIds?.length) {
    const ids = checkIdList(arg.excludeIds, LIMITS.itemsPerUpsert, 'filter.excludeIds');
    // Unknown ids cannot be returned anyway, so they need no exclusion.
    const rows = await context.loaders.itemByExternalId.loadMany(ids);
    filter.excludeIds = rows.flatMap((row) => (row && !(row instanceof Error) ? [row.id] : []));
  }
  return filter;
}
