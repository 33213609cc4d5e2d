// Resolvers for schema.graphql; their types come from it (npm run codegen). They validate input, call the
// pipelines in src/recommend, and join results with metadata through the request's DataLoaders.
import { createHash, randomUUID } from 'node:crypto';
import type { Assignment } from '../experiments/types.js';
import { experimentMutations, experimentQueries, listOptionsOf } from './experiment-resolvers.js';
import { trainingJobMutations, trainingJobQueries } from './training-job-resolvers.js';
import type { ItemRow } from '../db/items.js';
import { IdempotencyKeyReused, type EventWrite, type RecordOutcome } from '../db/users.js';
import { encodeCursor } from './cursor.js';
import type { RecommendationResult } from '../recommend/types.js';
import { isQdrantUnavailable } from '../vector/errors.js';
import type { InteractionInput, Resolvers } from './__generated__/resolvers.js';
import type { RequestContext } from './context.js';
import { businessRuleMutations, businessRuleQueries } from './business-rules.js';
import { apiError, badUserInput, notFound } from './errors.js';
import {
  checkFirst,
  checkId,
  checkIdempotencyKey,
  checkInteraction,
  checkListLength,
  checkPage,
  checkRange,
  checkText,
  idsOrReport,
  LIMITS,
  loadedOrThrow,
  resolveFilter,
  splitIds,
  toItemWrite,
  type ElementRejection,
} from './inputs.js';
import { markDegraded, VECTOR_STORE_UNAVAILABLE } from './plugins/degraded.js';

interface RecordInteractionsAnswer {
  recorded: number;
  rejected: ElementRejection[];
  duplicates: number[];
}

/**
 * Joins scored ids with their metadata in one batched load, dropping items deleted since the model was trained.
 * Every list gets a fresh id (events sent with it are attributed to the list) and says its experiment, if any.
 */
async function toList(result: RecommendationResult, context: RequestContext, offset = 0, assignment?: Assignment) {
  // Reasons are fixed codes (metric labels); the detail stays in the server log.
  if (result.degraded) markDegraded(context, VECTOR_STORE_UNAVAILABLE);
  const because = [...new Set(result.items.flatMap((entry) => entry.because ?? []))];
  const [rows, becauseRows] = await Promise.all([
    context.loaders.itemById.loadMany(result.items.map((entry) => entry.itemId)).then(loadedOrThrow),
    context.loaders.itemById.loadMany(because).then(loadedOrThrow),
  ]);
  const live = (row: ItemRow | undefined): row is ItemRow => !!row && !row.deletedAt;
  const becauseById = new Map(because.map((id, i) => [id, becauseRows[i]]));
  const items = result.items.flatMap((entry, index) => {
    const row = rows[index];
    if (!live(row)) return [];
    const reasons = (entry.because ?? []).map((id) => becauseById.get(id)).filter(live);
    const explanation =
      entry.because === undefined
        ? null
        : {
            text:
              (reasons.length
                ? `Because you liked ${reasons.map((r) => r.title).join(' and ')}`
                : explainSource(entry.source)) + (entry.rules?.length ? ` (rules: ${entry.rules.join(', ')})` : ''),
            becauseOf: reasons,
          };
    return [{ item: row, score: entry.score, source: entry.source, explanation, appliedRules: entry.rules ?? [] }];
  });
  const end = offset + result.items.length;
  return {
    items,
    strategy: result.strategy,
    reason: result.reason,
    modelVersion: result.modelVersion,
    pageInfo: { endCursor: result.items.length ? encodeCursor(end) : null, hasNextPage: result.hasMore },
    recommendationId: randomUUID(),
    experiment: assignment ? { name: assignment.experiment, variant: assignment.variant.name } : null,
  };
}

function explainSource(source: string): string {
  if (source === 'PINNED') return 'Featured';
  return source === 'POPULAR' ? 'Popular with readers right now' : 'Close to your overall taste';
}

async function itemOr404(context: RequestContext, id: string, argumentName: string): Promise<ItemRow> {
  const item = await context.loaders.itemByExternalId.load(checkId(id, argumentName));
  if (!item || item.deletedAt) throw notFound(`no item with id "${id}"`);
  return item;
}

/** The same events (in the same order) hash the same, however the client ordered the fields of each. */
function hashOfEvents(input: readonly InteractionInput[]): string {
  const canonical = input.map((e) => [
    e.userId,
    e.itemId,
    e.kind ?? null,
    e.value ?? null,
    e.occurredAt ?? null,
    // Only when sent: the hash of a call without attribution stays what it was (stored keys keep matching).
    ...(e.recommendationId != null ? [e.recommendationId] : []),
  ]);
  return createHash('sha256').update(JSON.stringify(canonical)).digest('hex');
}

/** The payload from the write's outcome, its positions mapped back to the call's input list. */
function answerOf(
  outcome: RecordOutcome,
  positions: readonly number[],
  rejected: ElementRejection[],
): RecordInteractionsAnswer {
  return {
    recorded: outcome.recorded.length,
    rejected: [...rejected].sort((a, b) => a.index - b.index),
    duplicates: outcome.duplicates.map((k) => positions[k]).sort((a, b) => a - b),
  };
}

export const resolvers: Resolvers = {
  Query: {
    async recommendations(_parent, args, context) {
      const page = checkPage(args.first, args.after);
      const diversity = checkRange(args.diversity, 0, 0, 1, 'diversity');
      const [user, filter] = await Promise.all([
        context.loaders.userWithHistoryByExternalId.load(checkId(args.userId, 'userId')),
        resolveFilter(args.filter, context),
      ]);
      // The user's experiment variant (from memory) may choose the model version, rule set and list settings.
      const assignment = context.services.experiments.assign(args.userId);
      const result = await context.services.recommender.forUser(user, page, filter, {
        diversity,
        explain: args.explain ?? false,
        ...listOptionsOf(assignment),
      });
      const list = await toList(result, context, page.offset, assignment);
      if (assignment) {
        await context.services.experiments.recordImpression({
          recommendationId: list.recommendationId,
          experimentId: assignment.experimentId,
          variant: assignment.variant.name,
          userKey: args.userId,
          itemIds: list.items.map((entry) => entry.item.id),
        });
      }
      return list;
    },
    async similarItems(_parent, args, context) {
      const first = checkFirst(args.first);
      const [item, filter] = await Promise.all([
        itemOr404(context, args.itemId, 'itemId'),
        resolveFilter(args.filter, context),
      ]);
      return toList(await context.services.recommender.similarTo(item, args.mode ?? 'HYBRID', first, filter), context);
    },
    async search(_parent, args, context) {
      const first = checkFirst(args.first);
      const query = checkText(args.query, LIMITS.queryLength, 'query');
      const filter = await resolveFilter(args.filter, context);
      return toList(await context.services.recommender.search(query, args.mode ?? 'HYBRID', first, filter), context);
    },
    async recommendForSession(_parent, args, context) {
      const first = checkFirst(args.first);
      if (!args.itemIds.length) throw badUserInput('itemIds must hold at least one item', 'itemIds');
      const ids = idsOrReport(context, args.itemIds, LIMITS.sessionItems, 'itemIds');
      const [rows, filter] = await Promise.all([
        context.loaders.itemByExternalId.loadMany(ids).then(loadedOrThrow),
        resolveFilter(args.filter, context),
      ]);
      const known = rows.flatMap((row) => (row && !row.deletedAt ? [row.id] : []));
      if (!known.length) {
        const popular = await context.services.recommender.popularList(
          { first, offset: 0 },
          'ALL_TIME',
          filter,
          "none of the session's items exist: popular items",
        );
        return toList(popular, context);
      }
      return toList(await context.services.recommender.forSession(known, first, filter), context);
    },
    async popular(_parent, args, context) {
      const first = checkFirst(args.first);
      const filter = await resolveFilter(args.filter, context);
      return toList(
        await context.services.recommender.popularList({ first, offset: 0 }, args.window ?? 'ALL_TIME', filter, null),
        context,
      );
    },
    async item(_parent, args, context) {
      const row = await context.loaders.itemByExternalId.load(checkId(args.id, 'id'));
      return row && !row.deletedAt ? row : null;
    },
    async items(_parent, args, context) {
      const { valid, rejected } = splitIds(args.ids, LIMITS.itemsById, 'ids');
      const rows = loadedOrThrow(await context.loaders.itemByExternalId.loadMany(valid.map(({ id }) => id)));
      // A malformed id's slot holds its error: GraphQL answers null there with the error at ["items", index].
      const slots: Array<ItemRow | Error | null> = args.ids.map(() => null);
      valid.forEach(({ index }, k) => (slots[index] = rows[k] && !rows[k].deletedAt ? rows[k] : null));
      for (const { index, reason } of rejected) {
        slots[index] = apiError('BAD_USER_INPUT', reason, { argumentName: 'ids', index });
      }
      return slots as never;
    },
    async user(_parent, args, context) {
      return (await context.loaders.userByExternalId.load(checkId(args.id, 'id'))) ?? null;
    },
    async modelInfo(_parent, _args, context) {
      const model = await context.services.models.get();
      if (!model) return null;
      return {
        version: model.version,
        kind: model.kind,
        trainedAt: model.createdAt.toISOString(),
        activatedAt: model.activatedAt?.toISOString() ?? null,
        dataCutoff: model.dataCutoff.toISOString(),
        dimension: model.dimension,
        metrics: JSON.stringify(model.metrics),
      };
    },
    ...experimentQueries,
    ...trainingJobQueries,
    ...businessRuleQueries,
  },
  Mutation: {
    async recordInteractions(_parent, args, context) {
      checkListLength(args.input.length, LIMITS.interactionsPerCall, 'input', 'events per call');
      const idempotencyKey = checkIdempotencyKey(context.idempotencyKey);
      const now = Date.now();
      const rejected: ElementRejection[] = [];
      const checked = args.input.flatMap((input, index) => {
        const event = checkInteraction(input, now);
        if (typeof event === 'string') {
          rejected.push({ index, reason: event });
          return [];
        }
        return [{ event, index }];
      });
      const itemIds = checked.map(({ event }) => event.itemExternalId);
      const itemRows = loadedOrThrow(await context.loaders.itemByExternalId.loadMany(itemIds));
      const writes: EventWrite[] = [];
      const positions: number[] = [];
      checked.forEach(({ event, index }, k) => {
        const row = itemRows[k];
        if (!row || row.deletedAt) {
          return void rejected.push({ index, reason: `unknown item ${JSON.stringify(event.itemExternalId)}` });
        }
        const { userExternalId, kind, value, occurredAt, recommendationId } = event;
        writes.push({
          userExternalId,
          itemId: row.id,
          kind,
          value,
          occurredAt: occurredAt ?? new Date(now),
          ...(recommendationId ? { recommendationId } : {}),
        });
        positions.push(index);
      });
      try {
        return await context.services.users.recordEvents(
          writes,
          (outcome) => answerOf(outcome, positions, rejected),
          idempotencyKey ? { key: idempotencyKey, requestHash: hashOfEvents(args.input) } : undefined,
        );
      } catch (error) {
        if (error instanceof IdempotencyKeyReused) throw apiError('IDEMPOTENCY_KEY_REUSED', error.message);
        throw error;
      }
    },
    async upsertItems(_parent, args, context) {
      // All or nothing (one catalog batch): the first bad item refuses the call, naming its index.
      checkListLength(args.input.length, LIMITS.itemsPerUpsert, 'input', 'items per call');
      const writes = args.input.map(toItemWrite);
      const ids = writes.map((w) => w.externalId);
      if (new Set(ids).size !== ids.length) throw badUserInput('input repeats an item id', 'input');
      const saved = await context.services.itemSearch.upsert(writes);
      context.services.items.invalidate({ externalIds: ids });
      try {
        await context.services.recommender.indexItems(saved.map((s) => s.row));
      } catch (error) {
        // The rows are durable; their vectors come with the next training. Say so instead of failing the write.
        if (!isQdrantUnavailable(error)) throw error;
        markDegraded(context, 'ITEMS_NOT_INDEXED');
      }
      return {
        created: saved.filter((s) => s.created).length,
        updated: saved.filter((s) => !s.created).length,
        items: saved.map((s) => s.row),
      };
    },
    async deleteItems(_parent, args, context) {
      const { valid, rejected } = splitIds(args.ids, LIMITS.deletesPerCall, 'ids');
      const ids = valid.map(({ id }) => id);
      const deleted = ids.length ? await context.services.itemSearch.softDelete(ids) : [];
      context.services.items.invalidate({ ids: deleted.map((d) => d.id) });
      try {
        if (deleted.length) await context.services.recommender.unindexItems(deleted.map((d) => d.id));
      } catch (error) {
        // Deleted rows are already filtered out of every list by the metadata join; the points go with the next training.
        if (!isQdrantUnavailable(error)) throw error;
        markDegraded(context, 'VECTORS_NOT_REMOVED');
      }
      const gone = new Set(deleted.map((d) => d.externalId));
      return { deleted: deleted.length, notFound: ids.filter((id) => !gone.has(id)), rejected };
    },
    ...experimentMutations,
    ...trainingJobMutations,
    ...businessRuleMutations,
  },
  Item: {
    id: (row) => row.externalId,
  },
  User: {
    id: (row) => row.externalId,
    async history(row, args, context) {
      const page = checkPage(args.first, args.after);
      const events = await context.services.users.events(row.id, page.first + 1, page.offset);
      const shownIds = events.slice(0, page.first).map((e) => e.itemId);
      const items = loadedOrThrow(await context.loaders.itemById.loadMany(shownIds));
      const shown = events.slice(0, page.first).flatMap((event, i) => {
        const item = items[i];
        return item ? [{ item, kind: event.kind, value: event.value, occurredAt: event.occurredAt.toISOString() }] : [];
      });
      return {
        events: shown,
        pageInfo: {
          endCursor: shown.length ? encodeCursor(page.offset + page.first) : null,
          hasNextPage: events.length > page.first,
        },
      };
    },
  },
};
