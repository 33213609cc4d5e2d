// Which text encoder the clustering step embeds labels with: the project's own, so labels land in the space item
// text is searched in. RECGRAPH_TEXT_MODEL when configured; else the live model version's encoder (the catalog
// encoder training built); before any training, the built-in hashed TF-IDF embedding fitted on the labels
// themselves (it groups spellings and shared words, not synonyms: train a model first for better names).
import type pg from 'pg';
import { activeVersion, publishedVersion } from '../../src/db/model-versions.js';
import { openTextEncoder } from '../../src/embedding/encoder-artifact.js';
import { fitHashedText } from '../../src/embedding/hashed-text.js';
import { OnnxSentenceEncoder } from '../../src/embedding/onnx-sentence-encoder.js';
import { HashedTextEncoder, type SentenceEncoder } from '../../src/embedding/sentence-encoder.js';
import { decodeArtifacts } from '../../src/recommend/model-artifacts.js';

export interface LabelEncoder {
  encoder: SentenceEncoder;
  /** Said in the command's output. */
  source: string;
}

export async function labelEncoder(
  pool: pg.Pool,
  textModelPath: string | undefined,
  labels: () => Promise<string[]>,
): Promise<LabelEncoder> {
  if (textModelPath) return { encoder: await OnnxSentenceEncoder.fromDirectory(textModelPath), source: textModelPath };
  const version = await activeVersion(pool);
  const row = version ? await publishedVersion(pool, version) : undefined;
  const artifacts = row ? decodeArtifacts(row.artifacts) : undefined;
  if (artifacts)
    return { encoder: await openTextEncoder(artifacts.text), source: `the text encoder of model ${version}` };
  return {
    encoder: new HashedTextEncoder(fitHashedText(await labels())),
    source: 'hashed TF-IDF over the labels (no model trained yet)',
  };
}
