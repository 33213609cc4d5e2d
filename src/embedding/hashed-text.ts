// The built-in text embedding: TF-IDF weighted word and character-trigram features, hashed into a fixed space
// and projected to `dimension` by a seeded random Gaussian projection (Johnson–Lindenstrauss), L2-normalised.
// Needs no download and embeds a query in microseconds; the same function embeds catalog text at training time
// and search queries at serving time, so both land in one space. Word splitting uses Intl.Segmenter (ICU).
import { uniform } from '../random.js';

export interface HashedTextModel {
  kind: 'hashed-tfidf';
  dimension: number;
  buckets: number;
  seed: number;
  /** Inverse document frequency of the buckets the catalog uses, as [bucket, idf] pairs (JSON-friendly). */
  idf: Array<[number, number]>;
  /** IDF of a bucket no catalog document uses (the rarest possible). */
  defaultIdf: number;
}

const segmenter = new Intl.Segmenter('en', { granularity: 'word' });

export function tokenize(text: string): string[] {
  const words: string[] = [];
  for (const part of segmenter.segment(text.normalize('NFKC').toLowerCase())) {
    if (part.isWordLike) words.push(part.segment);
  }
  return words;
}

/** FNV-1a: a stable hash so training and serving agree on buckets across processes and machines. */
export function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

function features(text: string, buckets: number): Map<number, number> {
  const counts = new Map<number, number>();
  const add = (feature: string, weight: number) => {
    const bucket = fnv1a(feature) % buckets;
    counts.set(bucket, (counts.get(bucket) ?? 0) + weight);
  };
  for (const word of tokenize(text)) {
    add(`w:${word}`, 1);
    // Trigrams make "dragons" match "dragon" and survive typos.
    const padded = `<${word}>`;
    for (let i = 0; i + 3 <= padded.length; i++) add(`t:${padded.slice(i, i + 3)}`, 0.3);
  }
  return counts;
}

/** The projection row of a bucket, regenerated from the seed on demand (nothing large is stored). */
function projectionRow(bucket: number, dimension: number, seed: number, out: Float32Array): Float32Array {
  const next = uniform(seed ^ Math.imul(bucket + 1, 0x9e3779b1));
  for (let d = 0; d < dimension; d++) out[d] = next() < 0.5 ? -1 : 1;
  return out;
}

export function fitHashedText(
  documents: readonly string[],
  options: { dimension?: number; buckets?: number; seed?: number } = {},
): HashedTextModel {
  const dimension = options.dimension ?? 128;
  const buckets = options.buckets ?? 1 << 18;
  const seed = options.seed ?? 7;
  const df = new Map<number, number>();
  for (const doc of documents)
    for (const bucket of features(doc, buckets).keys()) df.set(bucket, (df.get(bucket) ?? 0) + 1);
  const idf = [...df].map(([bucket, count]): [number, number] => [bucket, Math.log(1 + documents.length / count)]);
  return { kind: 'hashed-tfidf', dimension, buckets, seed, idf, defaultIdf: Math.log(1 + documents.length) };
}

const idfTables = new WeakMap<HashedTextModel, Map<number, number>>();

export function embedText(model: HashedTextModel, text: string): Float32Array {
  let idf = idfTables.get(model);
  if (!idf) idfTables.set(model, (idf = new Map(model.idf)));
  const out = new Float32Array(model.dimension);
  const row = new Float32Array(model.dimension);
  for (const [bucket, count] of features(text, model.buckets)) {
    const weight = Math.log1p(count) * (idf.get(bucket) ?? model.defaultIdf);
    projectionRow(bucket, model.dimension, model.seed, row);
    for (let d = 0; d < model.dimension; d++) out[d] += weight * row[d];
  }
  let norm = 0;
  for (let d = 0; d < model.dimension; d++) norm += out[d] * out[d];
  norm = Math.sqrt(norm);
  if (norm > 0) for (let d = 0; d < model.dimension; d++) out[d] /= norm;
  return out;
}
