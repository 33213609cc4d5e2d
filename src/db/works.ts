// Works (editions of one book grouped under items.work_id, see src/editions/matcher.ts) as serving needs them: for
// every live item of a work with two or more live editions, its work and the work's editions in the order the
// edition rule prefers them. Held in process like the item cache (one statement per TTL, refreshed in the
// background while the old map keeps answering), so a list pays no Postgres round trip for it; writes through the
// API (upsertItems, deleteItems) reload it at once. Items outside the map are their own work.
import type pg from 'pg';
import type { ItemRow } from './items.js';
import { regroupEditions } from './work-grouping.js';

/** What the GraphQL Work type resolves from: the work id and the edition it was reached through. */
export interface WorkRef {
  workId: number;
  /** An edition of the work (the item whose `work` was asked for). */
  via: ItemRow;
}

/** One edition of a multi-edition work. */
export interface Edition {
  id: number;
  /** Events on this edition (all kinds, all time): "the most popular edition". */
  events: number;
  year: number | null;
}

export class WorkMap {
  /** Works that hold ≥ 2 live editions: work id → editions, preferred first (most events, then newest, then id). */
  private readonly editions = new Map<number, Edition[]>();
  private readonly workOfItem = new Map<number, number>();

  constructor(rows: ReadonlyArray<Edition & { workId: number }>) {
    for (const { workId, ...edition } of rows) {
      const list = this.editions.get(workId);
      if (list) list.push(edition);
      else this.editions.set(workId, [edition]);
    }
    for (const [workId, list] of this.editions) {
      if (list.length < 2) {
        this.editions.delete(workId);
        continue;
      }
      list.sort(preferredEdition);
      for (const edition of list) this.workOfItem.set(edition.id, workId);
    }
  }

  /** True when some work has two or more live editions (else every list is already one item per work). */
  get hasWorks(): boolean {
    return this.editions.size > 0;
  }

  get multiEditionWorks(): number {
    return this.editions.size;
  }

  /** The work of a live item, or undefined when it is the only live edition of its work. */
  workOf(itemId: number): number | undefined {
    return this.workOfItem.get(itemId);
  }

  /** The live editions of a multi-edition work, preferred first; empty for any other id. */
  editionsOf(workId: number): readonly Edition[] {
    return this.editions.get(workId) ?? [];
  }

  /** The ids plus every other live edition of their works (what "seen" and "never this item" must cover). */
  withAllEditions(ids: readonly number[]): number[] {
    if (!this.hasWorks) return [...ids];
    const out = new Set(ids);
    for (const id of ids) {
      const work = this.workOfItem.get(id);
      if (work !== undefined) for (const edition of this.editions.get(work)!) out.add(edition.id);
    }
    return [...out];
  }
}

/** The edition rule after "the one the user interacted with": most events, else the newest, else the newest id. */
export function preferredEdition(a: Edition, b: Edition): number {
  return b.events - a.events || (b.year ?? -Infinity) - (a.year ?? -Infinity) || b.id - a.id;
}

export interface WorkMapOptions {
  ttlMs?: number;
  onLookup?: (cache: string, hit: boolean) => void;
}

export class WorkMapSource {
  private current?: { map: WorkMap; at: number };
  private loading?: Promise<WorkMap>;
  /** Bumped by invalidate(): a load that started before a write must not be kept as fresh. */
  private generation = 0;
  private readonly ttlMs: number;

  constructor(
    private readonly pool: pg.Pool,
    private readonly options: WorkMapOptions = {},
  ) {
    this.ttlMs = options.ttlMs ?? 60_000;
  }

  /** The map, loading it on first use; a stale map answers while its replacement loads. */
  async get(): Promise<WorkMap> {
    const current = this.current;
    const fresh = current && Date.now() - current.at < this.ttlMs;
    this.options.onLookup?.('works', !!fresh);
    if (current && fresh) return current.map;
    const load = this.load();
    if (current) {
      load.catch(() => undefined); // the stale map keeps answering; the next request retries
      return current.map;
    }
    return load;
  }

  /** The last loaded map without waiting (undefined before the first load). */
  peek(): WorkMap | undefined {
    return this.current?.map;
  }

  /** After an item write: the next get() waits for a map that includes it. */
  invalidate(): void {
    this.generation++;
    this.current = undefined;
    this.loading = undefined;
  }

  /**
   * Groups items just written through the API into works (work-grouping.ts) and reloads the map; returns the rows
   * with their work ids.
   */
  async regroup(rows: readonly ItemRow[]): Promise<ItemRow[]> {
    this.invalidate();
    const works = await regroupEditions(this.pool, rows);
    this.invalidate();
    return rows.map((row) => (works.has(row.id) ? { ...row, workId: works.get(row.id)! } : row));
  }

  /** Live editions of one work straight from Postgres (for a work the map does not hold: one edition or none). */
  async liveEditions(workId: number): Promise<number[]> {
    const { rows } = await this.pool.query<{ id: number }>(
      'SELECT id FROM items WHERE (work_id = $1 OR id = $1) AND deleted_at IS NULL ORDER BY id',
      [workId],
    );
    return rows.map((row) => row.id);
  }

  private load(): Promise<WorkMap> {
    if (this.loading) return this.loading;
    const generation = this.generation;
    const loading = readWorkMap(this.pool)
      .then((map) => {
        if (generation === this.generation) this.current = { map, at: Date.now() };
        return map;
      })
      .finally(() => {
        if (this.loading === loading) this.loading = undefined;
      });
    this.loading = loading;
    return loading;
  }
}

/** One statement: the live editions of every work with ≥ 2 of them, with their event counts. */
export async function readWorkMap(db: Pick<pg.Pool, 'query'>): Promise<WorkMap> {
  const { rows } = await db.query<Edition & { workId: number }>(
    `WITH multi AS (
       SELECT work_id FROM items WHERE deleted_at IS NULL AND work_id IS NOT NULL GROUP BY work_id HAVING count(*) > 1
     )
     SELECT it.id, it.work_id AS "workId", it.year,
            (SELECT count(*) FROM interactions x WHERE x.item_id = it.id)::int AS events
       FROM items it JOIN multi m ON m.work_id = it.work_id
      WHERE it.deleted_at IS NULL`,
  );
  return new WorkMap(rows);
}
