// The text side of training: picks the encoder (the catalog encoder trained here, or the sentence-transformers
// model RECGRAPH_TEXT_MODEL names), embeds every item through onnxruntime — the same runtime serving uses, so the
// semantic collection and the queries live in one space — and fits the map from those vectors to collaborative
// vectors for items added after training.
import type { CatalogEncoderArtifact, ExternalEncoderArtifact } from '../../src/embedding/encoder-artifact.js';
import type { LinearMap } from '../../src/embedding/linear-map.js';
import { OnnxSentenceEncoder } from '../../src/embedding/onnx-sentence-encoder.js';
import {
  exportCatalogEncoder,
  fitCatalogEncoder,
  type CatalogEncoderParams,
} from '../models/text-encoder/catalog-encoder.js';
import { noopProgress, type ProgressSink } from '../progress.js';
import { fitTextToCf } from '../models/text-encoder/text-to-cf.js';

export interface TextTrainingOptions {
  /** Directory of a sentence-transformers ONNX model (model.onnx + tokenizer.json) to use instead of training one. */
  textModelPath?: string;
  encoderParams?: Partial<CatalogEncoderParams>;
  progress?: ProgressSink;
}

export interface TrainedText {
  artifact: CatalogEncoderArtifact | ExternalEncoderArtifact;
  dimension: number;
  /** documents.length × dimension: the semantic vector of every item. */
  vectors: Float32Array;
  textToCf: LinearMap;
}

/**
 * `documents[i]` is item i's text, `cf` its collaborative vector (cfDim wide); `warmRows` are the items with enough
 * events for their collaborative vector to be worth imitating.
 */
export async function trainTextEncoder(
  documents: readonly string[],
  cf: Float32Array,
  cfDim: number,
  warmRows: readonly number[],
  options: TextTrainingOptions = {},
): Promise<TrainedText> {
  const progress = options.progress ?? noopProgress;
  let artifact: CatalogEncoderArtifact | ExternalEncoderArtifact;
  let encoder: OnnxSentenceEncoder;
  if (options.textModelPath) {
    encoder = await OnnxSentenceEncoder.fromDirectory(options.textModelPath);
    artifact = {
      kind: 'onnx',
      source: 'external',
      fingerprint: encoder.fingerprint,
      dimension: encoder.dimension,
      path: options.textModelPath,
    };
  } else {
    const fitted = fitCatalogEncoder(documents, { vectors: cf, dim: cfDim, rows: warmRows }, options.encoderParams);
    const { model, tokenizer } = exportCatalogEncoder(fitted);
    encoder = await OnnxSentenceEncoder.fromBytes(model, tokenizer);
    artifact = {
      kind: 'onnx',
      source: 'catalog',
      fingerprint: encoder.fingerprint,
      dimension: encoder.dimension,
      model,
      tokenizer,
    };
  }
  try {
    const dimension = encoder.dimension;
    const vectors = new Float32Array(documents.length * dimension);
    const chunk = 512;
    progress.start(documents.length, 'embed item text (onnxruntime)');
    for (let start = 0; start < documents.length; start += chunk) {
      const batch = await encoder.encode(documents.slice(start, start + chunk));
      batch.forEach((vector, k) => vectors.set(vector, (start + k) * dimension));
      progress.tick(batch.length);
    }
    progress.stop();
    const textToCf = fitTextToCf(vectors, dimension, cf, cfDim, warmRows, 1);
    return { artifact, dimension, vectors, textToCf };
  } finally {
    await encoder.close();
  }
}
