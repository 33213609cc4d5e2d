// runIngest end to end: files written here → readers → cleaning → Postgres, for every format;
// reject reports on disk; re-ingest changes nothing; a fatal problem leaves the database untouched.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import pg from 'pg';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runIngest, type IngestSummary } from '../../training/ingest/ingest.js';
import { FatalIngestError } from '../../training/datasets/context.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';

let db: TestDatabase;
let pool: pg.Pool;
const root = mkdtempSync(path.join(os.tmpdir(), 'recgraph-ingest-'));
let n = 0;

beforeAll(async () => {
  db = await createTestDatabase();
  pool = new pg.Pool({ connectionString: db.url, max: 4 });
});
afterAll(async () => {
  await pool?.end();
  await db?.drop();
  rmSync(root, { recursive: true, force: true });
});
beforeEach(async () => {
  await pool.query('TRUNCATE interactions, users, items RESTART IDENTITY CASCADE');
});

function folder(files: Record<string, string | Buffer>): string {
  const dir = path.join(root, `case${++n}`);
  mkdirSync(dir, { recursive: true });
  for (const [name, content] of Object.entries(files)) writeFileSync(path.join(dir, name), content);
  return dir;
}

async function counts(): Promise<Record<string, number>> {
  const { rows } = await pool.query(
    `SELECT (SELECT count(*) FROM items)::int AS items, (SELECT count(*) FROM users)::int AS users, (SELECT count(*) FROM interactions)::int AS interactions`,
  );
  return rows[0];
}

function balanced(s: IngestSummary): void {
  for (const [table, t] of Object.entries(s.tables)) {
    expect(t.read, table).toBe(t.rejected + t.filtered + t.merged + t.inserted + t.updated + t.unchanged);
  }
}

describe('runIngest', () => {
  it('movielens: loads, reports rejects to a JSON Lines file, and a second run changes nothing', async () => {
    const flags = (g: number[]) => Array.from({ length: 19 }, (_v, i) => (g.includes(i) ? '1' : '0')).join('|');
    const dir = folder({
      'u.item': Buffer.concat([
        Buffer.from(`1|Toy Story (1995)|01-Jan-1995||u|${flags([3])}\n`),
        Buffer.from(`2|Caf\xe9 (1990)|01-Jan-1990||u|${flags([8])}\n`, 'latin1'),
      ]),
      'u.user': '1|24|M|technician|85711\n2|53|F|other|94043\n',
      'u.data':
        '1\t1\t5\t881250949\n2\t1\t3\t881250950\n2\t2\t4\t881250951\n1\t3\t4\t881250952\n2\t2\t4\t881250951\n1\t1\t7\t881250953\n',
    });
    const rejectFile = path.join(root, 'rejects', 'ml.jsonl');
    const first = await runIngest(pool, 'movielens', [dir], { rejectFile });
    balanced(first);
    expect(first.tables.items).toMatchObject({ read: 2, inserted: 2 });
    expect(first.tables.users).toMatchObject({ read: 2, inserted: 2, implicit: 0 });
    expect(first.tables.interactions).toMatchObject({ read: 6, inserted: 3, merged: 1, rejected: 2 });
    expect(first.rejectFile).toBe(rejectFile);
    const report = readFileSync(rejectFile, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(report.map((r) => [path.basename(r.file), r.line, r.reason])).toEqual([
      ['u.data', 6, 'rating out of range 0.5–5: "7"'],
      ['u.data', 4, 'unknown item "3"'],
    ]);
    expect(report[1].raw).toContain('"itemExternalId":"3"');
    expect((await pool.query(`SELECT title, genres FROM items ORDER BY id`)).rows).toEqual([
      { title: 'Toy Story (1995)', genres: ['Animation'] },
      { title: 'Café (1990)', genres: ['Drama'] },
    ]);

    const before = (await pool.query('SELECT * FROM interactions ORDER BY id')).rows;
    const second = await runIngest(pool, 'movielens', [dir], { rejectFile: path.join(root, 'rejects', 'ml2.jsonl') });
    expect(second.tables.interactions).toMatchObject({ inserted: 0, updated: 0, unchanged: 3 });
    expect(second.tables.items).toMatchObject({ inserted: 0, updated: 0, unchanged: 2 });
    expect((await pool.query('SELECT * FROM interactions ORDER BY id')).rows).toEqual(before);
  });

  it('bookcrossing: repairs mojibake, normalises creators, groups editions, keeps every edition row', async () => {
    const mojibake = (s: string) => Buffer.from(s, 'utf8').toString('latin1'); // UTF-8 read as Latin-1
    const dir = folder({
      'Books.csv': [
        'ISBN,Book-Title,Book-Author,Year-Of-Publication,Publisher,Image-URL-S,Image-URL-M,Image-URL-L',
        `0345339681,The Hobbit,"Tolkien, J.R.R.",1986,Del Rey,,,`,
        `0618260307,The Hobbit (Paperback),J. R. R. Tolkien,2002,Houghton Mifflin,,,`,
        `0261102214,"Hobbit, The: Mass Market",J.R.R. TOLKIEN,1995,HarperCollins,,,`,
        `2070360024,${mojibake("L'Étranger")},Albert Camus,1971,Gallimard,,,`,
        `0553573403,A Game of Thrones,George R. R. Martin,1997,Bantam &amp; Co,,,`,
      ].join('\n'),
      'Ratings.csv': 'User-ID,ISBN,Book-Rating\n1,0345339681,0\n1,0618260307,9\n2,2070360024,7\n2,9999999999,5\n',
    });
    const s = await runIngest(pool, 'bookcrossing', [dir], { rejectFile: null });
    balanced(s);
    expect(s.tables.items.inserted).toBe(5);
    expect(s.tables.users.implicit).toBe(2);
    expect(s.tables.interactions).toMatchObject({ inserted: 3, rejected: 1 });
    expect(s.cleaning.text.mojibakeRepaired).toBe(1);
    expect(s.cleaning.text.entitiesDecoded).toBe(1);
    expect(s.works).toMatchObject({ items: 5, works: 3, multiEditionWorks: 1, itemsInMultiEditionWorks: 3 });
    const items = (await pool.query(`SELECT external_id, title, creators, publisher, work_id FROM items ORDER BY id`))
      .rows;
    expect(items).toEqual([
      {
        external_id: '0345339681',
        title: 'The Hobbit',
        creators: ['J. R. R. Tolkien'],
        publisher: 'Del Rey',
        work_id: 1,
      },
      {
        external_id: '0618260307',
        title: 'The Hobbit (Paperback)',
        creators: ['J. R. R. Tolkien'],
        publisher: 'Houghton Mifflin',
        work_id: 1,
      },
      {
        external_id: '0261102214',
        title: 'Hobbit, The: Mass Market',
        creators: ['J. R. R. Tolkien'],
        publisher: 'HarperCollins',
        work_id: 1,
      },
      {
        external_id: '2070360024',
        title: "L'Étranger",
        creators: ['Albert Camus'],
        publisher: 'Gallimard',
        work_id: 4,
      },
      {
        external_id: '0553573403',
        title: 'A Game of Thrones',
        creators: ['George R. R. Martin'],
        publisher: 'Bantam & Co',
        work_id: 5,
      },
    ]);
    const kinds = (await pool.query(`SELECT kind, value, occurred_at FROM interactions ORDER BY id`)).rows;
    expect(kinds.map((k) => [k.kind, k.value, k.occurred_at.getTime()])).toEqual([
      ['implicit', 1, 0],
      ['rating', 9, 0],
      ['rating', 7, 0],
    ]);
  });

  it('amazon: metadata first, then reviews from a gzip file; the implicit policy drops low ratings (counted)', async () => {
    const jsonl = (rows: unknown[]) => rows.map((r) => JSON.stringify(r)).join('\n');
    const dir = folder({
      'meta_Books.jsonl': jsonl([
        {
          parent_asin: 'A1',
          title: 'Book one',
          author: { name: 'Doe, Jane' },
          categories: ['Books'],
          details: { Publisher: 'P; 2nd edition (2001)' },
        },
        { parent_asin: 'A2', title: 'Book two', categories: ['Books'] },
      ]),
      'Books.jsonl.gz': zlib.gzipSync(
        jsonl([
          { rating: 5, parent_asin: 'A1', asin: 'A1x', user_id: 'U1', timestamp: 1600000000000 },
          { rating: 2, parent_asin: 'A2', asin: 'A2', user_id: 'U1', timestamp: 1600000001000 },
          { rating: 4, parent_asin: 'A9', asin: 'A9', user_id: 'U2', timestamp: 1600000002000 },
        ]),
      ),
    });
    const s = await runIngest(pool, 'amazon', [dir], {
      rejectFile: null,
      cleaning: { implicit: { positiveThreshold: 4, binarize: true } },
    });
    balanced(s);
    expect(s.tables.interactions).toMatchObject({ read: 3, filtered: 1, rejected: 1, inserted: 1 });
    // The 4-star review of an unknown item is binarised, then rejected by the loader (unknown item).
    expect(s.cleaning.implicit).toEqual({ filtered: 1, binarized: 2 });
    expect((await pool.query(`SELECT kind, value FROM interactions`)).rows).toEqual([{ kind: 'implicit', value: 1 }]);
    expect((await pool.query(`SELECT creators, publisher FROM items WHERE external_id = 'A1'`)).rows).toEqual([
      { creators: ['Jane Doe'], publisher: 'P' },
    ]);
  });

  it('splits: creates users and placeholder items, one fixed instant per split; --id-prefix keeps datasets apart', async () => {
    const dir = folder({ 'train.txt': '0 0 1\n1 1\n', 'test.txt': '0 2\n1 1\n' });
    const s = await runIngest(pool, 'splits', [dir], { rejectFile: null, idPrefix: 'bench:' });
    balanced(s);
    expect(s.tables.interactions.inserted).toBe(5);
    expect(s.tables.items.implicit).toBe(3);
    expect(s.tables.users.implicit).toBe(2);
    const rows = (
      await pool.query(
        `SELECT u.external_id AS u, i.external_id AS i, extract(epoch FROM occurred_at)::int AS s FROM interactions x JOIN users u ON u.id = x.user_id JOIN items i ON i.id = x.item_id ORDER BY 1, 2, 3`,
      )
    ).rows;
    expect(rows).toEqual([
      { u: 'bench:0', i: 'bench:0', s: 0 },
      { u: 'bench:0', i: 'bench:1', s: 0 },
      { u: 'bench:0', i: 'bench:2', s: 2 },
      { u: 'bench:1', i: 'bench:1', s: 0 },
      { u: 'bench:1', i: 'bench:1', s: 2 },
    ]);
  });

  it('csv: generic mapping with k-core filtering', async () => {
    const lines = ['who,what,stars'];
    for (const [u, items] of Object.entries({ a: 'xyz', b: 'xyz', c: 'x' }))
      for (const i of items) lines.push(`${u},${i},5`);
    const dir = folder({ 'events.csv': lines.join('\n'), 'items.csv': 'id,name\nx,X\ny,Y\nz,Z\n' });
    const mapping = path.join(dir, 'map.json');
    writeFileSync(
      mapping,
      JSON.stringify({
        files: {
          'items.csv': { table: 'items', columns: { id: 'id', title: 'name' } },
          'events.csv': { columns: { user: 'who', item: 'what', value: 'stars' } },
        },
      }),
    );
    const s = await runIngest(pool, 'csv', [dir], {
      rejectFile: null,
      generic: { mappingFile: mapping },
      kCore: { minUser: 2, minItem: 2 },
    });
    balanced(s);
    expect(s.tables.items.inserted).toBe(3);
    expect(s.tables.interactions).toMatchObject({ read: 7, filtered: 1, inserted: 6 });
  });

  it('a fatal problem gives one clear error and loads nothing, and leaves no reject report behind', async () => {
    const ok = folder({
      'u.item': `1|A (1990)|||u|${Array(19).fill('0').join('|')}\n`,
      'u.data': '1\t1\t5\t881250949\n',
    });
    const garbage = Array.from({ length: 150 }, (_v, i) => `this is not a rating line ${i}`).join('\n');
    const bad = folder({
      'u.item': `1|A (1990)|||u|${Array(19).fill('0').join('|')}\n`,
      'u.data': '1\t1\t5\t881250949\n' + garbage,
    });
    const rejectFile = path.join(root, 'rejects', 'fatal.jsonl');
    await expect(runIngest(pool, 'movielens', [bad], { rejectFile })).rejects.toThrow(
      /does not look like MovieLens ratings/,
    );
    expect(await counts()).toEqual({ items: 0, users: 0, interactions: 0 });
    expect(existsSync(rejectFile)).toBe(false);
    await expect(runIngest(pool, 'movielens', [path.join(ok, 'nope')])).rejects.toBeInstanceOf(FatalIngestError);
    await expect(runIngest(pool, 'parquet', [ok])).rejects.toThrow(/unknown format "parquet"/);
    const unreachable = new pg.Pool({
      connectionString: 'postgresql://postgres@127.0.0.1:1/none',
      connectionTimeoutMillis: 2000,
    });
    try {
      await expect(runIngest(unreachable, 'movielens', [ok])).rejects.toThrow(/database unreachable/);
    } finally {
      await unreachable.end();
    }
  });
});
