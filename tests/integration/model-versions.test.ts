// Model versions against the real Postgres + Qdrant: publish with a prune depth, roll back to the previously
// live version and forward again, activate by name, refuse pruned/unknown versions — through the library and
// through the `recgraph activate` / `rollback` commands.
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createPool } from '../../src/db/pool.js';
import { VectorStore } from '../../src/vector/client.js';
import { aliasName, versionedCollectionName } from '../../src/vector/collections.js';
import { registerActivate, registerRollback } from '../../training/cli/commands/versions.js';
import {
  activateVersion,
  activeVersion,
  previousVersion,
  publishModel,
  rollbackVersion,
} from '../../training/export/publish.js';
import type { ModelArtifacts } from '../../training/train-job/artifacts.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';
import { dropPrefixed, uniquePrefix } from '../helpers/qdrant.js';

const DIM = 4;
let db: TestDatabase;
let pool: ReturnType<typeof createPool>;
let store: VectorStore;
const prefix = uniquePrefix('versions');

/** A tiny hand-made model: `items` items whose count tells versions apart in Qdrant. */
function artifacts(version: string, items: number): ModelArtifacts {
  const vectors = (n: number, dim: number) =>
    Float32Array.from({ length: n * dim }, (_, k) => ((k * 37) % 11) / 10 + 0.1);
  return {
    version,
    kind: 'test',
    params: {},
    metrics: {},
    dimension: DIM,
    cutoff: new Date(),
    itemIds: Int32Array.from({ length: items }, (_, i) => i + 1),
    userIds: Int32Array.of(1, 2),
    itemVectors: vectors(items, DIM),
    userVectors: vectors(2, DIM),
    gram: new Float32Array(DIM * DIM),
    itemCounts: new Float32Array(items).fill(1),
    text: { model: { dimension: 8 } as never, dimension: 8, vectors: vectors(items, 8) },
    textToCf: { inputDim: 8, outputDim: DIM, weights: new Float32Array(8 * DIM) },
  };
}

async function liveItemsCollection(): Promise<string | undefined> {
  return store.resolveAlias(aliasName('items_collaborative', prefix));
}

async function statuses(): Promise<Record<string, string>> {
  const { rows } = await pool.query<{ version: string; status: string }>(
    'SELECT version, status FROM model_versions ORDER BY id',
  );
  return Object.fromEntries(rows.map((r) => [r.version, r.status]));
}

/** Runs `recgraph <args>` in-process against this test's Postgres, Qdrant and prefix; returns what it printed. */
async function cli(...args: string[]): Promise<string> {
  const saved = { ...process.env };
  Object.assign(process.env, {
    DATABASE_URL: db.url,
    QDRANT_URL: inject('qdrantUrl'),
    RECGRAPH_COLLECTION_PREFIX: prefix,
    LOG_LEVEL: 'silent',
  });
  const log = console.log;
  let printed = '';
  console.log = (...parts: unknown[]) => void (printed += parts.join(' ') + '\n');
  try {
    const program = new Command('recgraph').exitOverride();
    registerActivate(program);
    registerRollback(program);
    await program.parseAsync(args, { from: 'user' });
  } finally {
    console.log = log;
    process.env = saved;
  }
  return printed;
}

beforeAll(async () => {
  db = await createTestDatabase();
  pool = createPool(db.url);
  store = new VectorStore({ url: inject('qdrantUrl') });
  for (const [version, items] of [
    ['v1', 10],
    ['v2', 20],
    ['v3', 30],
  ] as const) {
    await publishModel(store, pool, artifacts(version, items), { prefix, keepVersions: 2 });
  }
});

afterAll(async () => {
  await dropPrefixed(store, prefix);
  store.close();
  await pool?.end();
  await db?.drop();
});

describe('model versions', () => {
  it('keeps the configured depth: the oldest version is pruned, the live one serves', async () => {
    expect(await statuses()).toEqual({ v1: 'pruned', v2: 'retired', v3: 'active' });
    expect(await store.collectionExists(versionedCollectionName('items_collaborative', 'v1', prefix))).toBe(false);
    expect(await liveItemsCollection()).toBe(versionedCollectionName('items_collaborative', 'v3', prefix));
    expect(await store.count(aliasName('items_collaborative', prefix))).toBe(30);
  });

  it('rolls back to the previously live version and forward again, every alias switched together', async () => {
    expect(await previousVersion(pool)).toBe('v2');
    expect(await rollbackVersion(store, pool, { prefix })).toEqual({ from: 'v3', to: 'v2' });
    expect(await activeVersion(pool)).toBe('v2');
    for (const role of ['items_collaborative', 'users_collaborative', 'items_semantic'] as const) {
      expect(await store.resolveAlias(aliasName(role, prefix))).toBe(versionedCollectionName(role, 'v2', prefix));
    }
    expect(await store.count(aliasName('items_collaborative', prefix))).toBe(20);
    expect(await rollbackVersion(store, pool, { prefix })).toEqual({ from: 'v2', to: 'v3' });
    expect(await liveItemsCollection()).toBe(versionedCollectionName('items_collaborative', 'v3', prefix));
  });

  it('refuses pruned and unknown versions without touching the live one', async () => {
    await expect(activateVersion(store, pool, 'v1', { prefix })).rejects.toThrow(/v1" is pruned/);
    await expect(activateVersion(store, pool, 'v9', { prefix })).rejects.toThrow(/no model version "v9"/);
    expect(await activeVersion(pool)).toBe('v3');
    expect(await liveItemsCollection()).toBe(versionedCollectionName('items_collaborative', 'v3', prefix));
  });

  it('`recgraph activate <version>` and `recgraph rollback` do the same from the command line', async () => {
    expect(await cli('activate', 'v2')).toContain('model v2 is live (was v3)');
    expect(await liveItemsCollection()).toBe(versionedCollectionName('items_collaborative', 'v2', prefix));
    expect(await cli('rollback')).toContain('rolled back: model v3 is live (was v2)');
    expect(await liveItemsCollection()).toBe(versionedCollectionName('items_collaborative', 'v3', prefix));
    expect(await statuses()).toEqual({ v1: 'pruned', v2: 'retired', v3: 'active' });
  });
});
