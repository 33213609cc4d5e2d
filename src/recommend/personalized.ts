// One user's personalized list from a user vector: one Qdrant search (payload filters inside it; seen items
// dropped from an over-fetched answer or filtered in Qdrant, see exclusions.ts) → for a two-stage model, the
// rerank of a few hundred candidates by the item-item term (graph-rerank.ts) → diversify → the requested page.
// Models whose vectors carry their whole score (the iALS ⊕ GF-CF low-pass blend) skip the rerank. The GraphQL path (RecommendationService.forUser, for-user.ts) and the served-path evaluation
// (training/eval/served.ts) both call this, so the quoted number is what users get.
import type { ScoredHit, VectorStore } from '../vector/client.js';
import { searchExcluding } from './exclusions.js';
import type { GraphReranker } from './graph-rerank.js';
import { pushDownNearNegatives, type NegativeSignal } from './negative-feedback.js';
import { diversify } from './rank.js';
import type { ItemFilter, PageRequest } from './types.js';

export interface PersonalizedQuery {
  vector: readonly number[] | Float32Array;
  /** Everything the search must respect, the user's seen items included (excludeIds). */
  filter: ItemFilter;
  page: PageRequest;
  /** MMR λ (0 = relevance order). */
  diversity: number;
  /** Candidates to fetch (an experiment variant's setting); never fewer than the page plus one. */
  candidates?: number;
  /** Return candidate vectors (diversity and explanations need them). */
  withVectors: boolean;
  /**
   * Where candidate vectors come from when `withVectors`: e.g. the server's per-version vector cache. Without it
   * the search returns them (`with_vector`), which costs Qdrant and this process a JSON round of every vector.
   */
  vectorsOf?: (ids: readonly number[]) => Promise<ReadonlyMap<number, ArrayLike<number>>>;
  /** HNSW beam width / exact search for this query; default SEARCH_TUNING. */
  search?: SearchTuning;
  /** The model version's rerank stage and the history it reads (item ids, most recent first). */
  rerank?: { reranker: GraphReranker; history: readonly number[] };
  /** The user's negative items: candidates near them are pushed down (negative-feedback.ts). */
  negatives?: NegativeSignal;
}

export interface SearchTuning {
  hnswEf?: number;
  exact?: boolean;
}

/**
 * The HNSW beam width of personalized searches (what the served-path evaluation measures). Measured on the
 * bench:serve model (40k items, 320 dims; bench/results/item-search.json, 500 users, limit 54 as served): plain
 * Dot HNSW returns 0.9999 of exact search's top 20 at ef 64 for 0.72 ms of Qdrant CPU against 2.68 ms at ef 512
 * (the former setting). The MIPS → nearest-neighbour transform (one extra coordinate) and int8 quantisation were
 * measured too and lost most of the top 20 at every beam: blended vectors' norms are skewed, so the extra
 * coordinate dominates the augmented geometry. The served recall@20 against exact search on ml-1m and yelp2018 is
 * bench/results/served-search-<dataset>.json (npx tsx bench/served-search.ts --dataset …). Small collections
 * (below Qdrant's full-scan threshold, e.g. ml-1m's 3.7k items) are searched exactly anyway.
 */
export const SEARCH_TUNING: SearchTuning = { hnswEf: 64 };

export interface PersonalizedPage {
  items: ScoredHit[];
  /** Vectors of the candidates (when asked for), by item id. */
  vectors: Map<number, ArrayLike<number>>;
  hasMore: boolean;
  /** Two-stage only: the retrieved candidate ids in Qdrant's order, before the rerank (to measure each stage). */
  retrieved?: number[];
}

/**
 * How far past the page the search reaches: one more than the page (the next-page signal), or a pool wide
 * enough for diversification to choose from. Fetching more than needed costs Qdrant time on every request.
 */
export function candidateCount(page: PageRequest, diversity: number): number {
  const end = page.offset + page.first;
  return diversity > 0 ? Math.min(500, Math.max(100, end * 2)) : end + 1;
}

export async function personalizedPage(
  store: VectorStore,
  itemsAlias: string,
  query: PersonalizedQuery,
): Promise<PersonalizedPage> {
  const { page, rerank } = query;
  const negatives = query.negatives?.vectors.length && query.negatives.penalty > 0 ? query.negatives : undefined;
  // A push-down needs room below the page for what it pushes down: the same pool diversification gets.
  const wanted = Math.max(
    candidateCount(page, negatives ? Math.max(query.diversity, 1) : query.diversity),
    query.candidates ?? 0,
  );
  const withVectors = query.withVectors || negatives !== undefined;
  const fromSearch = withVectors && !query.vectorsOf;
  const retrieved = (await searchExcluding(
    query.filter,
    rerank ? rerank.reranker.candidateCount(wanted) : wanted,
    (limit, filter) =>
      store.search(itemsAlias, {
        vector: query.vector,
        limit,
        filter,
        withVector: fromSearch,
        ...(query.search ?? SEARCH_TUNING),
      }),
  ))!;
  const reranked = rerank ? rerank.reranker.rerank(retrieved, rerank.history) : retrieved;
  const vectors = fromSearch
    ? new Map(reranked.filter((h) => h.vector).map((h) => [h.id, h.vector as number[]]))
    : withVectors
      ? new Map(await query.vectorsOf!(reranked.map((h) => h.id)))
      : new Map<number, ArrayLike<number>>();
  const hits = negatives ? pushDownNearNegatives(reranked, vectors, negatives) : reranked;
  const end = page.offset + page.first;
  const ordered = diversify(hits, vectors, query.diversity, end);
  return {
    items: ordered.slice(page.offset, end),
    vectors,
    hasMore: hits.length > end,
    ...(rerank ? { retrieved: retrieved.map((hit) => hit.id) } : {}),
  };
}
