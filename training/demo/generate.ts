// The demo catalog recgraph seeds on a first `npm start`: books with titles, creators, genres, tags and years,
// users, and interactions with planted taste structure. Every user loves one or two genres (and a few creators in
// them); most of their events fall there, the rest follow global popularity. A model that learns the structure
// beats popularity clearly, which is what the demo and the end-to-end test show.
import { Rng } from '../../src/random.js';

export interface DemoItem {
  externalId: string;
  title: string;
  creators: string[];
  genres: string[];
  tags: string[];
  year: number;
  description: string;
}
export interface DemoUser {
  externalId: string;
  attributes: { segment: string; favouriteGenres: string[] };
}
export interface DemoInteraction {
  userExternalId: string;
  itemExternalId: string;
  kind: string;
  value: number;
  occurredAt: Date;
}
export interface DemoDataset {
  items: DemoItem[];
  users: DemoUser[];
  interactions: DemoInteraction[];
}

export interface DemoOptions {
  seed?: number;
  items?: number;
  users?: number;
  /** Mean events per user (each user draws between half and one and a half times this). */
  eventsPerUser?: number;
  /** Share of a user's events that follow their taste rather than global popularity. */
  tasteShare?: number;
}

export const DEMO_DEFAULTS: Required<DemoOptions> = {
  seed: 42,
  items: 3000,
  users: 2000,
  eventsPerUser: 40,
  tasteShare: 0.8,
};

const GENRES = [
  'fantasy',
  'science-fiction',
  'mystery',
  'romance',
  'history',
  'horror',
  'poetry',
  'travel',
  'cooking',
  'philosophy',
  'biography',
  'thriller',
] as const;

/** Words each genre's titles and descriptions draw on, so the text carries the genre signal semantic search needs. */
const GENRE_WORDS: Record<(typeof GENRES)[number], string[]> = {
  fantasy: ['dragon', 'crown', 'sword', 'wizard', 'realm', 'throne', 'elven', 'prophecy'],
  'science-fiction': ['star', 'galaxy', 'android', 'orbit', 'colony', 'quantum', 'signal', 'machine'],
  mystery: ['murder', 'detective', 'clue', 'secret', 'vanishing', 'alibi', 'case', 'witness'],
  romance: ['heart', 'kiss', 'summer', 'wedding', 'letters', 'promise', 'beloved', 'moonlight'],
  history: ['empire', 'war', 'revolution', 'kingdom', 'century', 'dynasty', 'battle', 'republic'],
  horror: ['ghost', 'haunting', 'blood', 'shadow', 'nightmare', 'crypt', 'curse', 'darkness'],
  poetry: ['verses', 'songs', 'odes', 'sonnets', 'silence', 'river', 'light', 'hymns'],
  travel: ['journey', 'road', 'island', 'mountains', 'voyage', 'desert', 'coast', 'compass'],
  cooking: ['kitchen', 'bread', 'spices', 'feast', 'recipes', 'garden', 'table', 'flavours'],
  philosophy: ['reason', 'truth', 'virtue', 'mind', 'meaning', 'ethics', 'being', 'freedom'],
  biography: ['life', 'memoir', 'portrait', 'years', 'story', 'legacy', 'youth', 'letters'],
  thriller: ['conspiracy', 'agent', 'chase', 'hostage', 'target', 'escape', 'cipher', 'deadline'],
};
const TITLE_PATTERNS = [
  'The {a} of the {b}',
  '{a} and {b}',
  'A {a} {b}',
  'The Last {a}',
  '{a} of {b}',
  'Beyond the {a}',
];
const FIRST_NAMES = [
  'Ada',
  'Bruno',
  'Clara',
  'Dmitri',
  'Elena',
  'Farid',
  'Greta',
  'Hiro',
  'Ines',
  'Jonas',
  'Kemi',
  'Lars',
  'Mara',
  'Nico',
  'Olga',
  'Pavel',
  'Rosa',
  'Sami',
  'Tara',
  'Umberto',
  'Vera',
  'Wen',
  'Yara',
  'Zoltan',
];
const LAST_NAMES = [
  'Abbott',
  'Bianchi',
  'Castro',
  'Dubois',
  'Eriksen',
  'Fischer',
  'Gallo',
  'Haddad',
  'Ivanova',
  'Jensen',
  'Kowalski',
  'Lindqvist',
  'Moreau',
  'Novak',
  'Okafor',
  'Petrov',
  'Quinn',
  'Rossi',
  'Sato',
  'Tanaka',
  'Urban',
  'Varga',
  'Weber',
  'Xu',
];
const TAGS = ['award-winning', 'debut', 'classic', 'series', 'illustrated', 'translated', 'bestseller', 'short'];

function capitalise(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}

/** Zipf-like weights so a few items are popular and most are in the long tail. */
function zipfWeights(n: number, rng: Rng, exponent = 0.9): Float64Array {
  const order = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [order[i], order[j]] = [order[j], order[i]];
  }
  const weights = new Float64Array(n);
  order.forEach((item, rank) => (weights[item] = 1 / Math.pow(rank + 1, exponent)));
  return weights;
}

/** Draws an index with probability proportional to weights (cumulative sums, binary search). */
function sampler(weights: ArrayLike<number>, rng: Rng): () => number {
  const cumulative = new Float64Array(weights.length);
  let total = 0;
  for (let i = 0; i < weights.length; i++) cumulative[i] = total += weights[i];
  return () => {
    const target = rng.next() * total;
    let lo = 0;
    let hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (cumulative[mid] < target) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
}

export function generateDemoDataset(options: DemoOptions = {}): DemoDataset {
  const opts = { ...DEMO_DEFAULTS, ...options };
  const rng = new Rng(opts.seed);
  const creatorsByGenre = new Map<string, string[]>(
    GENRES.map((genre) => [
      genre,
      Array.from({ length: 12 }, () => `${rng.pick(FIRST_NAMES)} ${rng.pick(LAST_NAMES)}`),
    ]),
  );

  const items: DemoItem[] = [];
  const itemsByGenre = new Map<string, number[]>(GENRES.map((g) => [g, []]));
  for (let i = 0; i < opts.items; i++) {
    const genre = GENRES[i % GENRES.length];
    const secondary = rng.next() < 0.25 ? rng.pick(GENRES.filter((g) => g !== genre)) : undefined;
    const words = GENRE_WORDS[genre];
    const title = rng
      .pick(TITLE_PATTERNS)
      .replace('{a}', capitalise(rng.pick(words)))
      .replace('{b}', capitalise(rng.pick(secondary ? GENRE_WORDS[secondary] : words)));
    const creator = rng.pick(creatorsByGenre.get(genre)!);
    const genres = secondary ? [genre, secondary] : [genre];
    items.push({
      externalId: `book-${String(i + 1).padStart(5, '0')}`,
      title,
      creators: [creator],
      genres,
      tags: rng.next() < 0.4 ? [rng.pick(TAGS)] : [],
      year: 1950 + rng.int(75),
      description: `A ${genres.join(' and ')} book by ${creator}: ${rng.pick(words)}, ${rng.pick(words)} and ${rng.pick(words)}.`,
    });
    itemsByGenre.get(genre)!.push(i);
  }

  const popularity = zipfWeights(opts.items, rng);
  const popularSampler = sampler(popularity, rng);
  const genreSamplers = new Map(
    GENRES.map((genre) => {
      const members = itemsByGenre.get(genre)!;
      // Within a genre popularity still matters, but flattened: the long tail of a reader's genre gets read too.
      const draw = sampler(
        members.map((i) => Math.sqrt(popularity[i])),
        rng,
      );
      return [genre, () => members[draw()]] as const;
    }),
  );

  const users: DemoUser[] = [];
  const interactions: DemoInteraction[] = [];
  const start = Date.UTC(2025, 0, 1);
  const span = 300 * 24 * 3600 * 1000;
  for (let u = 0; u < opts.users; u++) {
    const favourite = GENRES[rng.int(GENRES.length)];
    const second = rng.next() < 0.5 ? GENRES[rng.int(GENRES.length)] : undefined;
    const favourites = second && second !== favourite ? [favourite, second] : [favourite];
    const externalId = `reader-${String(u + 1).padStart(5, '0')}`;
    users.push({ externalId, attributes: { segment: favourites[0], favouriteGenres: favourites } });
    const count = Math.max(3, Math.round(opts.eventsPerUser * (0.5 + rng.next())));
    const seen = new Set<number>();
    for (let attempt = 0; seen.size < count && attempt < count * 5; attempt++) {
      const item = rng.next() < opts.tasteShare ? genreSamplers.get(rng.pick(favourites))!() : popularSampler();
      if (seen.has(item)) continue;
      seen.add(item);
      interactions.push({
        userExternalId: externalId,
        itemExternalId: items[item].externalId,
        kind: rng.next() < 0.3 ? 'like' : 'view',
        value: 1,
        occurredAt: new Date(start + Math.floor(rng.next() * span)),
      });
    }
  }
  return { items, users, interactions };
}
