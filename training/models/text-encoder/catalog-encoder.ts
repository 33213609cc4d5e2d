// The catalog text encoder: trained on the catalog's own text and mapped into the collaborative space, exported
// as an ONNX graph (model.onnx) + tokenizer.json that onnxruntime runs at serving time.
//
//   token ids ─Gather─▶ word vectors ─masked mean─▶ text vector t ─L2─▶ t̂ ─MatMul W─▶ c ─L2─▶ ĉ
//   sentence_embedding = [ √a · t̂ , √(1−a) · ĉ ]        (unit length; cosine = a·cos(t) + (1−a)·cos(c))
//
// Word vectors are the catalog's TF-IDF features (the word and its character trigrams, IDF-weighted) through a
// seeded random projection — the same signal as the hashed text embedding, without hash collisions. W is a ridge
// regression from t̂ to the items' collaborative vectors, fitted on warm items, so the second half says which
// audience a text speaks to. `a` (lexicalWeight) trades exact wording (titles, names) against audience.
import { Tokenizer } from '@huggingface/tokenizers';
import { fnv1a } from '../../../src/embedding/hashed-text.js';
import { mulberry32 } from '../../../src/random.js';
import { l2Normalize } from '../../../src/embedding/pooling.js';
import type { LinearMap } from '../../../src/embedding/linear-map.js';
import { fitTextToCf } from './text-to-cf.js';
import { DataType, GraphBuilder, l2NormalizeRows, maskedMeanPoolNodes } from './onnx-graph.js';
import {
  buildVocabulary,
  CONTINUATION,
  isWordLike,
  SPECIAL_TOKENS,
  wordPieceTokenizerJson,
  wordSplitter,
} from './tokenizer-json.js';

export interface CatalogEncoderParams {
  /** Width of the projected TF-IDF word vectors. */
  textDimension: number;
  maxVocabulary: number;
  /** Share a of the cosine that comes from wording; 1 − a comes from the collaborative mapping. */
  lexicalWeight: number;
  /** Ridge penalty of the text → collaborative map. */
  ridge: number;
  /** Weight of a character trigram relative to its word (trigrams let "dragons" meet "dragon"). */
  trigramWeight: number;
  seed: number;
}

export const CATALOG_ENCODER_DEFAULTS: CatalogEncoderParams = {
  textDimension: 128,
  maxVocabulary: 30_000,
  lexicalWeight: 0.5,
  ridge: 1,
  trigramWeight: 0.3,
  seed: 7,
};

export interface CatalogEncoder {
  params: CatalogEncoderParams;
  vocabulary: string[];
  /** vocabulary.length × textDimension, row-major; the special tokens' rows are zeros. */
  table: Float32Array;
  /** textDimension × collaborative dimension; undefined when no collaborative vectors were given (lexical only). */
  map: LinearMap | undefined;
  dimension: number;
}

/** Text for which the collaborative half is fitted: rows of `vectors` (dim wide) for the items in `rows`. */
export interface CollaborativeTargets {
  vectors: Float32Array;
  dim: number;
  rows: readonly number[];
}

/** Adds weight × (a seeded ±1/√dim vector for `feature`) to `out`. */
function addProjection(out: Float32Array, feature: string, weight: number, seed: number): void {
  const next = mulberry32(seed ^ fnv1a(feature));
  const scale = weight / Math.sqrt(out.length);
  for (let d = 0; d < out.length; d++) out[d] += next() < 0x80000000 ? -scale : scale;
}

/** Character trigrams of `text` as written (callers add the < > word-boundary marks where they are known). */
function trigramsOf(text: string): string[] {
  const chars = [...text];
  const out: string[] = [];
  for (let i = 0; i + 3 <= chars.length; i++) out.push(chars.slice(i, i + 3).join(''));
  return out;
}

const trigrams = (word: string) => trigramsOf(`<${word}>`);

/**
 * What a vocabulary entry stands for, as weighted features: a catalog word is itself plus its trigrams; a subword
 * piece (only met when WordPiece splits an unknown word) is the trigrams it spans — a prefix knows its left
 * boundary, a "##" continuation knows neither — or, when too short for a trigram, the piece itself.
 */
function tokenFeatures(token: string, isWord: boolean): Array<{ feature: string; trigram: boolean }> {
  if (isWord)
    return [
      { feature: `w:${token}`, trigram: false },
      ...trigrams(token).map((t) => ({ feature: `t:${t}`, trigram: true })),
    ];
  const grams = token.startsWith(CONTINUATION) ? trigramsOf(token.slice(CONTINUATION.length)) : trigramsOf(`<${token}`);
  return grams.length
    ? grams.map((t) => ({ feature: `t:${t}`, trigram: true }))
    : [{ feature: `p:${token}`, trigram: true }];
}

/** The word-vector table: IDF-weighted features of every vocabulary entry, projected. */
function wordTable(
  vocabulary: readonly string[],
  documents: readonly string[],
  params: CatalogEncoderParams,
): Float32Array {
  const split = wordSplitter();
  const wordDf = new Map<string, number>();
  const trigramDf = new Map<string, number>();
  for (const doc of documents) {
    const words = new Set(split(doc).filter(isWordLike));
    const grams = new Set<string>();
    for (const word of words) {
      wordDf.set(word, (wordDf.get(word) ?? 0) + 1);
      for (const gram of trigrams(word)) grams.add(`t:${gram}`);
    }
    for (const gram of grams) trigramDf.set(gram, (trigramDf.get(gram) ?? 0) + 1);
  }
  const n = Math.max(1, documents.length);
  // Features the catalog never shows (a piece's inner trigram across a boundary, a short piece) count as rarest.
  const idf = (df: number | undefined) => Math.log(1 + n / Math.max(1, df ?? 1));
  const p = params.textDimension;
  const table = new Float32Array(vocabulary.length * p);
  vocabulary.forEach((token, id) => {
    if (id < SPECIAL_TOKENS.length) return;
    const row = table.subarray(id * p, (id + 1) * p);
    for (const { feature, trigram } of tokenFeatures(token, wordDf.has(token))) {
      const weight = trigram ? params.trigramWeight * idf(trigramDf.get(feature)) : idf(wordDf.get(token));
      addProjection(row, feature, weight, params.seed);
    }
  });
  return table;
}

/** The normalised text vector t̂ of a token sequence (the first half of the graph, in TypeScript). */
function textVector(encoder: Pick<CatalogEncoder, 'table' | 'params'>, ids: readonly number[]): Float32Array {
  const p = encoder.params.textDimension;
  const sum = new Float32Array(p);
  for (const id of ids) {
    const row = id * p;
    for (let d = 0; d < p; d++) sum[d] += encoder.table[row + d];
  }
  return l2Normalize(sum);
}

/** What the exported graph computes, in TypeScript: the reference the ONNX model is checked against. */
export function referenceEmbedding(encoder: CatalogEncoder, ids: readonly number[]): Float32Array {
  const t = textVector(encoder, ids);
  if (!encoder.map) return t;
  const { outputDim: q, weights } = encoder.map;
  const p = encoder.params.textDimension;
  const c = new Float32Array(q);
  for (let i = 0; i < p; i++) for (let j = 0; j < q; j++) c[j] += t[i] * weights[i * q + j];
  l2Normalize(c);
  const a = encoder.params.lexicalWeight;
  const out = new Float32Array(p + q);
  for (let i = 0; i < p; i++) out[i] = Math.sqrt(a) * t[i];
  for (let j = 0; j < q; j++) out[p + j] = Math.sqrt(1 - a) * c[j];
  return out;
}

export function catalogTokenizer(encoder: CatalogEncoder): Tokenizer {
  return new Tokenizer(wordPieceTokenizerJson(encoder.vocabulary), {});
}

export function fitCatalogEncoder(
  documents: readonly string[],
  collaborative: CollaborativeTargets | undefined,
  overrides: Partial<CatalogEncoderParams> = {},
): CatalogEncoder {
  const params = { ...CATALOG_ENCODER_DEFAULTS, ...overrides };
  if (!(params.lexicalWeight >= 0 && params.lexicalWeight <= 1))
    throw new RangeError(`lexicalWeight must be in [0, 1], got ${params.lexicalWeight}`);
  const { vocabulary } = buildVocabulary(documents, { maxSize: params.maxVocabulary });
  const table = wordTable(vocabulary, documents, params);
  const p = params.textDimension;
  let map: LinearMap | undefined;
  if (collaborative && collaborative.rows.length > 0 && params.lexicalWeight < 1) {
    const tokenizer = new Tokenizer(wordPieceTokenizerJson(vocabulary), {});
    const text = new Float32Array(documents.length * p);
    for (const r of collaborative.rows)
      text.set(textVector({ table, params }, tokenizer.encode(documents[r]).ids), r * p);
    map = fitTextToCf(text, p, collaborative.vectors, collaborative.dim, collaborative.rows, params.ridge);
  }
  return { params, vocabulary, table, map, dimension: map ? p + map.outputDim : p };
}

/** The ONNX graph of the encoder (inputs input_ids, attention_mask; output sentence_embedding). */
export function buildEncoderGraph(encoder: CatalogEncoder): Uint8Array {
  const p = encoder.params.textDimension;
  const g = new GraphBuilder('recgraph_catalog_text_encoder');
  const ids = g.input('input_ids', DataType.INT64, ['batch', 'sequence']);
  const mask = g.input('attention_mask', DataType.INT64, ['batch', 'sequence']);
  const table = g.floats('word_vectors', [encoder.vocabulary.length, p], encoder.table);
  const rowAxis = g.int64s('row_axis', [1]);
  const epsilon = g.floats('epsilon', [], Float32Array.of(1e-12));
  const tokens = g.node('Gather', [table, ids], { axis: 0 });
  const text = l2NormalizeRows(g, maskedMeanPoolNodes(g, tokens, mask), rowAxis, epsilon);
  if (!encoder.map) {
    g.node('Identity', [text], {}, 'sentence_embedding');
  } else {
    const q = encoder.map.outputDim;
    const weights = g.floats('text_to_collaborative', [p, q], Float32Array.from(encoder.map.weights));
    const collaborative = l2NormalizeRows(g, g.node('MatMul', [text, weights]), rowAxis, epsilon);
    const a = encoder.params.lexicalWeight;
    const lexicalScale = g.floats('lexical_scale', [], Float32Array.of(Math.sqrt(a)));
    const audienceScale = g.floats('collaborative_scale', [], Float32Array.of(Math.sqrt(1 - a)));
    g.node(
      'Concat',
      [g.node('Mul', [text, lexicalScale]), g.node('Mul', [collaborative, audienceScale])],
      { axis: 1 },
      'sentence_embedding',
    );
  }
  g.output('sentence_embedding', DataType.FLOAT, ['batch', encoder.dimension]);
  return g.encode();
}

/** model.onnx bytes and tokenizer.json of an encoder: what a model version stores and serving loads. */
export function exportCatalogEncoder(encoder: CatalogEncoder): {
  model: Uint8Array;
  tokenizer: Record<string, unknown>;
} {
  return { model: buildEncoderGraph(encoder), tokenizer: wordPieceTokenizerJson(encoder.vocabulary) };
}
