// `recgraph ingest` without the CLI: open a dataset, clean it, bulk-load it, write the reject report, summarise.
// Callable from tests and scripts; the CLI only parses flags and draws the progress bar.
import type pg from 'pg';
import {
  emptyCleaningReport,
  cleanInteractions,
  cleanItems,
  type CleaningOptions,
  type CleaningReport,
} from '../clean/pipeline.js';
import { validatePolicy } from '../clean/implicit.js';
import type { KCoreOptions } from '../clean/k-core.js';
import type { WorkGroupingOptions, WorkGroupingSummary } from './work-ids.js';
import { createReaderContext, FatalIngestError, type TextEncoding } from '../datasets/context.js';
import { openDataset, type OpenDatasetOptions } from '../datasets/index.js';
import { bulkLoad, type LoadProgress, type TableSummary } from './bulk-load.js';
import type { TableName } from '../records.js';
import { RejectReport, type ReportEntry } from './reject-report.js';
import type { StagingMode } from './staging.js';
import type { IndexStrategy } from './interaction-merge.js';

export interface IngestOptions extends OpenDatasetOptions {
  /** Text encoding of the input files. Default 'auto' (UTF-8, with a per-line Windows-1252 fallback). */
  encoding?: TextEncoding;
  /** Prefix for every external id (e.g. "ml1m:"), so datasets with overlapping ids can share one database. */
  idPrefix?: string;
  cleaning?: CleaningOptions;
  kCore?: KCoreOptions;
  /** Default true. */
  groupEditions?: boolean | WorkGroupingOptions;
  /** Override the format's policy for interactions with unknown items (see bulk-load.ts). */
  createMissingItems?: boolean;
  /** JSON Lines reject report, created only when something is rejected. null: counts and samples only. */
  rejectFile?: string | null;
  onProgress?: (progress: IngestProgress) => void;
  staging?: StagingMode;
  indexStrategy?: IndexStrategy;
}

export interface IngestProgress {
  stage: 'read' | 'merge' | 'works' | 'done';
  table: TableName | 'works';
  /** Records read so far from the current table's files. */
  rows: number;
  /** Input bytes consumed over all files (compressed bytes for .gz), and their total: the basis of the ETA. */
  bytesRead: number;
  totalBytes: number;
}

export type IngestTableReport = TableSummary;

export interface IngestSummary {
  format: string;
  files: string[];
  ignoredFiles: string[];
  tables: Record<TableName, IngestTableReport>;
  works: WorkGroupingSummary | null;
  interactionStrategy: 'keep' | 'rebuild' | null;
  cleaning: CleaningReport;
  /** Lines decoded as Windows-1252 because they were not valid UTF-8. */
  reDecodedLines: number;
  /** Values left out of otherwise loaded rows (each one is in the report). */
  droppedValues: number;
  rejectFile: string | null;
  /** Rejected rows and dropped values per reason. */
  rejectReasons: Record<string, number>;
  rejectSamples: ReportEntry[];
  durationMs: number;
  /** Milliseconds per loader step (see LoadSummary.timings). */
  timings: Record<string, number>;
}

const CONNECTION_ERRORS = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ETIMEDOUT',
  'ECONNRESET',
  '28P01',
  '28000',
  '3D000',
  '57P03',
]);

export async function runIngest(
  pool: pg.Pool,
  format: string,
  paths: string[],
  options: IngestOptions = {},
): Promise<IngestSummary> {
  const started = Date.now();
  if (options.cleaning?.implicit) validatePolicy(options.cleaning.implicit);
  const report = new RejectReport(options.rejectFile ?? null);
  const ctx = createReaderContext({
    encoding: options.encoding ?? 'auto',
    idPrefix: options.idPrefix ?? '',
    report: (entry) => report.add(entry),
  });
  const cleaning = emptyCleaningReport();
  const cleaningOptions = options.cleaning ?? {};

  try {
    const dataset = await openDataset(format, paths, ctx, options);
    ctx.progress.totalBytes = dataset.files.reduce((sum, f) => sum + f.size, 0);
    const onProgress = options.onProgress;
    const progress = (p: LoadProgress) =>
      onProgress?.({
        stage: p.phase === 'stage' ? 'read' : p.table === 'works' ? 'works' : p.phase === 'done' ? 'done' : 'merge',
        table: p.table,
        // The loader counts what reached it; rows the readers rejected were read too.
        rows: p.rows + (p.table === 'works' ? 0 : ctx.stats.rejected[p.table]),
        bytesRead: ctx.progress.bytesRead,
        totalBytes: ctx.progress.totalBytes,
      });

    let load;
    try {
      load = await bulkLoad(
        pool,
        {
          ...(dataset.items ? { items: cleanItems(dataset.items, cleaningOptions, cleaning) } : {}),
          ...(dataset.users ? { users: dataset.users } : {}),
          ...(dataset.interactions
            ? { interactions: cleanInteractions(dataset.interactions, cleaningOptions, cleaning) }
            : {}),
        },
        {
          onProgress: progress,
          onReject: (r) => report.add({ ...r, severity: 'rejected' }),
          createMissingItems: options.createMissingItems ?? dataset.createMissingItems,
          groupEditions: options.groupEditions ?? true,
          ...(options.kCore ? { kCore: options.kCore } : {}),
          ...(options.staging ? { staging: options.staging } : {}),
          ...(options.indexStrategy ? { indexStrategy: options.indexStrategy } : {}),
          progressEvery: 20_000,
        },
      );
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (!(error instanceof FatalIngestError) && code && CONNECTION_ERRORS.has(code)) {
        throw new FatalIngestError(`database unreachable (${code}): ${(error as Error).message}. Nothing was loaded.`);
      }
      throw error;
    }

    // Reader-side rejects and policy drops happen before the loader sees a record: add them back so that
    // read = rejected + filtered + merged + inserted + updated + unchanged holds per table.
    const tables = {} as Record<TableName, IngestTableReport>;
    for (const table of ['items', 'users', 'interactions'] as const) {
      const readerRejected = ctx.stats.rejected[table];
      const policyFiltered = table === 'interactions' ? cleaning.implicit.filtered : 0;
      tables[table] = {
        ...load[table],
        read: load[table].read + readerRejected + policyFiltered,
        rejected: load[table].rejected + readerRejected,
        filtered: load[table].filtered + policyFiltered,
      };
    }
    const rejectFile = report.close();
    return {
      format: dataset.format,
      files: dataset.files.map((f) => f.path),
      ignoredFiles: dataset.ignored.map((f) => f.path),
      tables,
      works: load.works,
      interactionStrategy: load.interactionStrategy,
      cleaning,
      reDecodedLines: ctx.stats.reDecodedLines,
      droppedValues: ctx.stats.droppedValues,
      rejectFile,
      rejectReasons: Object.fromEntries([...report.byReason.entries()].sort((a, b) => b[1] - a[1])),
      rejectSamples: report.samples,
      durationMs: Date.now() - started,
      timings: load.timings,
    };
  } catch (error) {
    report.discard();
    throw error;
  }
}
