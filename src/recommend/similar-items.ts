// Items like this one: collaborative, semantic and/or image neighbours (fused for HYBRID), then the item policy table's
// fallbacks — semantic neighbours, the same creator's items, popular. Without Qdrant the same creator's items
// from Postgres still answer.
import type { ItemRow } from '../db/items.js';
import { searchExcluding } from './exclusions.js';
import { decide, ITEM_POLICY, reasonOf } from './policy.js';
import { reciprocalRankFusion, type Ranked } from './rank.js';
import type { ItemFilter, RecommendationResult, Source } from './types.js';
import { withExcluded, type UseCaseContext } from './use-case.js';

export type SimilarityMode = 'COLLABORATIVE' | 'SEMANTIC' | 'HYBRID' | 'IMAGE';

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
    const { itemsCollaborative, itemsSemantic, itemsImage } = ctx.deps.aliases;
    // The item's stored vector, then a search with it; undefined = the item has no vector there. (Not Qdrant's
    // query-by-id: it excludes the point itself through the slow has_id path, ≈ 1.3 ms of its CPU against 0.4 ms.)
    const neighboursOf = async (alias: string) => {
      const vector = model ? await ctx.vectorOf(alias, item.id) : undefined;
      if (!vector) return undefined;
      return searchExcluding(excluding, first + 1, (limit, filter) => store.search(alias, { vector, limit, filter }));
    };
    // Image neighbours only where the live version has an items_image collection (trained with an image model).
    const imageAlias = model?.collections.items_image && itemsImage ? itemsImage : undefined;
    const imageNeighbours = () => (imageAlias ? neighboursOf(imageAlias) : Promise.resolve(undefined));
    if (mode === 'IMAGE') {
      const imageHits = await imageNeighbours();
      if (imageHits) {
        return {
          items: imageHits.slice(0, first).map((hit) => ({ itemId: hit.id, score: hit.score, source: 'IMAGE' })),
          strategy: 'MODEL',
          reason: null,
          modelVersion: model?.version ?? null,
          hasMore: imageHits.length > first,
        };
      }
    }
    // IMAGE without an image vector for this item answers as COLLABORATIVE does, and says why.
    const vectorMode = mode === 'IMAGE' ? 'COLLABORATIVE' : mode;
    const [collaborativeHits, semanticAlongside, imageAlongside] = await Promise.all([
      vectorMode !== 'SEMANTIC' ? neighboursOf(itemsCollaborative) : undefined,
      vectorMode !== 'COLLABORATIVE' ? neighboursOf(itemsSemantic) : undefined,
      vectorMode === 'HYBRID' ? imageNeighbours() : undefined,
    ]);
    // COLLABORATIVE asked, but the item has no collaborative vector: the policy falls back to its semantic one.
    const semanticHits =
      semanticAlongside ??
      (vectorMode === 'COLLABORATIVE' && !collaborativeHits ? await neighboursOf(itemsSemantic) : undefined);
    const situation = {
      hasCollaborative: !!collaborativeHits,
      hasSemantic: !!semanticHits,
      creators: item.creators.length,
      mode: vectorMode,
    };
    const row = decide(ITEM_POLICY, situation);
    // HYBRID fuses every vector list the item has (reciprocal rank fusion); each item keeps the source it ranked best in.
    const fused = (lists: Array<[Ranked[] | undefined, Source]>): Array<Ranked & { source: Source }> => {
      const present = lists.filter((entry): entry is [Ranked[], Source] => entry[0] !== undefined);
      if (present.length === 1) return present[0][0].map((hit) => ({ ...hit, source: present[0][1] }));
      return reciprocalRankFusion(present.map(([hits]) => hits)).map((e) => ({ ...e, source: present[e.from][1] }));
    };
    let ranked: Array<Ranked & { source: Source }>;
    switch (row.strategy) {
      case 'MODEL':
        ranked =
          vectorMode === 'HYBRID'
            ? fused([
                [collaborativeHits, 'COLLABORATIVE'],
                [semanticHits, 'SEMANTIC'],
                [imageAlongside, 'IMAGE'],
              ])
            : collaborativeHits!.map((hit) => ({ ...hit, source: 'COLLABORATIVE' }));
        break;
      case 'SEMANTIC':
        ranked = fused([
          [semanticHits, 'SEMANTIC'],
          [vectorMode === 'HYBRID' ? imageAlongside : undefined, 'IMAGE'],
        ]);
        break;
      case 'SAME_CREATOR':
        ranked = (await itemSearch.byCreators(item.creators, first + 1, excluding)).map((hit) => ({
          ...hit,
          source: 'SAME_CREATOR',
        }));
        break;
      default:
        return ctx.popular(page, 'ALL_TIME', excluding, withImageNote(reasonOf(row, situation)));
    }
    const reason =
      row.strategy === 'SEMANTIC' && vectorMode !== 'SEMANTIC'
        ? 'this item has no interactions in the model yet: similar by content'
        : reasonOf(row, situation);
    if (!ranked.length && row.strategy === 'SAME_CREATOR') {
      return ctx.popular(
        page,
        'ALL_TIME',
        excluding,
        withImageNote('no other items by the same creators: popular items'),
      );
    }
    return {
      items: ranked.slice(0, first).map((e) => ({ itemId: e.id, score: e.score, source: e.source })),
      strategy: row.strategy,
      reason: withImageNote(reason),
      modelVersion: row.strategy === 'SAME_CREATOR' ? null : (model?.version ?? null),
      hasMore: ranked.length > first,
    };
  };
  /** IMAGE asked, answered another way: the reason starts by saying there was no image vector. */
  function withImageNote(reason: string | null): string | null {
    if (mode !== 'IMAGE') return reason;
    return `no image vector for this item: ${reason ?? 'similar by interactions'}`;
  }
  return ctx.degradeToPopular(page, excluding, useCase, sameCreatorFallback);
}
