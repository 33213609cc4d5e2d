// The catalogue's shared vocabulary, below both stores: the API's item filter (Postgres answers it in
// db/item-filter-sql.ts, Qdrant in vector/filters.ts, with the same meaning) and the payload keys item points carry.

/** Payload keys of item points; the point id itself is the internal item id. */
export const ITEM_PAYLOAD = {
  genres: 'genres',
  tags: 'tags',
  year: 'year',
  creators: 'creators',
  popularity: 'popularity',
} as const;

export interface ItemFilterInput {
  genres?: readonly string[];
  tags?: readonly string[];
  /** Inclusive lower bound on the release/publication year. */
  yearFrom?: number;
  /** Inclusive upper bound. */
  yearTo?: number;
  creators?: readonly string[];
  /** Points never to return (already seen, the query item itself …). */
  excludeIds?: readonly number[];
  /** Only these points (the editions of one work: the API's `workId` filter); empty matches nothing. */
  onlyIds?: readonly number[];
  /** Items matching any of these never return (business rules' exclusions by genre, creator …; src/rules). */
  excludeMatching?: readonly ItemMatch[];
}

/** A set of items: those meeting every given constraint (any-of within a list, as in a filter). */
export interface ItemMatch {
  ids?: readonly number[];
  genres?: readonly string[];
  tags?: readonly string[];
  creators?: readonly string[];
  yearFrom?: number;
  yearTo?: number;
}

/**
 * The payload of an item point: what filters and the popularity prior read. Without `popularity` it is a partial
 * payload, for updating an item's metadata without touching the popularity training wrote.
 */
export function itemPayload(item: {
  genres: readonly string[];
  tags: readonly string[];
  creators: readonly string[];
  year: number | null;
  popularity?: number;
}): Record<string, unknown> {
  return {
    [ITEM_PAYLOAD.genres]: item.genres,
    [ITEM_PAYLOAD.tags]: item.tags,
    [ITEM_PAYLOAD.creators]: item.creators,
    ...(item.year != null ? { [ITEM_PAYLOAD.year]: item.year } : {}),
    ...(item.popularity !== undefined ? { [ITEM_PAYLOAD.popularity]: item.popularity } : {}),
  };
}
