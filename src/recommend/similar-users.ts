// Users with the closest taste: a nearest-neighbour search over the active model's user vectors
// (users_collaborative). Which query vector is decided by the same policy table as a user's recommendations
// (policy.ts): the user's trained vector, or one folded in from their history when they have events newer than the
// model (or the model never saw them). The neighbours are users the model was trained on — folded-in vectors exist
// only per request, they are not in the collection. No Postgres fallback: without Qdrant this answers
// SERVICE_DEGRADED.
import { foldIn } from './fold-in.js';
import { HISTORY_FOR_VECTORS, type UserRef } from './for-user.js';
import { decide, USER_POLICY, type UserSituation } from './policy.js';
import type { PageRequest, Strategy } from './types.js';
import type { UseCaseContext } from './use-case.js';

export interface SimilarUser {
  /** Internal user id. */
  userId: number;
  score: number;
}

export interface SimilarUsersResult {
  users: SimilarUser[];
  strategy: Strategy;
  reason: string | null;
  modelVersion: string | null;
  hasMore: boolean;
}

const nothing = (reason: string): SimilarUsersResult => ({
  users: [],
  strategy: 'NONE',
  reason,
  modelVersion: null,
  hasMore: false,
});

export async function similarUsers(ctx: UseCaseContext, user: UserRef, page: PageRequest): Promise<SimilarUsersResult> {
  const { users, models, aliases, store } = ctx.deps;
  const [history, model] = await Promise.all([users.historyItems(user.id), models.get()]);
  if (!model) return nothing('no trained model yet: no user vectors to compare');
  if (!history.length) return nothing('no events for this user yet: nothing to compare');
  const userVector = await ctx.vectorOf(aliases.usersCollaborative, user.id);
  const situation: UserSituation = {
    knownUser: true,
    hasModel: true,
    historySize: history.length,
    inModel: userVector !== undefined,
    freshEvents: history.filter((h) => h.lastCreatedAt > model.dataCutoff).length,
  };
  const row = decide(USER_POLICY, situation);
  let vector: readonly number[] | Float32Array | undefined = userVector;
  if (row.strategy === 'FOLD_IN') {
    const recent = history.slice(0, HISTORY_FOR_VECTORS);
    vector = foldIn(model, recent, await ctx.historyPoints(recent.map((h) => h.itemId)));
    if (!vector) return nothing("none of this user's items are in the model yet: nothing to compare");
  }
  // One more than the page end (the next-page signal) and one for the user themself.
  const end = page.offset + page.first;
  const hits = await store.search(aliases.usersCollaborative, { vector: vector!, limit: end + 2 });
  const others = hits.filter((hit) => hit.id !== user.id);
  return {
    users: others.slice(page.offset, end).map((hit) => ({ userId: hit.id, score: hit.score })),
    strategy: row.strategy,
    reason: null,
    modelVersion: model.version,
    hasMore: others.length > end,
  };
}
