// Resolvers of the editions-and-works fields (schema.graphql § Editions and works): Item.work, Item.otherEditions,
// the Work type and the `workId` filter. They read the in-process work map (src/db/works.ts): no Postgres round trip
// beyond the batched item loads every list already makes.
import type { ItemRow } from '../db/items.js';
import type { WorkRef } from '../db/works.js';
import type { Resolvers } from './__generated__/resolvers.js';
import type { RequestContext } from './context.js';
import { checkFirst, checkId, loadedOrThrow } from './inputs.js';

/** The work an item belongs to: the map's for a multi-edition work, else its stored work id, else itself. */
async function workIdOf(row: ItemRow, context: RequestContext): Promise<number> {
  const works = await context.services.works.get();
  return works.workOf(row.id) ?? row.workId ?? row.id;
}

/** Live edition ids of a work, preferred first. */
async function editionIds(workId: number, via: ItemRow | undefined, context: RequestContext): Promise<number[]> {
  const editions = (await context.services.works.get()).editionsOf(workId);
  if (editions.length) return editions.map((e) => e.id);
  if (via && !via.deletedAt) return [via.id];
  // Reached through a deleted edition (e.g. the work's first one): the work lives on in its remaining edition.
  return context.services.works.liveEditions(workId);
}

/** `filter.workId`: the internal ids the list may hold (empty when the id names no item). */
export async function workFilterIds(id: string, context: RequestContext): Promise<number[]> {
  const row = await context.loaders.itemByExternalId.load(checkId(id, 'filter.workId'));
  if (!row) return [];
  return editionIds(row.deletedAt ? (row.workId ?? row.id) : await workIdOf(row, context), row, context);
}

export const workResolvers: Pick<Resolvers, 'Work'> & { Item: NonNullable<Resolvers['Item']> } = {
  Item: {
    async work(row, _args, context): Promise<WorkRef> {
      return { workId: await workIdOf(row, context), via: row };
    },
    async otherEditions(row, _args, context) {
      const works = await context.services.works.get();
      const work = works.workOf(row.id);
      if (work === undefined) return [];
      const others = works
        .editionsOf(work)
        .filter((e) => e.id !== row.id)
        .map((e) => e.id);
      const rows = loadedOrThrow(await context.loaders.itemById.loadMany(others));
      return rows.flatMap((other) => (other && !other.deletedAt ? [other.externalId] : []));
    },
  },
  Work: {
    async id(ref, _args, context) {
      if (ref.workId === ref.via.id) return ref.via.externalId;
      // The work's first edition keeps naming the work even once deleted (soft-deleted rows stay).
      const first = await context.loaders.itemById.load(ref.workId);
      return first?.externalId ?? ref.via.externalId;
    },
    async editions(ref, args, context) {
      const first = checkFirst(args.first);
      const ids = (await editionIds(ref.workId, ref.via, context)).slice(0, first);
      const rows = loadedOrThrow(await context.loaders.itemById.loadMany(ids));
      return rows.filter((row): row is ItemRow => !!row && !row.deletedAt);
    },
    async editionCount(ref, _args, context) {
      return (await editionIds(ref.workId, ref.via, context)).length;
    },
  },
};
