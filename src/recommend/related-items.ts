// similarItems(mode: RELATED): the catalogue's own item-item relations (bought together, also bought, also viewed:
// src/db/item-relations.ts), in the catalogue's order, filters applied, from Postgres alone. An item without
// relations (or whose related items the filter rules out) is answered by `otherwise` (HYBRID), saying why.
import type { ItemRow, ItemSearchRepository } from '../db/items.js';
import type { ItemFilter, RecommendationResult } from './types.js';

export async function relatedToItem(
  itemSearch: Pick<ItemSearchRepository, 'related'>,
  item: ItemRow,
  first: number,
  excluding: ItemFilter,
  otherwise: (why: string) => Promise<RecommendationResult>,
): Promise<RecommendationResult> {
  const related = await itemSearch.related(item.id, first + 1, excluding);
  if (!related.length) {
    return otherwise('no bought-together, also-bought or also-viewed items (under this filter)');
  }
  return {
    // The catalogue gives an order, not strengths: 1, 1/2, 1/3 … keeps that order.
    items: related.slice(0, first).map((entry) => ({
      itemId: entry.itemId,
      score: 1 / (entry.position + 1),
      source: entry.kind,
    })),
    strategy: 'RELATED',
    reason: null,
    modelVersion: null,
    hasMore: related.length > first,
  };
}
