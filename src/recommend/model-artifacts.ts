// The one definition of `model_versions.artifacts`: what a published model version carries besides its Qdrant
// collections, as training writes it (training/export/publish.ts) and serving reads it (serving-model.ts).
// Versioned: `format` is written with every record; records without it are format 1 (before this module, same
// fields minus the rerank stage). Decoding checks shapes and says which field is wrong, so a bad row fails loudly
// once per version instead of mis-ranking.
import type { VectorLayout } from '../embedding/blended-foldin.js';
import type { StoredTextEncoder } from '../embedding/encoder-artifact.js';
import type { IalsFoldInParams } from '../embedding/ials-foldin.js';
import type { LinearMap } from '../embedding/linear-map.js';
import type { RerankState } from './graph-rerank.js';

/** Bumped whenever a field's meaning or encoding changes; decode accepts every format up to this one. */
export const ARTIFACTS_FORMAT = 2;

export interface ModelVersionArtifacts {
  /** YᵀY of the iALS block (dimension² of that block, row-major): fold-in of users with fresh events. */
  gram: Float64Array;
  foldIn: IalsFoldInParams;
  text: StoredTextEncoder;
  textToCf: LinearMap;
  /** Block layout of blended vectors (blended-foldin.ts); absent for plain iALS vectors. */
  layout?: VectorLayout;
  /** The rerank stage of a two-stage model (graph-rerank.ts); absent when the vectors carry the whole score. */
  rerank?: RerankState;
}

/** Typed arrays travel as base64 of their little-endian bytes (jsonb holds no binary; number[] is 3–4× larger). */
interface StoredArray {
  dtype: 'int32' | 'float32';
  base64: string;
}

function storeArray(a: Int32Array | Float32Array): StoredArray {
  return {
    dtype: a instanceof Int32Array ? 'int32' : 'float32',
    base64: Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64'),
  };
}

function loadArray<T extends Int32Array | Float32Array>(value: unknown, dtype: StoredArray['dtype'], field: string): T {
  const stored = value as StoredArray | undefined;
  if (!stored || stored.dtype !== dtype || typeof stored.base64 !== 'string') {
    throw new Error(`model artifacts: ${field} must be a base64 ${dtype} array`);
  }
  const bytes = Buffer.from(stored.base64, 'base64');
  if (bytes.byteLength % 4 !== 0)
    throw new Error(`model artifacts: ${field} has ${bytes.byteLength} bytes, not a multiple of 4`);
  // Copy into an aligned buffer (Buffer's pool offset need not be 4-aligned).
  const aligned = new Uint8Array(bytes.byteLength);
  aligned.set(bytes);
  return (dtype === 'int32' ? new Int32Array(aligned.buffer) : new Float32Array(aligned.buffer)) as T;
}

/** The jsonb value written to model_versions.artifacts. */
export function encodeArtifacts(a: ModelVersionArtifacts): Record<string, unknown> {
  return {
    format: ARTIFACTS_FORMAT,
    gram: Array.from(a.gram),
    foldIn: a.foldIn,
    text: a.text,
    textToCf: {
      inputDim: a.textToCf.inputDim,
      outputDim: a.textToCf.outputDim,
      weights: Array.from(a.textToCf.weights),
    },
    ...(a.layout ? { layout: a.layout } : {}),
    ...(a.rerank
      ? {
          rerank: {
            linearWeight: a.rerank.linearWeight,
            candidates: a.rerank.candidates,
            itemIds: storeArray(a.rerank.lists.itemIds),
            indptr: storeArray(a.rerank.lists.indptr),
            neighbors: storeArray(a.rerank.lists.neighbors),
            weights: storeArray(a.rerank.lists.weights),
          },
        }
      : {}),
  };
}

/**
 * Reads a stored record back. Returns undefined for a record that lacks what serving needs (a version published
 * half-way, or by a build that stored no fold-in state): such a version is not servable. Throws on a format from a
 * newer build or a malformed field.
 */
export function decodeArtifacts(value: unknown): ModelVersionArtifacts | undefined {
  const raw = (value ?? {}) as Record<string, unknown>;
  const format = raw.format === undefined ? 1 : raw.format;
  if (typeof format !== 'number' || !Number.isInteger(format) || format < 1 || format > ARTIFACTS_FORMAT) {
    throw new Error(
      `model artifacts: format ${String(format)} is not readable by this build (reads 1–${ARTIFACTS_FORMAT})`,
    );
  }
  if (!Array.isArray(raw.gram) || !raw.foldIn || !raw.text || !raw.textToCf) return undefined;
  const out: ModelVersionArtifacts = {
    gram: Float64Array.from(raw.gram as number[]),
    foldIn: raw.foldIn as IalsFoldInParams,
    text: raw.text as StoredTextEncoder,
    textToCf: raw.textToCf as LinearMap,
    ...(raw.layout ? { layout: raw.layout as VectorLayout } : {}),
  };
  const rerank = raw.rerank as Record<string, unknown> | undefined;
  if (format >= 2 && rerank) {
    if (typeof rerank.linearWeight !== 'number' || typeof rerank.candidates !== 'number') {
      throw new Error('model artifacts: rerank.linearWeight and rerank.candidates must be numbers');
    }
    out.rerank = {
      linearWeight: rerank.linearWeight,
      candidates: rerank.candidates,
      lists: {
        itemIds: loadArray(rerank.itemIds, 'int32', 'rerank.itemIds'),
        indptr: loadArray(rerank.indptr, 'int32', 'rerank.indptr'),
        neighbors: loadArray(rerank.neighbors, 'int32', 'rerank.neighbors'),
        weights: loadArray(rerank.weights, 'float32', 'rerank.weights'),
      },
    };
  }
  return out;
}
