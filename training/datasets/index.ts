// The formats `recgraph ingest` understands, and the one entry point that opens any of them.
import type { ReaderContext } from './context.js';
import { FatalIngestError } from './context.js';
import type { Dataset } from './dataset.js';
import { openMovieLens } from './movielens.js';
import { openSplits } from './splits.js';
import { openBookCrossing } from './bookcrossing.js';
import { openAmazon } from './amazon.js';
import { openGeneric, type GenericOptions } from './generic.js';

export const DATASET_FORMATS = ['movielens', 'bookcrossing', 'amazon', 'splits', 'csv', 'jsonl'] as const;
export type DatasetFormat = (typeof DATASET_FORMATS)[number];

export interface OpenDatasetOptions {
  /** csv / jsonl: the column mapping (see generic.ts). */
  generic?: GenericOptions;
}

export async function openDataset(
  format: string,
  paths: string[],
  ctx: ReaderContext,
  options: OpenDatasetOptions = {},
): Promise<Dataset> {
  switch (format) {
    case 'movielens':
      return openMovieLens(paths, ctx);
    case 'bookcrossing':
      return openBookCrossing(paths, ctx);
    case 'amazon':
      return openAmazon(paths, ctx);
    case 'splits':
      return openSplits(paths, ctx);
    case 'csv':
    case 'jsonl':
      return openGeneric(format, paths, ctx, options.generic);
    default:
      throw new FatalIngestError(`unknown format "${format}" (one of: ${DATASET_FORMATS.join(', ')})`);
  }
}
