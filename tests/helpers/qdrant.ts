// The Qdrant server for a test file: the one the vitest global setup started (inject('qdrantUrl')) when there is
// one, else a private embedded server in a temp dir (e.g. a file run with a config that has no global setup).
// Files share the server, so each works under its own uniquePrefix() and drops what it created.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { inject } from 'vitest';
import type { VectorStore } from '../../src/vector/client.js';
import { startEmbeddedQdrant } from '../../src/vector/embedded-qdrant.js';

export interface TestQdrant {
  url: string;
  /** Stops the server if this helper started it; a shared server is left to the global teardown. */
  stop(): Promise<void>;
}

function providedUrl(): string | undefined {
  try {
    // Typed loosely on purpose: works whether or not the global setup declares/provides 'qdrantUrl'.
    const url = (inject as (key: string) => unknown)('qdrantUrl');
    return typeof url === 'string' && url ? url : undefined;
  } catch {
    return undefined;
  }
}

export async function getTestQdrant(): Promise<TestQdrant> {
  const shared = providedUrl() ?? process.env.TEST_QDRANT_URL;
  if (shared) return { url: shared, stop: async () => {} };
  const storageDir = await mkdtemp(path.join(os.tmpdir(), 'recgraph-vector-test-'));
  try {
    const qdrant = await startEmbeddedQdrant({ storageDir });
    return {
      url: qdrant.url,
      async stop() {
        await qdrant.stop();
        await rm(storageDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await rm(storageDir, { recursive: true, force: true });
    throw error;
  }
}

/** Collection/alias name prefix unique to this test run and file, e.g. "t_3fa9c1d2_". */
export function uniquePrefix(label = 't'): string {
  return `${label}_${randomBytes(4).toString('hex')}_`;
}

/** Removes every alias and collection whose name starts with `prefix` (test cleanup). */
export async function dropPrefixed(store: VectorStore, prefix: string): Promise<void> {
  const aliases = (await store.listAliases()).filter((alias) => alias.aliasName.startsWith(prefix));
  await store.switchAliases(aliases.map((alias) => ({ delete_alias: { alias_name: alias.aliasName } })));
  for (const name of await store.listCollections()) {
    if (name.startsWith(prefix)) await store.deleteCollection(name);
  }
}
