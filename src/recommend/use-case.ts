// What every use case of the serving facade (service.ts) is given: the dependencies and the shared plumbing —
// cached vector lookups, history points for fold-in, and the popular fallbacks every list can end in.
import type { ItemSearchRepository } from '../db/items.js';
import type { LatestItems } from '../db/latest.js';
import type { PopularItems, PopularWindow } from '../db/popularity.js';
import type { TrendingItems } from '../db/trending.js';
import type { UserRepository } from '../db/users.js';
import type { WorkMapSource } from '../db/works.js';
import type { ItemReader } from '../db/item-cache.js';
import type { FeedbackPolicy } from '../feedback/event-weights.js';
import type { RuleSource } from '../rules/types.js';
import type { VectorStore } from '../vector/client.js';
import type { HistoryPoint } from './fold-in.js';
import type { ModelSource } from './serving-model.js';
import type { ItemFilter, PageRequest, RecommendationResult } from './types.js';

export interface CollectionAliases {
  itemsCollaborative: string;
  usersCollaborative: string;
  itemsSemantic: string;
  /** Image vectors (items_image); only versions trained with an image model have the collection behind it. */
  itemsImage?: string;
}

export interface RecommendationDeps {
  store: VectorStore;
  aliases: CollectionAliases;
  users: UserRepository;
  itemSearch: ItemSearchRepository;
  popular: PopularItems;
  /** `latest` and `trending` (Postgres lists). */
  latest: LatestItems;
  trending: TrendingItems;
  models: ModelSource;
  /** Editions grouped into works: every list shows a work once (one-per-work.ts). Absent: items are their own work. */
  works?: Pick<WorkMapSource, 'get'>;
  /** Which users.attributes key is the segment, and how many events a segment needs to rank by its own taste. */
  segments?: { attribute: string; minEvents: number };
  /** Event weights and negative feedback (the negative push-down's strength is read here). */
  feedback?: FeedbackPolicy;
  /** Business rules applied to every list (src/rules); none when absent. */
  rules?: RuleSource;
  /** Item metadata (the server's item cache): what rules match on. */
  items?: Pick<ItemReader, 'byIds'>;
  /** Cap of the vector cache in MB (RECGRAPH_VECTOR_CACHE_MAX_MB; default DEFAULT_VECTOR_CACHE_MAX_MB). */
  vectorCacheMaxMb?: number;
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
