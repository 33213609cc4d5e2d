// The catalog encoder's tokenizer, written in the HuggingFace tokenizers format (tokenizer.json) so the serving
// side loads it with the same library and code path as any sentence-transformers model: NFKC + lowercase
// normaliser, Whitespace pre-tokenizer (\w+|[^\w\s]+), WordPiece over the catalog's own vocabulary. A word outside
// the vocabulary becomes [UNK], which the encoder embeds as zeros (it carries no catalog signal).
import { Tokenizer } from '@huggingface/tokenizers';

export const PAD = '[PAD]';
export const UNK = '[UNK]';
export const SPECIAL_TOKENS = [PAD, UNK] as const;

function specialToken(id: number, content: string) {
  return { id, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true };
}

/** tokenizer.json for a WordPiece model over `vocabulary` (ids follow the array order; it must start with the special tokens). */
export function wordPieceTokenizerJson(vocabulary: readonly string[]): Record<string, unknown> {
  SPECIAL_TOKENS.forEach((token, id) => {
    if (vocabulary[id] !== token) throw new Error(`vocabulary[${id}] must be ${token}`);
  });
  const vocab: Record<string, number> = {};
  vocabulary.forEach((token, id) => {
    if (token in vocab) throw new Error(`duplicate vocabulary entry "${token}"`);
    vocab[token] = id;
  });
  return {
    version: '1.0',
    truncation: null,
    padding: {
      strategy: 'BatchLongest',
      direction: 'Right',
      pad_to_multiple_of: null,
      pad_id: 0,
      pad_type_id: 0,
      pad_token: PAD,
    },
    added_tokens: SPECIAL_TOKENS.map((token, id) => specialToken(id, token)),
    normalizer: { type: 'Sequence', normalizers: [{ type: 'NFKC' }, { type: 'Lowercase' }] },
    pre_tokenizer: { type: 'Whitespace' },
    post_processor: null,
    decoder: { type: 'WordPiece', prefix: '##', cleanup: true },
    model: { type: 'WordPiece', unk_token: UNK, continuing_subword_prefix: '##', max_input_chars_per_word: 100, vocab },
  };
}

/** Splits text into words exactly as the tokenizer will (same library, same normaliser and pre-tokenizer). */
export function wordSplitter(): (text: string) => string[] {
  const tokenizer = new Tokenizer(wordPieceTokenizerJson(SPECIAL_TOKENS), {});
  const normalizer = tokenizer.normalizer!;
  const preTokenizer = tokenizer.pre_tokenizer!;
  return (text) => preTokenizer.pre_tokenize(normalizer.normalize(text));
}

/** Holds a letter or a digit: punctuation runs stay out of the vocabulary. */
export const isWordLike = (token: string) => /[\p{L}\p{N}]/u.test(token);

export const CONTINUATION = '##';

export interface VocabularyOptions {
  /** Entries in all (special tokens, pieces and words). */
  maxSize?: number;
  /** Entries set aside for subword pieces (the words get the rest). */
  maxPieces?: number;
}

/** Pieces a word contributes: its prefixes of 1–4 characters and "##"-continuations of 1–3 characters. */
function piecesOf(word: string): string[] {
  const chars = [...word];
  const out: string[] = [];
  for (let n = 1; n <= Math.min(4, chars.length); n++) out.push(chars.slice(0, n).join(''));
  for (let i = 1; i < chars.length; i++)
    for (let n = 1; n <= 3 && i + n <= chars.length; n++) out.push(CONTINUATION + chars.slice(i, i + n).join(''));
  return out;
}

/**
 * The vocabulary of `documents`: special tokens, subword pieces, then word-like tokens by descending document
 * frequency (ties by spelling, so ids are deterministic). Known words are one token each; a word the catalog never
 * used (a new item's name, a typo) is split by WordPiece into prefix + "##" pieces instead of becoming [UNK], so
 * it still matches itself and shares character trigrams with its neighbours. Every single character the catalog
 * uses is a piece, so any word written in those characters can be split.
 */
export function buildVocabulary(
  documents: readonly string[],
  options: VocabularyOptions = {},
): { vocabulary: string[]; documentFrequency: Map<string, number> } {
  const maxSize = options.maxSize ?? 30_000;
  const split = wordSplitter();
  const df = new Map<string, number>();
  const pieceDf = new Map<string, number>();
  for (const doc of documents) {
    const words = new Set(split(doc).filter(isWordLike));
    const pieces = new Set<string>();
    for (const word of words) {
      df.set(word, (df.get(word) ?? 0) + 1);
      for (const piece of piecesOf(word)) pieces.add(piece);
      // Every character both ways, wherever the catalog happened to use it, so any word in these characters splits.
      for (const char of word) pieces.add(char).add(CONTINUATION + char);
    }
    for (const piece of pieces) pieceDf.set(piece, (pieceDf.get(piece) ?? 0) + 1);
  }
  const byFrequency = (counts: Map<string, number>) => (a: string, b: string) =>
    counts.get(b)! - counts.get(a)! || (a < b ? -1 : a > b ? 1 : 0);
  const single = (piece: string) => [...piece.replace(CONTINUATION, '')].length === 1;
  const room = Math.max(0, maxSize - SPECIAL_TOKENS.length);
  const pieceBudget = Math.min(options.maxPieces ?? Math.floor(room / 5), room);
  const singles = [...pieceDf.keys()].filter(single).sort(byFrequency(pieceDf));
  const longer = [...pieceDf.keys()].filter((piece) => !single(piece)).sort(byFrequency(pieceDf));
  const pieces = [...singles, ...longer].slice(0, pieceBudget);
  const taken = new Set<string>(pieces);
  const words = [...df.keys()].sort(byFrequency(df)).filter((word) => !taken.has(word));
  const vocabulary = [...SPECIAL_TOKENS, ...pieces, ...words].slice(0, SPECIAL_TOKENS.length + room);
  return { vocabulary, documentFrequency: df };
}
