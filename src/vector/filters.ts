// Turns the API's item filter into a Qdrant filter over the item payload (see ITEM_PAYLOAD_INDEXES).
// Semantics: every given constraint must hold (AND); inside a list the item needs at least one of the values
// (genres ["Comedy","Drama"] = a comedy OR a drama). An empty list or a missing field means "no constraint".
import type { Schemas } from '@qdrant/js-client-rest';
import { ITEM_PAYLOAD, type ItemFilterInput, type ItemMatch } from '../catalogue.js';

export type QdrantFilter = Schemas['Filter'];
export type QdrantCondition = Schemas['Condition'];

export type PayloadIndexType = 'keyword' | 'integer' | 'float' | 'bool';

/** Payload indexes every item collection gets, so filtered searches stay on the index instead of scanning. */
export const ITEM_PAYLOAD_INDEXES: Readonly<Record<string, PayloadIndexType>> = {
  [ITEM_PAYLOAD.genres]: 'keyword',
  [ITEM_PAYLOAD.tags]: 'keyword',
  [ITEM_PAYLOAD.creators]: 'keyword',
  [ITEM_PAYLOAD.year]: 'integer',
  [ITEM_PAYLOAD.popularity]: 'float',
};

export function matchAny(key: string, values: readonly (string | number)[]): QdrantCondition {
  // Qdrant's AnyVariants is string[] | number[]; callers pass one kind per key.
  return { key, match: { any: [...values] as string[] | number[] } };
}

export function numberRange(key: string, bounds: { gte?: number; lte?: number }): QdrantCondition {
  return {
    key,
    range: {
      ...(bounds.gte !== undefined ? { gte: bounds.gte } : {}),
      ...(bounds.lte !== undefined ? { lte: bounds.lte } : {}),
    },
  };
}

export function hasId(ids: readonly number[]): QdrantCondition {
  return { has_id: [...new Set(ids)] };
}

function checkYear(name: string, value: number | undefined): void {
  if (value !== undefined && !Number.isFinite(value))
    throw new RangeError(`${name} must be a finite number, got ${value}`);
}

/** Qdrant filter for `input`, or undefined when nothing constrains the search (send no filter at all). */
export function buildItemFilter(input: ItemFilterInput = {}): QdrantFilter | undefined {
  const must: QdrantCondition[] = [];
  const mustNot: QdrantCondition[] = [];
  if (input.genres?.length) must.push(matchAny(ITEM_PAYLOAD.genres, input.genres));
  if (input.tags?.length) must.push(matchAny(ITEM_PAYLOAD.tags, input.tags));
  if (input.creators?.length) must.push(matchAny(ITEM_PAYLOAD.creators, input.creators));
  checkYear('yearFrom', input.yearFrom);
  checkYear('yearTo', input.yearTo);
  if (input.yearFrom !== undefined && input.yearTo !== undefined && input.yearFrom > input.yearTo) {
    throw new RangeError(`yearFrom (${input.yearFrom}) is after yearTo (${input.yearTo})`);
  }
  if (input.yearFrom !== undefined || input.yearTo !== undefined) {
    must.push(numberRange(ITEM_PAYLOAD.year, { gte: input.yearFrom, lte: input.yearTo }));
  }
  if (input.excludeIds?.length) mustNot.push(hasId(input.excludeIds));
  // Item ids start at 1: has_id [0] is "no item" (Qdrant wants a non-empty list).
  if (input.onlyIds) must.push(hasId(input.onlyIds.length ? input.onlyIds : [0]));
  for (const match of input.excludeMatching ?? []) {
    const conditions = matchConditions(match);
    if (conditions.length) mustNot.push({ must: conditions } as QdrantFilter);
  }
  if (!must.length && !mustNot.length) return undefined;
  return { ...(must.length ? { must } : {}), ...(mustNot.length ? { must_not: mustNot } : {}) };
}

/** The conditions an item of `match` meets (AND); none = every item (not sent: an empty match excludes nothing). */
function matchConditions(match: ItemMatch): QdrantCondition[] {
  const conditions: QdrantCondition[] = [];
  if (match.ids?.length) conditions.push(hasId(match.ids));
  if (match.genres?.length) conditions.push(matchAny(ITEM_PAYLOAD.genres, match.genres));
  if (match.tags?.length) conditions.push(matchAny(ITEM_PAYLOAD.tags, match.tags));
  if (match.creators?.length) conditions.push(matchAny(ITEM_PAYLOAD.creators, match.creators));
  if (match.yearFrom !== undefined || match.yearTo !== undefined) {
    conditions.push(numberRange(ITEM_PAYLOAD.year, { gte: match.yearFrom, lte: match.yearTo }));
  }
  return conditions;
}

function asList(clause: QdrantFilter['must']): QdrantCondition[] {
  if (clause === undefined || clause === null) return [];
  return (Array.isArray(clause) ? clause : [clause]) as QdrantCondition[];
}

/**
 * AND of several filters (e.g. the user's filter + the pipeline's exclusions). `should` clauses of different
 * filters cannot be concatenated without changing their meaning, so each is nested as its own condition.
 */
export function allOf(...filters: (QdrantFilter | undefined)[]): QdrantFilter | undefined {
  const must: QdrantCondition[] = [];
  const mustNot: QdrantCondition[] = [];
  for (const filter of filters) {
    if (!filter) continue;
    must.push(...asList(filter.must));
    mustNot.push(...asList(filter.must_not));
    const should = asList(filter.should);
    if (should.length)
      must.push({ should, ...(filter.min_should ? { min_should: filter.min_should } : {}) } as QdrantFilter);
  }
  if (!must.length && !mustNot.length) return undefined;
  return { ...(must.length ? { must } : {}), ...(mustNot.length ? { must_not: mustNot } : {}) };
}
