// Popular items from Postgres: the answer for cold starts, the window-ranked `popular` query, and the fallback
// every other use case ends in when Qdrant cannot answer.
import { segmentTooSmallReason, type UserSituation } from './policy.js';
import type { ItemFilter, PageRequest, RecommendationResult } from './types.js';
import type { PopularRequest, RecommendationDeps } from './use-case.js';

type PopularDeps = Pick<RecommendationDeps, 'popular' | 'segments'>;

export async function popularItems(
  deps: PopularDeps,
  ...[page, window, filter, reason, options = {}]: PopularRequest
): Promise<RecommendationResult> {
  let { items, hasMore } = await deps.popular.top(page.first, {
    window,
    filter,
    offset: page.offset,
    diverse: options.diverse,
  });
  if (!items.length && window !== 'ALL_TIME' && page.offset === 0) {
    ({ items, hasMore } = await deps.popular.top(page.first, { window: 'ALL_TIME', filter, offset: 0 }));
    reason = `no events in the ${window === 'LAST_7_DAYS' ? 'last 7 days' : 'last 30 days'}: all-time popular items`;
  }
  return popularList(items, hasMore, page, reason);
}

/**
 * All-time popular items among the users of the user's segment, spread over genres; the global list when the
 * segment has too few events (under this filter) for its own ranking to mean anything. Every page decides alike:
 * the event count ignores the page's exclusions.
 */
export async function popularInSegment(
  deps: PopularDeps,
  page: PageRequest,
  filter: ItemFilter,
  situation: UserSituation,
  reason: string | null,
): Promise<RecommendationResult> {
  const segment = situation.segment!;
  const minEvents = deps.segments?.minEvents ?? 0;
  const among = await deps.popular.top(page.first, {
    window: 'ALL_TIME',
    filter,
    offset: page.offset,
    diverse: true,
    segment,
  });
  if (among.events < minEvents) {
    return popularItems(deps, page, 'ALL_TIME', filter, segmentTooSmallReason(situation, among.events, minEvents), {
      diverse: true,
    });
  }
  return popularList(among.items, among.hasMore, page, reason);
}

function popularList(
  items: ReadonlyArray<{ itemId: number; count: number }>,
  hasMore: boolean,
  page: PageRequest,
  reason: string | null,
): RecommendationResult {
  const max = items[0]?.count ?? 1;
  return {
    items: items.map((entry) => ({ itemId: entry.itemId, score: entry.count / max, source: 'POPULAR' })),
    strategy: 'POPULAR',
    reason:
      items.length || page.offset > 0 ? reason : `${reason ? `${reason}; ` : ''}no item with interactions matches`,
    modelVersion: null,
    hasMore,
  };
}
