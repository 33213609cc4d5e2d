// What every use case of the serving facade (service.ts) is given: the dependencies and the shared plumbing —
// cached vector lookups, history points for fold-in, and the popular fallbacks every list can end in.
import type { ItemSearchRepository } from '../db/items.js';
import type { PopularItems, PopularWindow } from '../db/popularity.js';
import type { UserRepository } from '../db/users.js';
import type { VectorStore } from '../vector/client.js';
import type { HistoryPoint } from './fold-in.js';
import type { ServingModelSource } from './serving-model.js';
import type { ItemFilter, PageRequest, RecommendationResult } from './types.js';

export interface CollectionAliases {
  itemsCollaborative: string;
  usersCollaborative: string;
  itemsSemantic: string;
}

export interface RecommendationDeps {
  store: VectorStore;
  aliases: CollectionAliases;
  users: UserRepository;
  itemSearch: ItemSearchRepository;
  popular: PopularItems;
  models: ServingModelSource;
  /** Which users.attributes key is the segment, and how many events a segment needs to rank by its own taste. */
  segments?: { attribute: string; minEvents: number };
}

/** What a popular list is asked for: the page, the window, the filter, the reason the list will give. */
export type PopularRequest = [
  page: PageRequest,
  window: PopularWindow,
  filter: ItemFilter,
  reason: string | null,
  options?: { diverse?: boolean },
];

export interface UseCaseContext {
  readonly deps: RecommendationDeps;
  /** The point's vector in the aliased collection (cached per model version); undefined when it has none. */
  vectorOf(alias: string, id: number): Promise<number[] | undefined>;
  /**
   * Vectors of several points of the aliased collection, from the per-version cache (one batch lookup for the
   * misses); points without a vector are left out. Cheaper than `with_vector` on a search: no vectors in Qdrant's
   * answer to serialise and parse (≈ 6 KB of JSON per 320-dim vector).
   */
  vectorsOf(alias: string, ids: readonly number[]): Promise<Map<number, ArrayLike<number>>>;
  /** Collaborative vectors (and training degrees, for fold-in) of the given items; missing items are left out. */
  historyPoints(ids: readonly number[]): Promise<Map<number, HistoryPoint>>;
  /** Drops the cached vectors of these items (they are being written). */
  forgetVectors(ids: readonly number[]): void;
  popular(...request: PopularRequest): Promise<RecommendationResult>;
  /** Runs a Qdrant-backed use case; if Qdrant cannot answer, popular items from Postgres do, flagged degraded. */
  degradeToPopular(
    page: PageRequest,
    filter: ItemFilter,
    useCase: () => Promise<RecommendationResult>,
    /** A better Postgres-only answer than popular items, tried first; undefined when it has nothing. */
    fallback?: () => Promise<RecommendationResult | undefined>,
  ): Promise<RecommendationResult>;
}

export function withExcluded(filter: ItemFilter, ids: Iterable<number>): ItemFilter {
  return { ...filter, excludeIds: [...(filter.excludeIds ?? []), ...ids] };
}
