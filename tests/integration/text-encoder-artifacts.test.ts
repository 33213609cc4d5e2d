// A trained version's text encoder survives the trip to disk (recgraph train --no-export, then recgraph export):
// the manifest describes it, text-encoder/ holds model.onnx + tokenizer.json, and that directory is itself a
// sentence-transformers-style model the generic loader opens to the same space.
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { CatalogEncoderArtifact } from '../../src/embedding/encoder-artifact.js';
import { itemText } from '../../src/embedding/item-text.js';
import { OnnxSentenceEncoder } from '../../src/embedding/onnx-sentence-encoder.js';
import { generateDemoDataset } from '../../training/demo/generate.js';
import { Rng } from '../../src/random.js';
import { loadArtifacts, saveArtifacts, type ModelArtifacts } from '../../training/train-job/artifacts.js';
import { trainTextEncoder } from '../../training/train-job/text-encoder.js';

describe('text encoder artifacts on disk', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  it('round-trips through saveArtifacts/loadArtifacts and loads as a model directory', async () => {
    const documents = generateDemoDataset({ seed: 8, items: 120, users: 10, eventsPerUser: 5 }).items.map((item) =>
      itemText(item),
    );
    const rng = new Rng(4);
    const dim = 6;
    const cf = Float32Array.from({ length: documents.length * dim }, () => rng.normal());
    const rows = documents.map((_, i) => i);
    const text = await trainTextEncoder(documents, cf, dim, rows, { encoderParams: { textDimension: 24 } });
    expect(text.artifact).toMatchObject({ kind: 'onnx', source: 'catalog', dimension: 24 + dim });
    const model: ModelArtifacts = {
      version: 'v-test',
      kind: 'ials',
      params: {},
      metrics: {},
      dimension: dim,
      cutoff: new Date('2026-01-01T00:00:00Z'),
      itemIds: Int32Array.from(rows, (i) => i + 1),
      userIds: Int32Array.of(1),
      itemVectors: cf,
      userVectors: new Float32Array(dim),
      gram: new Float32Array(dim * dim),
      itemCounts: new Float32Array(documents.length),
      text: { model: text.artifact, dimension: text.dimension, vectors: text.vectors },
      textToCf: text.textToCf,
    };
    const dir = await mkdtemp(path.join(os.tmpdir(), 'recgraph-artifacts-'));
    dirs.push(dir);
    await saveArtifacts(dir, model);
    expect((await readdir(path.join(dir, 'text-encoder'))).sort()).toEqual(['model.onnx', 'tokenizer.json']);

    const loaded = await loadArtifacts(dir);
    const { model: bytes, ...described } = loaded.text.model as CatalogEncoderArtifact;
    const { model: trainedBytes, ...trainedDescribed } = text.artifact as CatalogEncoderArtifact;
    expect(described).toEqual(trainedDescribed);
    expect(Buffer.compare(bytes, trainedBytes)).toBe(0);
    expect(Array.from(loaded.text.vectors)).toEqual(Array.from(text.vectors));

    const encoder = await OnnxSentenceEncoder.fromDirectory(path.join(dir, 'text-encoder'));
    try {
      expect(encoder.fingerprint).toBe(text.artifact.fingerprint);
      const [again] = await encoder.encode([documents[5]]);
      const trained = text.vectors.subarray(5 * text.dimension, 6 * text.dimension);
      // Alone vs inside a padded batch of 120: the same sums in another order, equal to float32 rounding.
      again.forEach((x, d) => expect(Math.abs(x - trained[d])).toBeLessThan(1e-6));
    } finally {
      await encoder.close();
    }
  });
});
