// The API's item filter (src/catalogue.ts) as SQL over `items` (alias given), for the lists Postgres answers
// (popular, same creator, keyword search). Same meaning as src/vector/filters.ts for Qdrant: any-of for lists,
// inclusive year range.
import type { ItemFilterInput, ItemMatch } from '../catalogue.js';

/** Appends parameters to `params` and returns the AND-ed conditions (always at least "not deleted"). */
export function itemFilterSql(filter: ItemFilterInput | undefined, params: unknown[], alias = 'it'): string {
  const conditions = [`${alias}.deleted_at IS NULL`];
  const add = (sql: (placeholder: string) => string, value: unknown) => {
    params.push(value);
    conditions.push(sql(`$${params.length}`));
  };
  if (filter?.genres?.length) add((p) => `${alias}.genres && ${p}::text[]`, filter.genres);
  if (filter?.tags?.length) add((p) => `${alias}.tags && ${p}::text[]`, filter.tags);
  if (filter?.creators?.length) add((p) => `${alias}.creators && ${p}::text[]`, filter.creators);
  if (filter?.yearFrom !== undefined) add((p) => `${alias}.year >= ${p}`, filter.yearFrom);
  if (filter?.yearTo !== undefined) add((p) => `${alias}.year <= ${p}`, filter.yearTo);
  if (filter?.excludeIds?.length) add((p) => `${alias}.id <> ALL(${p}::int[])`, filter.excludeIds);
  if (filter?.onlyIds) add((p) => `${alias}.id = ANY(${p}::int[])`, filter.onlyIds);
  for (const match of filter?.excludeMatching ?? []) {
    const matching = matchSql(match, params, alias);
    // coalesce: an item without a year does not meet a year bound, so it is not excluded by one (as in Qdrant).
    if (matching) conditions.push(`NOT coalesce((${matching}), false)`);
  }
  return conditions.join(' AND ');
}

/** The AND of `match`'s constraints as SQL, or undefined when it has none. */
function matchSql(match: ItemMatch, params: unknown[], alias: string): string | undefined {
  const conditions: string[] = [];
  const add = (sql: (placeholder: string) => string, value: unknown) => {
    params.push(value);
    conditions.push(sql(`$${params.length}`));
  };
  if (match.ids?.length) add((p) => `${alias}.id = ANY(${p}::int[])`, match.ids);
  if (match.genres?.length) add((p) => `${alias}.genres && ${p}::text[]`, match.genres);
  if (match.tags?.length) add((p) => `${alias}.tags && ${p}::text[]`, match.tags);
  if (match.creators?.length) add((p) => `${alias}.creators && ${p}::text[]`, match.creators);
  if (match.yearFrom !== undefined) add((p) => `${alias}.year >= ${p}`, match.yearFrom);
  if (match.yearTo !== undefined) add((p) => `${alias}.year <= ${p}`, match.yearTo);
  return conditions.length ? conditions.join(' AND ') : undefined;
}
