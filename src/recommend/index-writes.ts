// Writes that must show in the next answer: items created or changed through the API get their vectors at once,
// deleted items leave Qdrant, and the vector cache forgets them either way.
import { itemPayload } from '../catalogue.js';
import type { ItemRow } from '../db/items.js';
import { itemText } from '../embedding/item-text.js';
import { applyLinearMap } from '../embedding/linear-map.js';
import type { UseCaseContext } from './use-case.js';

/**
 * Gives new or changed items their vectors at once: a semantic vector from their text, and — for items the model
 * has never seen — a collaborative vector mapped from it, so they can appear in personalized lists.
 * Returns false when there is no model yet (the next training picks them up).
 */
export async function indexItems(ctx: UseCaseContext, rows: readonly ItemRow[]): Promise<boolean> {
  const { store, aliases, models } = ctx.deps;
  const model = await models.get();
  if (!model?.text || !rows.length) return false;
  const ids = rows.map((row) => row.id);
  ctx.forgetVectors(ids);
  // One batched onnxruntime call for all the items of the mutation.
  const semantic = await model.text.encode(rows.map((row) => itemText(row)));
  const payloads = rows.map((row) => itemPayload(row));
  // Text made only of words the encoder has never seen embeds to zeros: no semantic vector rather than a
  // meaningless one.
  const embedded = rows.map((_, index) => index).filter((index) => semantic[index].some((x) => x !== 0));
  if (embedded.length) {
    await store.upsert(aliases.itemsSemantic, {
      ids: embedded.map((index) => ids[index]),
      vectors: embedded.map((index) => semantic[index]),
      payloads: embedded.map((index) => itemPayload({ ...rows[index], popularity: 0 })),
    });
  }
  const trained = new Set((await store.retrieve(aliases.itemsCollaborative, ids)).map((point) => point.id));
  const withText = new Set(embedded);
  const indexed = rows.map((row, index) => ({ row, index }));
  const fresh = indexed.filter(({ row, index }) => !trained.has(row.id) && withText.has(index));
  for (const { row, index } of indexed.filter(({ row }) => trained.has(row.id))) {
    await store.setPayload(aliases.itemsCollaborative, [row.id], payloads[index]);
  }
  if (fresh.length && model.textToCf) {
    await store.upsert(aliases.itemsCollaborative, {
      ids: fresh.map(({ row }) => row.id),
      vectors: fresh.map(({ index }) => applyLinearMap(model.textToCf!, semantic[index])),
      payloads: fresh.map(({ row }) => ({ ...itemPayload({ ...row, popularity: 0 }), cold: true })),
    });
  }
  // Again: a request running during the writes may have cached what it read before they landed.
  ctx.forgetVectors(ids);
  return true;
}

export async function unindexItems(ctx: UseCaseContext, ids: readonly number[]): Promise<void> {
  const { store, aliases, models } = ctx.deps;
  ctx.forgetVectors(ids);
  const model = await models.get();
  if (!ids.length || !model) return;
  await Promise.all([
    store.deletePoints(aliases.itemsCollaborative, ids),
    store.deletePoints(aliases.itemsSemantic, ids),
    ...(model.collections.items_image && aliases.itemsImage ? [store.deletePoints(aliases.itemsImage, ids)] : []),
  ]);
  ctx.forgetVectors(ids);
}
