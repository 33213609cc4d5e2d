// Per-request DataLoaders: every metadata lookup in one request is batched into one SQL statement per kind.
import DataLoader from 'dataloader';
import type { ItemReader } from '../db/item-cache.js';
import type { ItemRow } from '../db/items.js';
import type { UserRepository, UserRow } from '../db/users.js';

export interface Loaders {
  itemById: DataLoader<number, ItemRow | undefined>;
  itemByExternalId: DataLoader<string, ItemRow | undefined>;
  userByExternalId: DataLoader<string, UserRow | undefined>;
  userById: DataLoader<number, UserRow | undefined>;
  /** The user and (into the repository's cache) their history, in one statement: for recommendations. */
  userWithHistoryByExternalId: DataLoader<string, UserRow | undefined>;
}

export function createLoaders(items: ItemReader, users: UserRepository): Loaders {
  return {
    itemById: new DataLoader((ids) => items.byIds(ids)),
    itemByExternalId: new DataLoader((ids) => items.byExternalIds(ids)),
    userByExternalId: new DataLoader((ids) => users.byExternalIds(ids)),
    userById: new DataLoader((ids) => users.byIds(ids)),
    userWithHistoryByExternalId: new DataLoader((ids) => users.byExternalIdsWithHistory(ids)),
  };
}
