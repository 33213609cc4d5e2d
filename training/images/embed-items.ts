// Training's image step: every trained item with an imageUrl is fetched (a few at a time), decoded and embedded
// with the image encoder; items whose image cannot be had are skipped and counted by why, so the summary says how
// much of the catalogue the items_image collection covers.
import type pg from 'pg';
import { noopProgress, type ProgressSink } from '../progress.js';
import { decodeImage, ImageDecodeError, type RgbImage } from './decode.js';
import { fetchImage, type FetchImageOptions } from './fetch-image.js';
import type { OnnxImageEncoder } from './onnx-image-encoder.js';

export interface ImageCounts {
  /** Trained items with an imageUrl. */
  withUrl: number;
  embedded: number;
  unreachable: number;
  undecodable: number;
  tooLarge: number;
  unsupportedUrl: number;
}

export interface ImageVectors {
  fingerprint: string;
  dimension: number;
  /** Internal ids of the items that got a vector (a subset of the trained items). */
  itemIds: Int32Array;
  vectors: Float32Array;
  counts: ImageCounts;
  /** A few skipped items with their reason, for the log. */
  examples: Array<{ itemId: number; reason: string }>;
}

export interface EmbedImagesOptions extends FetchImageOptions {
  /** Images fetched at once (default 4). */
  concurrency?: number;
  progress?: ProgressSink;
}

const EXAMPLES = 5;

export async function embedItemImages(
  pool: pg.Pool,
  itemIds: Int32Array,
  encoder: OnnxImageEncoder,
  options: EmbedImagesOptions = {},
): Promise<ImageVectors> {
  const progress = options.progress ?? noopProgress;
  const { rows } = await pool.query<{ id: number; imageUrl: string }>(
    `SELECT id, btrim(image_url) AS "imageUrl" FROM items
      WHERE id = ANY($1::int[]) AND NULLIF(btrim(image_url), '') IS NOT NULL ORDER BY id`,
    [Array.from(itemIds)],
  );
  const counts: ImageCounts = {
    withUrl: rows.length,
    embedded: 0,
    unreachable: 0,
    undecodable: 0,
    tooLarge: 0,
    unsupportedUrl: 0,
  };
  const examples: ImageVectors['examples'] = [];
  const skip = (itemId: number, kind: keyof ImageCounts, reason: string) => {
    counts[kind]++;
    if (examples.length < EXAMPLES) examples.push({ itemId, reason });
  };
  const ids: number[] = [];
  const vectors: Float32Array[] = [];
  const concurrency = Math.max(1, options.concurrency ?? 4);
  const chunkSize = 16;
  progress.start(rows.length, 'embed item images');
  for (let start = 0; start < rows.length; start += chunkSize) {
    const chunk = rows.slice(start, start + chunkSize);
    const decoded: Array<RgbImage | undefined> = new Array(chunk.length);
    let next = 0;
    const worker = async () => {
      while (next < chunk.length) {
        const k = next++;
        const { id, imageUrl } = chunk[k];
        const fetched = await fetchImage(imageUrl, options);
        if (!fetched.ok) {
          const kind =
            fetched.kind === 'too-large'
              ? 'tooLarge'
              : fetched.kind === 'unreachable'
                ? 'unreachable'
                : 'unsupportedUrl';
          skip(id, kind, `${imageUrl}: ${fetched.reason}`);
          continue;
        }
        try {
          decoded[k] = decodeImage(fetched.bytes);
        } catch (error) {
          if (!(error instanceof ImageDecodeError)) throw error;
          skip(id, 'undecodable', `${imageUrl}: ${error.message}`);
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, chunk.length) }, worker));
    const ready = chunk.flatMap((row, k) => (decoded[k] ? [{ id: row.id, image: decoded[k]! }] : []));
    const embedded = await encoder.encode(ready.map((r) => r.image));
    ready.forEach((r, k) => {
      ids.push(r.id);
      vectors.push(embedded[k]);
    });
    progress.tick(chunk.length);
  }
  progress.stop();
  counts.embedded = ids.length;
  const flat = new Float32Array(ids.length * encoder.dimension);
  vectors.forEach((v, k) => flat.set(v, k * encoder.dimension));
  return {
    fingerprint: encoder.fingerprint,
    dimension: encoder.dimension,
    itemIds: Int32Array.from(ids),
    vectors: flat,
    counts,
    examples,
  };
}

/** One line for the log: how much of the catalogue got an image vector, and why the rest did not. */
export function formatImageCounts(counts: ImageCounts): string {
  const skipped = (['unreachable', 'undecodable', 'tooLarge', 'unsupportedUrl'] as const)
    .filter((kind) => counts[kind] > 0)
    .map(
      (kind) =>
        `${counts[kind]} ${kind === 'tooLarge' ? 'too large' : kind === 'unsupportedUrl' ? 'unsupported URL' : kind}`,
    );
  return `image vectors: ${counts.embedded} of ${counts.withUrl} items with an image URL${skipped.length ? ` (skipped: ${skipped.join(', ')})` : ''}`;
}
