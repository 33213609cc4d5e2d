// Search: keyword matches from Postgres, semantic matches through the model version's ONNX text encoder and
// Qdrant, or both fused (HYBRID). Without Qdrant, keyword matches answer alone and say so.
import { isQdrantUnavailable } from '../vector/errors.js';
import { buildItemFilter } from '../vector/filters.js';
import { reciprocalRankFusion, type Ranked } from './rank.js';
import type { ItemFilter, RecommendationResult, Source } from './types.js';
import type { UseCaseContext } from './use-case.js';

export type SearchMode = 'SEMANTIC' | 'KEYWORD' | 'HYBRID';

export async function searchItems(
  ctx: UseCaseContext,
  query: string,
  mode: SearchMode,
  first: number,
  filter: ItemFilter,
): Promise<RecommendationResult> {
  const { store, aliases, itemSearch, models } = ctx.deps;
  const model = await models.get();
  const encoder = model?.text;
  const keyword = () => itemSearch.keyword(query, first * 2, filter);
  const semantic = async () => {
    if (!encoder) return [];
    // The query goes through the version's ONNX text encoder; a query of words it has never seen has no direction.
    const [vector] = await encoder.encode([query]);
    if (!vector.some((x) => x !== 0)) return [];
    return store.search(aliases.itemsSemantic, { vector, limit: first * 2, filter: buildItemFilter(filter) });
  };
  let ranked: Array<Ranked & { source: Source }>;
  let degraded: string | undefined;
  let reason: string | null = null;
  try {
    if (mode === 'KEYWORD') ranked = (await keyword()).map((e) => ({ ...e, source: 'KEYWORD' }));
    else if (mode === 'SEMANTIC' && encoder) ranked = (await semantic()).map((e) => ({ ...e, source: 'SEMANTIC' }));
    else {
      const [words, meaning] = await Promise.all([keyword(), semantic()]);
      ranked = reciprocalRankFusion([words, meaning]).map((e) => ({
        ...e,
        source: e.from === 0 ? 'KEYWORD' : 'SEMANTIC',
      }));
      if (!model) reason = 'no trained model yet: keyword matches only';
      else if (!encoder) reason = `${model.textUnavailable ?? 'text encoder unavailable'}: keyword matches only`;
    }
  } catch (error) {
    if (!isQdrantUnavailable(error)) throw error;
    degraded = `vector store unavailable: ${(error as Error).message}`;
    reason = 'semantic search unavailable: keyword matches only';
    ranked = (await keyword()).map((e) => ({ ...e, source: 'KEYWORD' }));
  }
  return {
    items: ranked.slice(0, first).map((e) => ({ itemId: e.id, score: e.score, source: e.source })),
    strategy: 'SEARCH',
    reason: ranked.length ? reason : `no item matches "${query}"`,
    modelVersion: model?.version ?? null,
    hasMore: ranked.length > first,
    ...(degraded ? { degraded } : {}),
  };
}
