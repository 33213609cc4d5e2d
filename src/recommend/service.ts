// The serving facade the GraphQL layer calls: it holds the dependencies, the vector cache and the shared
// fallbacks, and hands each request to its use case — for a user (for-user.ts), for a session (for-session.ts),
// similar items (similar-items.ts), search (search.ts), popular (popular.ts), latest (latest.ts), trending
// (trending.ts), similar users (similar-users.ts), index writes (index-writes.ts).
// Candidates come from Qdrant (or Postgres for the fallbacks); which branch answers is decided by the policy
// tables (policy.ts); when Qdrant is unreachable every use case answers from Postgres instead and says so
// (`degraded`). Every public list goes through the business-rules stage (src/rules/list-stage.ts) on its way out:
// `ruleList` below is the one place that happens — and where every list shows a work once (one-per-work.ts).
import type { ItemRow } from '../db/items.js';
import { DEGREE_PAYLOAD } from '../embedding/blended-foldin.js';
import { withBusinessRules, type RuledListRequest } from '../rules/list-stage.js';
import { isQdrantUnavailable } from '../vector/errors.js';
import type { HistoryPoint } from './fold-in.js';
import { recommendForSession } from './for-session.js';
import { recommendForUser, type UserOptions, type UserRef } from './for-user.js';
import { indexItems, unindexItems } from './index-writes.js';
import { latestItems } from './latest.js';
import { popularItems } from './popular.js';
import { searchItems, type SearchMode } from './search.js';
import { similarItems, type SimilarityMode } from './similar-items.js';
import { similarUsers, type SimilarUsersResult } from './similar-users.js';
import { trendingItems } from './trending.js';
import type { TrendingWindow } from '../db/trending.js';
import type { ItemFilter, ListOptions, PageRequest, RecommendationResult } from './types.js';
import type { PopularRequest, RecommendationDeps, UseCaseContext } from './use-case.js';
import { ServingModelSource } from './serving-model.js';
import { DEFAULT_VECTOR_CACHE_MAX_MB, MISS, VectorCache } from './vector-cache.js';
import { onePerWork } from './one-per-work.js';

export type { UserOptions, UserRef } from './for-user.js';
export type { ListOptions } from './types.js';
export type { CollectionAliases, RecommendationDeps } from './use-case.js';

/**
 * When a model version goes live, up to this many user and as many item collaborative vectors are read into memory
 * in the background (≈ 256 B each at dimension 64), so a request needs no vector lookup; beyond that, points are
 * looked up and cached as they come.
 */
const PRELOADED_VECTORS = 100_000;
// (and never more than the cache's byte cap holds: the preload stops when the cache is full.)

export class RecommendationService implements UseCaseContext {
  private readonly vectors: VectorCache;
  /** One facade per non-live version an experiment variant serves: its own aliases (the version's collections) and vector cache. */
  private readonly pinned = new Map<string, RecommendationService>();

  constructor(readonly deps: RecommendationDeps) {
    this.vectors = new VectorCache(undefined, (deps.vectorCacheMaxMb ?? DEFAULT_VECTOR_CACHE_MAX_MB) * 2 ** 20);
  }

  async forUser(
    user: UserRef | undefined,
    page: PageRequest,
    filter: ItemFilter,
    options: UserOptions,
  ): Promise<RecommendationResult> {
    const service = options.modelVersion ? await this.servingVersion(options.modelVersion) : this;
    const history = async () => (user ? (await service.deps.users.historyItems(user.id)).map((h) => h.itemId) : []);
    return service.ruleList({ ruleSet: options.ruleSet, page, filter, excluded: history }, (wide, ruled) =>
      recommendForUser(service, user, wide, ruled, options),
    );
  }

  /**
   * The facade that serves `version`: this one when it is live; a facade over the version's own collections when
   * it is another published version (experiments); this one again when the version cannot be served (pruned,
   * failed, unknown) — the list comes from the live model rather than not at all.
   */
  private async servingVersion(version: string): Promise<RecommendationService> {
    const source = this.deps.models;
    if (!(source instanceof ServingModelSource) || (await source.get())?.version === version) return this;
    const model = await source.pinned(version).catch(() => undefined);
    const collections = model?.collections;
    if (!collections?.items_collaborative || !collections.users_collaborative || !collections.items_semantic)
      return this;
    let service = this.pinned.get(version);
    if (!service) {
      if (this.pinned.size >= 4) this.pinned.delete(this.pinned.keys().next().value!);
      service = new RecommendationService({
        ...this.deps,
        aliases: {
          itemsCollaborative: collections.items_collaborative,
          usersCollaborative: collections.users_collaborative,
          itemsSemantic: collections.items_semantic,
        },
        models: { get: () => source.pinned(version) },
      });
      this.pinned.set(version, service);
    }
    return service;
  }

  forSession(
    itemIds: readonly number[],
    first: number,
    filter: ItemFilter,
    list: ListOptions = {},
  ): Promise<RecommendationResult> {
    const page = { first, offset: 0 };
    return this.ruleList({ ...list, page, filter, excluded: async () => itemIds }, (wide, ruled) =>
      recommendForSession(this, itemIds, wide.first, ruled),
    );
  }

  similarTo(
    item: ItemRow,
    mode: SimilarityMode,
    first: number,
    filter: ItemFilter,
    list: ListOptions = {},
  ): Promise<RecommendationResult> {
    const page = { first, offset: 0 };
    return this.ruleList({ ...list, page, filter, excluded: async () => [item.id] }, (wide, ruled) =>
      similarItems(this, item, mode, wide.first, ruled),
    );
  }

  search(
    query: string,
    mode: SearchMode,
    first: number,
    filter: ItemFilter,
    list: ListOptions = {},
  ): Promise<RecommendationResult> {
    return this.ruleList({ ...list, page: { first, offset: 0 }, filter }, (wide, ruled) =>
      searchItems(this, query, mode, wide.first, ruled),
    );
  }

  /** The `popular` query (and any list answered by popular items at the API's edge), with business rules. */
  popularList(...[page, window, filter, reason, options, list = {}]: [...PopularRequest, ListOptions?]) {
    return this.ruleList({ ...list, page, filter }, (wide, ruled) =>
      this.popular(wide, window, ruled, reason, options),
    );
  }

  /** Popular items as the use cases' fallback (no rules: the list they end up in applies them once). */
  popular(...request: PopularRequest): Promise<RecommendationResult> {
    return popularItems(this.deps, ...request);
  }

  latest(page: PageRequest, filter: ItemFilter, list: ListOptions = {}): Promise<RecommendationResult> {
    return this.ruleList({ ...list, page, filter }, (wide, ruled) => latestItems(this.deps, wide, ruled));
  }

  trending(
    page: PageRequest,
    window: TrendingWindow,
    filter: ItemFilter,
    list: ListOptions = {},
  ): Promise<RecommendationResult> {
    return this.ruleList({ ...list, page, filter }, (wide, ruled) => trendingItems(this, wide, window, ruled));
  }

  similarUsers(user: UserRef, page: PageRequest): Promise<SimilarUsersResult> {
    return similarUsers(this, user, page);
  }

  /** How a list is made: the use case, asked through the business-rules stage (src/rules/list-stage.ts). */
  private async ruleList(
    request: RuledListRequest,
    makeList: (page: PageRequest, filter: ItemFilter) => Promise<RecommendationResult>,
  ): Promise<RecommendationResult> {
    // Editions: one item per work, the list's own exclusions (history, the item asked about) widened to whole works.
    const works = await this.deps.works?.get();
    const excluded = works?.hasWorks && request.excluded ? await request.excluded() : [];
    return withBusinessRules(this.deps, request, (page, filter) =>
      onePerWork(works, page, filter, makeList, { alsoExclude: excluded, interacted: excluded }),
    );
  }

  indexItems(rows: readonly ItemRow[]): Promise<boolean> {
    return indexItems(this, rows);
  }

  unindexItems(ids: readonly number[]): Promise<void> {
    return unindexItems(this, ids);
  }

  // ─── shared plumbing (UseCaseContext) ────────────────────────────────────────────────────────────────────

  async vectorOf(alias: string, id: number): Promise<number[] | undefined> {
    const version = (await this.deps.models.get())?.version;
    if (version !== undefined) {
      const { usersCollaborative, itemsCollaborative } = this.deps.aliases;
      this.vectors.preload(version, [usersCollaborative, itemsCollaborative], PRELOADED_VECTORS, (collection, offset) =>
        // 500 points a page: each page's JSON (≈ 3 MB at dimension 320) is garbage once read; 2,000-point pages made
        // 13 MB strings and parsed arrays that grew the heap for good.
        this.deps.store.scroll(collection, { limit: 500, offset, withVector: true }),
      );
    }
    const cached = version === undefined ? MISS : this.vectors.get(version, alias, id);
    if (cached !== MISS) return cached;
    const vector = (await this.deps.store.retrieve(alias, [id], { withVector: true }))[0]?.vector;
    if (version !== undefined) this.vectors.set(version, alias, id, vector);
    return vector;
  }

  async vectorsOf(alias: string, ids: readonly number[]): Promise<Map<number, ArrayLike<number>>> {
    const version = (await this.deps.models.get())?.version;
    const found = new Map<number, ArrayLike<number>>();
    const missing: number[] = [];
    for (const id of ids) {
      // Views, not copies: diversification and explanations read a few hundred of them per request.
      const cached = version === undefined ? MISS : this.vectors.view(version, alias, id);
      if (cached === MISS) missing.push(id);
      else if (cached) found.set(id, cached);
    }
    if (missing.length) {
      const points = await this.deps.store.retrieve(alias, missing, { withVector: true });
      const byId = new Map(points.map((p) => [p.id, p.vector]));
      for (const id of missing) {
        const vector = byId.get(id);
        if (version !== undefined) this.vectors.set(version, alias, id, vector);
        if (vector) found.set(id, vector);
      }
    }
    return found;
  }

  async historyPoints(ids: readonly number[]): Promise<Map<number, HistoryPoint>> {
    if (!ids.length) return new Map();
    const points = await this.deps.store.retrieve(this.deps.aliases.itemsCollaborative, ids, {
      withVector: true,
      withPayload: [DEGREE_PAYLOAD],
    });
    return new Map(
      points
        .filter((p) => p.vector)
        .map((p) => {
          const degree = p.payload?.[DEGREE_PAYLOAD];
          return [p.id, { vector: p.vector!, ...(typeof degree === 'number' ? { degree } : {}) }];
        }),
    );
  }

  forgetVectors(ids: readonly number[]): void {
    const { itemsCollaborative, itemsSemantic, itemsImage } = this.deps.aliases;
    this.vectors.forget([itemsCollaborative, itemsSemantic, ...(itemsImage ? [itemsImage] : [])], ids);
  }

  async degradeToPopular(
    page: PageRequest,
    filter: ItemFilter,
    useCase: () => Promise<RecommendationResult>,
    fallback?: () => Promise<RecommendationResult | undefined>,
  ): Promise<RecommendationResult> {
    try {
      return await useCase();
    } catch (error) {
      if (!isQdrantUnavailable(error)) throw error;
      const degraded = `vector store unavailable: ${(error as Error).message}`;
      const better = await fallback?.();
      if (better) return { ...better, degraded };
      const result = await this.popular(
        page,
        'ALL_TIME',
        filter,
        'recommendations are temporarily unavailable: popular items',
      );
      return { ...result, degraded };
    }
  }
}
