// Point vectors (users' and items') read from Qdrant, kept per model version: within a version a trained vector
// never changes, so the same user's next request needs no lookup. A new active version empties the cache; items
// whose vectors the API rewrites (upsertItems, deleteItems) are forgotten at once. Absent points are remembered
// too: a user the model never saw would otherwise be looked up on every request. Vectors are stored as float32
// (what Qdrant holds anyway): half the memory of number[].
export type CachedVector = number[] | undefined;

export class VectorCache {
  private version: string | undefined;
  private readonly entries = new Map<string, Float32Array | undefined>();

  constructor(private readonly maxEntries = 200_000) {}

  /** The version the cache currently holds vectors of. */
  get currentVersion(): string | undefined {
    return this.version;
  }

  get size(): number {
    return this.entries.size;
  }

  /** The cached answer (a vector, or undefined = "no such point"), or `MISS` when not cached for this version. */
  get(version: string, alias: string, id: number): CachedVector | typeof MISS {
    if (version !== this.version) return MISS;
    const key = `${alias}\u0000${id}`;
    const vector = this.entries.get(key);
    if (vector) return Array.from(vector);
    return this.entries.has(key) ? undefined : MISS;
  }

  /** Stores an answer for `version`; a different version than the cached one replaces the whole cache. */
  set(version: string, alias: string, id: number, vector: CachedVector): void {
    if (version !== this.version) {
      this.entries.clear();
      this.version = version;
    }
    if (this.entries.size >= this.maxEntries) {
      let drop = Math.ceil(this.maxEntries / 10);
      for (const key of this.entries.keys()) {
        this.entries.delete(key);
        if (--drop === 0) break;
      }
    }
    this.entries.set(`${alias}\u0000${id}`, vector && Float32Array.from(vector));
  }

  forget(aliases: readonly string[], ids: readonly number[]): void {
    for (const alias of aliases) for (const id of ids) this.entries.delete(`${alias}\u0000${id}`);
  }
}

export const MISS: unique symbol = Symbol('miss');
