// The serving pipelines: candidates from Qdrant (or Postgres for the fallbacks) → filter (inside the search) →
// rank/fuse → diversify → explain (personalized lists: personalized.ts). Which branch answers is decided by
// the policy tables (policy.ts); when Qdrant is unreachable every pipeline answers from Postgres instead and
// says so (`degraded`).
import { DEGREE_PAYLOAD, foldInBlended } from '../embedding/blended-foldin.js';
import { foldInUser } from '../embedding/ials-foldin.js';
import { itemText } from '../embedding/item-text.js';
import { applyLinearMap } from '../embedding/linear-map.js';
import type { ItemRow, ItemSearchRepository } from '../db/items.js';
import type { PopularItems, PopularWindow } from '../db/popularity.js';
import type { UserRepository } from '../db/users.js';
import type { VectorStore } from '../vector/client.js';
import { isQdrantUnavailable } from '../vector/errors.js';
import { buildItemFilter } from '../vector/filters.js';
import { decide, ITEM_POLICY, reasonOf, segmentTooSmallReason, USER_POLICY, type UserSituation } from './policy.js';
import { personalizedPage } from './personalized.js';
import { reciprocalRankFusion, type Ranked } from './rank.js';
import type { ServingModel, ServingModelSource } from './serving-model.js';
import type { ItemFilter, PageRequest, RecommendationResult, ScoredItemId, Source } from './types.js';
import { searchExcluding } from './exclusions.js';
import { MISS, VectorCache } from './vector-cache.js';

export interface CollectionAliases {
  itemsCollaborative: string;
  usersCollaborative: string;
  itemsSemantic: string;
}

export interface RecommenderDeps {
  store: VectorStore;
  aliases: CollectionAliases;
  users: UserRepository;
  itemSearch: ItemSearchRepository;
  popular: PopularItems;
  models: ServingModelSource;
  /** Which users.attributes key is the segment, and how many events a segment needs to rank by its own taste. */
  segments?: { attribute: string; minEvents: number };
}

/** Who asks for recommendations, as the user lookup found them (undefined: no such user). */
export interface UserRef {
  id: number;
  /** Value of the segment attribute; null/undefined when the user has none. */
  segment?: string | null;
}

export interface UserOptions {
  diversity: number;
  explain: boolean;
}

/**
 * When a model version goes live, up to this many user and as many item collaborative vectors are read into memory
 * in the background (≈ 256 B each at dimension 64), so a request needs no vector lookup; beyond that, points are
 * looked up and cached as they come.
 */
const PRELOADED_VECTORS = 100_000;

/** At most this many history items feed fold-in and explanations (the most recent ones). */
const HISTORY_FOR_VECTORS = 300;

function withExcluded(filter: ItemFilter, ids: Iterable<number>): ItemFilter {
  return { ...filter, excludeIds: [...(filter.excludeIds ?? []), ...ids] };
}

function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i] * b[i];
  return sum;
}

interface HistoryPointRecord {
  vector: number[];
  degree?: number;
}

export class Recommender {
  private readonly vectors = new VectorCache();

  constructor(private readonly deps: RecommenderDeps) {}

  // ─── personalized ───────────────────────────────────────────────────────────────────────────────────────────

  async forUser(user: UserRef | undefined, page: PageRequest, filter: ItemFilter, options: UserOptions): Promise<RecommendationResult> {
    const { users, models } = this.deps;
    const userId = user?.id;
    // The user's vector is fetched alongside the history (one round trip fewer); unused for the popular branches.
    const vectorLookup =
      userId === undefined ? Promise.resolve(undefined) : this.vectorOf(this.deps.aliases.usersCollaborative, userId).catch((error: unknown) => error);
    const [history, model] = await Promise.all([userId === undefined ? [] : users.historyItems(userId), models.get()]);
    const seen = history.map((h) => h.itemId);
    const excluding = withExcluded(filter, seen);
    return this.degradeToPopular(page, excluding, async () => {
      // Without events (or without a model) the answer is popular from Postgres: a Qdrant outage does not touch it.
      const lookedUp = model && history.length ? await vectorLookup : undefined;
      if (lookedUp instanceof Error) throw lookedUp;
      const userVector = lookedUp as number[] | undefined;
      const segmentAttribute = this.deps.segments?.attribute;
      const situation: UserSituation = {
        knownUser: userId !== undefined,
        hasModel: model !== undefined,
        historySize: history.length,
        inModel: userVector !== undefined,
        freshEvents: model ? history.filter((h) => h.lastCreatedAt > model.dataCutoff).length : 0,
        ...(user?.segment && segmentAttribute ? { segment: { attribute: segmentAttribute, value: user.segment } } : {}),
      };
      const row = decide(USER_POLICY, situation);
      // Cold start: popular items (among the user's segment when the policy says so) spread over genres, so a
      // newcomer sees the range of the catalog.
      if (row.popularAmong === 'segment') return this.popularInSegment(page, excluding, situation, reasonOf(row, situation));
      if (row.strategy === 'POPULAR' || !model) return this.popular(page, 'ALL_TIME', excluding, reasonOf(row, situation), { diverse: true });

      const recent = history.slice(0, HISTORY_FOR_VECTORS);
      const needHistoryVectors = row.strategy === 'FOLD_IN' || options.explain;
      const historyPoints = needHistoryVectors ? await this.historyPoints(recent.map((h) => h.itemId)) : new Map<number, HistoryPointRecord>();
      const historyVectors = new Map([...historyPoints].map(([id, point]) => [id, point.vector]));
      let vector: number[] | Float32Array | undefined = userVector;
      if (row.strategy === 'FOLD_IN') {
        vector = this.foldIn(model, recent, historyPoints);
        if (!vector) return this.popular(page, 'ALL_TIME', excluding, 'none of this user\'s items are in the model yet: popular items');
      }
      const { items: pageHits, vectors: candidateVectors, hasMore } = await personalizedPage(this.deps.store, this.deps.aliases.itemsCollaborative, {
        vector: vector!,
        filter: excluding,
        page,
        diversity: options.diversity,
        withVectors: options.diversity > 0 || options.explain,
      });
      const items: ScoredItemId[] = pageHits.map((hit) => ({
        itemId: hit.id,
        score: hit.score,
        source: 'COLLABORATIVE',
        ...(options.explain ? { because: this.because(candidateVectors.get(hit.id), historyVectors) } : {}),
      }));
      return {
        items,
        strategy: row.strategy,
        reason: reasonOf(row, situation),
        modelVersion: model.version,
        hasMore,
      };
    });
  }

  /**
   * The user vector from the items of `history` that have vectors (exact fold-in: iALS, plus the low-pass block
   * for the default model's blended vectors); undefined when none has.
   */
  private foldIn(model: ServingModel, history: ReadonlyArray<{ itemId: number; value: number }>, points: ReadonlyMap<number, HistoryPointRecord>): Float32Array | undefined {
    const known = history.filter((h) => points.has(h.itemId));
    if (!known.length) return undefined;
    // Events are implicit feedback: strength is how often the user came back to the item.
    const strength = (h: { value: number }) => Math.max(1, h.value);
    if (model.layout) {
      return foldInBlended(
        model.gram,
        model.layout,
        model.foldIn,
        known.map((h) => ({ vector: points.get(h.itemId)!.vector, degree: points.get(h.itemId)!.degree, value: strength(h) })),
      );
    }
    const data = new Float32Array(known.length * model.dimension);
    known.forEach((h, row) => data.set(points.get(h.itemId)!.vector, row * model.dimension));
    const indices = Int32Array.from(known, (_, row) => row);
    return foldInUser(model.gram, { dim: model.dimension, data }, indices, Float32Array.from(known, strength), model.foldIn);
  }

  /** The two history items most similar to the candidate, for "because you liked …". */
  private because(candidate: ArrayLike<number> | undefined, history: ReadonlyMap<number, ArrayLike<number>>): number[] {
    if (!candidate) return [];
    return [...history.entries()]
      .map(([id, vector]) => ({ id, score: dot(candidate, vector) }))
      .sort((a, b) => b.score - a.score)
      .slice(0, 2)
      .filter((entry) => entry.score > 0)
      .map((entry) => entry.id);
  }

  // ─── anonymous sessions ────────────────────────────────────────────────────────────────────────────────────

  async forSession(itemIds: readonly number[], first: number, filter: ItemFilter): Promise<RecommendationResult> {
    const page = { first, offset: 0 };
    const excluding = withExcluded(filter, itemIds);
    return this.degradeToPopular(page, excluding, async () => {
      const model = await this.deps.models.get();
      if (!model) return this.popular(page, 'ALL_TIME', excluding, 'no trained model yet: popular items');
      const points = await this.historyPoints(itemIds);
      const vector = this.foldIn(model, itemIds.map((itemId) => ({ itemId, value: 1 })), points);
      if (!vector) return this.popular(page, 'ALL_TIME', excluding, 'none of the session\'s items are in the model: popular items');
      const hits = (await searchExcluding(excluding, first + 1, (limit, filter) => this.deps.store.search(this.deps.aliases.itemsCollaborative, { vector, limit, filter })))!;
      return {
        items: hits.slice(0, first).map((hit) => ({ itemId: hit.id, score: hit.score, source: 'SESSION' })),
        strategy: 'SESSION',
        reason: null,
        modelVersion: model.version,
        hasMore: hits.length > first,
      };
    });
  }

  // ─── items like this one ───────────────────────────────────────────────────────────────────────────────────

  async similarTo(item: ItemRow, mode: 'COLLABORATIVE' | 'SEMANTIC' | 'HYBRID', first: number, filter: ItemFilter): Promise<RecommendationResult> {
    const page = { first, offset: 0 };
    const excluding = withExcluded(filter, [item.id]);
    // Without Qdrant, the same creator's other items (from Postgres) are still "like this one"; popular otherwise.
    const sameCreatorFallback = async (): Promise<RecommendationResult | undefined> => {
      const hits = await this.deps.itemSearch.byCreators(item.creators, first + 1, excluding);
      if (!hits.length) return undefined;
      return {
        items: hits.slice(0, first).map((hit) => ({ itemId: hit.id, score: hit.score, source: 'SAME_CREATOR' })),
        strategy: 'SAME_CREATOR',
        reason: 'similar items are temporarily unavailable: same creator',
        modelVersion: null,
        hasMore: hits.length > first,
      };
    };
    return this.degradeToPopular(page, excluding, async () => {
      const model = await this.deps.models.get();
      const { itemsCollaborative, itemsSemantic } = this.deps.aliases;
      // The item's stored vector, then a search with it; undefined = the item has no vector there. (Not Qdrant's
      // query-by-id: it excludes the point itself through the slow has_id path, ≈ 1.3 ms of its CPU against 0.4 ms.)
      const neighboursOf = async (alias: string) => {
        const vector = model ? await this.vectorOf(alias, item.id) : undefined;
        if (!vector) return undefined;
        return searchExcluding(excluding, first + 1, (limit, filter) => this.deps.store.search(alias, { vector, limit, filter }));
      };
      const [collaborativeHits, semanticAlongside] = await Promise.all([
        mode !== 'SEMANTIC' ? neighboursOf(itemsCollaborative) : undefined,
        mode !== 'COLLABORATIVE' ? neighboursOf(itemsSemantic) : undefined,
      ]);
      // COLLABORATIVE asked, but the item has no collaborative vector: the policy falls back to its semantic one.
      const semanticHits = semanticAlongside ?? (mode === 'COLLABORATIVE' && !collaborativeHits ? await neighboursOf(itemsSemantic) : undefined);
      const situation = { hasCollaborative: !!collaborativeHits, hasSemantic: !!semanticHits, creators: item.creators.length, mode };
      const row = decide(ITEM_POLICY, situation);
      let ranked: Array<Ranked & { source: Source }>;
      switch (row.strategy) {
        case 'MODEL':
          if (mode === 'HYBRID' && semanticHits) {
            ranked = reciprocalRankFusion([collaborativeHits!, semanticHits]).map((e) => ({ ...e, source: e.from === 0 ? 'COLLABORATIVE' : 'SEMANTIC' }));
          } else {
            ranked = collaborativeHits!.map((hit) => ({ ...hit, source: 'COLLABORATIVE' }));
          }
          break;
        case 'SEMANTIC':
          ranked = semanticHits!.map((hit) => ({ ...hit, source: 'SEMANTIC' }));
          break;
        case 'SAME_CREATOR':
          ranked = (await this.deps.itemSearch.byCreators(item.creators, first + 1, excluding)).map((hit) => ({ ...hit, source: 'SAME_CREATOR' }));
          break;
        default:
          return this.popular(page, 'ALL_TIME', excluding, reasonOf(row, situation));
      }
      const reason =
        row.strategy === 'SEMANTIC' && mode !== 'SEMANTIC' ? 'this item has no interactions in the model yet: similar by content' : reasonOf(row, situation);
      if (!ranked.length && row.strategy === 'SAME_CREATOR') return this.popular(page, 'ALL_TIME', excluding, 'no other items by the same creators: popular items');
      return {
        items: ranked.slice(0, first).map((e) => ({ itemId: e.id, score: e.score, source: e.source })),
        strategy: row.strategy,
        reason,
        modelVersion: row.strategy === 'SAME_CREATOR' ? null : (model?.version ?? null),
        hasMore: ranked.length > first,
      };
    }, sameCreatorFallback);
  }

  // ─── search ─────────────────────────────────────────────────────────────────────────────────────────────────

  async search(query: string, mode: 'SEMANTIC' | 'KEYWORD' | 'HYBRID', first: number, filter: ItemFilter): Promise<RecommendationResult> {
    const model = await this.deps.models.get();
    const encoder = model?.text;
    const keyword = () => this.deps.itemSearch.keyword(query, first * 2, filter);
    const semantic = async () => {
      if (!encoder) return [];
      // The query goes through the version's ONNX text encoder; a query of words it has never seen has no direction.
      const [vector] = await encoder.encode([query]);
      if (!vector.some((x) => x !== 0)) return [];
      return this.deps.store.search(this.deps.aliases.itemsSemantic, { vector, limit: first * 2, filter: buildItemFilter(filter) });
    };
    let ranked: Array<Ranked & { source: Source }>;
    let degraded: string | undefined;
    let reason: string | null = null;
    try {
      if (mode === 'KEYWORD') ranked = (await keyword()).map((e) => ({ ...e, source: 'KEYWORD' }));
      else if (mode === 'SEMANTIC' && encoder) ranked = (await semantic()).map((e) => ({ ...e, source: 'SEMANTIC' }));
      else {
        const [words, meaning] = await Promise.all([keyword(), semantic()]);
        ranked = reciprocalRankFusion([words, meaning]).map((e) => ({ ...e, source: e.from === 0 ? 'KEYWORD' : 'SEMANTIC' }));
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

  // ─── popular ────────────────────────────────────────────────────────────────────────────────────────────────

  async popular(
    page: PageRequest,
    window: PopularWindow,
    filter: ItemFilter,
    reason: string | null,
    options: { diverse?: boolean } = {},
  ): Promise<RecommendationResult> {
    let { items, hasMore } = await this.deps.popular.top(page.first, { window, filter, offset: page.offset, diverse: options.diverse });
    if (!items.length && window !== 'ALL_TIME' && page.offset === 0) {
      ({ items, hasMore } = await this.deps.popular.top(page.first, { window: 'ALL_TIME', filter, offset: 0 }));
      reason = `no events in the ${window === 'LAST_7_DAYS' ? 'last 7 days' : 'last 30 days'}: all-time popular items`;
    }
    return this.popularList(items, hasMore, page, reason);
  }

  /**
   * All-time popular items among the users of the user's segment, spread over genres; the global list when the
   * segment has too few events (under this filter) for its own ranking to mean anything. Every page decides alike:
   * the event count ignores the page's exclusions.
   */
  private async popularInSegment(page: PageRequest, filter: ItemFilter, situation: UserSituation, reason: string | null): Promise<RecommendationResult> {
    const segment = situation.segment!;
    const minEvents = this.deps.segments?.minEvents ?? 0;
    const among = await this.deps.popular.top(page.first, { window: 'ALL_TIME', filter, offset: page.offset, diverse: true, segment });
    if (among.events < minEvents) {
      return this.popular(page, 'ALL_TIME', filter, segmentTooSmallReason(situation, among.events, minEvents), { diverse: true });
    }
    return this.popularList(among.items, among.hasMore, page, reason);
  }

  private popularList(items: ReadonlyArray<{ itemId: number; count: number }>, hasMore: boolean, page: PageRequest, reason: string | null): RecommendationResult {
    const max = items[0]?.count ?? 1;
    return {
      items: items.map((entry) => ({ itemId: entry.itemId, score: entry.count / max, source: 'POPULAR' })),
      strategy: 'POPULAR',
      reason: items.length || page.offset > 0 ? reason : `${reason ? `${reason}; ` : ''}no item with interactions matches`,
      modelVersion: null,
      hasMore,
    };
  }

  // ─── writes that must show in the next answer ───────────────────────────────────────────────────────────────

  /**
   * Gives new or changed items their vectors at once: a semantic vector from their text, and — for items the model
   * has never seen — a collaborative vector mapped from it, so they can appear in personalized lists.
   * Returns false when there is no model yet (the next training picks them up).
   */
  async indexItems(rows: readonly ItemRow[]): Promise<boolean> {
    const model = await this.deps.models.get();
    if (!model?.text || !rows.length) return false;
    const { store, aliases } = this.deps;
    const ids = rows.map((row) => row.id);
    this.vectors.forget([aliases.itemsCollaborative, aliases.itemsSemantic], ids);
    // One batched onnxruntime call for all the items of the mutation.
    const semantic = await model.text.encode(rows.map((row) => itemText(row)));
    const payloads = rows.map((row) => ({ genres: row.genres, tags: row.tags, creators: row.creators, ...(row.year != null ? { year: row.year } : {}) }));
    // Text made only of words the encoder has never seen embeds to zeros: no semantic vector rather than a meaningless one.
    const embedded = rows.map((_, index) => index).filter((index) => semantic[index].some((x) => x !== 0));
    if (embedded.length) {
      await store.upsert(aliases.itemsSemantic, {
        ids: embedded.map((index) => ids[index]),
        vectors: embedded.map((index) => semantic[index]),
        payloads: embedded.map((index) => ({ ...payloads[index], popularity: 0 })),
      });
    }
    const trained = new Set((await store.retrieve(aliases.itemsCollaborative, ids)).map((point) => point.id));
    const withText = new Set(embedded);
    const fresh = rows.map((row, index) => ({ row, index })).filter(({ row, index }) => !trained.has(row.id) && withText.has(index));
    for (const { row, index } of rows.map((row, index) => ({ row, index })).filter(({ row }) => trained.has(row.id))) {
      await store.setPayload(aliases.itemsCollaborative, [row.id], payloads[index]);
    }
    if (fresh.length && model.textToCf) {
      await store.upsert(aliases.itemsCollaborative, {
        ids: fresh.map(({ row }) => row.id),
        vectors: fresh.map(({ index }) => applyLinearMap(model.textToCf!, semantic[index])),
        payloads: fresh.map(({ index }) => ({ ...payloads[index], popularity: 0, cold: true })),
      });
    }
    // Again: a request running during the writes may have cached what it read before they landed.
    this.vectors.forget([aliases.itemsCollaborative, aliases.itemsSemantic], ids);
    return true;
  }

  async unindexItems(ids: readonly number[]): Promise<void> {
    this.vectors.forget([this.deps.aliases.itemsCollaborative, this.deps.aliases.itemsSemantic], ids);
    if (!ids.length || !(await this.deps.models.get())) return;
    await Promise.all([this.deps.store.deletePoints(this.deps.aliases.itemsCollaborative, ids), this.deps.store.deletePoints(this.deps.aliases.itemsSemantic, ids)]);
    this.vectors.forget([this.deps.aliases.itemsCollaborative, this.deps.aliases.itemsSemantic], ids);
  }

  // ─── plumbing ───────────────────────────────────────────────────────────────────────────────────────────────

  private async vectorOf(alias: string, id: number): Promise<number[] | undefined> {
    const version = (await this.deps.models.get())?.version;
    if (version !== undefined) {
      const { usersCollaborative, itemsCollaborative } = this.deps.aliases;
      this.vectors.preload(version, [usersCollaborative, itemsCollaborative], PRELOADED_VECTORS, (collection, offset) =>
        this.deps.store.scroll(collection, { limit: 2000, offset, withVector: true }),
      );
    }
    const cached = version === undefined ? MISS : this.vectors.get(version, alias, id);
    if (cached !== MISS) return cached;
    const vector = (await this.deps.store.retrieve(alias, [id], { withVector: true }))[0]?.vector;
    if (version !== undefined) this.vectors.set(version, alias, id, vector);
    return vector;
  }

  /** Collaborative vectors (and training degrees, for fold-in) of the given items; missing items are left out. */
  private async historyPoints(ids: readonly number[]): Promise<Map<number, HistoryPointRecord>> {
    if (!ids.length) return new Map();
    const points = await this.deps.store.retrieve(this.deps.aliases.itemsCollaborative, ids, { withVector: true, withPayload: [DEGREE_PAYLOAD] });
    return new Map(
      points
        .filter((p) => p.vector)
        .map((p) => {
          const degree = p.payload?.[DEGREE_PAYLOAD];
          return [p.id, { vector: p.vector!, ...(typeof degree === 'number' ? { degree } : {}) }];
        }),
    );
  }

  /** Runs a Qdrant-backed pipeline; if Qdrant cannot answer, popular items from Postgres do, flagged degraded. */
  private async degradeToPopular(
    page: PageRequest,
    filter: ItemFilter,
    pipeline: () => Promise<RecommendationResult>,
    /** A better Postgres-only answer than popular items, tried first; undefined when it has nothing. */
    fallback?: () => Promise<RecommendationResult | undefined>,
  ): Promise<RecommendationResult> {
    try {
      return await pipeline();
    } catch (error) {
      if (!isQdrantUnavailable(error)) throw error;
      const degraded = `vector store unavailable: ${(error as Error).message}`;
      const better = await fallback?.();
      if (better) return { ...better, degraded };
      const result = await this.popular(page, 'ALL_TIME', filter, 'recommendations are temporarily unavailable: popular items');
      return { ...result, degraded };
    }
  }
}
