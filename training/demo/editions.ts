// A Book-Crossing-shaped catalogue with editions: works published under several ISBNs whose titles and author names
// vary the way Book-Crossing's do ("The Hobbit", "Hobbit, The (Paperback)", "Tolkien, J.R.R." / "J. R. R.
// Tolkien"), and readers who read a work in whichever edition they happened to pick up — so a book's audience is
// split across its ISBNs, as in the real data. Readers have planted tastes (one or two genres), and most events are
// implicit (rating 0) with some explicit 1–10 ratings. Written as the Kaggle layout (Books.csv, Ratings.csv) so
// tests load it through the real `recgraph ingest bookcrossing` path; the bench reads it in memory.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Rng } from '../../src/random.js';

export interface EditionsCatalogOptions {
  seed?: number;
  works?: number;
  users?: number;
  eventsPerUser?: number;
  /** Share of events that follow a reader's genres rather than global popularity. */
  tasteShare?: number;
}

export interface BxBook {
  isbn: string;
  title: string;
  author: string;
  year: number;
  publisher: string;
  /** Ground truth, for checks: the work this ISBN is an edition of (0-based). */
  work: number;
  genre: string;
}

export interface BxRating {
  user: number;
  isbn: string;
  rating: number;
}

export interface EditionsCatalog {
  books: BxBook[];
  ratings: BxRating[];
  users: number;
}

export const EDITIONS_DEFAULTS: Required<EditionsCatalogOptions> = {
  seed: 7,
  works: 3000,
  users: 3000,
  eventsPerUser: 16,
  tasteShare: 0.8,
};

const GENRES = ['fantasy', 'crime', 'romance', 'history', 'science', 'horror', 'travel', 'cooking', 'poetry', 'war'];
const WORDS = [
  'river',
  'stone',
  'winter',
  'garden',
  'harbour',
  'lantern',
  'orchard',
  'glacier',
  'falcon',
  'meadow',
  'citadel',
  'ember',
  'compass',
  'willow',
  'thunder',
  'marble',
  'saffron',
  'canyon',
  'velvet',
  'beacon',
  'hollow',
  'quarry',
  'tundra',
  'sparrow',
  'cobalt',
  'lagoon',
  'thistle',
  'monsoon',
  'obsidian',
  'prairie',
  'juniper',
  'mariner',
];
const FIRST = ['Anna', 'Boris', 'Carmen', 'David', 'Elif', 'Frank', 'Gloria', 'Henrik', 'Irene', 'Jakob', 'Keiko'];
const LAST = ['Albers', 'Brandt', 'Cortez', 'Doyle', 'Engel', 'Fontaine', 'Grieg', 'Holm', 'Ilves', 'Jansen', 'Kato'];
const FORMATS = ['(Paperback)', '(Mass Market Paperback)', ': A Novel', '(Hardcover)', '(Audio Cassette)'];
const PUBLISHERS = ['Penguin', 'Vintage', 'HarperCollins', 'Bantam', 'Del Rey', 'Picador'];

function capitalise(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}

/** An ISBN-10-shaped id (digits; uniqueness is all that matters here). */
function isbnOf(n: number): string {
  return String(100_000_000 + n * 7919).padStart(10, '0');
}

/** The variants Book-Crossing holds for one title and author. */
function editionTitle(title: string, rng: Rng): string {
  const roll = rng.next();
  if (roll < 0.3) return title;
  if (roll < 0.5 && title.startsWith('The ')) return `${title.slice(4)}, The`;
  return `${title} ${rng.pick(FORMATS)}`;
}

function authorVariant(first: string, last: string, rng: Rng): string {
  const roll = rng.next();
  if (roll < 0.5) return `${first} ${last}`;
  if (roll < 0.8) return `${last}, ${first}`;
  return `${first.toUpperCase()} ${last.toUpperCase()}`;
}

export function generateEditionsCatalog(options: EditionsCatalogOptions = {}): EditionsCatalog {
  const opts = { ...EDITIONS_DEFAULTS, ...options };
  const rng = new Rng(opts.seed);
  const authors = Array.from({ length: Math.max(10, Math.round(opts.works / 6)) }, () => ({
    first: rng.pick(FIRST),
    last: `${rng.pick(LAST)}${rng.pick(['', 'son', 'berg', 'ini', 'ov', 'ez'])}`,
    genre: rng.pick(GENRES),
  }));
  const books: BxBook[] = [];
  const editionsOfWork: number[][] = [];
  const usedTitles = new Set<string>();
  for (let work = 0; work < opts.works; work++) {
    const author = rng.pick(authors);
    let title: string;
    do {
      const a = capitalise(rng.pick(WORDS));
      const b = capitalise(rng.pick(WORDS));
      title = rng.next() < 0.5 ? `The ${a} of ${b}` : `${a} ${b} ${capitalise(rng.pick(WORDS))}`;
    } while (usedTitles.has(`${author.last}|${title}`));
    usedTitles.add(`${author.last}|${title}`);
    // Book-Crossing's long tail: most works have one ISBN, popular ones many (up to 8 here).
    const count = rng.next() < 0.55 ? 1 : 2 + Math.min(6, Math.floor(-Math.log(1 - rng.next()) * 1.6));
    const year = 1960 + rng.int(45);
    const editions: number[] = [];
    for (let e = 0; e < count; e++) {
      editions.push(books.length);
      books.push({
        isbn: isbnOf(books.length + 1),
        title: e === 0 ? title : editionTitle(title, rng),
        author: authorVariant(author.first, author.last, rng),
        year: year + (e === 0 ? 0 : rng.int(20)),
        publisher: rng.pick(PUBLISHERS),
        work,
        genre: author.genre,
      });
    }
    editionsOfWork.push(editions);
  }

  // Work popularity: Zipf over a shuffled order; a work's events spread over its editions unevenly (one edition
  // is the common one), so no single ISBN holds the whole audience.
  const order = Array.from({ length: opts.works }, (_, i) => i);
  for (let i = order.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [order[i], order[j]] = [order[j], order[i]];
  }
  const popularity = new Float64Array(opts.works);
  order.forEach((work, rank) => (popularity[work] = 1 / Math.pow(rank + 1, 0.8)));
  const worksByGenre = new Map(GENRES.map((g) => [g, [] as number[]]));
  books.forEach((book) => {
    const list = worksByGenre.get(book.genre)!;
    if (list[list.length - 1] !== book.work) list.push(book.work);
  });
  const draw = (works: readonly number[], weight: (w: number) => number) => {
    let total = 0;
    for (const w of works) total += weight(w);
    let target = rng.next() * total;
    for (const w of works) if ((target -= weight(w)) <= 0) return w;
    return works[works.length - 1];
  };
  const allWorks = order;
  const ratings: BxRating[] = [];
  for (let user = 1; user <= opts.users; user++) {
    const tastes = rng.next() < 0.5 ? [rng.pick(GENRES)] : [rng.pick(GENRES), rng.pick(GENRES)];
    const count = Math.max(3, Math.round(opts.eventsPerUser * (0.4 + rng.next() * 1.2)));
    const seen = new Set<number>();
    for (let attempt = 0; seen.size < count && attempt < count * 5; attempt++) {
      const work =
        rng.next() < opts.tasteShare
          ? draw(worksByGenre.get(rng.pick(tastes))!, (w) => Math.sqrt(popularity[w]))
          : draw(allWorks.slice(0, 300), (w) => popularity[w]);
      if (seen.has(work)) continue;
      seen.add(work);
      const editions = editionsOfWork[work];
      const edition = editions[rng.next() < 0.45 ? 0 : rng.int(editions.length)];
      ratings.push({ user, isbn: books[edition].isbn, rating: rng.next() < 0.6 ? 0 : 1 + rng.int(10) });
    }
  }
  return { books, ratings, users: opts.users };
}

function csvField(value: string | number): string {
  const text = String(value);
  return /[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** Writes the catalogue as Book-Crossing's Kaggle layout into `dir` (Books.csv, Ratings.csv, Users.csv). */
export function writeBookCrossingFiles(dir: string, catalog: EditionsCatalog): void {
  mkdirSync(dir, { recursive: true });
  const books = [
    'ISBN,Book-Title,Book-Author,Year-Of-Publication,Publisher,Image-URL-S,Image-URL-M,Image-URL-L',
    ...catalog.books.map((b) => [b.isbn, b.title, b.author, b.year, b.publisher, '', '', ''].map(csvField).join(',')),
  ];
  writeFileSync(path.join(dir, 'Books.csv'), books.join('\n') + '\n');
  const ratings = ['User-ID,ISBN,Book-Rating', ...catalog.ratings.map((r) => `${r.user},${r.isbn},${r.rating}`)];
  writeFileSync(path.join(dir, 'Ratings.csv'), ratings.join('\n') + '\n');
  const users = ['User-ID,Location,Age', ...Array.from({ length: catalog.users }, (_, i) => `${i + 1},"nowhere",`)];
  writeFileSync(path.join(dir, 'Users.csv'), users.join('\n') + '\n');
}
