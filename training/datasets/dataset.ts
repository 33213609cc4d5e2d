// What a format reader hands to the ingest: lazy record streams (each read once, in the order items → users →
// interactions) and the files they come from.
import type { InteractionRecord, ItemRecord, UserRecord } from '../records.js';
import type { InputFile } from './files.js';

export interface Dataset {
  format: string;
  /** Files that will be read. */
  files: InputFile[];
  /** Files found in the given folders that this format does not use (listed in the summary, not read). */
  ignored: InputFile[];
  items?: AsyncIterable<ItemRecord>;
  users?: AsyncIterable<UserRecord>;
  interactions?: AsyncIterable<InteractionRecord>;
  /** The format has no catalog (splits): unknown item ids become placeholder items instead of rejects. */
  createMissingItems: boolean;
}
