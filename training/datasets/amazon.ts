// Amazon reviews and product metadata (McAuley lab), JSON Lines, plain or .gz, in either layout; each row is read by
// the fields it carries, so a folder may mix releases:
//  - 2014 / 2018 (Amazon Review Data): reviews reviewerID, asin, overall, unixReviewTime (s), verified, style;
//    metadata keyed by asin (amazon-2018.ts);
//  - 2023 (Amazon Reviews 2023), described below.
// Amazon Reviews 2023, JSON Lines, plain or .gz:
//  - metadata files (meta_<Category>.jsonl): one product per line — parent_asin, title, main_category,
//    categories, details, description[], features[], images[], store, average_rating, rating_number, price, author;
//  - review files (<Category>.jsonl): rating, title, text, asin, parent_asin, user_id, timestamp (ms),
//    verified_purchase, helpful_vote.
// Products are keyed by parent_asin (the dataset's own join key between reviews and metadata; a review's asin
// is a variant of it). A review becomes a 'rating' event; the review's own text has no column in interactions
// and is not stored (see the report's notes on a possible interactions.attributes column).
import type { InteractionRecord, ItemRecord } from '../records.js';
import { FatalIngestError, RowGuard, type ReaderContext } from './context.js';
import type { Dataset } from './dataset.js';
import { isMeta2018, itemFromMeta2018 } from './amazon-2018.js';
import { parseUnixTime, plausibleYear } from './fields.js';
import { listInputs } from './files.js';
import { jsonObjectLines, type JsonObject } from './json-lines.js';

const JSONL = /\.(jsonl|json|ndjson)$/;

type Json = JsonObject;

const str = (v: unknown): string | undefined =>
  typeof v === 'string' && v.trim() ? v.trim() : typeof v === 'number' ? String(v) : undefined;
const strings = (v: unknown): string[] =>
  Array.isArray(v) ? v.map(str).filter((s): s is string => s !== undefined) : [];

/** Largest image of the first picture: hi_res, else large, else thumb. */
function imageOf(images: unknown): string | null {
  if (!Array.isArray(images) || images.length === 0) return null;
  const first = images[0] as Json;
  return str(first?.hi_res) ?? str(first?.large) ?? str(first?.thumb) ?? null;
}

/** "Ballantine Books; Reprint edition (June 27, 2000)" → "Ballantine Books". */
function publisherOf(details: Json): string | null {
  const raw = str(details.Publisher) ?? str(details.publisher);
  return raw ? raw.split(/;|\(/)[0].trim() || null : null;
}

function yearOf(details: Json): number | null {
  for (const key of ['Publication date', 'Date First Available', 'Release date', 'publication_date']) {
    const text = str(details[key]);
    const m = text ? /\b(1[0-9]{3}|20[0-9]{2})\b/.exec(text) : null;
    if (m) return plausibleYear(Number(m[1]));
  }
  return null;
}

/** Book metadata has author { name }; other categories sometimes name the creator in details. */
function creatorsOf(meta: Json, details: Json): string[] {
  const author = meta.author as Json | string | undefined;
  const name = typeof author === 'string' ? str(author) : str(author?.name);
  if (name) return [name];
  const fromDetails = str(details.Author) ?? str(details.Artist) ?? str(details.Director);
  return fromDetails ? [fromDetails] : [];
}

export function itemFromMeta(meta: Json, prefix: string): ItemRecord | { problem: string } {
  const id = str(meta.parent_asin) ?? str(meta.asin);
  if (!id) return { problem: 'missing parent_asin' };
  const details = (meta.details && typeof meta.details === 'object' ? meta.details : {}) as Json;
  const mainCategory = str(meta.main_category);
  const categories = strings(meta.categories);
  const description = strings(meta.description).join('\n');
  const language = str(details.Language) ?? str(details.language);
  const attributes: Json = {};
  for (const [key, value] of [
    ['mainCategory', mainCategory],
    ['store', str(meta.store)],
    ['averageRating', typeof meta.average_rating === 'number' ? meta.average_rating : undefined],
    ['ratingNumber', typeof meta.rating_number === 'number' ? meta.rating_number : undefined],
    ['price', typeof meta.price === 'number' ? meta.price : str(meta.price)],
    ['features', strings(meta.features).length ? strings(meta.features) : undefined],
    ['details', Object.keys(details).length ? details : undefined],
    ['bought_together', meta.bought_together ?? undefined],
  ] as const) {
    if (value !== undefined && value !== null) attributes[key] = value;
  }
  return {
    externalId: prefix + id,
    title: str(meta.title) ?? '',
    creators: creatorsOf(meta, details),
    publisher: publisherOf(details),
    year: yearOf(details),
    genres: categories.length ? categories : mainCategory ? [mainCategory] : [],
    description: description || null,
    imageUrl: imageOf(meta.images),
    language: language ?? null,
    attributes,
  };
}

interface ReviewFields {
  /** Undefined when the row has neither layout's user field. */
  release?: '2023' | '2014/2018';
  user?: string;
  item?: string;
  rating: unknown;
  time: unknown;
  occurredAt(): Date | null;
}

/** 2023 reviews carry user_id, rating, timestamp (ms); 2014 and 2018 ones reviewerID, overall, unixReviewTime (s). */
function reviewFields(review: Json): ReviewFields {
  if (review.user_id !== undefined || review.reviewerID === undefined) {
    const time = review.timestamp;
    return {
      release: review.user_id !== undefined ? '2023' : undefined,
      user: str(review.user_id),
      item: str(review.parent_asin) ?? str(review.asin),
      rating: review.rating,
      time,
      occurredAt: () => parseUnixTime(typeof time === 'number' ? time : (str(time) ?? ''), 'auto'),
    };
  }
  const time = review.unixReviewTime ?? review.reviewTime;
  return {
    release: '2014/2018',
    user: str(review.reviewerID),
    item: str(review.asin),
    rating: review.overall,
    time,
    occurredAt: () =>
      review.unixReviewTime === undefined
        ? reviewDate(review.reviewTime)
        : parseUnixTime(typeof time === 'number' ? time : (str(time) ?? ''), 's'),
  };
}

/** reviewTime "06 17, 2018" (month day, year), used when unixReviewTime is missing. */
function reviewDate(raw: unknown): Date | null {
  const m = typeof raw === 'string' ? /^\s*(\d{1,2}) (\d{1,2}), (\d{4})\s*$/.exec(raw) : null;
  if (!m) return null;
  const [month, day, year] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  const valid = date.getUTCMonth() === month - 1 && date.getUTCDate() === day && year >= 1995;
  return valid && date.getTime() <= Date.now() + 86_400_000 ? date : null;
}

export async function openAmazon(paths: string[], ctx: ReaderContext): Promise<Dataset> {
  const all = await listInputs(paths);
  const jsonFiles = all.filter((f) => JSONL.test(f.name));
  const unknownExplicit = all.filter((f) => f.explicit && !JSONL.test(f.name));
  if (unknownExplicit.length > 0) {
    throw new FatalIngestError(
      `${unknownExplicit.map((f) => f.path).join(', ')}: not an Amazon reviews or metadata file (expected .json or .jsonl, plain or .gz)`,
    );
  }
  if (jsonFiles.length === 0)
    throw new FatalIngestError(
      `no Amazon reviews or metadata files (.json / .jsonl, plain or .gz) in ${paths.join(', ')}`,
    );
  const metaFiles = jsonFiles.filter((f) => f.name.startsWith('meta_'));
  const reviewFiles = jsonFiles.filter((f) => !f.name.startsWith('meta_'));
  const prefix = ctx.idPrefix;
  const releases = new Set<string>();

  async function* items(): AsyncGenerator<ItemRecord> {
    for (const file of metaFiles) {
      const guard = new RowGuard(ctx, 'items', file.path, 'Amazon metadata (meta_*.json)');
      for await (const { value, line, raw } of jsonObjectLines(file, ctx, guard)) {
        if (str(value.parent_asin) === undefined && str(value.asin) === undefined) {
          guard.reject(line, 'missing parent_asin (2023) or asin (2014/2018)', raw);
          continue;
        }
        const older = isMeta2018(value);
        releases.add(older ? 'metadata 2014/2018' : 'metadata 2023');
        const item = older
          ? itemFromMeta2018(value, prefix, (reason) => guard.dropValue(line, reason, raw))
          : itemFromMeta(value, prefix);
        if ('problem' in item) {
          guard.reject(line, item.problem, raw);
          continue;
        }
        guard.ok();
        yield { ...item, origin: { file: file.path, line } };
      }
    }
  }

  async function* interactions(): AsyncGenerator<InteractionRecord> {
    for (const file of reviewFiles) {
      const guard = new RowGuard(ctx, 'interactions', file.path, 'Amazon reviews');
      for await (const { value, line, raw } of jsonObjectLines(file, ctx, guard)) {
        const review = reviewFields(value);
        if (review.release) releases.add(`reviews ${review.release}`);
        if (!review.user || !review.item) {
          guard.reject(
            line,
            !review.user ? 'missing user_id (2023) or reviewerID (2014/2018)' : 'missing parent_asin/asin',
            raw,
          );
          continue;
        }
        const rating = typeof review.rating === 'number' ? review.rating : Number(str(review.rating));
        if (!Number.isFinite(rating) || rating < 1 || rating > 5) {
          guard.reject(line, `rating out of range 1–5: ${JSON.stringify(review.rating)}`, raw);
          continue;
        }
        const occurredAt = review.occurredAt();
        if (occurredAt === null) {
          guard.reject(line, `invalid timestamp ${JSON.stringify(review.time)}`, raw);
          continue;
        }
        guard.ok();
        yield {
          userExternalId: prefix + review.user,
          itemExternalId: prefix + review.item,
          kind: 'rating',
          value: rating,
          occurredAt,
          origin: { file: file.path, line },
        };
      }
    }
  }

  return {
    // Known once the files are read (the summary is written after loading).
    get format() {
      return releases.size ? `amazon (${[...releases].join(', ')})` : 'amazon';
    },
    files: [...metaFiles, ...reviewFiles],
    ignored: all.filter((f) => !JSONL.test(f.name)),
    ...(metaFiles.length ? { items: items() } : {}),
    ...(reviewFiles.length ? { interactions: interactions() } : {}),
    createMissingItems: false,
  };
}
