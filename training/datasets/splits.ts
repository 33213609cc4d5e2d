// Benchmark split files in the "LightGCN" layout: one line per user, "user item item …" (space or tab
// separated), usually train.txt / valid.txt / test.txt with remapped integer ids and no catalog.
//
// occurred_at: the files carry no time, and the database key includes it, so each split gets a fixed instant
// (Unix epoch + the split's rank in seconds: train 0 s, valid 1 s, test 2 s, any other file 3 s, 4 s, … in name
// order). Re-ingest is idempotent, a user–item pair present in two splits stays two rows, and the split an event
// came from can be read back from its time.
// No catalog: items are created as placeholders (see bulk-load.ts).
import type { InteractionRecord } from '../records.js';
import { FatalIngestError, RowGuard, type ReaderContext } from './context.js';
import type { Dataset } from './dataset.js';
import { listInputs } from './files.js';
import { readLines } from './lines.js';

const SPLIT_RANK: Record<string, number> = { train: 0, valid: 1, validation: 1, val: 1, dev: 1, test: 2 };

/** Seconds after the epoch used as the events' time for a split file name ("train.txt" → 0). */
export function splitSecond(name: string, others: string[]): number {
  const stem = name.replace(/\.(txt|tsv|csv|dat)$/, '');
  if (stem in SPLIT_RANK) return SPLIT_RANK[stem];
  const rest = others.filter((o) => !(o.replace(/\.(txt|tsv|csv|dat)$/, '') in SPLIT_RANK)).sort();
  return 3 + rest.indexOf(name);
}

export async function openSplits(paths: string[], ctx: ReaderContext): Promise<Dataset> {
  const all = await listInputs(paths);
  // In a folder, only text files are splits (README.txt is not: it is skipped by name).
  const files = all.filter((f) => f.explicit || (/\.(txt|tsv|dat)$/.test(f.name) && !/^readme/.test(f.name)));
  const ignored = all.filter((f) => !files.includes(f));
  if (files.length === 0)
    throw new FatalIngestError(`no split files in ${paths.join(', ')} (expected train.txt, valid.txt, test.txt …)`);
  const names = files.map((f) => f.name);

  async function* interactions(): AsyncGenerator<InteractionRecord> {
    for (const file of files) {
      const occurredAt = new Date(splitSecond(file.name, names) * 1000);
      const guard = new RowGuard(ctx, 'interactions', file.path, 'split ("user item item …")');
      for await (const { text, line } of readLines(file.path, ctx, (l, message) => guard.reject(l, message, ''))) {
        const tokens = text.trim().split(/\s+/);
        if (tokens.length === 1 && tokens[0] === '') continue; // blank line
        const [user, ...items] = tokens;
        // Each listed item is one event; a malformed token only costs itself, reported with its position.
        if (!/^[\w.:-]+$/.test(user)) {
          guard.reject(line, `invalid user id "${user}"`, text);
          continue;
        }
        for (const item of items) {
          if (!/^[\w.:-]+$/.test(item)) {
            guard.reject(line, `invalid item id "${item}"`, text);
            continue;
          }
          guard.ok();
          yield {
            userExternalId: ctx.idPrefix + user,
            itemExternalId: ctx.idPrefix + item,
            kind: 'interaction',
            value: 1,
            occurredAt,
            origin: { file: file.path, line },
          };
        }
      }
      guard.finish();
    }
  }

  return { format: 'splits', files, ignored, interactions: interactions(), createMissingItems: true };
}
