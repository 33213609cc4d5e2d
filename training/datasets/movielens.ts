// MovieLens, every published layout:
//   100K:        u.data (user \t item \t rating \t unix-seconds), u.item (id|title|release|video|imdb|19 genre flags),
//                u.user (id|age|gender|occupation|zip), u.genre (name|index)
//   1M / 10M:    ratings.dat, movies.dat (id::title::genres), users.dat (1M: id::gender::age::occupation::zip),
//                tags.dat (user::movie::tag::time)
//   20M/25M/latest: ratings.csv, movies.csv, tags.csv (quoted CSV with a header)
// Ratings become kind 'rating' events with the rating as value; titles are kept as published ("Toy Story (1995)")
// with the year also parsed out; tags (user-assigned keywords) become the item's tags, most frequent first.
// MovieLens 1M and 10M are Latin-1: lines that are not valid UTF-8 are decoded as Windows-1252 (see lines.ts).
import type { InteractionRecord, ItemRecord, UserRecord } from '../records.js';
import { FatalIngestError, RowGuard, type ReaderContext } from './context.js';
import type { Dataset } from './dataset.js';
import { readDelimitedBatches, type DelimitedOptions, type DelimitedRecord } from './delimited.js';
import { latestEventTime, parseIntStrict, parseNumberStrict, parseUnixTime, plausibleYear } from './fields.js';
import { listInputs, refuseUnknownExplicit, type InputFile } from './files.js';
import { readLines } from './lines.js';
import { yearFromTitle } from '../clean/titles.js';

const KNOWN = [
  'u.data',
  'u.item',
  'u.user',
  'u.genre',
  'ratings.dat',
  'movies.dat',
  'users.dat',
  'tags.dat',
  'ratings.csv',
  'movies.csv',
  'tags.csv',
];

/** The 19 genres of ml-100k in flag order, used when u.genre is absent. */
export const ML100K_GENRES = [
  'unknown',
  'Action',
  'Adventure',
  'Animation',
  "Children's",
  'Comedy',
  'Crime',
  'Documentary',
  'Drama',
  'Fantasy',
  'Film-Noir',
  'Horror',
  'Musical',
  'Mystery',
  'Romance',
  'Sci-Fi',
  'Thriller',
  'War',
  'Western',
];

// ml-1m users.dat codes, from the dataset's README.
const ML1M_AGES: Record<string, string> = {
  '1': 'Under 18',
  '18': '18-24',
  '25': '25-34',
  '35': '35-44',
  '45': '45-49',
  '50': '50-55',
  '56': '56+',
};
const ML1M_OCCUPATIONS = [
  'other',
  'academic/educator',
  'artist',
  'clerical/admin',
  'college/grad student',
  'customer service',
  'doctor/health care',
  'executive/managerial',
  'farmer',
  'homemaker',
  'K-12 student',
  'lawyer',
  'programmer',
  'retired',
  'sales/marketing',
  'scientist',
  'self-employed',
  'technician/engineer',
  'tradesman/craftsman',
  'unemployed',
  'writer',
];

const MONTHS: Record<string, string> = {
  jan: '01',
  feb: '02',
  mar: '03',
  apr: '04',
  may: '05',
  jun: '06',
  jul: '07',
  aug: '08',
  sep: '09',
  oct: '10',
  nov: '11',
  dec: '12',
};

/** "01-Jan-1995" → "1995-01-01", or null. */
export function parseReleaseDate(text: string): string | null {
  const m = /^(\d{1,2})-([A-Za-z]{3})-(\d{4})$/.exec(text.trim());
  if (!m || !MONTHS[m[2].toLowerCase()]) return null;
  return `${m[3]}-${MONTHS[m[2].toLowerCase()]}-${m[1].padStart(2, '0')}`;
}

function splitGenres(field: string): string[] {
  const t = field.trim();
  if (!t || t === '(no genres listed)') return [];
  return t
    .split('|')
    .map((g) => g.trim())
    .filter(Boolean);
}

interface Layout {
  delimiter: string;
  quoted: boolean;
  header: boolean;
}
const LAYOUTS: Record<'100k' | 'dat' | 'csv', Layout> = {
  '100k': { delimiter: '|', quoted: false, header: false },
  dat: { delimiter: '::', quoted: false, header: false },
  csv: { delimiter: ',', quoted: true, header: true },
};

/**
 * Records of one MovieLens file in batches, header skipped; framing problems go to the guard. The field count is
 * checked by the consumer, row by row, so rejects are reported in line order.
 */
async function* rowBatches(
  file: InputFile,
  ctx: ReaderContext,
  guard: RowGuard,
  options: DelimitedOptions & { header: boolean },
) {
  let first = options.header;
  for await (const batch of readDelimitedBatches(file.path, ctx, options, (p) =>
    guard.reject(p.line, p.reason, p.raw),
  )) {
    if (first) {
      first = false;
      batch.shift();
      if (batch.length === 0) continue;
    }
    yield batch;
  }
  guard.finish();
}

/** Whether a record has the expected number of fields; rejects it otherwise. */
function hasColumns(record: DelimitedRecord, columns: number | undefined, guard: RowGuard): boolean {
  if (columns === undefined || record.fields.length === columns) return true;
  guard.reject(record.line, `expected ${columns} fields, found ${record.fields.length}`, record.raw);
  return false;
}

/** Records one by one with the expected field count (catalog and users files: small). */
async function* rows(
  file: InputFile,
  ctx: ReaderContext,
  guard: RowGuard,
  options: DelimitedOptions & { header: boolean },
) {
  for await (const batch of rowBatches(file, ctx, guard, options)) {
    for (const record of batch) if (hasColumns(record, options.columns, guard)) yield record;
  }
}

async function readGenreNames(file: InputFile | undefined, ctx: ReaderContext): Promise<string[]> {
  if (!file) return ML100K_GENRES;
  const names: string[] = [];
  for await (const { text } of readLines(file.path, ctx, () => undefined)) {
    const [name, index] = text.split('|');
    const i = parseIntStrict(index ?? '');
    if (name && i !== null) names[i] = name;
  }
  return names.length > 0 ? names : ML100K_GENRES;
}

/** tags file → item id → tags, most used first (at most 50 per item; MovieLens tag files are ≤ ~2M rows). */
async function readTags(file: InputFile, layout: Layout, ctx: ReaderContext): Promise<Map<string, string[]>> {
  const guard = new RowGuard(ctx, 'items', file.path, 'MovieLens tags');
  const counts = new Map<string, Map<string, number>>();
  for await (const r of rows(file, ctx, guard, { ...layout, columns: 4 })) {
    const item = r.fields[1].trim();
    const tag = r.fields[2].trim();
    if (!item || !tag) {
      guard.reject(r.line, 'missing movie id or tag', r.raw);
      continue;
    }
    guard.ok();
    let perItem = counts.get(item);
    if (!perItem) counts.set(item, (perItem = new Map()));
    const key = tag.toLowerCase();
    perItem.set(key, (perItem.get(key) ?? 0) + 1);
  }
  const out = new Map<string, string[]>();
  for (const [item, perItem] of counts) {
    out.set(
      item,
      [...perItem.entries()]
        .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
        .slice(0, 50)
        .map(([t]) => t),
    );
  }
  return out;
}

export async function openMovieLens(paths: string[], ctx: ReaderContext): Promise<Dataset> {
  const all = await listInputs(paths);
  refuseUnknownExplicit(all, (f) => KNOWN.includes(f.name), 'MovieLens', KNOWN.join(', '));
  const byName = new Map(all.filter((f) => KNOWN.includes(f.name)).map((f) => [f.name, f]));
  const ignored = all.filter((f) => !KNOWN.includes(f.name));

  const kinds = new Set(
    [...byName.keys()].map((n) => (n.startsWith('u.') ? '100k' : n.endsWith('.dat') ? 'dat' : 'csv')),
  );
  if (kinds.size === 0) {
    throw new FatalIngestError(
      `no MovieLens files in ${paths.join(', ')} (expected u.data/u.item/u.user, ratings.dat/movies.dat/users.dat or ratings.csv/movies.csv/tags.csv)`,
    );
  }
  if (kinds.size > 1)
    throw new FatalIngestError(`MovieLens layouts mixed in ${paths.join(', ')}: ingest one release at a time`);
  const kind = [...kinds][0] as '100k' | 'dat' | 'csv';
  const layout = LAYOUTS[kind];
  const id = (raw: string) => ctx.idPrefix + raw.trim();

  const ratingsFile = byName.get(kind === '100k' ? 'u.data' : kind === 'dat' ? 'ratings.dat' : 'ratings.csv');
  const itemsFile = byName.get(kind === '100k' ? 'u.item' : kind === 'dat' ? 'movies.dat' : 'movies.csv');
  const usersFile = byName.get(kind === '100k' ? 'u.user' : 'users.dat');
  const tagsFile = kind === '100k' ? undefined : byName.get(kind === 'dat' ? 'tags.dat' : 'tags.csv');
  const genreFile = byName.get('u.genre');
  if (tagsFile && !itemsFile) ignored.push(tagsFile);

  async function* items(): AsyncGenerator<ItemRecord> {
    if (!itemsFile) return;
    const tags = tagsFile ? await readTags(tagsFile, layout, ctx) : new Map<string, string[]>();
    const guard = new RowGuard(ctx, 'items', itemsFile.path, 'MovieLens movies');
    if (kind === '100k') {
      const genreNames = await readGenreNames(genreFile, ctx);
      for await (const r of rows(itemsFile, ctx, guard, { ...layout, columns: 5 + genreNames.length })) {
        const [rawId, title, release, , imdbUrl] = r.fields;
        if (!rawId.trim() || parseIntStrict(rawId) === null) {
          guard.reject(r.line, `invalid movie id "${rawId}"`, r.raw);
          continue;
        }
        const flags = r.fields.slice(5);
        if (flags.some((f) => f !== '0' && f !== '1')) {
          guard.reject(r.line, 'genre flags must be 0 or 1', r.raw);
          continue;
        }
        guard.ok();
        const releaseDate = parseReleaseDate(release);
        if (release.trim() && !releaseDate) guard.dropValue(r.line, `unreadable release date "${release}"`, r.raw);
        yield {
          externalId: id(rawId),
          title,
          year: plausibleYear(yearFromTitle(title)) ?? (releaseDate ? Number(releaseDate.slice(0, 4)) : null),
          genres: genreNames.filter((_g, i) => flags[i] === '1'),
          attributes: {
            ...(releaseDate ? { releaseDate } : {}),
            ...(imdbUrl.trim() ? { imdbUrl: imdbUrl.trim() } : {}),
          },
          origin: { file: itemsFile.path, line: r.line },
        };
      }
      return;
    }
    for await (const r of rows(itemsFile, ctx, guard, { ...layout, columns: 3 })) {
      const [rawId, title, genres] = r.fields;
      if (parseIntStrict(rawId) === null) {
        guard.reject(r.line, `invalid movie id "${rawId}"`, r.raw);
        continue;
      }
      guard.ok();
      yield {
        externalId: id(rawId),
        title,
        year: plausibleYear(yearFromTitle(title.trim())),
        genres: splitGenres(genres),
        ...(tags.has(rawId.trim()) ? { tags: tags.get(rawId.trim()) } : {}),
        origin: { file: itemsFile.path, line: r.line },
      };
    }
  }

  async function* users(): AsyncGenerator<UserRecord> {
    if (!usersFile) return;
    const guard = new RowGuard(ctx, 'users', usersFile.path, 'MovieLens users');
    for await (const r of rows(usersFile, ctx, guard, { ...layout, columns: 5 })) {
      if (parseIntStrict(r.fields[0]) === null) {
        guard.reject(r.line, `invalid user id "${r.fields[0]}"`, r.raw);
        continue;
      }
      let attributes: Record<string, unknown>;
      if (kind === '100k') {
        const [, age, gender, occupation, zip] = r.fields;
        const years = parseIntStrict(age);
        if (years === null || years < 1 || years > 120) {
          guard.reject(r.line, `absurd age "${age}"`, r.raw);
          continue;
        }
        attributes = { age: years, gender: gender.trim(), occupation: occupation.trim(), zip: zip.trim() };
      } else {
        const [, gender, ageCode, occupationCode, zip] = r.fields;
        const occupation = ML1M_OCCUPATIONS[parseIntStrict(occupationCode) ?? -1];
        if (!ML1M_AGES[ageCode.trim()] || occupation === undefined) {
          guard.reject(r.line, `unknown age or occupation code "${ageCode}", "${occupationCode}"`, r.raw);
          continue;
        }
        attributes = { gender: gender.trim(), ageGroup: ML1M_AGES[ageCode.trim()], occupation, zip: zip.trim() };
      }
      guard.ok();
      yield { externalId: id(r.fields[0]), attributes, origin: { file: usersFile.path, line: r.line } };
    }
  }

  async function* interactions(): AsyncGenerator<InteractionRecord> {
    if (!ratingsFile) return;
    const guard = new RowGuard(ctx, 'interactions', ratingsFile.path, 'MovieLens ratings');
    const options =
      kind === '100k' ? { delimiter: '\t', quoted: false, header: false, columns: 4 } : { ...layout, columns: 4 };
    const file = ratingsFile.path;
    // Rows of a batch are checked synchronously; the only async step per row is this generator's own yield.
    for await (const batch of rowBatches(ratingsFile, ctx, guard, options)) {
      const latest = latestEventTime();
      for (const r of batch) {
        if (!hasColumns(r, 4, guard)) continue;
        const [user, item, rating, time] = r.fields;
        if (parseIntStrict(user) === null || parseIntStrict(item) === null) {
          guard.reject(r.line, 'user and movie ids must be integers', r.raw);
          continue;
        }
        const value = parseNumberStrict(rating);
        if (value === null || value < 0.5 || value > 5) {
          guard.reject(r.line, `rating out of range 0.5–5: "${rating}"`, r.raw);
          continue;
        }
        const occurredAt = parseUnixTime(time, 's', latest);
        if (occurredAt === null) {
          guard.reject(r.line, `invalid timestamp "${time}"`, r.raw);
          continue;
        }
        guard.ok();
        yield {
          userExternalId: id(user),
          itemExternalId: id(item),
          kind: 'rating',
          value,
          occurredAt,
          origin: { file, line: r.line },
        };
      }
    }
  }

  const used = [itemsFile, usersFile, ratingsFile, itemsFile ? tagsFile : undefined, genreFile].filter(
    (f): f is InputFile => f !== undefined,
  );
  return {
    format: `movielens (${kind === '100k' ? '100K' : kind === 'dat' ? '1M/10M .dat' : 'CSV'})`,
    files: used,
    ignored,
    ...(itemsFile ? { items: items() } : {}),
    ...(usersFile ? { users: users() } : {}),
    ...(ratingsFile ? { interactions: interactions() } : {}),
    createMissingItems: false,
  };
}
