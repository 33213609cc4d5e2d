// `recgraph export-recommendations`: every user's list (or the users of a file) written as JSON Lines, ranked by the
// API's own code — RecommendationService.forUser, given the user exactly as the `recommendations` resolver loads
// them (byExternalIdsWithHistory), page { first, offset 0 }, no filter, no diversity — and joined with item ids the
// way the resolver does (deleted items left out). So a line equals the API's answer for that user at that moment.
//
// Bounded memory: users are read from Postgres in keyset pages (or the file in batches of lines, as a stream), a
// page is ranked a few users at a time, and its lines are written before the next page is read, waiting for the
// output stream to drain. The file is written under <out>.partial and renamed when complete: a failed run leaves
// no half file under the asked name.
import { once } from 'node:events';
import { createReadStream, createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import type { ItemReader } from '../../src/db/item-cache.js';
import type { UserRepository, UserRow } from '../../src/db/users.js';
import type { RecommendationService } from '../../src/recommend/service.js';
import type { Strategy } from '../../src/recommend/types.js';
import { noopProgress, type ProgressSink } from '../progress.js';

export interface ExportDeps {
  recommender: Pick<RecommendationService, 'forUser'>;
  users: Pick<UserRepository, 'pageAfter' | 'count' | 'byExternalIdsWithHistory'>;
  items: Pick<ItemReader, 'byIds'>;
  /** Why a text cannot be a user id (the API's own check, src/graphql/inputs.ts), or undefined. */
  idProblem: (id: string) => string | undefined;
}

export interface ExportOptions {
  /** List length per user (1 … MAX_FIRST). */
  first: number;
  out: string;
  /** One user id per line; without it, every user in Postgres (in id order). */
  usersFile?: string;
  /** Users per Postgres page / lines per batch (default 500). */
  pageSize?: number;
  /** Users ranked at once (default 4: Qdrant and Postgres round trips overlap). */
  concurrency?: number;
  progress?: ProgressSink;
}

/** The API pages no deeper than its 500th result (src/graphql/inputs.ts checkPage): neither does the export. */
export const MAX_FIRST = 500;

export interface RejectedLine {
  /** 1-based line of the users file. */
  line: number;
  reason: string;
}

export interface ExportSummary {
  /** Users written (one line each). */
  users: number;
  rejected: RejectedLine[];
  /** Lines per strategy (MODEL, FOLD_IN, POPULAR …). */
  strategies: Partial<Record<Strategy, number>>;
  seconds: number;
  usersPerSecond: number;
}

/** One line of the output. */
export interface ExportedList {
  userId: string;
  strategy: Strategy;
  reason: string | null;
  modelVersion: string | null;
  items: Array<{ id: string; score: number; source: string }>;
}

/** At most this many rejected lines are kept in the summary (the count is exact). */
const KEPT_REJECTIONS = 1000;

export async function exportRecommendations(deps: ExportDeps, options: ExportOptions): Promise<ExportSummary> {
  const { first } = options;
  if (!Number.isInteger(first) || first < 1 || first > MAX_FIRST) {
    throw new Error(`--first must be an integer from 1 to ${MAX_FIRST}, got ${first}`);
  }
  const pageSize = options.pageSize ?? 500;
  const concurrency = options.concurrency ?? 4;
  const progress = options.progress ?? noopProgress;
  const started = performance.now();
  const partial = `${options.out}.partial`;
  const out = createWriteStream(partial, { encoding: 'utf8' });
  const failed = once(out, 'error').then(([error]) => Promise.reject(error as Error));
  failed.catch(() => undefined);
  const summary: ExportSummary = { users: 0, rejected: [], strategies: {}, seconds: 0, usersPerSecond: 0 };
  let rejectedCount = 0;
  const reject = (line: number, reason: string) => {
    rejectedCount++;
    if (summary.rejected.length < KEPT_REJECTIONS) summary.rejected.push({ line, reason });
  };

  const writeBatch = async (users: ReadonlyArray<{ user: UserRow }>) => {
    const lines = await mapLimited(users, concurrency, ({ user }) => listFor(deps, user, first));
    for (const list of lines) {
      summary.strategies[list.strategy] = (summary.strategies[list.strategy] ?? 0) + 1;
      if (!out.write(`${JSON.stringify(list)}\n`)) await Promise.race([once(out, 'drain'), failed]);
    }
    summary.users += lines.length;
  };

  try {
    if (options.usersFile) {
      progress.start(await countLines(options.usersFile), 'export-recommendations');
      for await (const batch of lineBatches(options.usersFile, pageSize)) {
        const valid: Array<{ line: number; id: string }> = [];
        for (const { line, text } of batch) {
          const id = text?.trim() ?? '';
          const problem = text === undefined ? 'not UTF-8 text' : id ? deps.idProblem(id) : 'empty line';
          if (problem) reject(line, problem);
          else valid.push({ line, id });
        }
        const rows = await deps.users.byExternalIdsWithHistory(valid.map((v) => v.id));
        const known = valid.flatMap((v, k) => {
          const user = rows[k];
          if (!user) reject(v.line, `unknown user ${JSON.stringify(v.id.slice(0, 40))}`);
          return user ? [{ user }] : [];
        });
        await writeBatch(known);
        progress.tick(batch.length);
      }
    } else {
      progress.start(await deps.users.count(), 'export-recommendations');
      for (let after = 0; ;) {
        const page = await deps.users.pageAfter(after, pageSize);
        if (!page.length) break;
        after = page[page.length - 1].id;
        // The resolver's loader: the user with their segment, and their history into the repository's cache.
        const rows = await deps.users.byExternalIdsWithHistory(page.map((u) => u.externalId));
        await writeBatch(rows.flatMap((user) => (user ? [{ user }] : [])));
        progress.tick(page.length);
      }
    }
    out.end();
    await Promise.race([once(out, 'finish'), failed]);
    await rename(partial, options.out);
  } catch (error) {
    out.destroy();
    await rm(partial, { force: true });
    throw error;
  } finally {
    progress.stop();
  }
  summary.seconds = (performance.now() - started) / 1000;
  summary.usersPerSecond = summary.users / Math.max(summary.seconds, 1e-9);
  if (rejectedCount > summary.rejected.length) {
    summary.rejected.push({ line: 0, reason: `… and ${rejectedCount - summary.rejected.length} more rejected lines` });
  }
  return summary;
}

/** The user's list as the `recommendations` query answers it, with external item ids. */
export async function listFor(deps: ExportDeps, user: UserRow, first: number): Promise<ExportedList> {
  const result = await deps.recommender.forUser(user, { first, offset: 0 }, {}, { diversity: 0, explain: false });
  const rows = await deps.items.byIds(result.items.map((entry) => entry.itemId));
  return {
    userId: user.externalId,
    strategy: result.strategy,
    reason: result.reason,
    modelVersion: result.modelVersion,
    // Items deleted since the model was trained are left out, as the resolver's metadata join leaves them out.
    items: result.items.flatMap((entry, i) => {
      const row = rows[i];
      return row && !row.deletedAt ? [{ id: row.externalId, score: entry.score, source: entry.source }] : [];
    }),
  };
}

/** `fn` over `inputs` with at most `limit` calls in flight; results in input order. */
async function mapLimited<T, R>(inputs: readonly T[], limit: number, fn: (input: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(inputs.length);
  let next = 0;
  const worker = async () => {
    while (next < inputs.length) {
      const index = next++;
      results[index] = await fn(inputs[index]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, inputs.length) }, worker));
  return results;
}

interface FileLine {
  line: number;
  /** undefined when the line's bytes are not UTF-8. */
  text: string | undefined;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

function decode(bytes: Buffer): string | undefined {
  try {
    return utf8.decode(bytes[bytes.length - 1] === 0x0d ? bytes.subarray(0, -1) : bytes);
  } catch {
    return undefined;
  }
}

/**
 * The file's lines in batches, read as a stream (the next chunk is read only when the batch before it was handled:
 * async iteration of a file stream keeps backpressure). A final line without a newline counts; a trailing newline
 * does not make an extra empty line.
 */
async function* lineBatches(file: string, size: number): AsyncGenerator<FileLine[]> {
  let batch: FileLine[] = [];
  let rest = Buffer.alloc(0);
  let line = 0;
  for await (const chunk of createReadStream(file) as AsyncIterable<Buffer>) {
    let data = rest.length ? Buffer.concat([rest, chunk]) : chunk;
    for (let newline = data.indexOf(0x0a); newline !== -1; newline = data.indexOf(0x0a)) {
      batch.push({ line: ++line, text: decode(data.subarray(0, newline)) });
      data = data.subarray(newline + 1);
      if (batch.length >= size) {
        yield batch;
        batch = [];
      }
    }
    rest = Buffer.from(data);
  }
  if (rest.length) batch.push({ line: line + 1, text: decode(rest) });
  if (batch.length) yield batch;
}

async function countLines(file: string): Promise<number> {
  let lines = 0;
  let last = 0x0a;
  for await (const chunk of createReadStream(file) as AsyncIterable<Buffer>) {
    for (let i = chunk.indexOf(0x0a); i !== -1; i = chunk.indexOf(0x0a, i + 1)) lines++;
    if (chunk.length) last = chunk[chunk.length - 1];
  }
  return last === 0x0a ? lines : lines + 1;
}
