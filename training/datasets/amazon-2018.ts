// Amazon Review Data 2014 and 2018 (McAuley lab) metadata, keyed by asin:
//  - 2018 (meta_<Category>.json.gz): asin, title, brand, category[], description[], feature[], also_buy[],
//    also_view[], main_cat, rank (string or string[]), price ("$12.99"), image[], details {…}, date, tech1/2, fit;
//  - 2014 (the JSON re-release of meta_<Category>.json.gz): asin, title, brand, categories[[…]], description,
//    related { also_bought, also_viewed, bought_together }, salesRank { category: n }, price (number), imUrl.
// The 2018 scrape left HTML in many fields (descriptions in <p>, a main_cat that is an <img> tag, some titles page
// script): markup becomes text, script and style sheets are dropped and reported. also_buy / also_view are kept as
// lists of item ids (with the ingest's id prefix) in attributes.alsoBuy / attributes.alsoView: the schema has no
// item-to-item table, and the ids name items of the same catalog.
import type { ItemRecord } from '../records.js';
import { htmlToText, looksLikeCode, looksLikeHtml } from '../clean/html.js';
import { plausibleYear } from './fields.js';
import type { JsonObject } from './json-lines.js';

/** A value left out of an otherwise loaded item, and why (reported as "value dropped"). */
export type DropValue = (reason: string) => void;

const ASIN = /^[A-Z0-9]{10}$/i;

const text = (v: unknown): string | undefined =>
  typeof v === 'string' && v.trim() ? v.trim() : typeof v === 'number' ? String(v) : undefined;
const texts = (v: unknown): string[] =>
  Array.isArray(v) ? v.map(text).filter((s): s is string => s !== undefined) : [];

/** Markup → text; page code → dropped (reported). */
function readable(value: string, field: string, drop: DropValue): string | undefined {
  const plain = looksLikeHtml(value) ? htmlToText(value) : value.trim();
  if (looksLikeCode(plain)) {
    drop(`${field} is page script or CSS, not text: ${JSON.stringify(plain.slice(0, 80))}`);
    return undefined;
  }
  return plain || undefined;
}

/**
 * The maker: a brand ("Barnes & Noble", stored as the publisher: the person-name normaliser would split it at "&"),
 * or, in the 2018 Books scrape, an author page link ("Visit Amazon's Stephen King Page" → the creator "Stephen King").
 */
function makerOf(raw: string | undefined): { creator?: string; brand?: string } {
  if (!raw) return {};
  const authorPage = /^Visit Amazon's (.+?) Page$/i.exec(raw);
  const name = (authorPage ? authorPage[1] : raw).trim();
  if (/^(unknown|n\/?a|none|-+)$/i.test(name)) return {};
  return authorPage ? { creator: name } : { brand: name };
}

/** "$1,250.00" → 1250; a range ("$10.00 - $25.00") stays text; anything else is dropped (reported). */
function priceOf(raw: unknown, drop: DropValue): number | string | undefined {
  if (typeof raw === 'number') return Number.isFinite(raw) && raw >= 0 ? raw : undefined;
  const value = text(raw);
  if (!value) return undefined;
  const single = /^\$\s?(\d{1,3}(,\d{3})*|\d+)(\.\d+)?$/.exec(value);
  if (single) return Number(value.replace(/[$,\s]/g, ''));
  if (/^\$[\d,.]+\s*-\s*\$[\d,.]+$/.test(value)) return value;
  drop(`price is not a price: ${JSON.stringify(value.slice(0, 80))}`);
  return undefined;
}

export interface SalesRank {
  rank: number;
  category: string;
}

/** 2018 rank strings (">#2,893,775 in Toys & Games (See Top 100 …)", "1,786 in Gift Cards (") or 2014's map. */
function salesRanksOf(meta: JsonObject): SalesRank[] {
  const ranks: SalesRank[] = [];
  const salesRank = meta.salesRank;
  if (salesRank && typeof salesRank === 'object' && !Array.isArray(salesRank)) {
    for (const [category, rank] of Object.entries(salesRank)) {
      if (typeof rank === 'number' && Number.isSafeInteger(rank) && rank > 0) ranks.push({ rank, category });
    }
  }
  const raw = Array.isArray(meta.rank) ? meta.rank : [meta.rank];
  for (const entry of raw) {
    const value = typeof entry === 'string' ? htmlToText(entry) : '';
    const m = /^[>\s]*#?\s*(\d{1,3}(?:,\d{3})*|\d+)\s+in\s+(.+?)\s*(?:\(.*)?$/.exec(value);
    if (m) ranks.push({ rank: Number(m[1].replace(/,/g, '')), category: m[2].trim() });
  }
  return ranks;
}

/** Related products: ASINs only (anything else is dropped, reported once per field), prefixed like every item id. */
function relatedIds(raw: unknown, field: string, prefix: string, drop: DropValue): string[] | undefined {
  if (raw === undefined || raw === null || raw === '') return undefined;
  if (!Array.isArray(raw)) {
    drop(`${field} is not a list of ASINs`);
    return undefined;
  }
  const ids = new Set<string>();
  let bad = 0;
  for (const entry of raw) {
    if (typeof entry === 'string' && ASIN.test(entry.trim())) ids.add(prefix + entry.trim());
    else bad++;
  }
  if (bad) drop(`${field}: ${bad} entr${bad === 1 ? 'y is' : 'ies are'} not ASINs`);
  return ids.size ? [...ids] : undefined;
}

/** Keys as a reader would write them: "\n    Product Dimensions: \n    " → "Product Dimensions". */
function detailsOf(raw: unknown): Record<string, string> {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return {};
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(raw)) {
    const name = key.replace(/\s+/g, ' ').trim().replace(/\s*:$/, '');
    const v = text(value);
    if (name && v && !looksLikeCode(v)) out[name] = looksLikeHtml(v) ? htmlToText(v) : v;
  }
  return out;
}

function yearOf(meta: JsonObject, details: Record<string, string>): number | null {
  for (const candidate of [
    text(meta.date),
    details['Publication date'],
    details['Date First Available'],
    details['Release date'],
  ]) {
    // Only short, date-like strings: the 2018 date field sometimes holds a page fragment with years in it.
    const m =
      candidate && candidate.length <= 40 && !looksLikeHtml(candidate)
        ? /\b(1[0-9]{3}|20[0-9]{2})\b/.exec(candidate)
        : null;
    if (m) return plausibleYear(Number(m[1]));
  }
  return null;
}

/** True for a 2014/2018 metadata row (2023 rows carry parent_asin and main_category). */
export function isMeta2018(meta: JsonObject): boolean {
  return meta.parent_asin === undefined && meta.main_category === undefined;
}

export function itemFromMeta2018(meta: JsonObject, prefix: string, drop: DropValue): ItemRecord | { problem: string } {
  const asin = text(meta.asin);
  if (!asin) return { problem: 'missing asin' };
  if (!ASIN.test(asin)) return { problem: `asin is not an ASIN: ${JSON.stringify(asin.slice(0, 40))}` };

  const rawTitle = text(meta.title);
  const title = rawTitle ? readable(rawTitle, 'title', drop) : undefined;
  const details = detailsOf(meta.details);
  const mainCategory = text(meta.main_cat) ? readable(text(meta.main_cat)!, 'main_cat', drop) : undefined;
  // 2018: a flat list; 2014: a list of category paths. Markup in a label becomes its text.
  const categories = (
    Array.isArray(meta.categories) ? (meta.categories as unknown[]).flatMap(texts) : texts(meta.category)
  )
    .map((c) => (looksLikeHtml(c) ? htmlToText(c) : c))
    .filter((c) => c && !looksLikeCode(c));
  const descriptionParts = Array.isArray(meta.description) ? texts(meta.description) : texts([meta.description]);
  const description = descriptionParts
    .map((part, i) => readable(part, `description[${i}]`, drop))
    .filter((part): part is string => part !== undefined)
    .join('\n');
  const images = [...texts(meta.image), ...texts([meta.imUrl])].filter((url) => /^https?:\/\//i.test(url));
  const related = (meta.related && typeof meta.related === 'object' ? meta.related : {}) as JsonObject;
  const maker = makerOf(text(meta.brand) && readable(text(meta.brand)!, 'brand', drop));
  const features = texts(meta.feature)
    .map((f, i) => readable(f, `feature[${i}]`, drop))
    .filter((f): f is string => f !== undefined);

  const attributes: JsonObject = {};
  for (const [key, value] of [
    ['mainCategory', mainCategory],
    ['brand', maker.brand],
    ['price', priceOf(meta.price, drop)],
    ['salesRank', salesRanksOf(meta)],
    ['features', features],
    ['details', Object.keys(details).length ? details : undefined],
    ['alsoBuy', relatedIds(meta.also_buy ?? related.also_bought, 'also_buy', prefix, drop)],
    ['alsoView', relatedIds(meta.also_view ?? related.also_viewed, 'also_view', prefix, drop)],
    ['boughtTogether', relatedIds(related.bought_together, 'bought_together', prefix, drop)],
  ] as const) {
    if (value !== undefined && !(Array.isArray(value) && value.length === 0)) attributes[key] = value;
  }
  return {
    externalId: prefix + asin,
    title: title ?? '',
    creators: maker.creator ? [maker.creator] : [],
    publisher: maker.brand ?? null,
    year: yearOf(meta, details),
    genres: categories.length ? categories : mainCategory ? [mainCategory] : [],
    description: description || null,
    imageUrl: images[0] ?? null,
    attributes,
  };
}
