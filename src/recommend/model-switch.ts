// Switching the live model version: one atomic alias switch in Qdrant, then the bookkeeping in Postgres. Lives on
// the serving side so the API (the console's Models page) can activate and roll back too; `recgraph activate` /
// `rollback` and the publish step (training/export/publish.ts) call the same functions.
import type pg from 'pg';
import { activeVersion, markActive, previousVersion, publishedVersion, versionStatus } from '../db/model-versions.js';
import { withTransaction } from '../db/transaction.js';
import type { VectorStore } from '../vector/client.js';
import { aliasSwitchActions, COLLECTION_ROLES, REQUIRED_ROLES } from '../vector/collections.js';

/** A version that cannot be made live (unknown, pruned, failed …, or no previous one): the caller's input is wrong. */
export class ModelSwitchRefused extends Error {
  override name = 'ModelSwitchRefused';
}

/** Makes an exported version live: one atomic alias switch in Qdrant, then the bookkeeping in Postgres. */
export async function activateVersion(
  store: VectorStore,
  pool: pg.Pool,
  version: string,
  options: { prefix?: string } = {},
): Promise<void> {
  const status = await versionStatus(pool, version);
  if (!status) throw new ModelSwitchRefused(`no model version "${version}"`);
  if (!['exported', 'active', 'retired'].includes(status)) {
    const why = status === 'pruned' ? ' (its collections were pruned; retrain or re-export it)' : '';
    throw new ModelSwitchRefused(
      `model version "${version}" is ${status}${why}; only exported versions can be activated`,
    );
  }
  // The version's own roles go live; an optional role it lacks (items_image) loses its alias in the same step.
  const collections = (await publishedVersion(pool, version))?.collections ?? {};
  const roles = COLLECTION_ROLES.filter((role) => role in collections || REQUIRED_ROLES.includes(role));
  const dropRoles = COLLECTION_ROLES.filter((role) => !roles.includes(role));
  await store.switchAliases(aliasSwitchActions(version, { prefix: options.prefix, roles, dropRoles }));
  await withTransaction(pool, (client) => markActive(client, version));
}

/** Makes the previously live version live again (see previousVersion); returns it. */
export async function rollbackVersion(
  store: VectorStore,
  pool: pg.Pool,
  options: { prefix?: string } = {},
): Promise<{ from: string | undefined; to: string }> {
  const from = await activeVersion(pool);
  const to = await previousVersion(pool);
  if (!to)
    throw new ModelSwitchRefused('no previous model version to roll back to (none was live before, or it was pruned)');
  await activateVersion(store, pool, to, options);
  return { from, to };
}
