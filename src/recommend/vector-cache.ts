// Point vectors (users' and items') read from Qdrant, kept per model version: within a version a trained vector
// never changes, so the same user's next request needs no lookup. A new active version empties the cache; items
// whose vectors the API rewrites (upsertItems, deleteItems) are forgotten at once. Absent points are remembered
// too: a user the model never saw would otherwise be looked up on every request. Vectors are stored as float32
// (what Qdrant holds anyway): half the memory of number[].
export type CachedVector = number[] | undefined;

/** One page of a collection, as VectorStore.scroll returns it. */
export interface VectorPage {
  points: Array<{ id: number; vector?: number[] }>;
  nextOffset: number | undefined;
}

export class VectorCache {
  private version: string | undefined;
  private readonly entries = new Map<string, Float32Array | undefined>();
  /** Bumped by forget(): a preload page read before it must not bring back what was forgotten. */
  private generation = 0;
  private preloadedVersion: string | undefined;
  private preloadRetryAt = 0;

  constructor(private readonly maxEntries = 250_000) {}

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
    this.generation++;
    for (const alias of aliases) for (const id of ids) this.entries.delete(`${alias}\u0000${id}`);
  }

  /**
   * Reads whole collections (at most `maxPoints` each) into the cache in the background, once per model version —
   * work done when a version goes live instead of a lookup in every request. Best effort: requests look vectors up
   * themselves until (or if never) it completes; after a failure (Qdrant down) the next call half a minute later
   * tries again, not every request.
   */
  preload(
    version: string,
    aliases: readonly string[],
    maxPoints: number,
    scroll: (alias: string, offset: number | undefined) => Promise<VectorPage>,
  ): void {
    if (this.preloadedVersion === version || Date.now() < this.preloadRetryAt) return;
    this.preloadedVersion = version;
    const stillWanted = () =>
      this.preloadedVersion === version && (this.version === undefined || this.version === version);
    const run = async () => {
      for (const alias of aliases) {
        let offset: number | undefined;
        let loaded = 0;
        do {
          const generation = this.generation;
          const page = await scroll(alias, offset);
          if (!stillWanted()) return; // a newer version went live meanwhile
          if (generation === this.generation) {
            for (const point of page.points) this.set(version, alias, point.id, point.vector);
          }
          loaded += page.points.length;
          offset = page.nextOffset;
        } while (offset !== undefined && loaded < maxPoints);
      }
    };
    run().catch(() => {
      if (this.preloadedVersion !== version) return;
      this.preloadedVersion = undefined;
      this.preloadRetryAt = Date.now() + 30_000;
    });
  }
}

export const MISS: unique symbol = Symbol('miss');
