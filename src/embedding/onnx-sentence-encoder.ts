// One loader for every ONNX text encoder recgraph runs: the catalog encoder it trains itself and any
// sentence-transformers model exported to ONNX (a directory with model.onnx + tokenizer.json). Both speak the same
// I/O: inputs input_ids / attention_mask (/ token_type_ids), output sentence_embedding [batch, dim] or token states
// (last_hidden_state [batch, seq, dim], mean-pooled here with the attention mask); every vector is L2-normalised.
// Tokenization is @huggingface/tokenizers reading the tokenizer.json; inference is onnxruntime-node (CPU).
import { createHash } from 'node:crypto';
import { access, readFile } from 'node:fs/promises';
import path from 'node:path';
import { Tokenizer } from '@huggingface/tokenizers';
import * as ort from 'onnxruntime-node';
import { l2Normalize, maskedMeanPool } from './pooling.js';
import type { SentenceEncoder } from './sentence-encoder.js';

export interface OnnxEncoderOptions {
  /** Longest token sequence fed to the model (special tokens included); longer texts are truncated. */
  maxLength?: number;
  /** Texts per onnxruntime call. */
  batchSize?: number;
  /** onnxruntime intra-op threads: 1 keeps a serving process from fighting its own event loop for cores. */
  threads?: number;
}

type TokenizerJson = Record<string, unknown>;

const TOKEN_OUTPUTS = ['last_hidden_state', 'token_embeddings'];
const SUPPORTED_INPUTS = new Set(['input_ids', 'attention_mask', 'token_type_ids']);

export class TextEncoderLoadError extends Error {}

async function exists(file: string): Promise<boolean> {
  return access(file).then(
    () => true,
    () => false,
  );
}

export class OnnxSentenceEncoder implements SentenceEncoder {
  readonly kind = 'onnx';
  private readonly maxLength: number;
  private readonly batchSize: number;
  private readonly padId: number;
  private readonly output: string;
  private readonly pooled: boolean;
  private readonly inputTypes: Map<string, 'int64' | 'int32'>;
  dimension = 0;

  private constructor(
    private readonly session: ort.InferenceSession,
    private readonly tokenizer: Tokenizer,
    /** sha256 of model.onnx + tokenizer.json: what a trained model version records so serving can check it embeds queries in the same space. */
    readonly fingerprint: string,
    tokenizerJson: TokenizerJson,
    tokenizerConfig: Record<string, unknown>,
    options: OnnxEncoderOptions,
  ) {
    const configured = Number(tokenizerConfig.model_max_length);
    // tokenizer_config.json often says 1e30 for "no limit"; position embeddings of BERT-like models stop at 512.
    this.maxLength =
      options.maxLength ?? (Number.isFinite(configured) && configured > 0 && configured <= 8192 ? configured : 256);
    this.batchSize = options.batchSize ?? 64;
    const padding = tokenizerJson.padding as { pad_id?: number } | null | undefined;
    this.padId = padding?.pad_id ?? tokenizer.token_to_id('[PAD]') ?? tokenizer.token_to_id('<pad>') ?? 0;

    this.inputTypes = new Map();
    for (const meta of session.inputMetadata) {
      if (!SUPPORTED_INPUTS.has(meta.name))
        throw new TextEncoderLoadError(`model input "${meta.name}" is not one of ${[...SUPPORTED_INPUTS].join(', ')}`);
      const type = meta.isTensor ? meta.type : undefined;
      if (type !== 'int64' && type !== 'int32')
        throw new TextEncoderLoadError(`model input "${meta.name}" must be int64 or int32, is ${String(type)}`);
      this.inputTypes.set(meta.name, type);
    }
    if (!this.inputTypes.has('input_ids')) throw new TextEncoderLoadError('model has no input_ids input');
    const outputs = session.outputNames;
    if (outputs.includes('sentence_embedding')) {
      this.output = 'sentence_embedding';
      this.pooled = true;
    } else {
      const tokenOutput = TOKEN_OUTPUTS.find((name) => outputs.includes(name));
      if (!tokenOutput)
        throw new TextEncoderLoadError(
          `model outputs ${outputs.join(', ')}: expected sentence_embedding, ${TOKEN_OUTPUTS.join(' or ')}`,
        );
      this.output = tokenOutput;
      this.pooled = false;
    }
  }

  /** Loads model.onnx (or onnx/model.onnx, as exported by optimum) and tokenizer.json (+ tokenizer_config.json) from `dir`. */
  static async fromDirectory(dir: string, options: OnnxEncoderOptions = {}): Promise<OnnxSentenceEncoder> {
    const candidates = [path.join(dir, 'model.onnx'), path.join(dir, 'onnx', 'model.onnx')];
    let modelFile: string | undefined;
    for (const file of candidates) if (await exists(file)) modelFile ??= file;
    if (!modelFile) throw new TextEncoderLoadError(`no model.onnx in ${dir} (looked for ${candidates.join(', ')})`);
    const tokenizerFile = path.join(dir, 'tokenizer.json');
    if (!(await exists(tokenizerFile))) throw new TextEncoderLoadError(`no tokenizer.json in ${dir}`);
    const configFile = path.join(dir, 'tokenizer_config.json');
    const config = (await exists(configFile)) ? JSON.parse(await readFile(configFile, 'utf8')) : {};
    return OnnxSentenceEncoder.fromBytes(
      new Uint8Array(await readFile(modelFile)),
      JSON.parse(await readFile(tokenizerFile, 'utf8')),
      config,
      options,
    );
  }

  static async fromBytes(
    model: Uint8Array,
    tokenizerJson: TokenizerJson,
    tokenizerConfig: Record<string, unknown> = {},
    options: OnnxEncoderOptions = {},
  ): Promise<OnnxSentenceEncoder> {
    const fingerprint = createHash('sha256')
      .update(model)
      .update(JSON.stringify(tokenizerJson))
      .digest('hex')
      .slice(0, 16);
    let session: ort.InferenceSession;
    try {
      session = await ort.InferenceSession.create(model, {
        intraOpNumThreads: options.threads ?? 1,
        interOpNumThreads: 1,
        graphOptimizationLevel: 'all',
      });
    } catch (error) {
      throw new TextEncoderLoadError(`onnxruntime could not load the text model: ${(error as Error).message}`);
    }
    let tokenizer: Tokenizer;
    try {
      tokenizer = new Tokenizer(tokenizerJson, tokenizerConfig);
    } catch (error) {
      throw new TextEncoderLoadError(`tokenizer.json could not be read: ${(error as Error).message}`);
    }
    const encoder = new OnnxSentenceEncoder(session, tokenizer, fingerprint, tokenizerJson, tokenizerConfig, options);
    encoder.dimension = (await encoder.encode(['probe']))[0].length;
    return encoder;
  }

  /** Token ids (special tokens included) and a same-length attention mask, truncated to maxLength. */
  tokenize(text: string): { ids: number[]; typeIds: number[] } {
    const full = this.tokenizer.encode(text, { return_token_type_ids: true });
    // Without a post-processor the library returns no type ids: a single sentence is all type 0.
    const fullTypes = full.token_type_ids ?? new Array<number>(full.ids.length).fill(0);
    if (full.ids.length <= this.maxLength) return { ids: full.ids, typeIds: fullTypes };
    // The library does not truncate: cut the text's own tokens and keep the template's special tokens around them.
    const plain: number[] = this.tokenizer.encode(text, { add_special_tokens: false }).ids;
    const specials = full.ids.length - plain.length;
    let head = 0;
    while (head < specials && !plain.every((id, k) => full.ids[head + k] === id)) head++;
    const tail = specials - head;
    const keep = Math.max(0, this.maxLength - head - tail);
    const ids = [...full.ids.slice(0, head), ...plain.slice(0, keep), ...full.ids.slice(full.ids.length - tail)];
    const typeIds = [...fullTypes.slice(0, head + keep), ...fullTypes.slice(full.ids.length - tail)];
    return { ids, typeIds };
  }

  /** Unit vectors for `texts`, in order; batched, each batch padded to its longest text. */
  async encode(texts: readonly string[]): Promise<Float32Array[]> {
    const tokenized = texts.map((text) => this.tokenize(text));
    // Similar lengths share a batch, so little of each batch is padding.
    const order = tokenized.map((_, i) => i).sort((a, b) => tokenized[a].ids.length - tokenized[b].ids.length);
    const out = new Array<Float32Array>(texts.length);
    for (let start = 0; start < order.length; start += this.batchSize) {
      const chunk = order.slice(start, start + this.batchSize);
      const vectors = await this.run(chunk.map((i) => tokenized[i]));
      chunk.forEach((i, k) => (out[i] = vectors[k]));
    }
    return out;
  }

  private async run(batch: ReadonlyArray<{ ids: number[]; typeIds: number[] }>): Promise<Float32Array[]> {
    const seq = Math.max(1, ...batch.map((t) => t.ids.length));
    const n = batch.length;
    const ids = new Array<number>(n * seq).fill(this.padId);
    const mask = new Array<number>(n * seq).fill(0);
    const types = new Array<number>(n * seq).fill(0);
    batch.forEach((t, b) => {
      for (let s = 0; s < t.ids.length; s++) {
        ids[b * seq + s] = t.ids[s];
        mask[b * seq + s] = 1;
        types[b * seq + s] = t.typeIds[s] ?? 0;
      }
    });
    const tensor = (name: string, values: number[]) =>
      this.inputTypes.get(name) === 'int32'
        ? new ort.Tensor('int32', Int32Array.from(values), [n, seq])
        : new ort.Tensor(
            'int64',
            BigInt64Array.from(values, (v) => BigInt(v)),
            [n, seq],
          );
    const feeds: Record<string, ort.Tensor> = {};
    for (const name of this.inputTypes.keys())
      feeds[name] = tensor(name, name === 'input_ids' ? ids : name === 'attention_mask' ? mask : types);
    const result = await this.session.run(feeds, [this.output]);
    const output = result[this.output];
    const data = output.data as Float32Array;
    let rows: Float32Array[];
    if (this.pooled || output.dims.length === 2) {
      const dim = Number(output.dims[output.dims.length - 1]);
      rows = Array.from({ length: n }, (_, b) => data.slice(b * dim, (b + 1) * dim));
    } else {
      rows = maskedMeanPool(data, mask, n, seq, Number(output.dims[2]));
    }
    return rows.map((row) => l2Normalize(row));
  }

  async close(): Promise<void> {
    await this.session.release();
  }
}
