// Items like this one: collaborative and/or semantic neighbours (fused for HYBRID), then the item policy table's
// fallbacks — semantic neighbours, the same creator's items, popular. Without Qdrant the same creator's items
// from Postgres still answer.
import type { ItemRow } from '../db/items.js';
import { searchExcluding } from './exclusions.js';
import { decide, ITEM_POLICY, reasonOf } from './policy.js';
import { reciprocalRankFusion, type Ranked } from './rank.js';
import { relatedToItem } from './related-items.js';
import type { ItemFilter, RecommendationResult, Source } from './types.js';
import { withExcluded, type UseCaseContext } from './use-case.js';

export type SimilarityMode = 'COLLABORATIVE' | 'SEMANTIC' | 'HYBRID' | 'RELATED';

export async function similarItems(
  ctx: UseCaseContext,
  item: ItemRow,
  mode: SimilarityMode,
  first: number,
  filter: ItemFilter,
): Promise<RecommendationResult> {
  const { store, itemSearch, models } = ctx.deps;
  const page = { first, offset: 0 };
  const excluding = withExcluded(filter, [item.id]);
  if (mode === 'RELATED') {
    return relatedToItem(itemSearch, item, first, excluding, async (why) => {
      const hybrid = await similarItems(ctx, item, 'HYBRID', first, filter);
      return { ...hybrid, reason: `${why}: ${hybrid.reason ?? 'similar items (HYBRID)'}` };
    });
  }
  // Without Qdrant, the same creator's other items (from Postgres) are still "like this one"; popular otherwise.
  const sameCreatorFallback = async (): Promise<RecommendationResult | undefined> => {
    const hits = await itemSearch.byCreators(item.creators, first + 1, excluding);
    if (!hits.length) return undefined;
    return {
      items: hits.slice(0, first).map((hit) => ({ itemId: hit.id, score: hit.score, source: 'SAME_CREATOR' })),
      strategy: 'SAME_CREATOR',
      reason: 'similar items are temporarily unavailable: same creator',
      modelVersion: null,
      hasMore: hits.length > first,
    };
  };
  const useCase = async (): Promise<RecommendationResult> => {
    const model = await models.get();
    const { itemsCollaborative, itemsSemantic } = ctx.deps.aliases;
    // The item's stored vector, then a search with it; undefined = the item has no vector there. (Not Qdrant's
    // query-by-id: it excludes the point itself through the slow has_id path, ≈ 1.3 ms of its CPU against 0.4 ms.)
    const neighboursOf = async (alias: string) => {
      const vector = model ? await ctx.vectorOf(alias, item.id) : undefined;
      if (!vector) return undefined;
      return searchExcluding(excluding, first + 1, (limit, filter) => store.search(alias, { vector, limit, filter }));
    };
    const [collaborativeHits, semanticAlongside] = await Promise.all([
      mode !== 'SEMANTIC' ? neighboursOf(itemsCollaborative) : undefined,
      mode !== 'COLLABORATIVE' ? neighboursOf(itemsSemantic) : undefined,
    ]);
    // COLLABORATIVE asked, but the item has no collaborative vector: the policy falls back to its semantic one.
    const semanticHits =
      semanticAlongside ??
      (mode === 'COLLABORATIVE' && !collaborativeHits ? await neighboursOf(itemsSemantic) : undefined);
    const situation = {
      hasCollaborative: !!collaborativeHits,
      hasSemantic: !!semanticHits,
      creators: item.creators.length,
      mode,
    };
    const row = decide(ITEM_POLICY, situation);
    let ranked: Array<Ranked & { source: Source }>;
    switch (row.strategy) {
      case 'MODEL':
        if (mode === 'HYBRID' && semanticHits) {
          ranked = reciprocalRankFusion([collaborativeHits!, semanticHits]).map((e) => ({
            ...e,
            source: e.from === 0 ? 'COLLABORATIVE' : 'SEMANTIC',
          }));
        } else {
          ranked = collaborativeHits!.map((hit) => ({ ...hit, source: 'COLLABORATIVE' }));
        }
        break;
      case 'SEMANTIC':
        ranked = semanticHits!.map((hit) => ({ ...hit, source: 'SEMANTIC' }));
        break;
      case 'SAME_CREATOR':
        ranked = (await itemSearch.byCreators(item.creators, first + 1, excluding)).map((hit) => ({
          ...hit,
          source: 'SAME_CREATOR',
        }));
        break;
      default:
        return ctx.popular(page, 'ALL_TIME', excluding, reasonOf(row, situation));
    }
    const reason =
      row.strategy === 'SEMANTIC' && mode !== 'SEMANTIC'
        ? 'this item has no interactions in the model yet: similar by content'
        : reasonOf(row, situation);
    if (!ranked.length && row.strategy === 'SAME_CREATOR') {
      return ctx.popular(page, 'ALL_TIME', excluding, 'no other items by the same creators: popular items');
    }
    return {
      items: ranked.slice(0, first).map((e) => ({ itemId: e.id, score: e.score, source: e.source })),
      strategy: row.strategy,
      reason,
      modelVersion: row.strategy === 'SAME_CREATOR' ? null : (model?.version ?? null),
      hasMore: ranked.length > first,
    };
  };
  return ctx.degradeToPopular(page, excluding, useCase, sameCreatorFallback);
}
