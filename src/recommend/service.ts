// The serving facade the GraphQL layer calls: it holds the dependencies, the vector cache and the shared
// fallbacks, and hands each request to its use case — for a user (for-user.ts), for a session (for-session.ts),
// similar items (similar-items.ts), search (search.ts), popular (popular.ts), index writes (index-writes.ts).
// Candidates come from Qdrant (or Postgres for the fallbacks); which branch answers is decided by the policy
// tables (policy.ts); when Qdrant is unreachable every use case answers from Postgres instead and says so
// (`degraded`).
import type { ItemRow } from '../db/items.js';
import { DEGREE_PAYLOAD } from '../embedding/blended-foldin.js';
import { isQdrantUnavailable } from '../vector/errors.js';
import type { HistoryPoint } from './fold-in.js';
import { recommendForSession } from './for-session.js';
import { recommendForUser, type UserOptions, type UserRef } from './for-user.js';
import { indexItems, unindexItems } from './index-writes.js';
import { popularItems } from './popular.js';
import { searchItems, type SearchMode } from './search.js';
import { similarItems, type SimilarityMode } from './similar-items.js';
import type { ItemFilter, PageRequest, RecommendationResult } from './types.js';
import type { PopularRequest, RecommendationDeps, UseCaseContext } from './use-case.js';
import { MISS, VectorCache } from './vector-cache.js';

export type { UserOptions, UserRef } from './for-user.js';
export type { CollectionAliases, RecommendationDeps } from './use-case.js';

/**
 * When a model version goes live, up to this many user and as many item collaborative vectors are read into memory
 * in the background (≈ 256 B each at dimension 64), so a request needs no vector lookup; beyond that, points are
 * looked up and cached as they come.
 */
const PRELOADED_VECTORS = 100_000;

export class RecommendationService implements UseCaseContext {
  private readonly vectors = new VectorCache();

  constructor(readonly deps: RecommendationDeps) {}

  forUser(
    user: UserRef | undefined,
    page: PageRequest,
    filter: ItemFilter,
    options: UserOptions,
  ): Promise<RecommendationResult> {
    return recommendForUser(this, user, page, filter, options);
  }

  forSession(itemIds: readonly number[], first: number, filter: ItemFilter): Promise<RecommendationResult> {
    return recommendForSession(this, itemIds, first, filter);
  }

  similarTo(item: ItemRow, mode: SimilarityMode, first: number, filter: ItemFilter): Promise<RecommendationResult> {
    return similarItems(this, item, mode, first, filter);
  }

  search(query: string, mode: SearchMode, first: number, filter: ItemFilter): Promise<RecommendationResult> {
    return searchItems(this, query, mode, first, filter);
  }

  popular(...request: PopularRequest): Promise<RecommendationResult> {
    return popularItems(this.deps, ...request);
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
    this.vectors.forget([this.deps.aliases.itemsCollaborative, this.deps.aliases.itemsSemantic], ids);
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
