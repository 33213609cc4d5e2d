// Amazon Review Data 2014/2018 through `ingest amazon`'s reader, on the hand-written hostile fixture
// (tests/fixtures/amazon-2018-hostile): what each row becomes, and the exact report. No database here.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { htmlToText, looksLikeCode } from '../../training/clean/html.js';
import { createReaderContext } from '../../training/datasets/context.js';
import { openDataset } from '../../training/datasets/index.js';
import type { InteractionRecord, ItemRecord } from '../../training/records.js';
import type { ReportEntry } from '../../training/ingest/reject-report.js';

const FIXTURE = path.resolve(import.meta.dirname, '../fixtures/amazon-2018-hostile');

async function readFixture() {
  const reports: ReportEntry[] = [];
  const dataset = await openDataset('amazon', [FIXTURE], createReaderContext({ report: (r) => reports.push(r) }));
  const items: ItemRecord[] = [];
  const interactions: InteractionRecord[] = [];
  for await (const item of dataset.items!) items.push(item);
  for await (const event of dataset.interactions!) interactions.push(event);
  const byId = new Map(items.map((item) => [item.externalId, item]));
  return { dataset, items, byId, interactions, reports };
}

describe('html cleaning for scraped catalog fields', () => {
  it('turns markup into text: blocks end lines, images give their alt text, script and style are dropped', () => {
    expect(htmlToText('<p>Dinner for two.</p><p>Valid at <b>all</b> locations.<br>No expiry.</p>')).toBe(
      'Dinner for two.\nValid at all locations.\nNo expiry.',
    );
    expect(htmlToText('<img src="x.png" alt="AMAZON FASHION"/>')).toBe('AMAZON FASHION');
    expect(htmlToText('<script>alert(1)</script><style>p{color:red}</style>Real &amp; text')).toBe('Real & text');
    expect(htmlToText('<span class="a">unclosed <b>bold')).toBe('unclosed bold');
    // No markup, no parsing: angle brackets and entities in plain text are left to the text cleaner.
    expect(htmlToText('a < b > c &amp; d')).toBe('a < b > c &amp; d');
  });

  it('recognises page script and style sheets, not ordinary titles', () => {
    expect(looksLikeCode('var aPageStart = (new Date()).getTime();')).toBe(true);
    expect(looksLikeCode('.a-box-inner{background-color:#fff}')).toBe(true);
    expect(looksLikeCode('P.when("A").execute(function(A){ A.show(); })')).toBe(true);
    for (const title of ['Barnes & Noble eGift Card', 'Math card: a < b > c', 'C++ {Primer}', 'Function: a novel']) {
      expect(looksLikeCode(title), title).toBe(false);
    }
  });
});

describe('amazon 2014/2018 reader on hostile rows', () => {
  it('names the releases it read and ignores the folder README', async () => {
    const { dataset } = await readFixture();
    expect(dataset.format).toBe('amazon (metadata 2014/2018, reviews 2014/2018)');
    expect(dataset.ignored.map((f) => f.name)).toEqual(['readme.md']);
  });

  it('maps 2018 metadata: markup to text, ranks, prices, details keys, related products as prefixed ids', async () => {
    const { byId } = await readFixture();
    expect(byId.get('B000000001')).toMatchObject({
      title: 'Maggiano&#39;s Gift Card', // entities are decoded by the cleaning step, like every format's
      publisher: "Maggiano's",
      creators: [],
      year: 2015,
      genres: ['Gift Cards', 'Gift Cards', 'Restaurants'],
      description: 'Dinner for two.\nValid at all locations.\nNo expiry.',
      imageUrl: 'https://img.example/1.jpg',
      attributes: {
        mainCategory: 'Gift Cards',
        brand: "Maggiano's",
        price: 25,
        salesRank: [
          { rank: 19, category: 'Gift Cards > Restaurants' },
          { rank: 2_893_775, category: 'Toys & Games' },
        ],
        features: ['Never expires'],
        details: { 'Shipping Weight': '3 ounces', ASIN: 'B000000001' },
        alsoBuy: ['B000000002', 'B000000003'],
        alsoView: ['B000000002'],
      },
    });
    expect(byId.get('B000000003')!.title).toBe('Barnes & Noble eGift Card');
    expect(byId.get('B000000003')!.publisher).toBe('Barnes & Noble'); // a brand, never split like a person's name
    expect(byId.get('B000000004')).toMatchObject({
      genres: ['AMAZON FASHION'],
      attributes: { mainCategory: 'AMAZON FASHION' },
    });
    // An author page link as the brand names the creator; a price range stays text; a date in markup is no year.
    expect(byId.get('B000000008')).toMatchObject({
      creators: ['Stephen King'],
      publisher: null,
      year: null,
      attributes: { price: '$10.00 - $25.00' },
    });
    expect(byId.get('B000000013')).toMatchObject({ title: 'Math card: a < b > c', description: 'Real text\nLine two' });
    expect(byId.get('B000000014')!.title).toBe('12345');
  });

  it('maps the 2014 layout: related, salesRank, nested categories, imUrl, a string description', async () => {
    const { byId } = await readFixture();
    expect(byId.get('B000000012')).toMatchObject({
      title: 'Old Book',
      publisher: 'Penguin',
      genres: ['Books', 'Fiction', 'Books', 'Classics'],
      description: 'A classic.',
      imageUrl: 'http://img.example/12.jpg',
      attributes: {
        price: 12.5,
        salesRank: [{ rank: 1234, category: 'Books' }],
        alsoBuy: ['B000000001'],
        alsoView: ['B000000008'],
        boughtTogether: ['B000000003'],
      },
    });
  });

  it('drops page script as a title (the item stays, reported), rejects rows without a usable asin or JSON', async () => {
    const { items, byId, reports } = await readFixture();
    expect(byId.get('B000000002')!.title).toBe('');
    expect(items.map((item) => item.externalId)).toEqual([
      'B000000001',
      'B000000002',
      'B000000003',
      'B000000004',
      'B000000007',
      'B000000008',
      'B000000012',
      'B000000013',
      'B000000014',
    ]);
    const meta = reports.filter((r) => path.basename(r.file) === 'meta_Hostile.json');
    expect(meta.map((r) => [r.line, r.severity, r.reason.replace(/: (Unexpected|Expected).*/, '')])).toEqual([
      [1, 'value dropped', 'also_buy: 2 entries are not ASINs'],
      [2, 'value dropped', 'title is page script or CSS, not text: "var aPageStart = (new Date()).getTime();"'],
      [5, 'rejected', 'missing parent_asin (2023) or asin (2014/2018)'],
      [6, 'rejected', 'asin is not an ASIN: "not-an-asin!"'],
      [
        7,
        'value dropped',
        'price is not a price: ".a-box-inner{background-color:#fff}#alohaBuyBoxWidget .selected{background-color"',
      ],
      [7, 'value dropped', 'also_view is not a list of ASINs'],
      [9, 'rejected', 'invalid JSON'],
      [10, 'rejected', 'a JSON line must be an object'],
      [11, 'rejected', 'invalid JSON (single-quoted keys: a Python dict literal, not JSON)'],
    ]);
  });

  it('reads 2014/2018 reviews (overall, unixReviewTime in seconds, else reviewTime) and rejects bad ones alone', async () => {
    const { interactions, reports } = await readFixture();
    expect(
      interactions.map((e) => [
        e.origin!.line,
        e.userExternalId,
        e.itemExternalId,
        e.kind,
        e.value,
        e.occurredAt!.toISOString(),
      ]),
    ).toEqual([
      [1, 'U1', 'B000000001', 'rating', 5, '2018-06-17T00:00:00.000Z'],
      [3, 'U2', 'B000000003', 'rating', 4, '2018-06-17T00:00:00.000Z'],
      [7, 'U3', 'B000000002', 'rating', 3, '2015-02-28T00:00:00.000Z'],
      [8, 'U4', 'B000000012', 'rating', 4, '2014-01-01T00:00:00.000Z'],
      [9, 'U4', 'B999999999', 'rating', 5, '2014-01-01T00:00:00.000Z'], // unknown item: the loader rejects it
      [10, 'U1', 'B000000001', 'rating', 5, '2018-06-17T00:00:00.000Z'], // a repeat: the loader merges it
    ]);
    const review = reports.filter((r) => path.basename(r.file) === 'Hostile_5.json');
    expect(review.map((r) => [r.line, r.severity, r.reason])).toEqual([
      [2, 'rejected', 'rating out of range 1–5: 0'],
      [4, 'rejected', 'missing user_id (2023) or reviewerID (2014/2018)'],
      [5, 'rejected', 'invalid timestamp 99999999999'],
      [6, 'rejected', 'invalid timestamp "02 30, 2015"'],
      [11, 'rejected', 'invalid timestamp -5'],
    ]);
  });
});
