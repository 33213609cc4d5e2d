/**
 * Reader for "user item item …" split files (the LightGCN layout: one line per user, 0-based ids, space or
 * tab separated). Used by `recgraph evaluate` / `tune` and the quality bench without any database.
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { buildInteractionMatrix, type InteractionMatrix } from './interactions.js';

export interface SplitEvents {
  users: Int32Array;
  items: Int32Array;
  /** Largest user / item id seen (−1 for an empty file). */
  maxUser: number;
  maxItem: number;
}

/** Growable int32 buffer: avoids boxing millions of ids in JS arrays. */
class IntBuffer {
  data = new Int32Array(1 << 16);
  length = 0;
  push(v: number): void {
    if (this.length === this.data.length) {
      const next = new Int32Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = v;
  }
  toArray(): Int32Array {
    return this.data.slice(0, this.length);
  }
}

/** Parses split-file text (already in memory). Blank lines are skipped; a user with no items is allowed. */
export function parseSplitText(text: string): SplitEvents {
  const users = new IntBuffer();
  const items = new IntBuffer();
  let maxUser = -1;
  let maxItem = -1;
  let lineNo = 0;
  for (const line of text.split('\n')) {
    lineNo++;
    const r = parseLine(line, lineNo, users, items);
    if (r) {
      maxUser = Math.max(maxUser, r.user);
      maxItem = Math.max(maxItem, r.maxItem);
    }
  }
  return { users: users.toArray(), items: items.toArray(), maxUser, maxItem };
}

function parseLine(
  line: string,
  lineNo: number,
  users: IntBuffer,
  items: IntBuffer,
): { user: number; maxItem: number } | undefined {
  const fields = line.trim().split(/\s+/);
  if (fields.length === 0 || fields[0] === '') return undefined;
  const user = Number(fields[0]);
  if (!Number.isInteger(user) || user < 0) throw new Error(`line ${lineNo}: bad user id "${fields[0]}"`);
  let maxItem = -1;
  for (let f = 1; f < fields.length; f++) {
    const item = Number(fields[f]);
    if (!Number.isInteger(item) || item < 0) throw new Error(`line ${lineNo}: bad item id "${fields[f]}"`);
    users.push(user);
    items.push(item);
    if (item > maxItem) maxItem = item;
  }
  return { user, maxItem };
}

/** Streams a split file from disk (large files never sit in memory as one string). */
export async function readSplitFile(path: string): Promise<SplitEvents> {
  const users = new IntBuffer();
  const items = new IntBuffer();
  let maxUser = -1;
  let maxItem = -1;
  let lineNo = 0;
  const rl = createInterface({ input: createReadStream(path, { encoding: 'utf8' }), crlfDelay: Infinity });
  for await (const line of rl) {
    lineNo++;
    let r;
    try {
      r = parseLine(line, lineNo, users, items);
    } catch (err) {
      throw new Error(`${path}: ${(err as Error).message}`, { cause: err });
    }
    if (r) {
      maxUser = Math.max(maxUser, r.user);
      maxItem = Math.max(maxItem, r.maxItem);
    }
  }
  return { users: users.toArray(), items: items.toArray(), maxUser, maxItem };
}

export interface LoadedSplit {
  numUsers: number;
  numItems: number;
  train: InteractionMatrix;
  valid?: InteractionMatrix;
  test?: InteractionMatrix;
}

/**
 * Reads train (+ optional valid / test) split files into matrices sharing one id space: numUsers / numItems
 * are 1 + the largest id across all given files, so every matrix has the same shape.
 */
export async function loadSplitFiles(paths: { train: string; valid?: string; test?: string }): Promise<LoadedSplit> {
  const [train, valid, test] = await Promise.all([
    readSplitFile(paths.train),
    paths.valid ? readSplitFile(paths.valid) : undefined,
    paths.test ? readSplitFile(paths.test) : undefined,
  ]);
  const parts = [train, valid, test].filter((p): p is SplitEvents => p !== undefined);
  const numUsers = 1 + Math.max(...parts.map((p) => p.maxUser));
  const numItems = 1 + Math.max(...parts.map((p) => p.maxItem));
  const toMatrix = (e: SplitEvents) => buildInteractionMatrix(numUsers, numItems, e.users, e.items);
  return {
    numUsers,
    numItems,
    train: toMatrix(train),
    valid: valid ? toMatrix(valid) : undefined,
    test: test ? toMatrix(test) : undefined,
  };
}

/** Inverse of parseSplitText, for tests and for writing generated datasets. */
export function formatSplitText(m: InteractionMatrix): string {
  const lines: string[] = [];
  for (let u = 0; u < m.numUsers; u++) {
    if (m.indptr[u + 1] === m.indptr[u]) continue;
    lines.push(`${u} ${Array.from(m.indices.subarray(m.indptr[u], m.indptr[u + 1])).join(' ')}`);
  }
  return lines.join('\n') + '\n';
}
