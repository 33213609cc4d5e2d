// Publishing a trained model: write fresh versioned Qdrant collections, verify them, record the version in
// Postgres, then make it live by switching every alias in one request. Serving reads aliases only, so it never
// sees a half-written collection; on any failure the new collections are dropped and the live version stays.
import type pg from 'pg';
import { itemPayload } from '../../src/catalogue.js';
import { itemColumns } from '../../src/db/item-columns.js';
import type { ItemRow } from '../../src/db/items.js';
import {
  activeVersion,
  markActive,
  publishedVersion,
  previousVersion,
  recordExporting,
  setVersionStatus,
  versionStatus,
  versionsWithCollections,
} from '../../src/db/model-versions.js';
import { withTransaction } from '../../src/db/transaction.js';
import { toStoredEncoder } from '../../src/embedding/encoder-artifact.js';
import type { IalsFoldInParams } from '../../src/embedding/ials-foldin.js';
import { encodeArtifacts } from '../../src/recommend/model-artifacts.js';
import type { VectorStore } from '../../src/vector/client.js';
import {
  aliasSwitchActions,
  COLLECTION_ROLES,
  REQUIRED_ROLES,
  versionedCollectionName,
  versionsIn,
  type CollectionRole,
} from '../../src/vector/collections.js';
import { noopProgress, type ProgressSink } from '../progress.js';
import type { ModelArtifacts } from '../train-job/artifacts.js';
import { writeCollection, withDegrees, type CollectionWrite } from './write-collection.js';

export interface PublishOptions {
  prefix?: string;
  /** Versions kept (live one included) for rollback; older ones lose their collections. */
  keepVersions?: number;
  progress?: ProgressSink;
  /** Make the version live once exported (default true); false leaves it exported (the promotion gate refused it). */
  activate?: boolean;
}

type ItemMeta = Pick<ItemRow, 'id' | 'genres' | 'tags' | 'creators' | 'year'>;

async function itemPayloads(pool: pg.Pool, model: ModelArtifacts): Promise<Array<Record<string, unknown>>> {
  const { rows } = await pool.query<ItemMeta>(
    `SELECT ${itemColumns(['id', 'genres', 'tags', 'creators', 'year'])} FROM items WHERE id = ANY($1::int[])`,
    [Array.from(model.itemIds)],
  );
  const byId = new Map(rows.map((row) => [row.id, row]));
  return Array.from(model.itemIds, (id, index) => {
    const meta = byId.get(id);
    return itemPayload({
      genres: meta?.genres ?? [],
      tags: meta?.tags ?? [],
      creators: meta?.creators ?? [],
      year: meta?.year ?? null,
      popularity: model.itemCounts[index],
    });
  });
}

export async function publishModel(
  store: VectorStore,
  pool: pg.Pool,
  model: ModelArtifacts,
  options: PublishOptions = {},
): Promise<void> {
  const prefix = options.prefix ?? '';
  const progress = options.progress ?? noopProgress;
  if ((await versionStatus(pool, model.version)) === 'active')
    throw new Error(`model version "${model.version}" is already live`);
  // items_image only when training embedded at least one item image.
  const hasImages = (model.image?.itemIds.length ?? 0) > 0;
  const roles: CollectionRole[] = [...REQUIRED_ROLES, ...(hasImages ? (['items_image'] as const) : [])];
  const names = Object.fromEntries(
    roles.map((role) => [role, versionedCollectionName(role, model.version, prefix)]),
  ) as Partial<Record<CollectionRole, string>> & Record<(typeof REQUIRED_ROLES)[number], string>;
  await recordExporting(pool, {
    version: model.version,
    kind: model.kind,
    params: model.params,
    metrics: model.metrics,
    collections: names,
    // What serving needs besides the vectors (format: src/recommend/model-artifacts.ts).
    artifacts: encodeArtifacts({
      gram: Float64Array.from(model.gram),
      foldIn: model.params.foldIn as IalsFoldInParams,
      text: toStoredEncoder(model.text.model),
      textToCf: model.textToCf,
      ...(model.layout ? { layout: model.layout } : {}),
      ...(model.rerank ? { rerank: model.rerank } : {}),
    }),
    dimension: model.dimension,
    dataCutoff: model.cutoff,
  });
  try {
    const payloads = await itemPayloads(pool, model);
    // Blended vectors: the training degree rides along with each collaborative item point (fold-in needs it).
    const collaborativePayloads = model.degrees ? withDegrees(payloads, model.degrees) : payloads;
    const writes: CollectionWrite[] = [
      {
        name: names.items_collaborative,
        dimension: model.dimension,
        distance: 'Dot',
        rows: { ids: model.itemIds, vectors: model.itemVectors, payloads: collaborativePayloads },
        itemIndexes: true,
      },
      {
        name: names.users_collaborative,
        dimension: model.dimension,
        distance: 'Dot',
        rows: { ids: model.userIds, vectors: model.userVectors },
        itemIndexes: false,
        lookupOnly: true,
      },
      {
        name: names.items_semantic,
        dimension: model.text.dimension,
        distance: 'Cosine',
        rows: { ids: model.itemIds, vectors: model.text.vectors, payloads },
        itemIndexes: true,
      },
    ];
    if (hasImages) {
      const image = model.image!;
      const indexOf = new Map(Array.from(model.itemIds, (id, index) => [id, index]));
      writes.push({
        name: names.items_image!,
        dimension: image.dimension,
        distance: 'Cosine',
        rows: {
          ids: image.itemIds,
          vectors: image.vectors,
          payloads: Array.from(image.itemIds, (id) => payloads[indexOf.get(id)!]),
        },
        itemIndexes: true,
      });
    }
    progress.start(
      writes.reduce((sum, write) => sum + write.rows.ids.length, 0),
      'export to Qdrant',
    );
    for (const write of writes) {
      await writeCollection(store, write);
      progress.tick(write.rows.ids.length);
    }
    progress.stop();
    // A probe query through the new collection proves it answers before anyone is sent there.
    if (model.itemIds.length > 0) {
      const probe = await store.search(names.items_collaborative, {
        vector: model.itemVectors.subarray(0, model.dimension),
        limit: 1,
      });
      if (probe.length !== 1) throw new Error(`${names.items_collaborative}: probe search returned nothing`);
    }
    await setVersionStatus(pool, model.version, 'exported');
  } catch (error) {
    progress.stop();
    for (const name of Object.values(names)) await store.deleteCollection(name).catch(() => false);
    await setVersionStatus(pool, model.version, 'failed');
    throw error;
  }
  if (options.activate !== false) await activateVersion(store, pool, model.version, { prefix });
  await pruneVersions(store, pool, { prefix, keep: options.keepVersions ?? 3 });
}

export { activeVersion, previousVersion };

/** Makes the previously live version live again (see previousVersion); returns it. */
export async function rollbackVersion(
  store: VectorStore,
  pool: pg.Pool,
  options: { prefix?: string } = {},
): Promise<{ from: string | undefined; to: string }> {
  const from = await activeVersion(pool);
  const to = await previousVersion(pool);
  if (!to) throw new Error('no previous model version to roll back to (none was live before, or it was pruned)');
  await activateVersion(store, pool, to, options);
  return { from, to };
}

/** Makes an exported version live: one atomic alias switch in Qdrant, then the bookkeeping in Postgres. */
export async function activateVersion(
  store: VectorStore,
  pool: pg.Pool,
  version: string,
  options: { prefix?: string } = {},
): Promise<void> {
  const status = await versionStatus(pool, version);
  if (!status) throw new Error(`no model version "${version}"`);
  if (!['exported', 'active', 'retired'].includes(status)) {
    const why = status === 'pruned' ? ' (its collections were pruned; retrain or re-export it)' : '';
    throw new Error(`model version "${version}" is ${status}${why}; only exported versions can be activated`);
  }
  // The version's own roles go live; an optional role it lacks (items_image) loses its alias in the same step.
  const collections = (await publishedVersion(pool, version))?.collections ?? {};
  const roles = COLLECTION_ROLES.filter((role) => role in collections || REQUIRED_ROLES.includes(role));
  const dropRoles = COLLECTION_ROLES.filter((role) => !roles.includes(role));
  await store.switchAliases(aliasSwitchActions(version, { prefix: options.prefix, roles, dropRoles }));
  await withTransaction(pool, (client) => markActive(client, version));
}

/** Drops the collections of versions beyond the newest `keep` (the active one is always kept). */
export async function pruneVersions(
  store: VectorStore,
  pool: pg.Pool,
  options: { prefix?: string; keep: number },
): Promise<string[]> {
  const rows = await versionsWithCollections(pool);
  // Versions an experiment that has not ended serves to one of its variants are kept too.
  const { rows: pinned } = await pool.query<{ version: string }>(
    `SELECT DISTINCT v->>'modelVersion' AS version FROM experiments, jsonb_array_elements(variants) v
      WHERE status <> 'ended' AND v ? 'modelVersion'`,
  );
  const keep = new Set([
    ...rows
      .filter((row, index) => row.status === 'active' || index < Math.max(1, options.keep))
      .map((row) => row.version),
    ...pinned.map((row) => row.version),
  ]);
  const present = versionsIn(await store.listCollections(), options.prefix ?? '');
  const pruned: string[] = [];
  for (const [version, roles] of present) {
    if (keep.has(version)) continue;
    const known = rows.some((row) => row.version === version);
    if (!known) continue; // not ours to judge (another deployment sharing the prefix, or an export in flight)
    for (const role of roles)
      await store.deleteCollection(versionedCollectionName(role, version, options.prefix ?? ''));
    await setVersionStatus(pool, version, 'pruned');
    pruned.push(version);
  }
  return pruned;
}
