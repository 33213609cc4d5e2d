// CLIP-style preprocessing, as a Hugging Face preprocessor_config.json describes it: resize so the shortest edge is
// `shortest_edge` (bilinear here; CLIPImageProcessor uses bicubic, a small difference in the vectors), centre-crop
// to crop_size, scale to [0, 1], normalise per channel with image_mean / image_std, lay out as CHW float32.
import type { RgbImage } from './decode.js';

export interface ImagePreprocessing {
  /** Shortest edge after resizing. */
  resize: number;
  cropHeight: number;
  cropWidth: number;
  mean: [number, number, number];
  std: [number, number, number];
  rescale: number;
}

const CLIP_MEAN: [number, number, number] = [0.48145466, 0.4578275, 0.40821073];
const CLIP_STD: [number, number, number] = [0.26862954, 0.26130258, 0.27577711];

function triple(value: unknown, name: string, fallback: [number, number, number]): [number, number, number] {
  if (value === undefined) return fallback;
  if (!Array.isArray(value) || value.length !== 3 || !value.every((v) => typeof v === 'number' && Number.isFinite(v)))
    throw new Error(`preprocessor_config.json: ${name} must be three numbers`);
  return value as [number, number, number];
}

function edge(value: unknown, name: string): { height: number; width: number } | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'number') return { height: value, width: value };
  const v = value as { shortest_edge?: number; height?: number; width?: number };
  if (typeof v.shortest_edge === 'number') return { height: v.shortest_edge, width: v.shortest_edge };
  if (typeof v.height === 'number' && typeof v.width === 'number') return { height: v.height, width: v.width };
  throw new Error(`preprocessor_config.json: ${name} must be a number, {shortest_edge} or {height, width}`);
}

/**
 * Reads the Hugging Face form (size, crop_size, image_mean, image_std, rescale_factor) or the short one
 * (size, mean, std). Missing mean/std default to CLIP's.
 */
export function parsePreprocessing(config: Record<string, unknown>): ImagePreprocessing {
  const size = edge(config.size, 'size');
  const crop = edge(config.crop_size, 'crop_size') ?? size;
  if (!size || !crop) throw new Error('preprocessor_config.json: size is missing');
  const positive = (n: number) => Number.isInteger(n) && n > 0 && n <= 4096;
  if (![size.height, crop.height, crop.width].every(positive))
    throw new Error('preprocessor_config.json: sizes must be whole numbers of pixels (1–4096)');
  const rescale = typeof config.rescale_factor === 'number' ? config.rescale_factor : 1 / 255;
  return {
    resize: Math.min(size.height, size.width),
    cropHeight: crop.height,
    cropWidth: crop.width,
    mean: triple(config.image_mean ?? config.mean, 'image_mean', CLIP_MEAN),
    std: triple(config.image_std ?? config.std, 'image_std', CLIP_STD),
    rescale,
  };
}

/** Bilinear sample of channel `c` at (x, y) in source pixel coordinates (pixel centres at +0.5). */
function sample(image: RgbImage, x: number, y: number, c: number): number {
  const fx = Math.min(Math.max(x - 0.5, 0), image.width - 1);
  const fy = Math.min(Math.max(y - 0.5, 0), image.height - 1);
  const x0 = Math.floor(fx);
  const y0 = Math.floor(fy);
  const x1 = Math.min(x0 + 1, image.width - 1);
  const y1 = Math.min(y0 + 1, image.height - 1);
  const ax = fx - x0;
  const ay = fy - y0;
  const at = (xx: number, yy: number) => image.data[(yy * image.width + xx) * 3 + c];
  return (1 - ay) * ((1 - ax) * at(x0, y0) + ax * at(x1, y0)) + ay * ((1 - ax) * at(x0, y1) + ax * at(x1, y1));
}

/** The model input for one image: 3 × cropHeight × cropWidth floats. */
export function preprocess(image: RgbImage, p: ImagePreprocessing): Float32Array {
  const scale = p.resize / Math.min(image.width, image.height);
  const resizedW = Math.max(p.cropWidth, Math.round(image.width * scale));
  const resizedH = Math.max(p.cropHeight, Math.round(image.height * scale));
  const left = Math.floor((resizedW - p.cropWidth) / 2);
  const top = Math.floor((resizedH - p.cropHeight) / 2);
  const sx = image.width / resizedW;
  const sy = image.height / resizedH;
  const plane = p.cropHeight * p.cropWidth;
  const out = new Float32Array(3 * plane);
  for (let y = 0; y < p.cropHeight; y++)
    for (let x = 0; x < p.cropWidth; x++) {
      const srcX = (left + x + 0.5) * sx;
      const srcY = (top + y + 0.5) * sy;
      for (let c = 0; c < 3; c++)
        out[c * plane + y * p.cropWidth + x] = (sample(image, srcX, srcY, c) * p.rescale - p.mean[c]) / p.std[c];
    }
  return out;
}
