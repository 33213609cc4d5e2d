// The pure pieces of the text encoder: pooling, the catalog tokenizer (HuggingFace tokenizers format) and the
// catalog encoder's fit (vocabulary, word table, collaborative map) against its TypeScript reference.
import { Tokenizer } from '@huggingface/tokenizers';
import { describe, expect, it } from 'vitest';
import { l2Normalize, maskedMeanPool } from '../../src/embedding/pooling.js';
import {
  catalogTokenizer,
  fitCatalogEncoder,
  referenceEmbedding,
} from '../../training/models/text-encoder/catalog-encoder.js';
import {
  buildVocabulary,
  wordPieceTokenizerJson,
  wordSplitter,
} from '../../training/models/text-encoder/tokenizer-json.js';

const dot = (a: ArrayLike<number>, b: ArrayLike<number>) => Array.from(a).reduce((s, x, i) => s + x * b[i], 0);

describe('pooling', () => {
  it('averages only the tokens the attention mask keeps, per batch row', () => {
    // batch 2, seq 3, dim 2; row 0 keeps tokens 0 and 1, row 1 keeps token 2 only
    const hidden = [1, 2, 3, 4, 100, 100, 100, 100, 100, 100, 5, -5];
    const pooled = maskedMeanPool(hidden, [1, 1, 0, 0, 0, 1], 2, 3, 2);
    expect(Array.from(pooled[0])).toEqual([2, 3]);
    expect(Array.from(pooled[1])).toEqual([5, -5]);
  });

  it('accepts bigint masks and pools an all-padding row to zeros', () => {
    const pooled = maskedMeanPool([1, 1, 2, 2], [0n, 0n], 1, 2, 2);
    expect(Array.from(pooled[0])).toEqual([0, 0]);
  });

  it('rejects shapes that do not match', () => {
    expect(() => maskedMeanPool([1, 2, 3], [1, 1], 1, 2, 2)).toThrow(/expected 1×2×2/);
    expect(() => maskedMeanPool([1, 2, 3, 4], [1], 1, 2, 2)).toThrow(/attention mask/);
  });

  it('normalises to unit length and leaves zero vectors alone', () => {
    expect(Array.from(l2Normalize(Float32Array.of(3, 4)))).toEqual([0.6000000238418579, 0.800000011920929]);
    expect(Array.from(l2Normalize(Float32Array.of(0, 0)))).toEqual([0, 0]);
  });
});

describe('catalog tokenizer', () => {
  const documents = [
    'The Dragon Throne',
    'Dragons of the Star Colony',
    'the murder of the detective',
    'Ｆｕｌｌｗｉｄｔｈ ﬁre',
  ];

  it('builds the vocabulary: specials, subword pieces (every character first), then words by document frequency, capped', () => {
    const { vocabulary, documentFrequency } = buildVocabulary(documents, { maxSize: 400, maxPieces: 60 });
    expect(vocabulary.slice(0, 2)).toEqual(['[PAD]', '[UNK]']);
    expect(documentFrequency.get('the')).toBe(3);
    const pieces = vocabulary.slice(2, 62);
    for (const char of 'dragonthesymu') expect(pieces, char).toEqual(expect.arrayContaining([char, `##${char}`])); // every character, both ways
    const words = vocabulary.slice(62);
    expect(pieces).toEqual(expect.arrayContaining(['the', 'of'])); // short frequent words are pieces already
    expect(words.slice(0, 3)).toEqual(['colony', 'detective', 'dragon']); // the rest: df 1 each, ties by spelling
    expect(new Set(vocabulary).size).toBe(vocabulary.length);
    expect(buildVocabulary(documents, { maxSize: 10 }).vocabulary).toHaveLength(10);
  });

  it('normalises with NFKC + lowercase and splits like the tokenizer it writes', () => {
    const split = wordSplitter();
    expect(split('Ｆｕｌｌｗｉｄｔｈ ﬁre, DRAGON!')).toEqual(['fullwidth', 'fire', ',', 'dragon', '!']);
  });

  it('writes a tokenizer.json that @huggingface/tokenizers encodes: known words whole, unknown ones as pieces, unknown characters as [UNK]', () => {
    const { vocabulary } = buildVocabulary(documents);
    const tokenizer = new Tokenizer(wordPieceTokenizerJson(vocabulary), {});
    const encoded = tokenizer.encode('DRAGON throne of stardom 🐉');
    expect(encoded.tokens.slice(0, 3)).toEqual(['dragon', 'throne', 'of']);
    expect(encoded.tokens.slice(3, -1).join('').replaceAll('##', '')).toBe('stardom'); // never seen whole
    expect(encoded.tokens.slice(4, -1).every((t: string) => t.startsWith('##'))).toBe(true);
    expect(encoded.tokens.at(-1)).toBe('[UNK]');
    expect(encoded.ids).toEqual(encoded.tokens.map((t: string) => vocabulary.indexOf(t)));
    expect(encoded.attention_mask.every((m: number) => m === 1)).toBe(true);
  });

  it('refuses a vocabulary without the special tokens first, or with duplicates', () => {
    expect(() => wordPieceTokenizerJson(['dragon'])).toThrow(/\[PAD\]/);
    expect(() => wordPieceTokenizerJson(['[PAD]', '[UNK]', 'a', 'a'])).toThrow(/duplicate/);
  });
});

describe('catalog encoder fit', () => {
  // Two audiences: items 0–2 (dragons) share one collaborative direction, items 3–5 (stars) another.
  const documents = [
    'dragon crown',
    'dragon sword wizard',
    'wizard crown realm',
    'star galaxy',
    'galaxy orbit android',
    'android star colony',
  ];
  const cf = new Float32Array(6 * 2);
  for (let i = 0; i < 6; i++) cf.set(i < 3 ? [1, 0.1] : [0.1, 1], i * 2);
  const rows = [0, 1, 2, 3, 4, 5];

  it('maps text into the collaborative space: a new text lands with the audience of its words', () => {
    const encoder = fitCatalogEncoder(
      documents,
      { vectors: cf, dim: 2, rows },
      { textDimension: 32, lexicalWeight: 0, ridge: 0.1 },
    );
    const tokenizer = catalogTokenizer(encoder);
    const embed = (text: string) => referenceEmbedding(encoder, tokenizer.encode(text).ids).slice(32);
    // "sword realm" never occurs as one item, but its words are dragon-audience words.
    expect(dot(embed('sword realm'), [1, 0])).toBeGreaterThan(dot(embed('sword realm'), [0, 1]));
    expect(dot(embed('orbit colony'), [0, 1])).toBeGreaterThan(dot(embed('orbit colony'), [1, 0]));
  });

  it('outputs unit vectors whose cosine is a·(text cosine) + (1−a)·(collaborative cosine)', () => {
    const a = 0.3;
    const encoder = fitCatalogEncoder(
      documents,
      { vectors: cf, dim: 2, rows },
      { textDimension: 16, lexicalWeight: a },
    );
    expect(encoder.dimension).toBe(18);
    const tokenizer = catalogTokenizer(encoder);
    const [x, y] = ['dragon crown', 'wizard realm'].map((t) => referenceEmbedding(encoder, tokenizer.encode(t).ids));
    expect(dot(x, x)).toBeCloseTo(1, 5);
    const textCos = dot(x.slice(0, 16), y.slice(0, 16)) / a;
    const cfCos = dot(x.slice(16), y.slice(16)) / (1 - a);
    expect(dot(x, y)).toBeCloseTo(a * textCos + (1 - a) * cfCos, 5);
    expect(cfCos).toBeGreaterThan(0.9); // same audience
  });

  it('is lexical only without collaborative targets, and deterministic for a seed', () => {
    const lexical = fitCatalogEncoder(documents, undefined, { textDimension: 16 });
    expect(lexical.map).toBeUndefined();
    expect(lexical.dimension).toBe(16);
    const again = fitCatalogEncoder(documents, undefined, { textDimension: 16 });
    expect(Array.from(again.table)).toEqual(Array.from(lexical.table));
    expect(() => fitCatalogEncoder(documents, undefined, { lexicalWeight: 1.5 })).toThrow(/lexicalWeight/);
  });

  it('embeds a word the catalog never used through its pieces, so a new item is found by its own name', () => {
    const encoder = fitCatalogEncoder(documents, undefined, { textDimension: 64 });
    const tokenizer = catalogTokenizer(encoder);
    const embed = (text: string) => referenceEmbedding(encoder, tokenizer.encode(text).ids);
    const newItem = embed('Zanzibar Quixote');
    expect(newItem.some((x) => x !== 0)).toBe(true);
    const others = documents.map((doc) => dot(embed('zanzibar quixote'), embed(doc)));
    expect(dot(embed('zanzibar quixote'), newItem)).toBeCloseTo(1, 5);
    expect(Math.max(...others)).toBeLessThan(0.5);
  });

  it('shares trigrams between word forms, so "dragons" sits near "dragon" and far from "galaxy"', () => {
    const encoder = fitCatalogEncoder([...documents, 'dragons'], undefined, { textDimension: 64 });
    const tokenizer = catalogTokenizer(encoder);
    const embed = (text: string) => referenceEmbedding(encoder, tokenizer.encode(text).ids);
    expect(dot(embed('dragons'), embed('dragon'))).toBeGreaterThan(dot(embed('dragons'), embed('galaxy')) + 0.2);
  });
});
