// The image vectors of a training run: open the configured CLIP-style encoder, embed every trained item's image
// (training/images/embed-items.ts), and hand back what the artifacts and the items_image collection need.
import { embedItemImages, type EmbedImagesOptions } from '../images/embed-items.js';
import { OnnxImageEncoder } from '../images/onnx-image-encoder.js';
import type pg from 'pg';
import type { TrainedImageVectors } from './artifacts.js';

export async function trainImageVectors(
  pool: pg.Pool,
  itemIds: Int32Array,
  modelPath: string,
  options: EmbedImagesOptions = {},
): Promise<TrainedImageVectors> {
  const encoder = await OnnxImageEncoder.fromDirectory(modelPath);
  try {
    const embedded = await embedItemImages(pool, itemIds, encoder, options);
    return {
      model: { path: modelPath, fingerprint: embedded.fingerprint },
      dimension: embedded.dimension,
      itemIds: embedded.itemIds,
      vectors: embedded.vectors,
      counts: embedded.counts,
    };
  } finally {
    await encoder.close();
  }
}
