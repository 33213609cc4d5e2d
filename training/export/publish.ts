// Publishing a trained model: write fresh versioned Qdrant collections, verify them, record the version in
// Postgres, then make it live by switching every alias in one request. Serving reads aliases only, so it never
// sees a half-written collection; on any failure the new collections are dropped and the live version stays.
import type pg from 'pg';
import { toStoredEncoder } from '../../src/embedding/encoder-artifact.js';
import type { IalsFoldInParams } from '../../src/embedding/ials-foldin.js';
import { encodeArtifacts } from '../../src/recommend/model-artifacts.js';
import type { VectorStore } from '../../src/vector/client.js';
import {
  aliasSwitchActions,
  COLLECTION_ROLES,
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
}

interface ItemMeta {
  id: number;
  genres: string[];
  tags: string[];
  creators: string[];
  year: number | null;
}

async function itemPayloads(pool: pg.Pool, model: ModelArtifacts): Promise<Array<Record<string, unknown>>> {
  const { rows } = await pool.query<ItemMeta>(
    `SELECT id, COALESCE(genres, '{}') AS genres, COALESCE(tags, '{}') AS tags, COALESCE(creators, '{}') AS creators, year
       FROM items WHERE id = ANY($1::int[])`,
    [Array.from(model.itemIds)],
  );
  const byId = new Map(rows.map((row) => [row.id, row]));
  return Array.from(model.itemIds, (id, index) => {
    const meta = byId.get(id);
    return {
      genres: meta?.genres ?? [],
      tags: meta?.tags ?? [],
      creators: meta?.creators ?? [],
      ...(meta?.year != null ? { year: meta.year } : {}),
      popularity: model.itemCounts[index],
    };
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
  const existing = await pool.query<{ status: string }>('SELECT status FROM model_versions WHERE version = $1', [
    model.version,
  ]);
  if (existing.rows[0]?.status === 'active') throw new Error(`model version "${model.version}" is already live`);
  const names = Object.fromEntries(
    COLLECTION_ROLES.map((role) => [role, versionedCollectionName(role, model.version, prefix)]),
  ) as Record<CollectionRole, string>;
  await pool.query(
    `INSERT INTO model_versions (version, kind, status, params, metrics, collections, artifacts, dimension, data_cutoff)
     VALUES ($1, $2, 'exporting', $3, $4, $5, $6, $7, $8)
     ON CONFLICT (version) DO UPDATE SET status = 'exporting', collections = EXCLUDED.collections, artifacts = EXCLUDED.artifacts`,
    [
      model.version,
      model.kind,
      model.params,
      model.metrics,
      names,
      // What serving needs besides the vectors (format: src/recommend/model-artifacts.ts).
      encodeArtifacts({
        gram: Float64Array.from(model.gram),
        foldIn: model.params.foldIn as IalsFoldInParams,
        text: toStoredEncoder(model.text.model),
        textToCf: model.textToCf,
        ...(model.layout ? { layout: model.layout } : {}),
        ...(model.rerank ? { rerank: model.rerank } : {}),
      }),
      model.dimension,
      model.cutoff,
    ],
  );
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
    progress.start(model.itemIds.length * 2 + model.userIds.length, 'export to Qdrant');
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
    await pool.query(`UPDATE model_versions SET status = 'exported' WHERE version = $1`, [model.version]);
  } catch (error) {
    progress.stop();
    for (const name of Object.values(names)) await store.deleteCollection(name).catch(() => false);
    await pool.query(`UPDATE model_versions SET status = 'failed' WHERE version = $1`, [model.version]);
    throw error;
  }
  await activateVersion(store, pool, model.version, { prefix });
  await pruneVersions(store, pool, { prefix, keep: options.keepVersions ?? 3 });
}

/**
 * The version that was live before the current one: the retired version activated most recently whose
 * collections still exist (pruned versions lost theirs). Undefined when there is none to go back to.
 */
export async function previousVersion(pool: pg.Pool): Promise<string | undefined> {
  const { rows } = await pool.query<{ version: string }>(
    `SELECT version FROM model_versions WHERE status = 'retired' AND activated_at IS NOT NULL ORDER BY activated_at DESC, id DESC LIMIT 1`,
  );
  return rows[0]?.version;
}

/** The live version, if any. */
export async function activeVersion(pool: pg.Pool): Promise<string | undefined> {
  const { rows } = await pool.query<{ version: string }>(
    `SELECT version FROM model_versions WHERE status = 'active' ORDER BY activated_at DESC NULLS LAST LIMIT 1`,
  );
  return rows[0]?.version;
}

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
  const { rows } = await pool.query<{ status: string }>('SELECT status FROM model_versions WHERE version = $1', [
    version,
  ]);
  if (!rows[0]) throw new Error(`no model version "${version}"`);
  if (!['exported', 'active', 'retired'].includes(rows[0].status)) {
    const why = rows[0].status === 'pruned' ? ' (its collections were pruned; retrain or re-export it)' : '';
    throw new Error(`model version "${version}" is ${rows[0].status}${why}; only exported versions can be activated`);
  }
  await store.switchAliases(aliasSwitchActions(version, { prefix: options.prefix }));
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query(`UPDATE model_versions SET status = 'retired' WHERE status = 'active' AND version <> $1`, [
      version,
    ]);
    await client.query(`UPDATE model_versions SET status = 'active', activated_at = now() WHERE version = $1`, [
      version,
    ]);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}

/** Drops the collections of versions beyond the newest `keep` (the active one is always kept). */
export async function pruneVersions(
  store: VectorStore,
  pool: pg.Pool,
  options: { prefix?: string; keep: number },
): Promise<string[]> {
  const { rows } = await pool.query<{ version: string; status: string }>(
    `SELECT version, status FROM model_versions WHERE status IN ('active', 'retired', 'exported') ORDER BY created_at DESC, id DESC`,
  );
  const keep = new Set(
    rows.filter((row, index) => row.status === 'active' || index < Math.max(1, options.keep)).map((row) => row.version),
  );
  const present = versionsIn(await store.listCollections(), options.prefix ?? '');
  const pruned: string[] = [];
  for (const [version, roles] of present) {
    if (keep.has(version)) continue;
    const known = rows.some((row) => row.version === version);
    if (!known) continue; // not ours to judge (another deployment sharing the prefix, or an export in flight)
    for (const role of roles)
      await store.deleteCollection(versionedCollectionName(role, version, options.prefix ?? ''));
    await pool.query(`UPDATE model_versions SET status = 'pruned' WHERE version = $1`, [version]);
    pruned.push(version);
  }
  return pruned;
}
