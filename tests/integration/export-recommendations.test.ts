// export-recommendations on real Postgres + Qdrant: one line per user (exact count, every user once), each line equal
// to what the `recommendations` query answers over HTTP for sampled users, a --users file's bad lines reported with
// their line numbers and skipped, and the CLI itself run as a process.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { idProblem } from '../../src/graphql/inputs.js';
import { createServices } from '../../src/runtime/app.js';
import { exportRecommendations, type ExportedList } from '../../training/batch/export-recommendations.js';
import { RecordingProgress } from '../../training/progress.js';
import { startServedApp, type ServedApp } from '../helpers/served-app.js';

const run = promisify(execFile);

describe('export-recommendations', () => {
  let served: ServedApp;
  let dir: string;
  let services: ReturnType<typeof createServices>;

  const readLines = async (file: string) =>
    (await readFile(file, 'utf8'))
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as ExportedList);

  async function apiList(userId: string, first: number): Promise<ExportedList> {
    const result = await served.graphql<{
      recommendations: Omit<ExportedList, 'userId' | 'items'> & {
        items: Array<{ score: number; source: string; item: { id: string } }>;
      };
    }>(
      `query($u: ID!, $n: Int) { recommendations(userId: $u, first: $n) {
         strategy reason modelVersion items { score source item { id } } } }`,
      { u: userId, n: first },
    );
    expect(result.errors).toBeUndefined();
    const { items, ...rest } = result.data!.recommendations;
    return { userId, ...rest, items: items.map((e) => ({ id: e.item.id, score: e.score, source: e.source })) };
  }

  beforeAll(async () => {
    served = await startServedApp({ dataset: { seed: 5, items: 300, users: 150, eventsPerUser: 20 } });
    dir = await mkdtemp(path.join(os.tmpdir(), 'recgraph-export-recs-'));
    // Built as the CLI builds them: its own services (own caches) over the same stores.
    services = createServices(
      served.config,
      {
        pool: served.pool,
        servingPool: undefined,
        databaseUrl: served.config.databaseUrl!,
        qdrantUrl: served.app.vectorStore.url,
        qdrantApiKey: undefined,
      },
      served.app.vectorStore,
    );
    // Fresh events for one user (FOLD_IN) and a deleted item (left out of every list, as the API leaves it out).
    await served.graphql(`mutation { recordInteractions(input: [{ userId: "reader-00003", itemId: "book-00007" }]) {
      recorded } }`);
    await served.graphql(`mutation { deleteItems(ids: ["book-00002"]) { deleted } }`);
  }, 180_000);
  afterAll(async () => {
    await services?.models.close();
    await served?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it("writes every user's list once, equal to the API's answer for sampled users", async () => {
    const out = path.join(dir, 'all.jsonl');
    const progress = new RecordingProgress();
    const summary = await exportRecommendations(
      { recommender: services.recommender, users: services.users, items: services.items, idProblem },
      { first: 20, out, pageSize: 40, concurrency: 3, progress },
    );
    const { rows } = await served.pool.query<{ external_id: string }>('SELECT external_id FROM users ORDER BY id');
    const lines = await readLines(out);
    expect(lines.map((l) => l.userId)).toEqual(rows.map((r) => r.external_id));
    expect(summary.users).toBe(rows.length);
    expect(summary.rejected).toEqual([]);
    expect(Object.values(summary.strategies).reduce((a, b) => a + b, 0)).toBe(rows.length);
    expect(summary.strategies.FOLD_IN).toBe(1);
    expect(summary.usersPerSecond).toBeGreaterThan(0);
    expect(progress.steps).toEqual([expect.objectContaining({ total: rows.length, ticks: rows.length })]);
    await expect(stat(`${out}.partial`)).rejects.toThrow();
    expect(lines.every((l) => l.items.length >= 19 && !l.items.some((i) => i.id === 'book-00002'))).toBe(true);

    // Every 10th user, the FOLD_IN one included: the line is the API's answer, item for item.
    const sampled = lines.filter((l, i) => i % 10 === 0 || l.userId === 'reader-00003');
    expect(sampled.find((l) => l.userId === 'reader-00003')?.strategy).toBe('FOLD_IN');
    for (const line of sampled) expect(line).toEqual(await apiList(line.userId, 20));
  });

  it('reports bad --users lines with their line numbers, skips them and exports the rest', async () => {
    const usersFile = path.join(dir, 'users.txt');
    const lines = [
      'reader-00010',
      '',
      'no-such-user',
      'reader-00011\r',
      'x'.repeat(300),
      'bad\u0000id',
      '  reader-00012  ',
    ];
    const bytes = Buffer.concat([
      Buffer.from(lines.join('\n') + '\n'),
      Buffer.from([0xff, 0xfe, 0x0a]), // line 8: not UTF-8
      Buffer.from('reader-00013'), // line 9, no final newline
    ]);
    await writeFile(usersFile, bytes);
    const out = path.join(dir, 'some.jsonl');
    const summary = await exportRecommendations(
      { recommender: services.recommender, users: services.users, items: services.items, idProblem },
      { first: 5, out, usersFile, pageSize: 3 },
    );
    expect(summary.rejected).toEqual([
      { line: 2, reason: 'empty line' },
      { line: 3, reason: 'unknown user "no-such-user"' },
      { line: 5, reason: 'must be 1 to 256 characters' },
      { line: 6, reason: 'contains U+0000 (NUL)' },
      { line: 8, reason: 'not UTF-8 text' },
    ]);
    const written = await readLines(out);
    expect(written.map((l) => l.userId)).toEqual(['reader-00010', 'reader-00011', 'reader-00012', 'reader-00013']);
    expect(summary.users).toBe(4);
    for (const line of written) expect(line).toEqual(await apiList(line.userId, 5));
  });

  it('refuses a --first the API could not answer, and leaves no file behind', async () => {
    const out = path.join(dir, 'refused.jsonl');
    const deps = { recommender: services.recommender, users: services.users, items: services.items, idProblem };
    await expect(exportRecommendations(deps, { first: 0, out })).rejects.toThrow(/--first must be an integer/);
    await expect(exportRecommendations(deps, { first: 501, out })).rejects.toThrow(/from 1 to 500/);
    await expect(stat(out)).rejects.toThrow();
  });

  it('runs as `recgraph export-recommendations` against the configured Postgres and Qdrant', async () => {
    const usersFile = path.join(dir, 'cli-users.txt');
    await writeFile(usersFile, 'reader-00020\nnobody\nreader-00021\n');
    const out = path.join(dir, 'cli.jsonl');
    const { stdout, stderr } = await run(
      process.execPath,
      ['scripts/recgraph.mjs', 'export-recommendations', '--first', '7', '--users', usersFile, '--out', out],
      {
        env: {
          ...process.env,
          DATABASE_URL: served.config.databaseUrl,
          QDRANT_URL: served.config.qdrantUrl,
          RECGRAPH_COLLECTION_PREFIX: served.config.collectionPrefix,
          RECGRAPH_DATA_DIR: served.config.dataDir,
          LOG_LEVEL: 'silent',
        },
        timeout: 120_000,
      },
    );
    expect(stderr).toContain(`${usersFile}:2: skipped: unknown user "nobody"`);
    expect(stdout).toMatch(/^wrote 2 users to .*cli\.jsonl in [\d.]+ s \([\d.]+ users\/s; MODEL 2\); 1 lines skipped/m);
    const written = await readLines(out);
    expect(written.map((l) => l.userId)).toEqual(['reader-00020', 'reader-00021']);
    for (const line of written) expect(line).toEqual(await apiList(line.userId, 7));
  }, 150_000);
});
