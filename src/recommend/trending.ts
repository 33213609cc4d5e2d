// `trending`: items growing fastest against their own baseline (the formula is in src/db/trending.ts). When nothing
// grows in the window (a quiet catalogue, a historical dataset) the answer is all-time popular items, saying so —
// never an empty list without a reason.
import type { TrendingWindow } from '../db/trending.js';
import { TRENDING } from '../db/trending.js';
import type { ItemFilter, PageRequest, RecommendationResult } from './types.js';
import type { UseCaseContext } from './use-case.js';

const WINDOW_TEXT: Record<TrendingWindow, string> = {
  LAST_DAY: 'last day',
  LAST_7_DAYS: 'last 7 days',
  LAST_30_DAYS: 'last 30 days',
};

export async function trendingItems(
  ctx: Pick<UseCaseContext, 'deps' | 'popular'>,
  page: PageRequest,
  window: TrendingWindow,
  filter: ItemFilter,
): Promise<RecommendationResult> {
  const { items, hasMore, total } = await ctx.deps.trending.page(page.first, page.offset, window, filter);
  // Every page of an empty trending list is the popular list's page, so paging through the fallback works.
  if (total === 0) {
    return ctx.popular(
      page,
      'ALL_TIME',
      filter,
      `no item has ${TRENDING.minWindowUsers}+ users and growing interest in the ${WINDOW_TEXT[window]}: all-time popular items`,
    );
  }
  return {
    items: items.map((entry) => ({ itemId: entry.itemId, score: entry.growth, source: 'TRENDING' })),
    strategy: 'TRENDING',
    reason: null,
    modelVersion: null,
    hasMore,
  };
}
