// Book-Crossing, both published layouts:
//  - Kaggle: Books.csv, Ratings.csv, Users.csv — comma-separated, RFC-4180 quotes, fields with embedded newlines;
//  - the original BX dump: BX-Books.csv, BX-Book-Ratings.csv, BX-Users.csv — ';'-separated, every field quoted,
//    backslash-escaped quotes (\"), Latin-1 text, "NULL" for a missing age.
// The delimiter is read from each file's header; columns are found by header name, so column order may vary.
//
// Ratings: 0 means an implicit interaction (the reader saw/owns the book) → kind 'implicit', value 1;
// 1–10 are explicit → kind 'rating' with the rating as value. No timestamps in the source: events get the
// Unix epoch (bulk-load.ts), so re-ingest stays idempotent.
// ISBNs are the external ids, normalised the same way in books and ratings (upper-case, no spaces or hyphens).
import type { InteractionRecord, ItemRecord, UserRecord } from '../records.js';
import { FatalIngestError, RowGuard, type ReaderContext } from './context.js';
import type { Dataset } from './dataset.js';
import { readDelimited, type DelimitedRecord } from './delimited.js';
import { parseIntStrict, plausibleYear } from './fields.js';
import { listInputs, refuseUnknownExplicit, type InputFile } from './files.js';
import { readLines } from './lines.js';

const ROLES = {
  books: ['books.csv', 'bx-books.csv'],
  ratings: ['ratings.csv', 'bx-book-ratings.csv'],
  users: ['users.csv', 'bx-users.csv'],
} as const;
type Role = keyof typeof ROLES;

export function normalizeIsbn(raw: string): string {
  return raw
    .trim()
    .replace(/[\s-]+/g, '')
    .toUpperCase();
}

function headerKey(h: string): string {
  return h
    .trim()
    .toLowerCase()
    .replace(/[^a-z]/g, '');
}

/** Reads the header line to learn the delimiter (';' in the BX dump, ',' on Kaggle). */
async function sniffDelimiter(file: InputFile, ctx: ReaderContext): Promise<string> {
  const peek = { ...ctx, progress: { bytesRead: 0, totalBytes: 0 } };
  for await (const { text } of readLines(file.path, peek, () => undefined)) {
    return text.split(';').length > text.split(',').length ? ';' : ',';
  }
  throw new FatalIngestError(`${file.path} is empty`);
}

/** Rows of one Book-Crossing file, as objects keyed by normalised header name. */
async function* bxRows(
  file: InputFile,
  ctx: ReaderContext,
  guard: RowGuard,
  required: string[],
): AsyncGenerator<{ get: (key: string) => string | undefined; record: DelimitedRecord }> {
  const delimiter = await sniffDelimiter(file, ctx);
  const original = file.name.startsWith('bx-');
  let columns: Map<string, number> | null = null;
  for await (const record of readDelimited(
    file.path,
    ctx,
    { delimiter, quoted: true, escape: original ? '\\' : '"', header: true },
    (p) => guard.reject(p.line, p.reason, p.raw),
  )) {
    if (columns === null) {
      columns = new Map(record.fields.map((h, i) => [headerKey(h), i]));
      const missing = required.filter((k) => !columns!.has(k));
      if (missing.length > 0) {
        throw new FatalIngestError(
          `${file.path} is not a Book-Crossing file: header lacks ${missing.join(', ')} (found: ${record.fields.join(', ')})`,
        );
      }
      continue;
    }
    if (record.fields.length !== columns.size) {
      guard.reject(record.line, `expected ${columns.size} fields, found ${record.fields.length}`, record.raw);
      continue;
    }
    const index = columns;
    yield { get: (key) => (index.has(key) ? record.fields[index.get(key)!] : undefined), record };
  }
  guard.finish();
}

export async function openBookCrossing(paths: string[], ctx: ReaderContext): Promise<Dataset> {
  const all = await listInputs(paths);
  const roleOf = (f: InputFile): Role | undefined =>
    (Object.keys(ROLES) as Role[]).find((r) => (ROLES[r] as readonly string[]).includes(f.name));
  refuseUnknownExplicit(
    all,
    (f) => roleOf(f) !== undefined,
    'Book-Crossing',
    'Books.csv, Ratings.csv, Users.csv or BX-Books.csv, BX-Book-Ratings.csv, BX-Users.csv',
  );
  const byRole = new Map<Role, InputFile>();
  for (const f of all) {
    const role = roleOf(f);
    if (!role) continue;
    if (byRole.has(role))
      throw new FatalIngestError(`two Book-Crossing ${role} files: ${byRole.get(role)!.path} and ${f.path}`);
    byRole.set(role, f);
  }
  if (byRole.size === 0) {
    throw new FatalIngestError(
      `no Book-Crossing files in ${paths.join(', ')} (expected Books.csv/Ratings.csv/Users.csv or BX-Books.csv/BX-Book-Ratings.csv/BX-Users.csv)`,
    );
  }
  const ignored = all.filter((f) => roleOf(f) === undefined);
  const booksFile = byRole.get('books');
  const ratingsFile = byRole.get('ratings');
  const usersFile = byRole.get('users');
  const prefix = ctx.idPrefix;

  async function* items(): AsyncGenerator<ItemRecord> {
    const file = booksFile!;
    const guard = new RowGuard(ctx, 'items', file.path, 'Book-Crossing books');
    for await (const { get, record } of bxRows(file, ctx, guard, ['isbn', 'booktitle'])) {
      const isbn = normalizeIsbn(get('isbn') ?? '');
      if (!isbn) {
        guard.reject(record.line, 'missing ISBN', record.raw);
        continue;
      }
      guard.ok();
      const rawYear = (get('yearofpublication') ?? '').trim();
      const parsedYear = parseIntStrict(rawYear);
      const year = plausibleYear(parsedYear);
      // 0 is the dump's "unknown"; anything else implausible is reported.
      if (rawYear && parsedYear !== 0 && year === null)
        guard.dropValue(record.line, `implausible year "${rawYear}"`, record.raw);
      const author = (get('bookauthor') ?? '').trim();
      const publisher = (get('publisher') ?? '').trim();
      const small = get('imageurls')?.trim();
      const medium = get('imageurlm')?.trim();
      const large = get('imageurll')?.trim();
      yield {
        externalId: prefix + isbn,
        title: get('booktitle') ?? '',
        creators: author ? [author] : [],
        publisher: publisher || null,
        year,
        imageUrl: large || medium || small || null,
        attributes: { ...(small ? { imageUrlSmall: small } : {}), ...(medium ? { imageUrlMedium: medium } : {}) },
        origin: { file: file.path, line: record.line },
      };
    }
  }

  async function* users(): AsyncGenerator<UserRecord> {
    const file = usersFile!;
    const guard = new RowGuard(ctx, 'users', file.path, 'Book-Crossing users');
    for await (const { get, record } of bxRows(file, ctx, guard, ['userid'])) {
      const userId = (get('userid') ?? '').trim();
      if (parseIntStrict(userId) === null) {
        guard.reject(record.line, `invalid user id "${userId}"`, record.raw);
        continue;
      }
      guard.ok();
      const attributes: Record<string, unknown> = {};
      const location = (get('location') ?? '').trim();
      if (location) {
        attributes.location = location;
        const country = location.split(',').pop()!.trim();
        if (country && country.toLowerCase() !== 'n/a') attributes.country = country;
      }
      const rawAge = (get('age') ?? '').trim();
      if (rawAge && rawAge.toUpperCase() !== 'NULL') {
        const age = Number(rawAge);
        if (Number.isFinite(age) && age >= 5 && age <= 110) attributes.age = Math.round(age);
        else guard.dropValue(record.line, `implausible age "${rawAge}"`, record.raw);
      }
      yield { externalId: prefix + userId, attributes, origin: { file: file.path, line: record.line } };
    }
  }

  async function* interactions(): AsyncGenerator<InteractionRecord> {
    const file = ratingsFile!;
    const guard = new RowGuard(ctx, 'interactions', file.path, 'Book-Crossing ratings');
    for await (const { get, record } of bxRows(file, ctx, guard, ['userid', 'isbn', 'bookrating'])) {
      const userId = (get('userid') ?? '').trim();
      const isbn = normalizeIsbn(get('isbn') ?? '');
      const rating = parseIntStrict(get('bookrating') ?? '');
      if (parseIntStrict(userId) === null || !isbn) {
        guard.reject(record.line, 'missing or invalid user id / ISBN', record.raw);
        continue;
      }
      if (rating === null || rating < 0 || rating > 10) {
        guard.reject(record.line, `rating out of range 0–10: "${get('bookrating')}"`, record.raw);
        continue;
      }
      guard.ok();
      yield {
        userExternalId: prefix + userId,
        itemExternalId: prefix + isbn,
        ...(rating === 0 ? { kind: 'implicit', value: 1 } : { kind: 'rating', value: rating }),
        origin: { file: file.path, line: record.line },
      };
    }
  }

  return {
    format: `bookcrossing (${[...byRole.values()].some((f) => f.name.startsWith('bx-')) ? 'BX dump' : 'Kaggle'})`,
    files: [...byRole.values()],
    ignored,
    ...(booksFile ? { items: items() } : {}),
    ...(usersFile ? { users: users() } : {}),
    ...(ratingsFile ? { interactions: interactions() } : {}),
    createMissingItems: false,
  };
}
