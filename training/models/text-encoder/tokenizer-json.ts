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
    padding: { strategy: 'BatchLongest', direction: 'Right', pad_to_multiple_of: null, pad_id: 0, pad_type_id: 0, pad_token: PAD },
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

/**
 * The vocabulary of `documents`: special tokens, then word-like tokens by descending document frequency (ties by
 * spelling, so the ids are deterministic), at most `maxSize` entries in all.
 */
export function buildVocabulary(documents: readonly string[], maxSize = 30_000): { vocabulary: string[]; documentFrequency: Map<string, number> } {
  const split = wordSplitter();
  const df = new Map<string, number>();
  for (const doc of documents) for (const word of new Set(split(doc))) if (isWordLike(word)) df.set(word, (df.get(word) ?? 0) + 1);
  const words = [...df.keys()].sort((a, b) => df.get(b)! - df.get(a)! || (a < b ? -1 : a > b ? 1 : 0));
  return { vocabulary: [...SPECIAL_TOKENS, ...words.slice(0, Math.max(0, maxSize - SPECIAL_TOKENS.length))], documentFrequency: df };
}
