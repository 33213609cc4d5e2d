// The reject report: one JSON object per line (file, line, table, reason, raw text, severity), written as rejects
// happen so its size never weighs on memory. The file is only created when there is something to report.
// JSON Lines rather than CSV: raw rows carry quotes, delimiters and newlines of every kind.
import { closeSync, mkdirSync, openSync, unlinkSync, writeSync } from 'node:fs';
import path from 'node:path';
import type { RejectRecord } from '../records.js';

export type ReportEntry = RejectRecord & { severity: 'rejected' | 'value dropped' };

export class RejectReport {
  private fd: number | null = null;
  private created = false;
  private buffer: string[] = [];
  private bufferedChars = 0;
  readonly samples: ReportEntry[] = [];
  count = 0;
  /** Rejected rows (and dropped values) per reason, for the summary. */
  readonly byReason = new Map<string, number>();

  constructor(
    /** Where to write; null keeps only counts and the first samples. */
    readonly file: string | null,
    private readonly sampleSize = 10,
  ) {}

  add(entry: ReportEntry): void {
    this.count++;
    // Group reasons by their stable part ("unknown item \"123\"" → "unknown item").
    const reason = entry.reason.replace(/\s*["“(].*$/, '').replace(/:.*$/, '');
    this.byReason.set(`${entry.table}: ${reason}`, (this.byReason.get(`${entry.table}: ${reason}`) ?? 0) + 1);
    if (this.samples.length < this.sampleSize) this.samples.push(entry);
    if (this.file === null) return;
    const line = JSON.stringify({
      file: entry.file,
      line: entry.line,
      table: entry.table,
      severity: entry.severity,
      reason: entry.reason,
      raw: entry.raw,
    });
    this.buffer.push(line);
    this.bufferedChars += line.length;
    if (this.bufferedChars > 256 * 1024) this.flush();
  }

  private flush(): void {
    if (this.file === null || this.buffer.length === 0) return;
    if (this.fd === null) {
      mkdirSync(path.dirname(this.file), { recursive: true });
      this.fd = openSync(this.file, 'w');
      this.created = true;
    }
    writeSync(this.fd, this.buffer.join('\n') + '\n');
    this.buffer = [];
    this.bufferedChars = 0;
  }

  /** Writes what is buffered and closes the file. Returns the path when a report was written. */
  close(): string | null {
    this.flush();
    if (this.fd !== null) {
      closeSync(this.fd);
      this.fd = null;
      return this.file;
    }
    return null;
  }

  /** After a fatal failure nothing was loaded, so a report of "rejected" rows would mislead: remove it. */
  discard(): void {
    this.buffer = [];
    if (this.fd !== null) {
      closeSync(this.fd);
      this.fd = null;
    }
    if (this.file !== null && this.created) {
      try {
        unlinkSync(this.file);
      } catch {
        // never created
      }
    }
  }
}
