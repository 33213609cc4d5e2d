// Image bytes → RGB pixels, in pure JavaScript (jpeg-js, pngjs: nothing native to install). JPEG and PNG, told
// apart by their magic bytes, not by the URL; anything else is refused with the format named. Alpha is dropped
// (as PIL's convert("RGB") does, which CLIP preprocessing starts with).
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';

export interface RgbImage {
  width: number;
  height: number;
  /** width × height × 3 bytes, row-major, RGB. */
  data: Uint8Array;
}

export class ImageDecodeError extends Error {}

/** Larger images are refused rather than decoded (a 50-megapixel RGBA buffer is 200 MB). */
const MAX_MEGAPIXELS = 50;

export function sniffFormat(bytes: Uint8Array): 'jpeg' | 'png' | string {
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'jpeg';
  if (bytes.length >= 8 && [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a].every((b, i) => bytes[i] === b))
    return 'png';
  const head = Buffer.from(bytes.subarray(0, 12)).toString('latin1');
  if (head.startsWith('GIF8')) return 'gif';
  if (head.startsWith('RIFF') && head.slice(8, 12) === 'WEBP') return 'webp';
  if (head.trimStart().startsWith('<')) return 'html or svg';
  return 'unknown';
}

function dropAlpha(width: number, height: number, rgba: Uint8Array): RgbImage {
  const data = new Uint8Array(width * height * 3);
  for (let p = 0, q = 0; p < width * height; p++, q += 4) {
    data[p * 3] = rgba[q];
    data[p * 3 + 1] = rgba[q + 1];
    data[p * 3 + 2] = rgba[q + 2];
  }
  return { width, height, data };
}

export function decodeImage(bytes: Uint8Array): RgbImage {
  const format = sniffFormat(bytes);
  try {
    if (format === 'jpeg') {
      const image = jpeg.decode(bytes, {
        useTArray: true,
        formatAsRGBA: true,
        maxResolutionInMP: MAX_MEGAPIXELS,
        maxMemoryUsageInMB: 512,
      });
      return dropAlpha(image.width, image.height, image.data);
    }
    if (format === 'png') {
      const image = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
      if (image.width * image.height > MAX_MEGAPIXELS * 1e6)
        throw new ImageDecodeError(`${image.width}×${image.height} is larger than ${MAX_MEGAPIXELS} megapixels`);
      return dropAlpha(image.width, image.height, new Uint8Array(image.data));
    }
  } catch (error) {
    if (error instanceof ImageDecodeError) throw error;
    throw new ImageDecodeError(`not a readable ${format}: ${(error as Error).message}`);
  }
  throw new ImageDecodeError(`${format} images are not supported (JPEG and PNG are)`);
}
