// The exported ONNX models run in onnxruntime-node and agree with their TypeScript references: the catalog
// encoder recgraph trains, and a sentence-transformers-shaped model loaded from a directory by the same loader.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTextEncoder, toStoredEncoder } from '../../src/embedding/encoder-artifact.js';
import { embedText, fitHashedText } from '../../src/embedding/hashed-text.js';
import { OnnxSentenceEncoder, TextEncoderLoadError } from '../../src/embedding/onnx-sentence-encoder.js';
import { generateDemoDataset } from '../../training/demo/generate.js';
import { itemText } from '../../src/embedding/item-text.js';
import {
  catalogTokenizer,
  exportCatalogEncoder,
  fitCatalogEncoder,
  referenceEmbedding,
} from '../../training/models/text-encoder/catalog-encoder.js';
import { DataType, GraphBuilder } from '../../training/models/text-encoder/onnx-graph.js';
import { Rng } from '../../src/random.js';
import {
  tinyModel,
  tinyReferenceEmbedding,
  tinyTokenizerJson,
  TINY_VOCAB,
  writeTinyModel,
} from '../helpers/tiny-sentence-transformer.js';

const maxAbsDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  expect(a.length).toBe(b.length);
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i] - b[i]));
  return max;
};

describe('the catalog encoder exported to ONNX', () => {
  const dataset = generateDemoDataset({ seed: 5, items: 300, users: 50, eventsPerUser: 10 });
  const documents = dataset.items.map((item) => itemText({ ...item, description: item.description }));
  const rng = new Rng(9);
  const cfDim = 8;
  const cf = Float32Array.from({ length: documents.length * cfDim }, () => rng.normal());
  const encoder = fitCatalogEncoder(
    documents,
    { vectors: cf, dim: cfDim, rows: documents.map((_, i) => i).filter((i) => i % 3 !== 0) },
    { textDimension: 32 },
  );
  const tokenizer = catalogTokenizer(encoder);
  let session: OnnxSentenceEncoder;

  beforeAll(async () => {
    const { model, tokenizer: json } = exportCatalogEncoder(encoder);
    session = await OnnxSentenceEncoder.fromBytes(model, json);
  });
  afterAll(async () => session?.close());

  it('matches the TypeScript reference embedding numerically, text by text and in one padded batch', async () => {
    const texts = [...documents.slice(0, 40), 'dragon wizard by Ada Quinn', 'A MYSTERY of the Crypt!!', 'x'];
    const batched = await session.encode(texts);
    for (let i = 0; i < texts.length; i++) {
      const reference = referenceEmbedding(encoder, tokenizer.encode(texts[i]).ids);
      expect(maxAbsDiff(batched[i], reference), texts[i]).toBeLessThan(1e-5);
    }
    const single = await session.encode([texts[3]]);
    expect(maxAbsDiff(single[0], batched[3])).toBeLessThan(1e-6); // padding in a batch changes nothing
  });

  it('reports its dimension, returns unit vectors, and zeros for text it has no character of', async () => {
    expect(session.dimension).toBe(32 + cfDim);
    const [known, unknown] = await session.encode(['fantasy dragon', '🐉 ✨']);
    expect(Math.hypot(...known)).toBeCloseTo(1, 5);
    expect(unknown.every((x) => x === 0)).toBe(true);
  });

  it('round-trips through the stored (Postgres JSON) form and opens to the same vectors', async () => {
    const { model, tokenizer: json } = exportCatalogEncoder(encoder);
    const stored = JSON.parse(
      JSON.stringify(
        toStoredEncoder({
          kind: 'onnx',
          source: 'catalog',
          fingerprint: session.fingerprint,
          dimension: session.dimension,
          model,
          tokenizer: json,
        }),
      ),
    );
    const reopened = await openTextEncoder(stored);
    expect(reopened.fingerprint).toBe(session.fingerprint);
    const [a] = await reopened.encode(['dragon crown']);
    const [b] = await session.encode(['dragon crown']);
    expect(maxAbsDiff(a, b)).toBe(0);
    await reopened.close?.();
  });
});

describe('versions trained before the ONNX encoder', () => {
  it('keep serving: their stored hashed TF-IDF model opens behind the same interface', async () => {
    const model = fitHashedText(['dragon crown', 'star galaxy'], { dimension: 16 });
    const encoder = await openTextEncoder(JSON.parse(JSON.stringify(model)));
    expect(encoder).toMatchObject({ kind: 'hashed-tfidf', dimension: 16 });
    const [vector] = await encoder.encode(['dragon']);
    expect(Array.from(vector)).toEqual(Array.from(embedText(model, 'dragon')));
  });
});

describe('any sentence-transformers ONNX model, loaded from a directory', () => {
  let dir: string;
  const model = tinyModel();
  const id = (token: string) => TINY_VOCAB.indexOf(token);

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'recgraph-st-'));
  });
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('tokenizes with the BERT template, mean-pools last_hidden_state over the mask and normalises', async () => {
    const encoder = await OnnxSentenceEncoder.fromDirectory(await writeTinyModel(path.join(dir, 'st'), model));
    try {
      expect(encoder.dimension).toBe(model.hidden);
      expect(encoder.tokenize('The Dragons').ids).toEqual([
        id('[CLS]'),
        id('the'),
        id('dragon'),
        id('##s'),
        id('[SEP]'),
      ]);
      const texts = ['the dragon throne', 'Murder, detective!', 'star'];
      const vectors = await encoder.encode(texts);
      const expected = [
        [id('[CLS]'), id('the'), id('dragon'), id('throne'), id('[SEP]')],
        [id('[CLS]'), id('murder'), id('[UNK]'), id('detective'), id('[UNK]'), id('[SEP]')],
        [id('[CLS]'), id('star'), id('[SEP]')],
      ];
      texts.forEach((text, i) =>
        expect(maxAbsDiff(vectors[i], tinyReferenceEmbedding(model, expected[i])), text).toBeLessThan(1e-5),
      );
    } finally {
      await encoder.close();
    }
  });

  it('truncates long texts to model_max_length and keeps the closing [SEP]', async () => {
    const encoder = await OnnxSentenceEncoder.fromDirectory(await writeTinyModel(path.join(dir, 'st-trunc'), model));
    try {
      const { ids } = encoder.tokenize('star galaxy dragon throne murder detective ada quinn the star');
      expect(ids).toHaveLength(model.maxLength);
      expect(ids[0]).toBe(id('[CLS]'));
      expect(ids.at(-1)).toBe(id('[SEP]'));
      const [vector] = await encoder.encode(['star galaxy dragon throne murder detective ada quinn the star']);
      expect(maxAbsDiff(vector, tinyReferenceEmbedding(model, ids))).toBeLessThan(1e-5);
    } finally {
      await encoder.close();
    }
  });

  it('accepts the token_embeddings output name and the optimum layout (onnx/model.onnx)', async () => {
    const target = path.join(dir, 'optimum');
    await writeTinyModel(path.join(target, 'onnx'), model, 'token_embeddings');
    await writeFile(path.join(target, 'tokenizer.json'), JSON.stringify(tinyTokenizerJson()));
    const encoder = await OnnxSentenceEncoder.fromDirectory(target);
    try {
      const [vector] = await encoder.encode(['galaxy']);
      expect(maxAbsDiff(vector, tinyReferenceEmbedding(model, [id('[CLS]'), id('galaxy'), id('[SEP]')]))).toBeLessThan(
        1e-5,
      );
    } finally {
      await encoder.close();
    }
  });

  it('refuses what it cannot run with a clear error', async () => {
    await expect(OnnxSentenceEncoder.fromDirectory(path.join(dir, 'nothing-here'))).rejects.toThrow(/no model.onnx/);
    const noTokenizer = path.join(dir, 'no-tokenizer');
    await writeTinyModel(noTokenizer, model);
    await rm(path.join(noTokenizer, 'tokenizer.json'));
    await expect(OnnxSentenceEncoder.fromDirectory(noTokenizer)).rejects.toThrow(/no tokenizer.json/);

    const g = new GraphBuilder('odd');
    g.input('pixel_values', DataType.FLOAT, ['batch', 3]);
    g.node('Identity', ['pixel_values'], {}, 'out');
    g.output('out', DataType.FLOAT, ['batch', 3]);
    const odd = OnnxSentenceEncoder.fromBytes(g.encode(), tinyTokenizerJson());
    await expect(odd).rejects.toBeInstanceOf(TextEncoderLoadError);
    await expect(odd).rejects.toThrow(/pixel_values/);
    await expect(OnnxSentenceEncoder.fromBytes(new Uint8Array([1, 2, 3]), {})).rejects.toThrow(
      /onnxruntime could not load/,
    );
  });

  it('serving refuses a configured model whose fingerprint is not the one a version was trained with', async () => {
    const trainedWith = await OnnxSentenceEncoder.fromDirectory(await writeTinyModel(path.join(dir, 'st-a'), model));
    const other = await OnnxSentenceEncoder.fromDirectory(await writeTinyModel(path.join(dir, 'st-b'), tinyModel(4)));
    try {
      const stored = {
        kind: 'onnx' as const,
        source: 'external' as const,
        fingerprint: trainedWith.fingerprint,
        dimension: trainedWith.dimension,
        path: path.join(dir, 'st-b'),
      };
      expect(await openTextEncoder(stored, trainedWith)).toBe(trainedWith); // the configured session is reused
      await expect(openTextEncoder(stored, other)).rejects.toThrow(/not the text model this version was trained with/);
    } finally {
      await trainedWith.close();
      await other.close();
    }
  });
});
