// Every reader on small files written here, including hostile rows. No database: records and reports only.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { createReaderContext, FatalIngestError, type ReaderContext } from '../../training/datasets/context.js';
import type { Dataset } from '../../training/datasets/dataset.js';
import { openDataset } from '../../training/datasets/index.js';
import type { GenericOptions } from '../../training/datasets/generic.js';
import type { InteractionRecord, ItemRecord, UserRecord } from '../../training/records.js';
import type { ReportEntry } from '../../training/ingest/reject-report.js';

const root = mkdtempSync(path.join(os.tmpdir(), 'recgraph-readers-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let dirCount = 0;

/** Writes files (string = UTF-8, Buffer = raw bytes) into a fresh folder and returns its path. */
function folder(files: Record<string, string | Buffer>): string {
  const dir = path.join(root, `d${++dirCount}`);
  for (const [name, content] of Object.entries(files)) {
    const file = path.join(dir, name);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, content);
  }
  return dir;
}

interface Read {
  items: ItemRecord[];
  users: UserRecord[];
  interactions: InteractionRecord[];
  reports: ReportEntry[];
  ctx: ReaderContext;
  dataset: Dataset;
}

async function read(format: string, paths: string[], generic?: GenericOptions): Promise<Read> {
  const reports: ReportEntry[] = [];
  const ctx = createReaderContext({ report: (r) => reports.push(r) });
  const dataset = await openDataset(format, paths, ctx, generic ? { generic } : {});
  const out: Read = { items: [], users: [], interactions: [], reports, ctx, dataset };
  if (dataset.items) for await (const r of dataset.items) out.items.push(r);
  if (dataset.users) for await (const r of dataset.users) out.users.push(r);
  if (dataset.interactions) for await (const r of dataset.interactions) out.interactions.push(r);
  return out;
}

const rejected = (r: Read) => r.reports.filter((x) => x.severity === 'rejected');
const latin1 = (s: string) => Buffer.from(s, 'latin1');

describe('movielens 100K', () => {
  const genreFlags = (set: number[]) => Array.from({ length: 19 }, (_v, i) => (set.includes(i) ? '1' : '0')).join('|');
  const dir = folder({
    'u.item': Buffer.concat([
      Buffer.from(`1|Toy Story (1995)|01-Jan-1995||http://imdb/1|${genreFlags([3, 4, 5])}\n`),
      latin1(`2|Misérables, Les (1995)|01-Jan-1995||http://imdb/2|${genreFlags([8])}\n`),
      Buffer.from(`3|Broken row|01-Jan-1995\n`),
      Buffer.from(`4|Bad date (1994)|31-Foo-1994||http://imdb/4|${genreFlags([1])}\n`),
    ]),
    'u.user': '1|24|M|technician|85711\n2|999|F|other|94043\n',
    'u.data': [
      '1\t1\t5\t881250949',
      '1\t2\t3\t881250950',
      '2\t1\t4\t881250951',
      '1\t1\t9\t881250952', // absurd rating
      '1\tx\t3\t881250953', // not an id
      '1\t2\t3', // too few fields
      '1\t2\t3\t99999999999', // far future
      '',
      '1\t1\t5\t881250949', // duplicate event: kept here, merged by the loader
    ].join('\r\n'),
    README: 'not data',
  });

  it('reads titles, years, genres, users and ratings; rejects the rest with file, line and reason', async () => {
    const r = await read('movielens', [dir]);
    expect(r.dataset.format).toBe('movielens (100K)');
    expect(r.dataset.ignored.map((f) => path.basename(f.path))).toEqual(['README']);
    expect(r.items.map((i) => [i.externalId, i.title, i.year, i.genres])).toEqual([
      ['1', 'Toy Story (1995)', 1995, ['Animation', "Children's", 'Comedy']],
      ['2', 'Misérables, Les (1995)', 1995, ['Drama']],
      ['4', 'Bad date (1994)', 1994, ['Action']],
    ]);
    expect(r.ctx.stats.reDecodedLines).toBe(1);
    expect(r.users).toEqual([
      {
        externalId: '1',
        attributes: { age: 24, gender: 'M', occupation: 'technician', zip: '85711' },
        origin: expect.any(Object),
      },
    ]);
    expect(
      r.interactions.map((e) => [e.userExternalId, e.itemExternalId, e.value, e.occurredAt!.getTime() / 1000, e.kind]),
    ).toEqual([
      ['1', '1', 5, 881250949, 'rating'],
      ['1', '2', 3, 881250950, 'rating'],
      ['2', '1', 4, 881250951, 'rating'],
      ['1', '1', 5, 881250949, 'rating'],
    ]);
    const reasons = rejected(r).map((x) => [path.basename(x.file), x.line, x.reason]);
    expect(reasons).toEqual([
      ['u.item', 3, 'expected 24 fields, found 3'],
      ['u.user', 2, 'absurd age "999"'],
      ['u.data', 4, 'rating out of range 0.5–5: "9"'],
      ['u.data', 5, 'user and movie ids must be integers'],
      ['u.data', 6, 'expected 4 fields, found 3'],
      ['u.data', 7, 'invalid timestamp "99999999999"'],
    ]);
    expect(rejected(r)[0].raw).toBe('3|Broken row|01-Jan-1995');
    expect(r.reports.filter((x) => x.severity === 'value dropped').map((x) => x.reason)).toEqual([
      'unreadable release date "31-Foo-1994"',
    ]);
  });

  it('refuses a folder without MovieLens files and an explicit file of another format', async () => {
    await expect(read('movielens', [folder({ 'x.csv': 'a,b\n' })])).rejects.toThrow(FatalIngestError);
    const other = folder({ 'Books.csv': 'ISBN\n' });
    await expect(read('movielens', [path.join(other, 'Books.csv')])).rejects.toThrow(/not a MovieLens file/);
    await expect(read('movielens', [path.join(root, 'missing')])).rejects.toThrow(/input not found/);
  });

  it('stops with one clear error when a file is not in the expected layout', async () => {
    const json = Array.from({ length: 120 }, (_v, i) => JSON.stringify({ user: i, item: i })).join('\n');
    await expect(read('movielens', [folder({ 'u.data': json })])).rejects.toThrow(
      /does not look like MovieLens ratings/,
    );
    await expect(read('movielens', [folder({ 'u.data': 'a,b\nc,d\ne,f\ng,h\ni,j\n' })])).rejects.toThrow(
      /all 5 rows were rejected/,
    );
  });
});

describe('movielens 1M and CSV layouts', () => {
  it('reads "::" files in Latin-1 with demographic codes', async () => {
    const dir = folder({
      'movies.dat': latin1(
        "1::Toy Story (1995)::Animation|Children's|Comedy\n2::Ça commence aujourd'hui (1999)::Drama\n",
      ),
      'users.dat': '1::F::1::10::48067\n2::M::99::10::1\n',
      'ratings.dat': '1::1::5::978300760\n1::2::4::978302109\n1::3::0::978302109\n',
    });
    const r = await read('movielens', [dir]);
    expect(r.items.map((i) => i.title)).toEqual(['Toy Story (1995)', "Ça commence aujourd'hui (1999)"]);
    expect(r.users[0].attributes).toEqual({
      gender: 'F',
      ageGroup: 'Under 18',
      occupation: 'K-12 student',
      zip: '48067',
    });
    expect(rejected(r).map((x) => x.reason)).toEqual([
      'unknown age or occupation code "99", "10"',
      'rating out of range 0.5–5: "0"',
    ]);
    expect(r.interactions).toHaveLength(2);
  });

  it('reads quoted CSV with a header, half-star ratings and tags (most used first)', async () => {
    const dir = folder({
      'movies.csv':
        'movieId,title,genres\n1,Toy Story (1995),Adventure|Animation\n2,"American President, The (1995)",Comedy|Drama|Romance\n3,Unknown,(no genres listed)\n',
      'ratings.csv': 'userId,movieId,rating,timestamp\n1,1,4.5,964982703\n1,2,0.5,964981247\n2,1,6,964982224\n',
      'tags.csv': 'userId,movieId,tag,timestamp\n1,1,pixar,1\n2,1,Pixar,2\n3,1,fun,3\n1,2,politics,4\n',
      'links.csv': 'movieId,imdbId\n1,114709\n',
    });
    const r = await read('movielens', [dir]);
    expect(r.items.map((i) => [i.title, i.genres, i.tags ?? []])).toEqual([
      ['Toy Story (1995)', ['Adventure', 'Animation'], ['pixar', 'fun']],
      ['American President, The (1995)', ['Comedy', 'Drama', 'Romance'], ['politics']],
      ['Unknown', [], []],
    ]);
    expect(r.interactions.map((e) => e.value)).toEqual([4.5, 0.5]);
    expect(rejected(r).map((x) => x.line)).toEqual([4]);
    expect(r.dataset.ignored.map((f) => path.basename(f.path))).toEqual(['links.csv']);
  });
});

describe('bookcrossing', () => {
  it('reads the Kaggle layout: quoted CSV, embedded newlines, broken quotes and wrong column counts', async () => {
    const dir = folder({
      'Books.csv': [
        'ISBN,Book-Title,Book-Author,Year-Of-Publication,Publisher,Image-URL-S,Image-URL-M,Image-URL-L',
        '0195153448,Classical Mythology,Mark P. O. Morford,2002,Oxford University Press,http://s/1,http://m/1,http://l/1',
        '0002005018,"Clara Callan: A Novel, with ""quotes""",Richard Bruce Wright,2001,HarperFlamingo Canada,,,',
        '0060973129,"Decision in Normandy',
        'second line of the title",Carlo D\'Este,1991,HarperPerennial,,,',
        '0374157065,"Flu: The Story of the Great Influenza,Gina Bari Kolata,1999,Farrar Straus Giroux,,,',
        '0393045218,The Mummies of Urumchi,E. J. W. Barber,1999,W. W. Norton &amp; Company,,,',
        "0399135782,The Kitchen God's Wife,Amy Tan,0,Putnam Pub Group,,,",
        '0425176428,What If?,Robert Cowley,DK Publishing Inc,Berkley Publishing Group,,,',
        '0671870432,too,few,columns',
        '0679425608,Under the Black Flag,David Cordingly,1996,Random House,,,',
      ].join('\n'),
      'Users.csv':
        'User-ID,Location,Age\n1,"nyc, new york, usa",\n2,"stockton, california, usa",18\n3,"moscow, russia",244\n',
      'Ratings.csv':
        'User-ID,ISBN,Book-Rating\n276725,034545104X,0\n276726,0155061224,5\n276727,0446520802,11\n276728, 0-19-515344-8 ,10\n',
    });
    const r = await read('bookcrossing', [dir]);
    expect(r.dataset.format).toBe('bookcrossing (Kaggle)');
    expect(r.items.map((i) => [i.externalId, i.title, i.year])).toEqual([
      ['0195153448', 'Classical Mythology', 2002],
      ['0002005018', 'Clara Callan: A Novel, with "quotes"', 2001],
      ['0060973129', 'Decision in Normandy\nsecond line of the title', 1991],
      ['0393045218', 'The Mummies of Urumchi', 1999],
      ['0399135782', "The Kitchen God's Wife", null],
      ['0425176428', 'What If?', null],
      ['0679425608', 'Under the Black Flag', 1996],
    ]);
    expect(r.items[0]).toMatchObject({
      creators: ['Mark P. O. Morford'],
      publisher: 'Oxford University Press',
      imageUrl: 'http://l/1',
    });
    expect(rejected(r).map((x) => [path.basename(x.file), x.line, x.reason])).toEqual([
      ['Books.csv', 6, 'unterminated or malformed quoted field'],
      ['Books.csv', 10, 'expected 8 fields, found 4'],
      ['Ratings.csv', 4, 'rating out of range 0–10: "11"'],
    ]);
    expect(r.reports.filter((x) => x.severity === 'value dropped').map((x) => x.reason)).toEqual([
      'implausible year "DK Publishing Inc"',
      'implausible age "244"',
    ]);
    expect(r.users.map((u) => u.attributes)).toEqual([
      { location: 'nyc, new york, usa', country: 'usa' },
      { location: 'stockton, california, usa', country: 'usa', age: 18 },
      { location: 'moscow, russia', country: 'russia' },
    ]);
    expect(r.interactions.map((e) => [e.userExternalId, e.itemExternalId, e.kind, e.value, e.occurredAt])).toEqual([
      ['276725', '034545104X', 'implicit', 1, undefined],
      ['276726', '0155061224', 'rating', 5, undefined],
      ['276728', '0195153448', 'rating', 10, undefined],
    ]);
  });

  it('reads the original BX dump: ";" separated, Latin-1, backslash-escaped quotes, NULL ages', async () => {
    const dir = folder({
      'BX-Books.csv': latin1(
        [
          '"ISBN";"Book-Title";"Book-Author";"Year-Of-Publication";"Publisher";"Image-URL-S";"Image-URL-M";"Image-URL-L"',
          '"0771074670";"Nights Below Station Street";"David Adams Richards";"1988";"Emblem Editions";"s";"m";"l"',
          '"3404921038";"Wie Barney es sieht.";"Mordecai Richler";"2002";"Lübbe";"s";"m";"l"',
          '"0789466953";"Peterman Rides Again: \\"J. Peterman\\" &amp; the Catalog";"John Peterman";"2000";"Prentice Hall";"s";"m";"l"',
        ].join('\n'),
      ),
      'BX-Users.csv': latin1(
        '"User-ID";"Location";"Age"\n"1";"münchen, bayern, germany";NULL\n"2";"porto, portugal";"33"\n',
      ),
      'BX-Book-Ratings.csv': '"User-ID";"ISBN";"Book-Rating"\n"1";"0771074670";"0"\n"2";"3404921038";"7"\n',
    });
    const r = await read('bookcrossing', [dir]);
    expect(r.dataset.format).toBe('bookcrossing (BX dump)');
    expect(r.items.map((i) => [i.title, i.publisher])).toEqual([
      ['Nights Below Station Street', 'Emblem Editions'],
      ['Wie Barney es sieht.', 'Lübbe'],
      ['Peterman Rides Again: "J. Peterman" &amp; the Catalog', 'Prentice Hall'], // entities: decoded by cleaning
    ]);
    expect(r.users.map((u) => u.attributes)).toEqual([
      { location: 'münchen, bayern, germany', country: 'germany' },
      { location: 'porto, portugal', country: 'portugal', age: 33 },
    ]);
    expect(r.interactions.map((e) => [e.kind, e.value])).toEqual([
      ['implicit', 1],
      ['rating', 7],
    ]);
    expect(r.reports).toEqual([]);
  });

  it('refuses a file whose header is not Book-Crossing', async () => {
    await expect(read('bookcrossing', [folder({ 'Ratings.csv': 'a,b,c\n1,2,3\n' })])).rejects.toThrow(
      /header lacks userid, isbn, bookrating/,
    );
  });
});

describe('amazon reviews 2023', () => {
  const meta = [
    {
      main_category: 'Books',
      title: 'The Hobbit (Paperback)',
      average_rating: 4.7,
      rating_number: 100,
      features: ['Classic'],
      description: ['A hobbit goes', 'on an adventure.'],
      price: 9.99,
      images: [{ thumb: 't.jpg', large: 'l.jpg', hi_res: null }],
      store: 'J.R.R. Tolkien (Author)',
      categories: ['Books', 'Literature & Fiction'],
      details: {
        Publisher: 'Mariner Books; Reprint edition (June 27, 2012)',
        Language: 'English',
        'Publication date': 'June 27, 2012',
      },
      parent_asin: 'B001',
      author: { name: 'J.R.R. Tolkien' },
    },
    { title: 'No id here' },
  ];
  const reviews = [
    {
      rating: 5.0,
      title: 'Great',
      text: 'Loved it',
      asin: 'B001X',
      parent_asin: 'B001',
      user_id: 'U1',
      timestamp: 1588687728923,
      verified_purchase: true,
    },
    { rating: 7, asin: 'B001', parent_asin: 'B001', user_id: 'U2', timestamp: 1588687728923 },
    { rating: 4, asin: 'B002', parent_asin: 'B002', user_id: 'U3', timestamp: 'yesterday' },
  ];
  const jsonl = (rows: unknown[]) => rows.map((r) => JSON.stringify(r)).join('\n') + '\n';

  it('reads metadata and reviews, plain and gzip, and reports invalid JSON lines', async () => {
    const dir = folder({
      'meta_Books.jsonl': jsonl(meta) + '{"parent_asin": "B003", "title": \n',
      'Books.jsonl.gz': zlib.gzipSync(Buffer.from(jsonl(reviews))),
    });
    const r = await read('amazon', [dir]);
    expect(r.items).toHaveLength(1);
    expect(r.items[0]).toMatchObject({
      externalId: 'B001',
      title: 'The Hobbit (Paperback)',
      creators: ['J.R.R. Tolkien'],
      publisher: 'Mariner Books',
      year: 2012,
      genres: ['Books', 'Literature & Fiction'],
      description: 'A hobbit goes\non an adventure.',
      imageUrl: 'l.jpg',
      language: 'English',
      attributes: { mainCategory: 'Books', averageRating: 4.7, ratingNumber: 100, price: 9.99, features: ['Classic'] },
    });
    expect(
      r.interactions.map((e) => [e.userExternalId, e.itemExternalId, e.value, e.occurredAt!.toISOString()]),
    ).toEqual([['U1', 'B001', 5, '2020-05-05T14:08:48.923Z']]);
    expect(rejected(r).map((x) => [path.basename(x.file), x.line, x.reason.replace(/:.*/, '')])).toEqual([
      ['meta_Books.jsonl', 2, 'missing parent_asin (2023) or asin (2014/2018)'],
      ['meta_Books.jsonl', 3, 'invalid JSON'],
      ['Books.jsonl.gz', 2, 'rating out of range 1–5'],
      ['Books.jsonl.gz', 3, 'invalid timestamp "yesterday"'],
    ]);
  });

  it('keeps the lines before a truncated gzip and reports the truncation', async () => {
    const many = Array.from({ length: 2000 }, (_v, i) => ({
      rating: 4,
      parent_asin: `B${i % 50}`,
      user_id: `U${i}`,
      timestamp: 1588687728923 + i,
    }));
    const gz = zlib.gzipSync(Buffer.from(jsonl(many)));
    const dir = folder({ 'Books.jsonl.gz': gz.subarray(0, Math.floor(gz.length * 0.6)) });
    const r = await read('amazon', [dir]);
    expect(r.interactions.length).toBeGreaterThan(100);
    expect(r.interactions.length).toBeLessThan(2000);
    // Only whole, valid lines were kept: the ones before the cut, in order.
    expect(r.interactions.map((e) => e.userExternalId)).toEqual(
      many.slice(0, r.interactions.length).map((m) => m.user_id),
    );
    const problems = rejected(r);
    expect(problems).toHaveLength(1);
    expect(problems[0].reason).toMatch(/compressed input ends early or is corrupt/);
  });
});

describe('splits', () => {
  it('reads "user item item …" files with a fixed time per split and reports bad tokens', async () => {
    const dir = folder({
      'train.txt': '0 0 1 2\n1 2 3\n\n2\n',
      'valid.txt': '0 3\n1 b@d 4\n',
      'test.txt': '0 4\n',
      'README.txt': 'about',
    });
    const r = await read('splits', [dir]);
    expect(r.dataset.createMissingItems).toBe(true);
    expect(r.dataset.ignored.map((f) => path.basename(f.path))).toEqual(['README.txt']);
    const events = r.interactions.map(
      (e) => `${e.userExternalId}:${e.itemExternalId}@${e.occurredAt!.getTime() / 1000}`,
    );
    expect(events.sort()).toEqual(['0:0@0', '0:1@0', '0:2@0', '0:3@1', '0:4@2', '1:2@0', '1:3@0', '1:4@1'].sort());
    expect(rejected(r).map((x) => [path.basename(x.file), x.line, x.reason])).toEqual([
      ['valid.txt', 2, 'invalid item id "b@d"'],
    ]);
  });
});

describe('generic csv / jsonl', () => {
  it('maps columns given as flags, keeps unmapped item columns as attributes', async () => {
    const dir = folder({
      'ratings.csv': 'uid;iid;score;when\nu1;i1;4;2020-01-02T03:04:05Z\nu2;i1;abc;1600000000\nu3;i2;;1600000000\n',
    });
    const r = await read('csv', [path.join(dir, 'ratings.csv')], { map: 'user=uid,item=iid,value=score,time=when' });
    expect(
      r.interactions.map((e) => [e.userExternalId, e.itemExternalId, e.kind, e.value, e.occurredAt?.toISOString()]),
    ).toEqual([
      ['u1', 'i1', 'rating', 4, '2020-01-02T03:04:05.000Z'],
      ['u3', 'i2', 'interaction', undefined, '2020-09-13T12:26:40.000Z'],
    ]);
    expect(rejected(r).map((x) => x.reason)).toEqual(['value is not a number: "abc"']);
  });

  it('reads several tables from one mapping file, JSONL with nested fields', async () => {
    const dir = folder({
      'mapping.json': JSON.stringify({
        files: {
          'items.jsonl': {
            table: 'items',
            columns: { id: 'id', title: 'info.title', genres: 'tags', year: 'info.year' },
          },
          'events.jsonl': {
            table: 'interactions',
            columns: { user: 'who', item: 'what', time: 'ts' },
            kind: 'view',
            timeUnit: 'ms',
          },
        },
      }),
      'items.jsonl': '{"id": 1, "info": {"title": "One", "year": 1999}, "tags": ["a", "b"], "color": "red"}\n[1,2]\n',
      'events.jsonl': '{"who": "u", "what": 1, "ts": 1600000000000}\n',
    });
    const r = await read('jsonl', [path.join(dir, 'items.jsonl'), path.join(dir, 'events.jsonl')], {
      mappingFile: path.join(dir, 'mapping.json'),
    });
    expect(r.items).toEqual([
      expect.objectContaining({
        externalId: '1',
        title: 'One',
        year: 1999,
        genres: ['a', 'b'],
        attributes: { info: { title: 'One', year: 1999 }, color: 'red' },
      }),
    ]);
    expect(r.interactions).toEqual([
      expect.objectContaining({
        userExternalId: 'u',
        itemExternalId: '1',
        kind: 'view',
        occurredAt: new Date(1600000000000),
      }),
    ]);
    expect(rejected(r).map((x) => x.reason)).toEqual(['a JSON line must be an object']);
  });

  it('fails clearly without a mapping or with a column the file lacks', async () => {
    const dir = folder({ 'r.csv': 'a,b\n1,2\n' });
    await expect(read('csv', [dir])).rejects.toThrow(/needs a column for "user"/);
    await expect(read('csv', [dir], { map: 'user=a,item=zzz' })).rejects.toThrow(/column\(s\) "zzz" not in the header/);
  });
});
