// `recgraph ingest <format> <paths...>`: flags → IngestOptions, a progress bar on stderr, the summary on stdout.
// The work itself is training/ingest/ingest.ts (runIngest), callable without the CLI.
import path from 'node:path';
import cliProgress from 'cli-progress';
import type { Command } from 'commander';
import { DATASET_FORMATS } from '../../datasets/index.js';
import type { TextEncoding } from '../../datasets/context.js';
import { runIngest, type IngestOptions, type IngestProgress } from '../../ingest/ingest.js';
import type { IndexStrategy } from '../../ingest/interaction-merge.js';
import { formatIngestSummary } from '../../ingest/summary-format.js';
import { withInfrastructure } from '../context.js';

interface IngestFlags {
  encoding: string;
  idPrefix: string;
  rejects?: string;
  repairText: boolean;
  normalizeCreators: boolean;
  groupEditions: boolean;
  editionThreshold?: string;
  positiveThreshold?: string;
  keepBelowThreshold?: boolean;
  binarize?: boolean;
  kCore?: string;
  kCoreUsers?: string;
  kCoreItems?: string;
  createMissingItems?: boolean;
  indexStrategy: string;
  table?: string;
  map?: string;
  mapping?: string;
  delimiter?: string;
  header: boolean;
  listSeparator?: string;
  timeUnit?: string;
  kind?: string;
  json?: boolean;
  progress: boolean;
}

function number(
  value: string | undefined,
  flag: string,
  check: (n: number) => boolean = Number.isFinite,
): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!check(n)) throw new Error(`${flag}: invalid value "${value}"`);
  return n;
}

const nonNegativeInt = (n: number) => Number.isInteger(n) && n >= 0;

export function ingestOptionsFromFlags(flags: IngestFlags, dataDir: string, format: string): IngestOptions {
  const encodings = ['auto', 'utf-8', 'latin1', 'windows-1252'];
  if (!encodings.includes(flags.encoding)) throw new Error(`--encoding must be one of ${encodings.join(', ')}`);
  if (!['auto', 'keep', 'rebuild'].includes(flags.indexStrategy))
    throw new Error('--index-strategy must be auto, keep or rebuild');
  const kCore = number(flags.kCore, '--k-core', nonNegativeInt);
  const kCoreUsers = number(flags.kCoreUsers, '--k-core-users', nonNegativeInt) ?? kCore;
  const kCoreItems = number(flags.kCoreItems, '--k-core-items', nonNegativeInt) ?? kCore;
  const threshold = number(flags.positiveThreshold, '--positive-threshold');
  const editionThreshold = number(flags.editionThreshold, '--edition-threshold', (n) => n > 0 && n <= 1);
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  return {
    encoding: flags.encoding as TextEncoding,
    idPrefix: flags.idPrefix,
    rejectFile: flags.rejects ?? path.join(dataDir, 'rejects', `ingest-${format}-${stamp}.jsonl`),
    cleaning: {
      ...(flags.repairText ? {} : { text: false as const }),
      normalizeCreators: flags.normalizeCreators,
      ...(threshold !== undefined
        ? {
            implicit: {
              positiveThreshold: threshold,
              belowThreshold: flags.keepBelowThreshold ? ('keep' as const) : ('drop' as const),
              binarize: !!flags.binarize,
            },
          }
        : flags.binarize
          ? { implicit: { binarize: true } }
          : {}),
    },
    groupEditions: flags.groupEditions
      ? editionThreshold !== undefined
        ? { threshold: editionThreshold }
        : true
      : false,
    ...(kCoreUsers || kCoreItems ? { kCore: { minUser: kCoreUsers ?? 0, minItem: kCoreItems ?? 0 } } : {}),
    ...(flags.createMissingItems !== undefined ? { createMissingItems: flags.createMissingItems } : {}),
    indexStrategy: flags.indexStrategy as IndexStrategy,
    generic: {
      ...(flags.table ? { table: flags.table } : {}),
      ...(flags.map ? { map: flags.map } : {}),
      ...(flags.mapping ? { mappingFile: flags.mapping } : {}),
      ...(flags.delimiter ? { delimiter: flags.delimiter } : {}),
      header: flags.header,
      ...(flags.listSeparator ? { listSeparator: flags.listSeparator } : {}),
      ...(flags.timeUnit ? { timeUnit: flags.timeUnit } : {}),
      ...(flags.kind ? { kind: flags.kind } : {}),
    },
  };
}

/** A bar over input bytes (rows, rows/s, ETA) while reading; a status line while Postgres merges. */
function progressBar(enabled: boolean): { update: (p: IngestProgress) => void; stop: () => void } {
  const stream = process.stderr;
  if (!enabled || !stream.isTTY) {
    let last = '';
    return {
      update: (p) => {
        // Without a terminal: one line per stage change, so logs show where time went.
        const key = `${p.stage} ${p.table}`;
        const doing =
          p.stage === 'read'
            ? `reading ${p.table}`
            : p.stage === 'works'
              ? 'grouping editions into works'
              : `merging ${p.table}`;
        if (key !== last && p.stage !== 'done' && enabled) stream.write(`ingest: ${doing}\n`);
        last = key;
      },
      stop: () => undefined,
    };
  }
  const started = Date.now();
  const bar = new cliProgress.SingleBar(
    {
      stream,
      format: '{stage} {table} [{bar}] {percentage}% | {rows} rows | {rate} rows/s | ETA {eta_formatted}',
      barsize: 24,
      hideCursor: true,
      etaBuffer: 50,
    },
    cliProgress.Presets.shades_classic,
  );
  let startedBar = false;
  return {
    update: (p) => {
      if (!startedBar) {
        bar.start(Math.max(p.totalBytes, 1), 0, { stage: 'reading', table: p.table, rows: 0, rate: 0 });
        startedBar = true;
      }
      const seconds = Math.max((Date.now() - started) / 1000, 1e-3);
      const stage =
        p.stage === 'read'
          ? 'reading'
          : p.stage === 'done'
            ? 'done'
            : p.stage === 'works'
              ? 'grouping editions into'
              : 'merging';
      bar.update(p.stage === 'read' ? p.bytesRead : Math.max(p.totalBytes, 1), {
        stage,
        table: p.table,
        rows: p.rows.toLocaleString('en-US'),
        rate: Math.round(p.rows / seconds).toLocaleString('en-US'),
      });
    },
    stop: () => bar.stop(),
  };
}

export function registerIngest(program: Command): void {
  program
    .command('ingest')
    .description('load a catalog and its interactions into Postgres (streaming, COPY speed, idempotent)')
    .argument('<format>', `one of: ${DATASET_FORMATS.join(', ')}`)
    .argument('<paths...>', 'files or folders (folders: the files of the format found in them)')
    .option(
      '--encoding <encoding>',
      'auto | utf-8 | latin1 | windows-1252 (auto: UTF-8, invalid lines as Windows-1252)',
      'auto',
    )
    .option(
      '--id-prefix <prefix>',
      'prefix every user and item id (e.g. "ml1m:") so datasets with overlapping ids can coexist',
      '',
    )
    .option('--rejects <file>', 'reject report (JSON Lines); default <data dir>/rejects/ingest-<format>-<time>.jsonl')
    .option('--no-repair-text', 'keep text as read (no mojibake repair, entity decoding, Unicode normalisation)')
    .option('--no-normalize-creators', 'keep creator names as written')
    .option('--no-group-editions', 'do not group editions into works')
    .option(
      '--edition-threshold <similarity>',
      'Jaro-Winkler similarity for two titles of one creator to be one work (default 0.93)',
    )
    .option(
      '--positive-threshold <rating>',
      'ratings at or above are positive; below are dropped (counted) unless --keep-below-threshold',
    )
    .option('--keep-below-threshold', 'keep ratings below the positive threshold')
    .option('--binarize', 'store positive ratings as implicit events with value 1 (needs --positive-threshold)')
    .option('--k-core <k>', 'keep users and items with at least k interactions (this load, iterated)')
    .option('--k-core-users <k>', 'k-core threshold for users only')
    .option('--k-core-items <k>', 'k-core threshold for items only')
    .option('--create-missing-items', 'create placeholder items for unknown item ids instead of rejecting those events')
    .option(
      '--index-strategy <strategy>',
      'auto | keep | rebuild: how interactions indexes are maintained during big loads',
      'auto',
    )
    .option('--table <table>', 'csv/jsonl: what the rows are: interactions | items | users')
    .option(
      '--map <mapping>',
      'csv/jsonl: field=column pairs, e.g. "user=userId,item=movieId,value=rating,time=timestamp"',
    )
    .option('--mapping <file>', 'csv/jsonl: JSON mapping file (see training/datasets/generic.ts)')
    .option('--delimiter <char>', 'csv: field separator (default: detected from the header)')
    .option('--no-header', 'csv: the file has no header row (map columns by 0-based index)')
    .option('--list-separator <char>', 'csv: separator inside list fields (genres, creators, tags); default "|"')
    .option('--time-unit <unit>', 'csv/jsonl: numeric times are s | ms | auto (default auto)')
    .option(
      '--kind <kind>',
      'csv/jsonl: event kind when no column gives it (default "rating" with a value column, else "interaction")',
    )
    .option('--json', 'print the summary as JSON')
    .option('--no-progress', 'no progress bar')
    .action((format: string, paths: string[], flags: IngestFlags) =>
      withInfrastructure(
        async ({ config, infra }) => {
          const options = ingestOptionsFromFlags(flags, config.dataDir, format);
          const bar = progressBar(flags.progress);
          let summary;
          try {
            summary = await runIngest(infra.pool, format, paths, {
              ...options,
              onProgress: bar.update,
              ...(infra.embeddedPostgres ? { staging: 'insert' } : {}),
            });
          } finally {
            bar.stop();
          }
          console.log(flags.json ? JSON.stringify(summary, null, 2) : formatIngestSummary(summary));
        },
        { qdrant: false },
      ),
    );
}
