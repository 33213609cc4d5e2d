// Versioned collections behind aliases: first deployment, atomic switch under concurrent reads, rollback.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VectorStore } from '../../src/vector/client.js';
import {
  aliasName,
  aliasSwitchActions,
  REQUIRED_ROLES,
  versionedCollectionName,
} from '../../src/vector/collections.js';
import { dropPrefixed, getTestQdrant, uniquePrefix, type TestQdrant } from '../helpers/qdrant.js';

const DIM = 4;
// Different sizes per version, so a reader can tell a complete collection from a partial or mixed one.
const SIZES: Record<string, number> = { v1: 60, v2: 90 };

let qdrant: TestQdrant;
let store: VectorStore;
const prefix = uniquePrefix('valias');

async function writeVersion(version: string): Promise<void> {
  const size = SIZES[version]!;
  for (const role of REQUIRED_ROLES) {
    const name = versionedCollectionName(role, version, prefix);
    await store.createCollection(name, { dimension: DIM, distance: 'Dot' });
    const ids = Array.from({ length: size }, (_, i) => i + 1);
    const vectors = Float32Array.from({ length: size * DIM }, (_, k) => ((k * 7919) % 101) / 100);
    await store.upsert(name, { ids, vectors, payloads: ids.map(() => ({ version, role })) });
  }
}

async function liveVersions(): Promise<Map<string, string>> {
  const live = new Map<string, string>();
  for (const { aliasName: alias, collectionName } of await store.listAliases()) {
    if (alias.startsWith(prefix)) live.set(alias, collectionName);
  }
  return live;
}

beforeAll(async () => {
  qdrant = await getTestQdrant();
  store = new VectorStore({ url: qdrant.url });
  await writeVersion('v1');
  await writeVersion('v2');
});

afterAll(async () => {
  if (store) {
    await dropPrefixed(store, prefix);
    store.close();
  }
  await qdrant?.stop();
});

describe('alias switching', () => {
  it('first deployment: creates every alias in one call (deleting absent aliases is harmless)', async () => {
    await store.switchAliases(aliasSwitchActions('v1', { prefix }));
    const live = await liveVersions();
    expect(live).toEqual(
      new Map(REQUIRED_ROLES.map((role) => [aliasName(role, prefix), versionedCollectionName(role, 'v1', prefix)])),
    );
    expect(await store.resolveAlias(aliasName('items_semantic', prefix))).toBe(
      versionedCollectionName('items_semantic', 'v1', prefix),
    );
    expect(await store.listAliases(versionedCollectionName('users_collaborative', 'v1', prefix))).toEqual([
      {
        aliasName: aliasName('users_collaborative', prefix),
        collectionName: versionedCollectionName('users_collaborative', 'v1', prefix),
      },
    ]);
    // Reading through the alias works like reading the collection.
    expect(await store.count(aliasName('items_collaborative', prefix))).toBe(SIZES.v1);
  });

  it('readers querying the alias during repeated switches never fail and always see one complete version', async () => {
    await store.switchAliases(aliasSwitchActions('v1', { prefix }));
    const alias = aliasName('items_collaborative', prefix);
    let switching = true;
    const seen = new Map<string, number>();
    const failures: string[] = [];
    const switchMs: number[] = [];

    const reader = async () => {
      while (switching) {
        try {
          const hits = await store.search<{ version: string }>(alias, {
            vector: [1, 1, 1, 1],
            limit: 200,
            withPayload: ['version'],
            exact: true,
          });
          const versions = new Set(hits.map((h) => h.payload?.version));
          const [version] = versions;
          if (versions.size !== 1 || !version) failures.push(`mixed versions ${[...versions].join(',')}`);
          else if (hits.length !== SIZES[version])
            failures.push(`${version}: ${hits.length} of ${SIZES[version]} points`);
          else seen.set(version, (seen.get(version) ?? 0) + 1);
        } catch (error) {
          failures.push(String(error));
        }
      }
    };

    const readers = Array.from({ length: 3 }, reader);
    for (let i = 0; i < 12; i++) {
      const version = i % 2 === 0 ? 'v2' : 'v1';
      const started = performance.now();
      await store.switchAliases(aliasSwitchActions(version, { prefix }));
      switchMs.push(performance.now() - started);
      // All roles move together.
      expect(new Set([...(await liveVersions()).values()].map((name) => name.split('__')[1]))).toEqual(
        new Set([version]),
      );
    }
    switching = false;
    await Promise.all(readers);
    console.info(
      `alias switch test: ${switchMs.length} switches, median ${switchMs.sort((a, b) => a - b)[switchMs.length >> 1]!.toFixed(1)} ms; reads ${JSON.stringify(Object.fromEntries(seen))}`,
    );

    expect(failures).toEqual([]);
    expect(seen.get('v1')).toBeGreaterThan(0);
    expect(seen.get('v2')).toBeGreaterThan(0);
  });

  it('rolls back by switching to the previous version; switching a subset leaves other roles alone', async () => {
    await store.switchAliases(aliasSwitchActions('v2', { prefix }));
    await store.switchAliases(aliasSwitchActions('v1', { prefix, roles: ['items_semantic'] }));
    const live = await liveVersions();
    expect(live.get(aliasName('items_semantic', prefix))).toBe(versionedCollectionName('items_semantic', 'v1', prefix));
    expect(live.get(aliasName('items_collaborative', prefix))).toBe(
      versionedCollectionName('items_collaborative', 'v2', prefix),
    );
    await store.switchAliases(aliasSwitchActions('v1', { prefix }));
    expect(await store.count(aliasName('users_collaborative', prefix))).toBe(SIZES.v1);
  });

  it('an action list naming a missing collection is refused before anything changes', async () => {
    await store.switchAliases(aliasSwitchActions('v1', { prefix }));
    const before = await liveVersions();
    const actions = [
      ...aliasSwitchActions('v2', { prefix, roles: ['items_collaborative'] }),
      { create_alias: { collection_name: `${prefix}does_not_exist`, alias_name: `${prefix}broken` } },
    ];
    // Qdrant itself would apply the first actions and then fail (no rollback); the store checks targets first.
    await expect(store.switchAliases(actions)).rejects.toThrow(`collection(s) ${prefix}does_not_exist do not exist`);
    expect(await liveVersions()).toEqual(before);
  });
});
