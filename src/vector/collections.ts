// Collection naming: serving reads stable aliases (`${prefix}${role}`), each model version writes its own physical
// collections (`${prefix}${role}__${version}`), and going live is one alias-switch request for all roles, so a
// reader never sees a mix of versions or a half-written collection.

export const COLLECTION_ROLES = [
  'items_collaborative',
  'users_collaborative',
  'items_semantic',
  'items_image',
] as const;
export type CollectionRole = (typeof COLLECTION_ROLES)[number];
/** Roles every model version has; items_image only exists for versions trained with RECGRAPH_IMAGE_MODEL. */
export const REQUIRED_ROLES: readonly CollectionRole[] = [
  'items_collaborative',
  'users_collaborative',
  'items_semantic',
];

/** One action of POST /collections/aliases (Qdrant applies the whole list in one step). */
export type AliasAction =
  | { create_alias: { collection_name: string; alias_name: string } }
  | { delete_alias: { alias_name: string } }
  | { rename_alias: { old_alias_name: string; new_alias_name: string } };

const VERSION_SEPARATOR = '__';
// Letters, digits, '-' and single '_' (a '__' would make the physical name ambiguous to parse).
const VERSION_PATTERN = /^[A-Za-z0-9](?:[A-Za-z0-9-]|_(?!_))*$/;
const PREFIX_PATTERN = /^[A-Za-z0-9_-]*$/;

function checkPrefix(prefix: string): void {
  if (!PREFIX_PATTERN.test(prefix))
    throw new RangeError(`collection prefix may only hold letters, digits, '_' and '-': "${prefix}"`);
}

export function checkVersion(version: string): void {
  if (!VERSION_PATTERN.test(version) || version.endsWith('_')) {
    throw new RangeError(
      `model version "${version}" must be letters, digits, '-' or single '_' (e.g. "v12" or "2026-11-22T0749")`,
    );
  }
}

/** Stable name serving queries: `${prefix}${role}`. */
export function aliasName(role: CollectionRole, prefix = ''): string {
  checkPrefix(prefix);
  return `${prefix}${role}`;
}

/** Physical collection of one model version: `${prefix}${role}__${version}`. */
export function versionedCollectionName(role: CollectionRole, version: string, prefix = ''): string {
  checkPrefix(prefix);
  checkVersion(version);
  return `${prefix}${role}${VERSION_SEPARATOR}${version}`;
}

/** Inverse of versionedCollectionName; undefined for names that are not ours (other prefix, other collections). */
export function parseVersionedCollectionName(
  name: string,
  prefix = '',
): { role: CollectionRole; version: string } | undefined {
  if (!name.startsWith(prefix)) return undefined;
  const rest = name.slice(prefix.length);
  for (const role of COLLECTION_ROLES) {
    const head = `${role}${VERSION_SEPARATOR}`;
    if (!rest.startsWith(head)) continue;
    const version = rest.slice(head.length);
    return VERSION_PATTERN.test(version) && !version.endsWith('_') ? { role, version } : undefined;
  }
  return undefined;
}

/** Versions present among `collectionNames` (e.g. listCollections()), each with the roles it has, for pruning. */
export function versionsIn(collectionNames: readonly string[], prefix = ''): Map<string, CollectionRole[]> {
  const versions = new Map<string, CollectionRole[]>();
  for (const name of collectionNames) {
    const parsed = parseVersionedCollectionName(name, prefix);
    if (!parsed) continue;
    const roles = versions.get(parsed.version) ?? [];
    roles.push(parsed.role);
    versions.set(parsed.version, roles);
  }
  return versions;
}

/**
 * Actions that point every role's alias at `version`, for VectorStore.switchAliases (one request = atomic).
 * Each alias is deleted then re-created: deleting an absent alias is a no-op, so the same list works for the
 * first deployment and for later switches. `roles` (default REQUIRED_ROLES) are the version's collections; the
 * aliases of `dropRoles` are deleted in the same step (a version without image vectors must not leave the previous
 * version's items_image live beside it); other aliases are left untouched.
 */
export function aliasSwitchActions(
  version: string,
  options: { prefix?: string; roles?: readonly CollectionRole[]; dropRoles?: readonly CollectionRole[] } = {},
): AliasAction[] {
  const prefix = options.prefix ?? '';
  const roles = options.roles ?? REQUIRED_ROLES;
  const actions: AliasAction[] = [];
  for (const role of options.dropRoles ?? []) actions.push({ delete_alias: { alias_name: aliasName(role, prefix) } });
  for (const role of roles) {
    const alias = aliasName(role, prefix);
    actions.push({ delete_alias: { alias_name: alias } });
    actions.push({
      create_alias: { collection_name: versionedCollectionName(role, version, prefix), alias_name: alias },
    });
  }
  return actions;
}
