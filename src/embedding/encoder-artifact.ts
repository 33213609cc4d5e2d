// How a model version records its text encoder, and how serving opens it again. Three kinds:
// - the catalog encoder recgraph trains (model.onnx + tokenizer.json stored with the version, so any replica can
//   open it from Postgres alone);
// - an external sentence-transformers model (RECGRAPH_TEXT_MODEL): only its path and fingerprint are recorded,
//   the replica loads its own copy and must hold the same files;
// - the hashed TF-IDF embedding of versions trained before the ONNX encoder existed.
import type { HashedTextModel } from './hashed-text.js';
import { OnnxSentenceEncoder, TextEncoderLoadError } from './onnx-sentence-encoder.js';
import { HashedTextEncoder, type SentenceEncoder } from './sentence-encoder.js';

export interface CatalogEncoderArtifact {
  kind: 'onnx';
  source: 'catalog';
  fingerprint: string;
  dimension: number;
  model: Uint8Array;
  tokenizer: Record<string, unknown>;
}
export interface ExternalEncoderArtifact {
  kind: 'onnx';
  source: 'external';
  fingerprint: string;
  dimension: number;
  path: string;
}
export type TextEncoderArtifact = CatalogEncoderArtifact | ExternalEncoderArtifact | HashedTextModel;

/** The JSON form (Postgres jsonb, manifest.json): model bytes as base64. */
export type StoredTextEncoder =
  (Omit<CatalogEncoderArtifact, 'model'> & { modelBase64: string }) | ExternalEncoderArtifact | HashedTextModel;

export function toStoredEncoder(artifact: TextEncoderArtifact): StoredTextEncoder {
  if (artifact.kind === 'onnx' && artifact.source === 'catalog') {
    const { model, ...rest } = artifact;
    return { ...rest, modelBase64: Buffer.from(model.buffer, model.byteOffset, model.byteLength).toString('base64') };
  }
  return artifact;
}

export function fromStoredEncoder(stored: StoredTextEncoder): TextEncoderArtifact {
  if (stored.kind === 'onnx' && stored.source === 'catalog') {
    const { modelBase64, ...rest } = stored;
    return { ...rest, model: new Uint8Array(Buffer.from(modelBase64, 'base64')) };
  }
  return stored;
}

/**
 * Opens the encoder a version was trained with. `external` is the process's configured sentence-transformers
 * model (loaded once at startup); it is used only when its fingerprint is the one the version recorded, because
 * vectors from two different encoders are not comparable.
 */
export async function openTextEncoder(stored: StoredTextEncoder, external?: SentenceEncoder): Promise<SentenceEncoder> {
  if (stored.kind === 'hashed-tfidf') return new HashedTextEncoder(stored);
  if (stored.source === 'catalog') {
    const artifact = fromStoredEncoder(stored) as CatalogEncoderArtifact;
    return OnnxSentenceEncoder.fromBytes(artifact.model, artifact.tokenizer);
  }
  if (external?.fingerprint === stored.fingerprint) return external;
  const loaded = await OnnxSentenceEncoder.fromDirectory(stored.path).catch((error: Error) => {
    throw new TextEncoderLoadError(
      `this model version embeds text with ${stored.path}, which cannot be loaded here: ${error.message}`,
    );
  });
  if (loaded.fingerprint !== stored.fingerprint) {
    await loaded.close();
    throw new TextEncoderLoadError(
      `${stored.path} is not the text model this version was trained with (fingerprint ${loaded.fingerprint}, expected ${stored.fingerprint})`,
    );
  }
  return loaded;
}
