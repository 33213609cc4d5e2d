// Item metadata kept in process: every list joins 20–100 items with their metadata, and the catalog changes far
// less often than it is read. Writes through this API (upsertItems, deleteItems) invalidate their rows at once; a
// short TTL bounds how long another replica's writes take to show here (README § Scale-out: caches with TTLs only).
// Deleted items never reach a list through this cache: their vectors leave Qdrant in the same mutation.
import type { ItemRow } from './items.js';

export interface ItemReader {
  byIds(ids: readonly number[]): Promise<(ItemRow | undefined)[]>;
  byExternalIds(externalIds: readonly string[]): Promise<(ItemRow | undefined)[]>;
}

export interface ItemCacheOptions {
  ttlMs?: number;
  /** Most rows kept; the oldest are dropped first. */
  maxEntries?: number;
  onLookup?: (cache: string, hit: boolean) => void;
}

interface Entry {
  row: ItemRow;
  at: number;
}

export class CachedItemReader implements ItemReader {
  private readonly byId = new Map<number, Entry>();
  private readonly idByExternal = new Map<string, number>();
  private readonly ttlMs: number;
  private readonly maxEntries: number;
  /** Bumped by every invalidation, so a read that started before it cannot store a row it may have outdated. */
  private generation = 0;

  constructor(
    private readonly source: ItemReader,
    private readonly options: ItemCacheOptions = {},
  ) {
    this.ttlMs = options.ttlMs ?? 30_000;
    this.maxEntries = options.maxEntries ?? 200_000;
  }

  async byIds(ids: readonly number[]): Promise<(ItemRow | undefined)[]> {
    return this.read(
      ids,
      (id) => this.fresh(id),
      (missing) => this.source.byIds(missing),
    );
  }

  async byExternalIds(externalIds: readonly string[]): Promise<(ItemRow | undefined)[]> {
    return this.read(
      externalIds,
      (externalId) => {
        const id = this.idByExternal.get(externalId);
        return id === undefined ? undefined : this.fresh(id);
      },
      (missing) => this.source.byExternalIds(missing),
    );
  }

  /** Forgets these items (by internal or external id) after a write. */
  invalidate(keys: { ids?: readonly number[]; externalIds?: readonly string[] }): void {
    this.generation++;
    for (const externalId of keys.externalIds ?? []) {
      const id = this.idByExternal.get(externalId);
      if (id !== undefined) this.byId.delete(id);
      this.idByExternal.delete(externalId);
    }
    for (const id of keys.ids ?? []) {
      const entry = this.byId.get(id);
      if (entry) this.idByExternal.delete(entry.row.externalId);
      this.byId.delete(id);
    }
  }

  clear(): void {
    this.generation++;
    this.byId.clear();
    this.idByExternal.clear();
  }

  private fresh(id: number): ItemRow | undefined {
    const entry = this.byId.get(id);
    if (!entry) return undefined;
    if (Date.now() - entry.at < this.ttlMs) return entry.row;
    this.byId.delete(id);
    return undefined;
  }

  private async read<K>(
    keys: readonly K[],
    cached: (key: K) => ItemRow | undefined,
    load: (missing: K[]) => Promise<(ItemRow | undefined)[]>,
  ): Promise<(ItemRow | undefined)[]> {
    const out: (ItemRow | undefined)[] = new Array(keys.length);
    const missing: K[] = [];
    const missingAt: number[] = [];
    keys.forEach((key, index) => {
      const row = cached(key);
      if (row) out[index] = row;
      else {
        missing.push(key);
        missingAt.push(index);
      }
    });
    this.options.onLookup?.('items', missing.length === 0);
    if (!missing.length) return out;
    const generation = this.generation;
    const loaded = await load(missing);
    const storable = generation === this.generation;
    const now = Date.now();
    loaded.forEach((row, k) => {
      out[missingAt[k]] = row;
      // Unknown ids are not remembered: an item created a moment later must be found.
      if (row && storable) this.store(row, now);
    });
    return out;
  }

  private store(row: ItemRow, at: number): void {
    if (this.byId.size >= this.maxEntries) {
      // Maps iterate in insertion order: drop the oldest tenth in one go.
      let drop = Math.ceil(this.maxEntries / 10);
      for (const [id, entry] of this.byId) {
        this.byId.delete(id);
        this.idByExternal.delete(entry.row.externalId);
        if (--drop === 0) break;
      }
    }
    this.byId.delete(row.id);
    this.byId.set(row.id, { row, at });
    this.idByExternal.set(row.externalId, row.id);
  }
}
