// What every reader shares: where rejects go, how far through the input we are, and the fatal-error type.
import type { RejectRecord, TableName } from '../records.js';

/**
 * A problem that makes the whole ingest meaningless (missing file, wrong format, unreachable database): one clear
 * message, nothing loaded. Row-level problems are never fatal; they are rejects.
 */
export class FatalIngestError extends Error {
  override readonly name = 'FatalIngestError';
}

/** Byte position over all input files, for a progress bar with an ETA (compressed bytes for .gz files). */
export interface ByteProgress {
  bytesRead: number;
  totalBytes: number;
}

/** Non-fatal observations of the readers (counted, shown in the summary). */
export interface ReaderStats {
  /** Lines that were not valid UTF-8 and were decoded as Windows-1252 instead (encoding 'auto'). */
  reDecodedLines: number;
  /** Values dropped from an otherwise loaded row (e.g. an absurd publication year); each is in the report. */
  droppedValues: number;
  /** Rows rejected by the readers per table (the loader adds its own). */
  rejected: Record<TableName, number>;
}

export function emptyReaderStats(): ReaderStats {
  return {
    reDecodedLines: 0,
    droppedValues: 0,
    rejected: { items: 0, users: 0, interactions: 0 },
  };
}

/** Where a reader sends each rejected row and each dropped value; the report file is written from here. */
export type ReportSink = (entry: RejectRecord & { severity: 'rejected' | 'value dropped' }) => void;

export type TextEncoding = 'auto' | 'utf-8' | 'latin1' | 'windows-1252';

export interface ReaderContext {
  report: ReportSink;
  progress: ByteProgress;
  stats: ReaderStats;
  /** 'auto' (default): UTF-8, lines that are not valid UTF-8 decoded as Windows-1252 (and counted). */
  encoding: TextEncoding;
  /** Prepended to every external id (user and item) so two datasets with overlapping ids can share a database. */
  idPrefix: string;
}

export function createReaderContext(partial: Partial<ReaderContext> = {}): ReaderContext {
  return {
    report: partial.report ?? (() => undefined),
    progress: partial.progress ?? { bytesRead: 0, totalBytes: 0 },
    stats: partial.stats ?? emptyReaderStats(),
    encoding: partial.encoding ?? 'auto',
    idPrefix: partial.idPrefix ?? '',
  };
}

/**
 * Rejects a row: counted per table and reported. Also guards against a wrong format: when nearly every one of the
 * first rows of a file is rejected, the file is not what the format expects, and going on would only produce a
 * reject report as large as the file.
 */
export class RowGuard {
  private seen = 0;
  private bad = 0;
  constructor(
    private readonly ctx: ReaderContext,
    private readonly table: TableName,
    private readonly file: string,
    private readonly format: string,
  ) {}

  ok(): void {
    this.seen++;
  }

  reject(line: number, reason: string, raw: string): void {
    this.ctx.stats.rejected[this.table]++;
    this.seen++;
    this.bad++;
    this.ctx.report({
      table: this.table,
      file: this.file,
      line,
      reason,
      raw: raw.length > 2000 ? raw.slice(0, 2000) + '…' : raw,
      severity: 'rejected',
    });
    if (this.seen === 100 && this.bad >= 95) {
      throw new FatalIngestError(
        `${this.file} does not look like ${this.format} input: ${this.bad} of its first ${this.seen} rows were rejected (first reason: ${reason}). Nothing was loaded.`,
      );
    }
  }

  /** Called at the end of a file: a file of several rows that were all rejected is the wrong format, not bad rows. */
  finish(): void {
    if (this.seen >= 5 && this.bad === this.seen) {
      throw new FatalIngestError(
        `${this.file} does not look like ${this.format} input: all ${this.seen} rows were rejected. Nothing was loaded.`,
      );
    }
  }

  /** A value that could not be kept (the row itself is loaded without it). */
  dropValue(line: number, reason: string, raw: string): void {
    this.ctx.stats.droppedValues++;
    this.ctx.report({
      table: this.table,
      file: this.file,
      line,
      reason,
      raw: raw.length > 2000 ? raw.slice(0, 2000) + '…' : raw,
      severity: 'value dropped',
    });
  }
}
