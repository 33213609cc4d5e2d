// Image decoding and CLIP-style preprocessing, and the tiny ONNX image encoder the integration test trains with.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeImage, ImageDecodeError, sniffFormat } from '../../training/images/decode.js';
import { OnnxImageEncoder } from '../../training/images/onnx-image-encoder.js';
import { parsePreprocessing, preprocess } from '../../training/images/preprocess.js';
import { jpegOf, pngOf, writeTinyImageEncoder } from '../helpers/tiny-image-encoder.js';

describe('decodeImage', () => {
  it('reads PNG and JPEG by their bytes and refuses other formats by name', () => {
    const png = decodeImage(pngOf(5, 3, [200, 10, 10]));
    expect([png.width, png.height, png.data.length]).toEqual([5, 3, 45]);
    expect(png.data[0]).toBeGreaterThan(150);
    const jpg = decodeImage(jpegOf(16, 8, [10, 10, 220]));
    expect([jpg.width, jpg.height]).toEqual([16, 8]);
    expect(jpg.data[2]).toBeGreaterThan(150);
    expect(sniffFormat(Buffer.from('GIF89a......'))).toBe('gif');
    expect(() => decodeImage(Buffer.from('GIF89a......'))).toThrow(/gif images are not supported/);
    expect(() => decodeImage(Buffer.from('<html>404</html>'))).toThrow(ImageDecodeError);
    const truncated = pngOf(20, 20, [0, 200, 0]).subarray(0, 60);
    expect(() => decodeImage(truncated)).toThrow(/not a readable png/);
  });
});

describe('preprocess', () => {
  const p = parsePreprocessing({
    size: { shortest_edge: 2 },
    crop_size: { height: 2, width: 2 },
    mean: [0.5, 0.5, 0.5],
    std: [0.5, 0.5, 0.5],
  });
  it('resizes the shortest edge, centre-crops, normalises, lays out CHW', () => {
    // 4×2 image: left half black, right half white; shortest edge 2 → 4×2, crop the middle 2×2 columns 1–2.
    const data = new Uint8Array(4 * 2 * 3);
    for (let y = 0; y < 2; y++) for (let x = 2; x < 4; x++) data.fill(255, (y * 4 + x) * 3, (y * 4 + x) * 3 + 3);
    const out = preprocess({ width: 4, height: 2, data }, p);
    expect(out).toHaveLength(3 * 2 * 2);
    // Channel 0, row 0: column 1 is black (−1), column 2 white (+1); the same in every channel.
    expect(Array.from(out.subarray(0, 2))).toEqual([-1, 1]);
    expect(Array.from(out.subarray(8, 10))).toEqual([-1, 1]);
  });
  it('reads the Hugging Face form and refuses a broken one', () => {
    expect(parsePreprocessing({ size: 224, crop_size: 224 })).toMatchObject({
      resize: 224,
      cropHeight: 224,
      cropWidth: 224,
    });
    expect(() => parsePreprocessing({})).toThrow(/size is missing/);
    expect(() => parsePreprocessing({ size: 8, image_mean: [1, 2] })).toThrow(/three numbers/);
  });
});

describe('OnnxImageEncoder on the tiny model', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await writeTinyImageEncoder(await mkdtemp(path.join(os.tmpdir(), 'recgraph-tiny-image-')));
  });
  afterAll(async () => rm(dir, { recursive: true, force: true }));

  it('embeds images of one colour near each other, whatever their size and format', async () => {
    const encoder = await OnnxImageEncoder.fromDirectory(dir);
    try {
      expect(encoder.dimension).toBe(6);
      const [red1, red2, blue] = await encoder.encode([
        decodeImage(pngOf(20, 12, [220, 30, 30], 1)),
        decodeImage(jpegOf(9, 31, [210, 40, 20], 2)),
        decodeImage(pngOf(16, 16, [30, 30, 220], 3)),
      ]);
      const cos = (a: Float32Array, b: Float32Array) => a.reduce((s, x, i) => s + x * b[i], 0);
      expect(cos(red1, red1)).toBeCloseTo(1, 5);
      expect(cos(red1, red2)).toBeGreaterThan(cos(red1, blue) + 0.3);
    } finally {
      await encoder.close();
    }
  });

  it('refuses a directory without a model or preprocessing config', async () => {
    await expect(OnnxImageEncoder.fromDirectory(os.tmpdir())).rejects.toThrow(/no image model/);
  });
});
