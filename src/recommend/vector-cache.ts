// Point vectors (users' and items') read from Qdrant, kept per model version: within a version a trained vector
// never changes, so the same user's next request needs no lookup. A new active version empties the cache; items
// whose vectors the API rewrites (upsertItems, deleteItems) are forgotten at once. Absent points are remembered
// too: a user the model never saw would otherwise be looked up on every request.
export type CachedVector = number[] | undefined;

export class VectorCache {
  private version: string | undefined;
  private readonly entries = new Map<string, CachedVector>();

  constructor(private readonly maxEntries = 100_000) {}

  /** The cached answer (a vector, or undefined = "no such point"), or `miss` when not cached for this version. */
  get(version: string, alias: string, id: number): CachedVector | typeof MISS {
    if (version !== this.version) return MISS;
    const key = `${alias}\u0000${id}`;
    return this.entries.has(key) ? this.entries.get(key) : MISS;
  }

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
    this.entries.set(`${alias}\u0000${id}`, vector);
  }

  forget(aliases: readonly string[], ids: readonly number[]): void {
    for (const alias of aliases) for (const id of ids) this.entries.delete(`${alias}\u0000${id}`);
  }
}

export const MISS: unique symbol = Symbol('miss');
