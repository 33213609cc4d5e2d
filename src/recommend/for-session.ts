// Recommendations for an anonymous session: the items viewed so far are folded into a user vector (fold-in.ts)
// and searched like a user's (reranked by the item-item term for two-stage versions); popular items when none of
// them is in the model.
import { foldIn } from './fold-in.js';
import { searchExcluding } from './exclusions.js';
import type { ItemFilter, RecommendationResult } from './types.js';
import { withExcluded, type UseCaseContext } from './use-case.js';

export async function recommendForSession(
  ctx: UseCaseContext,
  itemIds: readonly number[],
  first: number,
  filter: ItemFilter,
): Promise<RecommendationResult> {
  const { store, aliases, models } = ctx.deps;
  const page = { first, offset: 0 };
  const excluding = withExcluded(filter, itemIds);
  return ctx.degradeToPopular(page, excluding, async () => {
    const model = await models.get();
    if (!model) return ctx.popular(page, 'ALL_TIME', excluding, 'no trained model yet: popular items');
    const points = await ctx.historyPoints(itemIds);
    const vector = foldIn(
      model,
      itemIds.map((itemId) => ({ itemId, value: 1 })),
      points,
    );
    if (!vector) {
      return ctx.popular(page, 'ALL_TIME', excluding, "none of the session's items are in the model: popular items");
    }
    const reranker = model.reranker;
    const retrieved = (await searchExcluding(
      excluding,
      reranker ? reranker.candidateCount(first + 1) : first + 1,
      (limit, filter) => store.search(aliases.itemsCollaborative, { vector, limit, filter }),
    ))!;
    // Two-stage versions: the session's items are the history the item-item term reads.
    const hits = reranker ? reranker.rerank(retrieved, itemIds) : retrieved;
    return {
      items: hits.slice(0, first).map((hit) => ({ itemId: hit.id, score: hit.score, source: 'SESSION' })),
      strategy: 'SESSION',
      reason: null,
      modelVersion: model.version,
      hasMore: hits.length > first,
    };
  });
}
