// A tiny model in the shape sentence-transformers models are exported to ONNX (BERT-style tokenizer.json with
// [CLS]/[SEP] template, inputs input_ids / attention_mask / token_type_ids, output last_hidden_state), built here
// because no pretrained model can be downloaded. Its "transformer" is one layer: tanh((word + type embedding) · W),
// so mean pooling over the mask is not the same as pooling everything, and the test can compute the expected
// sentence embedding independently in TypeScript.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Rng } from '../../src/random.js';
import { DataType, GraphBuilder } from '../../training/models/text-encoder/onnx-graph.js';

export const TINY_SPECIALS = ['[PAD]', '[UNK]', '[CLS]', '[SEP]'];
export const TINY_VOCAB = [
  ...TINY_SPECIALS,
  'the',
  'dragon',
  'throne',
  'star',
  'galaxy',
  'murder',
  'detective',
  '##s',
  'ada',
  'quinn',
];

export interface TinyModel {
  vocab: readonly string[];
  hidden: number;
  words: Float32Array;
  types: Float32Array;
  weights: Float32Array;
  maxLength: number;
}

export function tinyModel(seed = 3, hidden = 6, maxLength = 8, vocab: readonly string[] = TINY_VOCAB): TinyModel {
  if (TINY_SPECIALS.some((token, id) => vocab[id] !== token))
    throw new Error(`the vocabulary must start with ${TINY_SPECIALS.join(' ')}`);
  const rng = new Rng(seed);
  const fill = (n: number) => Float32Array.from({ length: n }, () => rng.normal() * 0.5);
  return {
    vocab,
    hidden,
    words: fill(vocab.length * hidden),
    types: fill(2 * hidden),
    weights: fill(hidden * hidden),
    maxLength,
  };
}

export function tinyTokenizerJson(vocab: readonly string[] = TINY_VOCAB): Record<string, unknown> {
  const special = (id: number, content: string) => ({
    id,
    content,
    single_word: false,
    lstrip: false,
    rstrip: false,
    normalized: false,
    special: true,
  });
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: [special(0, '[PAD]'), special(1, '[UNK]'), special(2, '[CLS]'), special(3, '[SEP]')],
    normalizer: {
      type: 'BertNormalizer',
      clean_text: true,
      handle_chinese_chars: true,
      strip_accents: null,
      lowercase: true,
    },
    pre_tokenizer: { type: 'BertPreTokenizer' },
    post_processor: {
      type: 'TemplateProcessing',
      single: [
        { SpecialToken: { id: '[CLS]', type_id: 0 } },
        { Sequence: { id: 'A', type_id: 0 } },
        { SpecialToken: { id: '[SEP]', type_id: 0 } },
      ],
      pair: [
        { SpecialToken: { id: '[CLS]', type_id: 0 } },
        { Sequence: { id: 'A', type_id: 0 } },
        { SpecialToken: { id: '[SEP]', type_id: 0 } },
        { Sequence: { id: 'B', type_id: 1 } },
        { SpecialToken: { id: '[SEP]', type_id: 1 } },
      ],
      special_tokens: {
        '[CLS]': { id: '[CLS]', ids: [2], tokens: ['[CLS]'] },
        '[SEP]': { id: '[SEP]', ids: [3], tokens: ['[SEP]'] },
      },
    },
    decoder: { type: 'WordPiece', prefix: '##', cleanup: true },
    model: {
      type: 'WordPiece',
      unk_token: '[UNK]',
      continuing_subword_prefix: '##',
      max_input_chars_per_word: 100,
      vocab: Object.fromEntries(vocab.map((t, i) => [t, i])),
    },
  };
}

/** The ONNX graph: last_hidden_state = tanh((words[input_ids] + types[token_type_ids]) · W). */
export function tinyModelOnnx(
  model: TinyModel,
  output: 'last_hidden_state' | 'token_embeddings' = 'last_hidden_state',
): Uint8Array {
  const g = new GraphBuilder('tiny_sentence_transformer');
  const ids = g.input('input_ids', DataType.INT64, ['batch', 'sequence']);
  g.input('attention_mask', DataType.INT64, ['batch', 'sequence']); // declared like a real export; attention is not modelled
  const typeIds = g.input('token_type_ids', DataType.INT64, ['batch', 'sequence']);
  const words = g.node('Gather', [g.floats('word_embeddings', [model.vocab.length, model.hidden], model.words), ids], {
    axis: 0,
  });
  const types = g.node('Gather', [g.floats('type_embeddings', [2, model.hidden], model.types), typeIds], { axis: 0 });
  const mixed = g.node('MatMul', [
    g.node('Add', [words, types]),
    g.floats('layer', [model.hidden, model.hidden], model.weights),
  ]);
  g.node('Tanh', [mixed], {}, output);
  g.output(output, DataType.FLOAT, ['batch', 'sequence', model.hidden]);
  return g.encode('tiny-test');
}

/** Writes the model as a sentence-transformers ONNX directory (model.onnx, tokenizer.json, tokenizer_config.json). */
export async function writeTinyModel(
  dir: string,
  model: TinyModel,
  output?: 'last_hidden_state' | 'token_embeddings',
): Promise<string> {
  await mkdir(dir, { recursive: true });
  await writeFile(path.join(dir, 'model.onnx'), tinyModelOnnx(model, output));
  await writeFile(path.join(dir, 'tokenizer.json'), JSON.stringify(tinyTokenizerJson(model.vocab)));
  await writeFile(
    path.join(dir, 'tokenizer_config.json'),
    JSON.stringify({ model_max_length: model.maxLength, do_lower_case: true }),
  );
  return dir;
}

/** The expected sentence embedding of a token sequence, computed without onnxruntime. */
export function tinyReferenceEmbedding(model: TinyModel, ids: readonly number[]): Float32Array {
  const h = model.hidden;
  const pooled = new Float64Array(h);
  for (const id of ids) {
    for (let j = 0; j < h; j++) {
      let s = 0;
      for (let i = 0; i < h; i++) s += (model.words[id * h + i] + model.types[i]) * model.weights[i * h + j];
      pooled[j] += Math.tanh(s) / ids.length;
    }
  }
  const norm = Math.sqrt(pooled.reduce((a, x) => a + x * x, 0));
  return Float32Array.from(pooled, (x) => x / norm);
}
