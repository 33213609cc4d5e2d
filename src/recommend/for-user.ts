// Recommendations for a user: the policy table (policy.ts) picks the branch — popular (optionally among the
// user's segment), the user's own vector, or one folded in from their history — then one personalized search
// (personalized.ts) with optional explanations ("because you liked …").
import { foldIn, type HistoryPoint } from './fold-in.js';
import { NEGATIVES_PER_REQUEST } from './negative-feedback.js';
import { personalizedPage } from './personalized.js';
import { decide, reasonOf, USER_POLICY, type UserSituation } from './policy.js';
import { popularInSegment } from './popular.js';
import type { ItemFilter, PageRequest, RecommendationResult, ScoredItemId } from './types.js';
import { withExcluded, type UseCaseContext } from './use-case.js';

/** Who asks for recommendations, as the user lookup found them (undefined: no such user). */
export interface UserRef {
  id: number;
  /** Value of the segment attribute; null/undefined when the user has none. */
  segment?: string | null;
}

export interface UserOptions {
  diversity: number;
  explain: boolean;
  /** Serve this published model version instead of the live one (an experiment variant's choice). */
  modelVersion?: string;
  /** Candidates fetched from the vector store (at least the page plus one); default candidateCount(). */
  candidateCount?: number;
  /** The rule set the rules stage applies to this list (an experiment variant's choice); undefined: the default. */
  ruleSet?: string;
}

/** At most this many history items feed fold-in and explanations (the most recent ones). */
export const HISTORY_FOR_VECTORS = 300;

export async function recommendForUser(
  ctx: UseCaseContext,
  user: UserRef | undefined,
  page: PageRequest,
  filter: ItemFilter,
  options: UserOptions,
): Promise<RecommendationResult> {
  const { users, models, aliases } = ctx.deps;
  const userId = user?.id;
  // The user's vector is fetched alongside the history (one round trip fewer); unused for the popular branches.
  const vectorLookup =
    userId === undefined
      ? Promise.resolve(undefined)
      : ctx.vectorOf(aliases.usersCollaborative, userId).catch((error: unknown) => error);
  const [history, model] = await Promise.all([userId === undefined ? [] : users.historyItems(userId), models.get()]);
  const seen = history.map((h) => h.itemId);
  const excluding = withExcluded(filter, seen);
  return ctx.degradeToPopular(page, excluding, async () => {
    // Without events (or without a model) the answer is popular from Postgres: a Qdrant outage does not touch it.
    const lookedUp = model && history.length ? await vectorLookup : undefined;
    if (lookedUp instanceof Error) throw lookedUp;
    const userVector = lookedUp as number[] | undefined;
    const segmentAttribute = ctx.deps.segments?.attribute;
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
    if (row.popularAmong === 'segment') {
      return popularInSegment(ctx.deps, page, excluding, situation, reasonOf(row, situation));
    }
    if (row.strategy === 'POPULAR' || !model) {
      return ctx.popular(page, 'ALL_TIME', excluding, reasonOf(row, situation), { diverse: true });
    }

    // Only what the user liked explains a pick or feeds the item-item term; what they said no to pushes down.
    const liked = history.filter((h) => !h.negative);
    const recent = liked.slice(0, HISTORY_FOR_VECTORS);
    const negativeIds = history
      .filter((h) => h.negative)
      .slice(0, NEGATIVES_PER_REQUEST)
      .map((h) => h.itemId);
    const penalty = ctx.deps.feedback?.negativePenalty ?? 0;
    const negativeVectors =
      negativeIds.length && penalty > 0
        ? [...(await ctx.vectorsOf(aliases.itemsCollaborative, negativeIds)).values()]
        : [];
    const needHistoryVectors = row.strategy === 'FOLD_IN' || options.explain;
    const recentIds = recent.map((h) => h.itemId);
    // Fold-in needs the training degrees (payload) too; explanations only the vectors, which the cache holds.
    const historyPoints =
      row.strategy === 'FOLD_IN' ? await ctx.historyPoints(recentIds) : new Map<number, HistoryPoint>();
    const historyVectors: ReadonlyMap<number, ArrayLike<number>> = row.strategy === 'FOLD_IN'
      ? new Map([...historyPoints].map(([id, point]) => [id, point.vector]))
      : needHistoryVectors
        ? await ctx.vectorsOf(aliases.itemsCollaborative, recentIds)
        : new Map();
    let vector: number[] | Float32Array | undefined = userVector;
    if (row.strategy === 'FOLD_IN') {
      vector = foldIn(model, recent, historyPoints);
      if (!vector) {
        return ctx.popular(
          page,
          'ALL_TIME',
          excluding,
          "none of this user's items are in the model yet: popular items",
        );
      }
    }
    const {
      items: pageHits,
      vectors: candidateVectors,
      hasMore,
    } = await personalizedPage(ctx.deps.store, aliases.itemsCollaborative, {
      vector: vector!,
      filter: excluding,
      page,
      diversity: options.diversity,
      ...(options.candidateCount ? { candidates: options.candidateCount } : {}),
      withVectors: options.diversity > 0 || options.explain,
      vectorsOf: (ids) => ctx.vectorsOf(aliases.itemsCollaborative, ids),
      // Two-stage versions rerank Qdrant's candidates by the item-item term of the user's history.
      ...(model.reranker ? { rerank: { reranker: model.reranker, history: liked.map((h) => h.itemId) } } : {}),
      ...(negativeVectors.length ? { negatives: { vectors: negativeVectors, penalty } } : {}),
    });
    const items: ScoredItemId[] = pageHits.map((hit) => ({
      itemId: hit.id,
      score: hit.score,
      source: 'COLLABORATIVE',
      ...(options.explain ? { because: because(candidateVectors.get(hit.id), historyVectors) } : {}),
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

function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i] * b[i];
  return sum;
}

/** The two history items most similar to the candidate, for "because you liked …". */
function because(candidate: ArrayLike<number> | undefined, history: ReadonlyMap<number, ArrayLike<number>>): number[] {
  if (!candidate) return [];
  return [...history.entries()]
    .map(([id, vector]) => ({ id, score: dot(candidate, vector) }))
    .sort((a, b) => b.score - a.score)
    .slice(0, 2)
    .filter((entry) => entry.score > 0)
    .map((entry) => entry.id);
}
