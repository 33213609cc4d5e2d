// Edition grouping: different ids (ISBNs, ASINs, duplicate MovieLens entries) for one work get one work id.
//
// 1. Blocking: each item gets a block key; only items sharing a block are compared (no n² over the catalog).
//    - with creators: the first creator's family name + initial ("tolkien j");
//    - without creators: the exact matching title + year (movies: "Chasing Amy (1997)" listed twice); with
//      neither creator nor year an item stays alone (two products both called "USB cable" are not one work).
// 2. Candidate pairs inside a block: Jaro-Winkler similarity (talisman) of the matching titles ≥ threshold,
//    and the same numbers in both titles ("Vol. 1" ≠ "Vol. 2").
// 3. Connected components over the pairs (union-find): the work id is the smallest item id in the component, so
//    it is stable across re-runs and an existing work keeps its id when a new edition joins it.
// Lossless: items are never merged or deleted, each row just carries its work id.
import jaroWinkler from 'talisman/metrics/jaro-winkler.js';
import { creatorBlockKey } from './creators.js';
import { matchTitle, titleNumbers } from './titles.js';

export interface EditionCandidate {
  id: number;
  title: string;
  creators?: readonly string[];
  year?: number | null;
}

export interface EditionKeys {
  block: string;
  match: string;
  numbers: string;
}

export interface EditionOptions {
  /** Minimum Jaro-Winkler similarity of matching titles inside a creator block. Default 0.93. */
  threshold?: number;
  /** Blocks larger than this are compared only within a sliding window over their sorted titles. Default 2000. */
  maxBlockSize?: number;
  /** Window used for oversized blocks. Default 50. */
  window?: number;
}

/** Keys for one item, or null when it cannot be matched (no usable title): it stays its own work. */
export function editionKeys(item: EditionCandidate): EditionKeys | null {
  const match = matchTitle(item.title);
  if (!match) return null;
  const numbers = titleNumbers(match);
  const creator = item.creators?.map(creatorBlockKey).find(Boolean);
  if (creator) return { block: `c:${creator}`, match, numbers };
  if (item.year === undefined || item.year === null) return null;
  return { block: `t:${match}|${item.year}`, match, numbers };
}

/** Union-find over item ids with "smallest id is the root", sized for the largest id. */
export class WorkUnion {
  private parent: Int32Array;
  constructor(maxId: number) {
    this.parent = new Int32Array(maxId + 1).map((_, i) => i);
  }
  find(id: number): number {
    let root = id;
    while (this.parent[root] !== root) root = this.parent[root];
    // Path compression keeps later finds O(1)-ish.
    let node = id;
    while (this.parent[node] !== root) {
      const next = this.parent[node];
      this.parent[node] = root;
      node = next;
    }
    return root;
  }
  union(a: number, b: number): void {
    const ra = this.find(a);
    const rb = this.find(b);
    if (ra < rb) this.parent[rb] = ra;
    else if (rb < ra) this.parent[ra] = rb;
  }
}

export interface BlockMember extends EditionKeys {
  id: number;
}

/**
 * Links the editions of one block in `union`. Title-keyed blocks (no creators) already require an exact title
 * match, so all members are linked; creator blocks compare titles pairwise (or within a window when huge).
 */
export function linkBlock(members: BlockMember[], union: WorkUnion, options: EditionOptions = {}): number {
  if (members.length < 2) return 0;
  const threshold = options.threshold ?? 0.93;
  const maxBlock = options.maxBlockSize ?? 2000;
  const window = options.window ?? 50;
  let pairs = 0;
  if (members[0].block.startsWith('t:')) {
    for (let i = 1; i < members.length; i++) {
      union.union(members[0].id, members[i].id);
      pairs++;
    }
    return pairs;
  }
  const sorted =
    members.length > maxBlock
      ? [...members].sort((a, b) => (a.match < b.match ? -1 : a.match > b.match ? 1 : 0))
      : members;
  const reach = members.length > maxBlock ? window : sorted.length;
  for (let i = 0; i < sorted.length; i++) {
    const a = sorted[i];
    for (let j = i + 1; j < sorted.length && j <= i + reach; j++) {
      const b = sorted[j];
      if (a.numbers !== b.numbers) continue;
      if (a.match === b.match || jaroWinkler(a.match, b.match) >= threshold) {
        union.union(a.id, b.id);
        pairs++;
      }
    }
  }
  return pairs;
}

/** In-memory grouping of a small catalog: id → work id. The database pass (ingest/work-ids.ts) streams. */
export function groupEditions(items: Iterable<EditionCandidate>, options: EditionOptions = {}): Map<number, number> {
  const blocks = new Map<string, BlockMember[]>();
  const ids: number[] = [];
  for (const item of items) {
    ids.push(item.id);
    const keys = editionKeys(item);
    if (!keys) continue;
    const block = blocks.get(keys.block);
    if (block) block.push({ id: item.id, ...keys });
    else blocks.set(keys.block, [{ id: item.id, ...keys }]);
  }
  const union = new WorkUnion(ids.reduce((m, id) => Math.max(m, id), 0));
  for (const members of blocks.values()) linkBlock(members, union, options);
  return new Map(ids.map((id) => [id, union.find(id)]));
}
