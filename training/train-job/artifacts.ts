// A trained model on disk: a JSON manifest plus raw little-endian float32 matrices, one directory per version
// under <dataDir>/models/. `recgraph export` re-publishes a version from here without retraining.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import {
  fromStoredEncoder,
  type StoredTextEncoder,
  type TextEncoderArtifact,
} from '../../src/embedding/encoder-artifact.js';
import type { LinearMap } from '../../src/embedding/linear-map.js';
import type { VectorLayout } from '../../src/embedding/blended-foldin.js';
import type { RerankState } from '../../src/recommend/graph-rerank.js';
import type { ImageCounts } from '../images/embed-items.js';

export interface ModelArtifacts {
  version: string;
  kind: string;
  /** Hyperparameters, including `foldIn` (what src/recommend needs to fold users in, see ials-foldin.ts). */
  params: Record<string, unknown>;
  metrics: Record<string, unknown>;
  dimension: number;
  cutoff: Date;
  /** Internal (Postgres) ids of the rows of the matrices below. */
  itemIds: Int32Array;
  userIds: Int32Array;
  itemVectors: Float32Array;
  userVectors: Float32Array;
  /** YᵀY of the item factors (dimension²): lets the server fold in users from their fresh events. */
  gram: Float32Array;
  /** Events per item in the training data (popularity prior and payload). */
  itemCounts: Float32Array;
  /** The text encoder (ONNX: the catalog encoder or an external sentence-transformers model) and every item's semantic vector. */
  text: { model: TextEncoderArtifact; dimension: number; vectors: Float32Array };
  /** Text vector → collaborative vector, for items added after training. */
  textToCf: LinearMap;
  /**
   * The default pipeline's blended vectors (iALS ⊕ GF-CF low-pass): their block layout (published with the
   * version in Postgres) and each item's training degree (published in its payload); both needed for fold-in.
   * Absent for plain iALS versions.
   */
  layout?: VectorLayout;
  degrees?: Float32Array;
  /** The rerank stage of a two-stage model (neighbour lists by item id; src/recommend/graph-rerank.ts). */
  rerank?: RerankState;
  /** Image vectors (RECGRAPH_IMAGE_MODEL) of the items whose image could be fetched; absent without an image model. */
  image?: TrainedImageVectors;
}

export interface TrainedImageVectors {
  /** Model directory and fingerprint of the image encoder. */
  model: { path: string; fingerprint: string };
  dimension: number;
  itemIds: Int32Array;
  vectors: Float32Array;
  counts: ImageCounts;
}

const MATRICES = ['itemIds', 'userIds', 'itemVectors', 'userVectors', 'gram', 'itemCounts'] as const;
const RERANK_ARRAYS = ['itemIds', 'indptr', 'neighbors', 'weights'] as const;

export function artifactsDir(dataDir: string, version: string): string {
  return path.join(dataDir, 'models', version);
}

export async function saveArtifacts(dir: string, model: ModelArtifacts): Promise<void> {
  await mkdir(dir, { recursive: true });
  for (const key of MATRICES)
    await writeFile(
      path.join(dir, `${key}.bin`),
      Buffer.from(model[key].buffer, model[key].byteOffset, model[key].byteLength),
    );
  await writeFile(
    path.join(dir, 'textVectors.bin'),
    Buffer.from(model.text.vectors.buffer, model.text.vectors.byteOffset, model.text.vectors.byteLength),
  );
  if (model.degrees)
    await writeFile(
      path.join(dir, 'degrees.bin'),
      Buffer.from(model.degrees.buffer, model.degrees.byteOffset, model.degrees.byteLength),
    );
  if (model.rerank) {
    for (const key of RERANK_ARRAYS) {
      const a = model.rerank.lists[key];
      await writeFile(path.join(dir, `rerank-${key}.bin`), Buffer.from(a.buffer, a.byteOffset, a.byteLength));
    }
  }
  if (model.image) {
    const { itemIds, vectors } = model.image;
    await writeFile(
      path.join(dir, 'image-itemIds.bin'),
      Buffer.from(itemIds.buffer, itemIds.byteOffset, itemIds.byteLength),
    );
    await writeFile(
      path.join(dir, 'imageVectors.bin'),
      Buffer.from(vectors.buffer, vectors.byteOffset, vectors.byteLength),
    );
  }
  const manifest = {
    version: model.version,
    kind: model.kind,
    params: model.params,
    metrics: model.metrics,
    dimension: model.dimension,
    cutoff: model.cutoff.toISOString(),
    text: { model: manifestEncoder(model.text.model), dimension: model.text.dimension },
    textToCf: {
      inputDim: model.textToCf.inputDim,
      outputDim: model.textToCf.outputDim,
      weights: Array.from(model.textToCf.weights),
    },
    ...(model.layout ? { layout: model.layout } : {}),
    ...(model.rerank
      ? { rerank: { linearWeight: model.rerank.linearWeight, candidates: model.rerank.candidates } }
      : {}),
    ...(model.image
      ? { image: { model: model.image.model, dimension: model.image.dimension, counts: model.image.counts } }
      : {}),
  };
  await writeFile(path.join(dir, 'manifest.json'), JSON.stringify(manifest));
  const encoder = model.text.model;
  if (encoder.kind === 'onnx' && encoder.source === 'catalog') {
    // The encoder as a standard sentence-transformers-style directory: RECGRAPH_TEXT_MODEL can point at it.
    await mkdir(path.join(dir, 'text-encoder'), { recursive: true });
    await writeFile(path.join(dir, 'text-encoder', 'model.onnx'), encoder.model);
    await writeFile(path.join(dir, 'text-encoder', 'tokenizer.json'), JSON.stringify(encoder.tokenizer));
  }
}

/** The manifest keeps the encoder's description; the catalog encoder's bytes live in text-encoder/ beside it. */
function manifestEncoder(encoder: TextEncoderArtifact): unknown {
  if (encoder.kind === 'onnx' && encoder.source === 'catalog') {
    const { model: _bytes, tokenizer: _tokenizer, ...rest } = encoder;
    return { ...rest, files: 'text-encoder' };
  }
  return encoder;
}

async function loadEncoder(dir: string, described: Record<string, unknown>): Promise<TextEncoderArtifact> {
  if (described.kind === 'onnx' && described.source === 'catalog') {
    const { files, ...rest } = described as { files: string } & Omit<StoredTextEncoder, 'modelBase64'>;
    return {
      ...(rest as object),
      model: new Uint8Array(await readFile(path.join(dir, files, 'model.onnx'))),
      tokenizer: JSON.parse(await readFile(path.join(dir, files, 'tokenizer.json'), 'utf8')),
    } as TextEncoderArtifact;
  }
  return fromStoredEncoder(described as unknown as StoredTextEncoder);
}

async function readTyped<T extends Int32Array | Float32Array>(
  file: string,
  Type: { new (buffer: ArrayBuffer): T },
): Promise<T> {
  const bytes = await readFile(file);
  // Copy into a fresh, aligned buffer (a Buffer may be a view at any offset of a shared pool).
  return new Type(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
}

export async function loadArtifacts(dir: string): Promise<ModelArtifacts> {
  const manifest = JSON.parse(await readFile(path.join(dir, 'manifest.json'), 'utf8'));
  return {
    version: manifest.version,
    kind: manifest.kind,
    params: manifest.params,
    metrics: manifest.metrics,
    dimension: manifest.dimension,
    cutoff: new Date(manifest.cutoff),
    itemIds: await readTyped(path.join(dir, 'itemIds.bin'), Int32Array),
    userIds: await readTyped(path.join(dir, 'userIds.bin'), Int32Array),
    itemVectors: await readTyped(path.join(dir, 'itemVectors.bin'), Float32Array),
    userVectors: await readTyped(path.join(dir, 'userVectors.bin'), Float32Array),
    gram: await readTyped(path.join(dir, 'gram.bin'), Float32Array),
    itemCounts: await readTyped(path.join(dir, 'itemCounts.bin'), Float32Array),
    text: {
      model: await loadEncoder(dir, manifest.text.model),
      dimension: manifest.text.dimension,
      vectors: await readTyped(path.join(dir, 'textVectors.bin'), Float32Array),
    },
    textToCf: manifest.textToCf,
    // Plain iALS versions (trained before the blended default) have neither.
    ...(manifest.layout
      ? { layout: manifest.layout, degrees: await readTyped(path.join(dir, 'degrees.bin'), Float32Array) }
      : {}),
    ...(manifest.rerank
      ? {
          rerank: {
            ...manifest.rerank,
            lists: {
              itemIds: await readTyped(path.join(dir, 'rerank-itemIds.bin'), Int32Array),
              indptr: await readTyped(path.join(dir, 'rerank-indptr.bin'), Int32Array),
              neighbors: await readTyped(path.join(dir, 'rerank-neighbors.bin'), Int32Array),
              weights: await readTyped(path.join(dir, 'rerank-weights.bin'), Float32Array),
            },
          },
        }
      : {}),
    ...(manifest.image
      ? {
          image: {
            ...manifest.image,
            itemIds: await readTyped(path.join(dir, 'image-itemIds.bin'), Int32Array),
            vectors: await readTyped(path.join(dir, 'imageVectors.bin'), Float32Array),
          },
        }
      : {}),
  };
}
