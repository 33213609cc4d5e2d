// What the serving path and training need of a text encoder: unit vectors for a batch of texts, and a fingerprint
// saying which space they live in (a model version records it; serving refuses to mix spaces).
import { embedText, type HashedTextModel } from './hashed-text.js';

export interface SentenceEncoder {
  /** 'onnx' (trained catalog encoder or any sentence-transformers model) or 'hashed-tfidf' (versions trained before the ONNX encoder). */
  readonly kind: string;
  readonly dimension: number;
  readonly fingerprint: string;
  encode(texts: readonly string[]): Promise<Float32Array[]>;
  close?(): Promise<void>;
}

/** The pre-ONNX text embedding behind the same interface, so versions trained with it keep serving. */
export class HashedTextEncoder implements SentenceEncoder {
  readonly kind = 'hashed-tfidf';
  readonly dimension: number;
  readonly fingerprint: string;

  constructor(private readonly model: HashedTextModel) {
    this.dimension = model.dimension;
    this.fingerprint = `hashed-${model.seed}-${model.buckets}-${model.dimension}`;
  }

  async encode(texts: readonly string[]): Promise<Float32Array[]> {
    return texts.map((text) => embedText(this.model, text));
  }
}
