// Resolvers for schema.graphql; their types come from it (npm run codegen). They validate input, call the
// pipelines in src/recommend, and join results with metadata through the request's DataLoaders.
import type { ItemRow, ItemWrite } from '../db/items.js';
import { encodeCursor } from './cursor.js';
import type { RecommendationResult } from '../recommend/types.js';
import type { InteractionInput, ItemInput, Resolvers } from './__generated__/resolvers.js';
import type { RequestContext } from './context.js';
import { badUserInput, notFound } from './errors.js';
import { markDegraded, VECTOR_STORE_UNAVAILABLE } from './plugins/degraded.js';
import { isQdrantUnavailable } from '../vector/errors.js';

const ITEMS_NOT_INDEXED = 'ITEMS_NOT_INDEXED';
const VECTORS_NOT_REMOVED = 'VECTORS_NOT_REMOVED';
import { checkFirst, checkId, checkIdList, checkPage, checkRange, checkText, LIMITS, resolveFilter } from './inputs.js';

/** Joins scored ids with their metadata in one batched load, dropping items deleted since the model was trained. */
async function toList(result: RecommendationResult, context: RequestContext, offset = 0) {
  // Reasons are fixed codes (metric labels); the detail stays in the server log.
  if (result.degraded) markDegraded(context, VECTOR_STORE_UNAVAILABLE);
  const because = [...new Set(result.items.flatMap((entry) => entry.because ?? []))];
  const [rows, becauseRows] = await Promise.all([
    context.loaders.itemById.loadMany(result.items.map((entry) => entry.itemId)),
    context.loaders.itemById.loadMany(because),
  ]);
  const live = (row: ItemRow | Error | undefined): row is ItemRow => !!row && !(row instanceof Error) && !row.deletedAt;
  const becauseById = new Map(because.map((id, i) => [id, becauseRows[i]]));
  const items = result.items.flatMap((entry, index) => {
    const row = rows[index];
    if (!live(row)) return [];
    const reasons = (entry.because ?? []).map((id) => becauseById.get(id)).filter(live);
    const explanation =
      entry.because === undefined
        ? null
        : {
            text: reasons.length ? `Because you liked ${reasons.map((r) => r.title).join(' and ')}` : explainSource(entry.source),
            becauseOf: reasons,
          };
    return [{ item: row, score: entry.score, source: entry.source, explanation }];
  });
  const end = offset + result.items.length;
  return {
    items,
    strategy: result.strategy,
    reason: result.reason,
    modelVersion: result.modelVersion,
    pageInfo: { endCursor: result.items.length ? encodeCursor(end) : null, hasNextPage: result.hasMore },
  };
}

function explainSource(source: string): string {
  return source === 'POPULAR' ? 'Popular with readers right now' : 'Close to your overall taste';
}

async function itemOr404(context: RequestContext, id: string, argumentName: string): Promise<ItemRow> {
  const item = await context.loaders.itemByExternalId.load(checkId(id, argumentName));
  if (!item || item.deletedAt) throw notFound(`no item with id "${id}"`);
  return item;
}

function checkInteraction(input: InteractionInput, now: number): string | undefined {
  if (!input.userId || input.userId.length > LIMITS.idLength) return `userId must be 1 to ${LIMITS.idLength} characters`;
  if (!input.itemId || input.itemId.length > LIMITS.idLength) return `itemId must be 1 to ${LIMITS.idLength} characters`;
  if (input.kind != null && !/^[A-Za-z][A-Za-z0-9_-]{0,63}$/.test(input.kind)) return 'kind must be a word of at most 64 letters, digits, - or _';
  if (input.value != null && (!Number.isFinite(input.value) || Math.abs(input.value) > 1e6)) return 'value must be a finite number within ±1e6';
  if (input.occurredAt != null) {
    const time = Date.parse(input.occurredAt);
    if (Number.isNaN(time)) return `occurredAt "${input.occurredAt}" is not an ISO-8601 time`;
    if (time > now + 24 * 3600 * 1000) return 'occurredAt is more than a day in the future';
    if (time < Date.UTC(1970, 0, 1)) return 'occurredAt is before 1970';
  }
  return undefined;
}

function toItemWrite(input: ItemInput, index: number): ItemWrite {
  const where = `input[${index}]`;
  const list = (values: readonly string[] | null | undefined, name: string) => {
    const out = values ?? [];
    if (out.length > LIMITS.filterValues || out.some((v) => v.length > LIMITS.filterValueLength)) {
      throw badUserInput(`${where}.${name}: at most ${LIMITS.filterValues} values of ${LIMITS.filterValueLength} characters`, `${where}.${name}`);
    }
    return [...out];
  };
  const text = (value: string | null | undefined, name: string) => {
    if (value != null && value.length > LIMITS.textLength) throw badUserInput(`${where}.${name} must be at most ${LIMITS.textLength} characters`, `${where}.${name}`);
    return value ?? null;
  };
  if (input.year != null && (!Number.isInteger(input.year) || Math.abs(input.year) > 10_000)) throw badUserInput(`${where}.year must be a year`, `${where}.year`);
  return {
    externalId: checkId(input.id, `${where}.id`),
    title: checkText(input.title, 1000, `${where}.title`),
    creators: list(input.creators, 'creators'),
    genres: list(input.genres, 'genres'),
    tags: list(input.tags, 'tags'),
    year: input.year ?? null,
    publisher: text(input.publisher, 'publisher'),
    description: text(input.description, 'description'),
    imageUrl: text(input.imageUrl, 'imageUrl'),
    language: text(input.language, 'language'),
  };
}

export const resolvers: Resolvers = {
  Query: {
    async recommendations(_parent, args, context) {
      const page = checkPage(args.first, args.after);
      const diversity = checkRange(args.diversity, 0, 0, 1, 'diversity');
      const [user, filter] = await Promise.all([context.loaders.userWithHistoryByExternalId.load(checkId(args.userId, 'userId')), resolveFilter(args.filter, context)]);
      const result = await context.services.recommender.forUser(user, page, filter, { diversity, explain: args.explain ?? false });
      return toList(result, context, page.offset);
    },
    async similarItems(_parent, args, context) {
      const first = checkFirst(args.first);
      const [item, filter] = await Promise.all([itemOr404(context, args.itemId, 'itemId'), resolveFilter(args.filter, context)]);
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
      const ids = checkIdList(args.itemIds, LIMITS.sessionItems, 'itemIds');
      if (!ids.length) throw badUserInput('itemIds must hold at least one item', 'itemIds');
      const [rows, filter] = await Promise.all([context.loaders.itemByExternalId.loadMany(ids), resolveFilter(args.filter, context)]);
      const known = rows.flatMap((row) => (row && !(row instanceof Error) && !row.deletedAt ? [row.id] : []));
      if (!known.length) {
        const popular = await context.services.recommender.popular({ first, offset: 0 }, 'ALL_TIME', filter, 'none of the session\'s items exist: popular items');
        return toList(popular, context);
      }
      return toList(await context.services.recommender.forSession(known, first, filter), context);
    },
    async popular(_parent, args, context) {
      const first = checkFirst(args.first);
      const filter = await resolveFilter(args.filter, context);
      return toList(await context.services.recommender.popular({ first, offset: 0 }, args.window ?? 'ALL_TIME', filter, null), context);
    },
    async item(_parent, args, context) {
      const row = await context.loaders.itemByExternalId.load(checkId(args.id, 'id'));
      return row && !row.deletedAt ? row : null;
    },
    async items(_parent, args, context) {
      const rows = await context.loaders.itemByExternalId.loadMany(checkIdList(args.ids, LIMITS.itemsById, 'ids'));
      return rows.map((row) => (row && !(row instanceof Error) && !row.deletedAt ? row : null));
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
  },
  Mutation: {
    async recordInteractions(_parent, args, context) {
      if (args.input.length > LIMITS.interactionsPerCall) {
        throw badUserInput(`input takes at most ${LIMITS.interactionsPerCall} events per call, got ${args.input.length}`, 'input');
      }
      const now = Date.now();
      const rejected: Array<{ index: number; reason: string }> = [];
      const valid = args.input.flatMap((input, index) => {
        const problem = checkInteraction(input, now);
        if (problem) rejected.push({ index, reason: problem });
        return problem ? [] : [{ input, index }];
      });
      const itemRows = await context.loaders.itemByExternalId.loadMany(valid.map(({ input }) => input.itemId));
      const known = valid.flatMap(({ input, index }, k) => {
        const row = itemRows[k];
        if (row && !(row instanceof Error) && !row.deletedAt) return [{ input, item: row }];
        rejected.push({ index, reason: `unknown item "${input.itemId}"` });
        return [];
      });
      const userIds = known.length ? await context.services.users.ensure(known.map(({ input }) => input.userId)) : new Map<string, number>();
      const recorded = await context.services.users.recordInteractions(
        known.map(({ input, item }) => ({
          userId: userIds.get(input.userId)!,
          itemId: item.id,
          kind: input.kind ?? 'interaction',
          value: input.value ?? 1,
          occurredAt: input.occurredAt ? new Date(input.occurredAt) : new Date(now),
        })),
      );
      rejected.sort((a, b) => a.index - b.index);
      return { recorded, rejected };
    },
    async upsertItems(_parent, args, context) {
      if (args.input.length > LIMITS.itemsPerUpsert) throw badUserInput(`input takes at most ${LIMITS.itemsPerUpsert} items per call`, 'input');
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
        markDegraded(context, ITEMS_NOT_INDEXED);
      }
      return {
        created: saved.filter((s) => s.created).length,
        updated: saved.filter((s) => !s.created).length,
        items: saved.map((s) => s.row),
      };
    },
    async deleteItems(_parent, args, context) {
      const ids = checkIdList(args.ids, LIMITS.deletesPerCall, 'ids');
      const deleted = await context.services.itemSearch.softDelete(ids);
      context.services.items.invalidate({ ids: deleted.map((d) => d.id) });
      try {
        await context.services.recommender.unindexItems(deleted.map((d) => d.id));
      } catch (error) {
        // Deleted rows are already filtered out of every list by the metadata join; the points go with the next training.
        if (!isQdrantUnavailable(error)) throw error;
        markDegraded(context, VECTORS_NOT_REMOVED);
      }
      const gone = new Set(deleted.map((d) => d.externalId));
      return { deleted: deleted.length, notFound: ids.filter((id) => !gone.has(id)) };
    },
  },
  Item: {
    id: (row) => row.externalId,
  },
  User: {
    id: (row) => row.externalId,
    async history(row, args, context) {
      const page = checkPage(args.first, args.after);
      const events = await context.services.users.events(row.id, page.first + 1, page.offset);
      const items = await context.loaders.itemById.loadMany(events.slice(0, page.first).map((e) => e.itemId));
      const shown = events.slice(0, page.first).flatMap((event, i) => {
        const item = items[i];
        return item && !(item instanceof Error) ? [{ item, kind: event.kind, value: event.value, occurredAt: event.occurredAt.toISOString() }] : [];
      });
      return {
        events: shown,
        pageInfo: { endCursor: shown.length ? encodeCursor(page.offset + page.first) : null, hasNextPage: events.length > page.first },
      };
    },
  },
};
