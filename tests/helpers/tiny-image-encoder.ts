// A tiny CLIP-shaped image encoder, built here as an ONNX graph because no pretrained model can be downloaded:
// pixel_values [batch, 3, 8, 8] → Conv 3×3 (4 filters) → Relu → GlobalAveragePool → Flatten → MatMul → image_embeds
// [batch, 6]. Filters 0–2 average one colour channel each and filter 3 responds to texture (centre minus
// neighbours), so images of one dominant colour land near each other whatever their size or format; that is what the
// tests check through the real training and serving path. Written with the repository's ONNX graph builder
// (onnx-proto) next to a Hugging Face style preprocessor_config.json.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { Rng } from '../../src/random.js';
import { DataType, GraphBuilder } from '../../training/models/text-encoder/onnx-graph.js';

export const TINY_IMAGE_SIZE = 8;
export const TINY_IMAGE_DIM = 6;

export function tinyImageEncoderBytes(seed = 5): Uint8Array {
  const g = new GraphBuilder('tiny_image_encoder');
  const pixels = g.input('pixel_values', DataType.FLOAT, ['batch', 3, TINY_IMAGE_SIZE, TINY_IMAGE_SIZE]);
  const filters = new Float32Array(4 * 3 * 3 * 3);
  const at = (f: number, c: number, y: number, x: number) => ((f * 3 + c) * 3 + y) * 3 + x;
  for (let c = 0; c < 3; c++) for (let y = 0; y < 3; y++) for (let x = 0; x < 3; x++) filters[at(c, c, y, x)] = 1 / 9;
  for (let c = 0; c < 3; c++)
    for (let y = 0; y < 3; y++)
      for (let x = 0; x < 3; x++) filters[at(3, c, y, x)] = y === 1 && x === 1 ? 8 / 3 : -1 / 3;
  const weights = g.floats('conv_w', [4, 3, 3, 3], filters);
  const bias = g.floats('conv_b', [4], new Float32Array(4));
  const conv = g.node('Conv', [pixels, weights, bias], { kernel_shape: [3, 3], pads: [1, 1, 1, 1] });
  const pooled = g.node('GlobalAveragePool', [g.node('Relu', [conv])]);
  const flat = g.node('Flatten', [pooled], { axis: 1 });
  // Identity on the four features plus two seeded mixtures of them: a projection, as CLIP's visual_projection is.
  const rng = new Rng(seed);
  const projection = new Float32Array(4 * TINY_IMAGE_DIM);
  for (let i = 0; i < 4; i++) {
    projection[i * TINY_IMAGE_DIM + i] = 1;
    for (let j = 4; j < TINY_IMAGE_DIM; j++) projection[i * TINY_IMAGE_DIM + j] = rng.normal() * 0.1;
  }
  g.node('MatMul', [flat, g.floats('projection', [4, TINY_IMAGE_DIM], projection)], {}, 'image_embeds');
  g.output('image_embeds', DataType.FLOAT, ['batch', TINY_IMAGE_DIM]);
  return g.encode();
}

/** Writes model.onnx + preprocessor_config.json (CLIP's mean/std, 8-pixel size and crop) into `dir`. */
export async function writeTinyImageEncoder(dir: string): Promise<string> {
  await mkdir(dir, { recursive: true });
  await writeFile(path.join(dir, 'model.onnx'), tinyImageEncoderBytes());
  await writeFile(
    path.join(dir, 'preprocessor_config.json'),
    JSON.stringify({
      image_processor_type: 'CLIPImageProcessor',
      do_resize: true,
      size: { shortest_edge: TINY_IMAGE_SIZE },
      do_center_crop: true,
      crop_size: { height: TINY_IMAGE_SIZE, width: TINY_IMAGE_SIZE },
      do_rescale: true,
      rescale_factor: 1 / 255,
      do_normalize: true,
      image_mean: [0.48145466, 0.4578275, 0.40821073],
      image_std: [0.26862954, 0.26130258, 0.27577711],
    }),
  );
  return dir;
}

/** RGBA pixels of one dominant colour with seeded noise. */
function pixels(width: number, height: number, rgb: [number, number, number], seed: number): Uint8Array {
  const rng = new Rng(seed);
  const data = new Uint8Array(width * height * 4);
  for (let p = 0; p < width * height; p++) {
    for (let c = 0; c < 3; c++)
      data[p * 4 + c] = Math.max(0, Math.min(255, rgb[c] + Math.round((rng.next() - 0.5) * 60)));
    data[p * 4 + 3] = 255;
  }
  return data;
}

export function pngOf(width: number, height: number, rgb: [number, number, number], seed = 1): Buffer {
  const png = new PNG({ width, height });
  png.data = Buffer.from(pixels(width, height, rgb, seed));
  return PNG.sync.write(png);
}

export function jpegOf(width: number, height: number, rgb: [number, number, number], seed = 1): Buffer {
  return jpeg.encode({ data: pixels(width, height, rgb, seed), width, height }, 90).data;
}
