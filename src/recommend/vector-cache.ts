// Point vectors (users' and items') read from Qdrant, kept per model version: within a version a trained vector
// never changes, so the same user's next request needs no lookup. A new active version empties the cache; items
// whose vectors the API rewrites (upsertItems, deleteItems) are forgotten at once. Absent points are remembered
// too: a user the model never saw would otherwise be looked up on every request. Vectors are stored as float32
// (what Qdrant holds anyway): half the memory of number[].
// Bounded twice: by entries and by bytes (RECGRAPH_VECTOR_CACHE_MAX_MB, default 256): past either cap the largest
// collection drops its oldest tenth (insertion order, so the cache holds the most recently fetched points). A
// million users at dimension 512 would be 2 GB: the byte cap, not the catalogue, decides what a server holds,
// and the preload stops when the cache is full rather than evicting what it just read.
export type CachedVector = number[] | undefined;

/** One page of a collection, as VectorStore.scroll returns it. */
export interface VectorPage {
  points: Array<{ id: number; vector?: number[] }>;
  nextOffset: number | undefined;
}

/** Rows per slab of one collection's vectors: 1,024 × 320 float32 = 1.3 MB per allocation. */
const SLAB_ROWS = 1024;

/** Default byte cap (RECGRAPH_VECTOR_CACHE_MAX_MB): 256 MB ≈ 500k vectors at dimension 128, 125k at 512. */
export const DEFAULT_VECTOR_CACHE_MAX_MB = 256;

/** Bytes of one entry besides its floats: the id → row Map entry (measured ≈ 50–80 B per entry in V8). */
const ENTRY_OVERHEAD_BYTES = 64;

/**
 * One collection's cached answers: vectors packed in float32 slabs (a row per point, rows of forgotten points
 * reused), ids → row in a Map (-1 = "no such point"). Measured against a Float32Array per point under a string key:
 * the per-point object, backing store and key cost ≈ 250 B beside a 1.3 KB vector at dimension 320.
 */
class CollectionVectors {
  private dimension: number | undefined;
  private readonly rows = new Map<number, number>();
  private readonly slabs: Float32Array[] = [];
  private readonly freeRows: number[] = [];
  /**
   * Rows of evicted entries, reusable only at the next eviction: a request may still hold a view() of one (the
   * next eviction comes a tenth of the cap of insertions later, far beyond any request's lifetime).
   */
  private retiring: number[] = [];
  private nextRow = 0;
  /** Vectors of another length than the collection's first (never within one model version; kept to be safe). */
  private readonly odd = new Map<number, Float32Array>();

  get size(): number {
    return this.rows.size + this.odd.size;
  }

  /**
   * Bytes of the live entries (floats + Map overhead). Slabs are never freed, but evicted rows are reused, so what
   * is allocated stays within the cap plus the retiring tenth and one slab.
   */
  get bytes(): number {
    let odd = 0;
    for (const v of this.odd.values()) odd += v.byteLength + ENTRY_OVERHEAD_BYTES;
    return this.rows.size * ((this.dimension ?? 0) * 4 + ENTRY_OVERHEAD_BYTES) + odd;
  }

  get(id: number): CachedVector | typeof MISS {
    const row = this.rows.get(id);
    if (row === undefined) {
      const odd = this.odd.get(id);
      return odd ? Array.from(odd) : MISS;
    }
    if (row < 0) return undefined;
    const dimension = this.dimension!;
    const slab = this.slabs[Math.floor(row / SLAB_ROWS)];
    const offset = (row % SLAB_ROWS) * dimension;
    const out = new Array<number>(dimension);
    for (let k = 0; k < dimension; k++) out[k] = slab[offset + k];
    return out;
  }

  /**
   * Like get, without a copy: a view into the slab, valid while the request that asked uses it (a row is reused
   * only after forget(), i.e. an index write of that item).
   */
  view(id: number): Float32Array | undefined | typeof MISS {
    const row = this.rows.get(id);
    if (row === undefined) return this.odd.get(id) ?? MISS;
    if (row < 0) return undefined;
    const dimension = this.dimension!;
    const offset = (row % SLAB_ROWS) * dimension;
    return this.slabs[Math.floor(row / SLAB_ROWS)].subarray(offset, offset + dimension);
  }

  set(id: number, vector: CachedVector): void {
    this.delete(id);
    if (!vector) return void this.rows.set(id, -1);
    this.dimension ??= vector.length;
    if (vector.length !== this.dimension) return void this.odd.set(id, Float32Array.from(vector));
    const row = this.freeRows.pop() ?? this.nextRow++;
    const slabIndex = Math.floor(row / SLAB_ROWS);
    if (slabIndex === this.slabs.length) this.slabs.push(new Float32Array(SLAB_ROWS * this.dimension));
    this.slabs[slabIndex].set(vector, (row % SLAB_ROWS) * this.dimension);
    this.rows.set(id, row);
  }

  delete(id: number, retire = false): void {
    const row = this.rows.get(id);
    if (row !== undefined) {
      if (row >= 0) (retire ? this.retiring : this.freeRows).push(row);
      this.rows.delete(id);
    }
    this.odd.delete(id);
  }

  /** Drops the `count` entries cached first (Maps iterate in insertion order). */
  dropOldest(count: number): void {
    for (const row of this.retiring) this.freeRows.push(row);
    this.retiring = [];
    const oldest: number[] = [];
    for (const id of this.rows.keys()) {
      if (oldest.length >= count) break;
      oldest.push(id);
    }
    for (const id of oldest) this.delete(id, true);
  }
}

export class VectorCache {
  private version: string | undefined;
  private readonly collections = new Map<string, CollectionVectors>();
  /** Bumped by forget(): a preload page read before it must not bring back what was forgotten. */
  private generation = 0;
  private preloadedVersion: string | undefined;
  private preloadRetryAt = 0;

  /** `maxBytes`: see bytes below (default DEFAULT_VECTOR_CACHE_MAX_MB). */
  constructor(
    private readonly maxEntries = 1_000_000,
    private readonly maxBytes = DEFAULT_VECTOR_CACHE_MAX_MB * 2 ** 20,
  ) {}

  /** The version the cache currently holds vectors of. */
  get currentVersion(): string | undefined {
    return this.version;
  }

  get size(): number {
    let size = 0;
    for (const collection of this.collections.values()) size += collection.size;
    return size;
  }

  /** Bytes the cached vectors and their index take (an estimate from the allocated slabs; see the caps above). */
  get bytes(): number {
    let bytes = 0;
    for (const collection of this.collections.values()) bytes += collection.bytes;
    return bytes;
  }

  /** At a cap: one more entry evicts. */
  get full(): boolean {
    return this.size >= this.maxEntries || this.bytes >= this.maxBytes;
  }

  /** The cached answer (a vector, or undefined = "no such point"), or `MISS` when not cached for this version. */
  get(version: string, alias: string, id: number): CachedVector | typeof MISS {
    if (version !== this.version) return MISS;
    const collection = this.collections.get(alias);
    return collection ? collection.get(id) : MISS;
  }

  /** get() without the copy (see CollectionVectors.view): for vectors only read within the request. */
  view(version: string, alias: string, id: number): Float32Array | undefined | typeof MISS {
    if (version !== this.version) return MISS;
    const collection = this.collections.get(alias);
    return collection ? collection.view(id) : MISS;
  }

  /** Stores an answer for `version`; a different version than the cached one replaces the whole cache. */
  set(version: string, alias: string, id: number, vector: CachedVector): void {
    if (version !== this.version) {
      this.collections.clear();
      this.version = version;
    }
    let collection = this.collections.get(alias);
    if (!collection) this.collections.set(alias, (collection = new CollectionVectors()));
    if (this.full) {
      // The largest collection gives up its oldest tenth of what it holds (of the entry cap at most).
      const largest = [...this.collections.values()].reduce((a, b) => (b.bytes > a.bytes ? b : a));
      largest.dropOldest(Math.max(1, Math.ceil(Math.min(this.maxEntries, largest.size) / 10)));
    }
    collection.set(id, vector);
  }

  forget(aliases: readonly string[], ids: readonly number[]): void {
    this.generation++;
    for (const alias of aliases) for (const id of ids) this.collections.get(alias)?.delete(id);
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
            for (const point of page.points) {
              // Full: what requests fetch from now on is kept (and evicts); preloading more would only churn.
              if (this.full) return;
              this.set(version, alias, point.id, point.vector);
            }
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
