// `latest`: the newest items of the catalogue (src/db/latest.ts says which time and why), from Postgres alone.
import type { ItemFilter, PageRequest, RecommendationResult } from './types.js';
import type { RecommendationDeps } from './use-case.js';

export async function latestItems(
  deps: Pick<RecommendationDeps, 'latest'>,
  page: PageRequest,
  filter: ItemFilter,
): Promise<RecommendationResult> {
  const { items, hasMore } = await deps.latest.page(page.first, page.offset, filter);
  return {
    // Unix seconds: higher is newer, and comparable across pages.
    items: items.map((entry) => ({ itemId: entry.itemId, score: entry.addedAt.getTime() / 1000, source: 'LATEST' })),
    strategy: 'LATEST',
    reason: items.length || page.offset > 0 ? null : 'no item matches',
    modelVersion: null,
    hasMore,
  };
}
