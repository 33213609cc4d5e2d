// The typed records every reader produces and the bulk loader consumes, plus the shape of a rejected row.
// Re-exported by ingest/bulk-load.ts, which is the public entry point.

/** Where a record came from, so a rejected record can be traced back to its file and line. */
export interface SourceOrigin {
  file: string;
  /** 1-based line (for multi-line CSV records: the line the record starts on). */
  line: number;
}

export interface ItemRecord {
  /** The id the source uses (ISBN, ASIN, MovieLens id, ...). Kept verbatim; the loader never renumbers it. */
  externalId: string;
  title: string;
  creators?: string[];
  publisher?: string | null;
  year?: number | null;
  genres?: string[];
  tags?: string[];
  description?: string | null;
  imageUrl?: string | null;
  language?: string | null;
  /** Merged into the stored attributes (new keys win, keys the record does not mention are kept). */
  attributes?: Record<string, unknown>;
  origin?: SourceOrigin;
}

export interface UserRecord {
  externalId: string;
  attributes?: Record<string, unknown>;
  origin?: SourceOrigin;
}

export interface InteractionRecord {
  userExternalId: string;
  itemExternalId: string;
  /** Default 'interaction'. Readers use 'rating' for explicit ratings and 'implicit' for implicit events. */
  kind?: string;
  /** Default 1. */
  value?: number;
  /** Default: the Unix epoch (see bulk-load.ts: why a fixed instant and not now()). */
  occurredAt?: Date;
  origin?: SourceOrigin;
}

export type TableName = 'items' | 'users' | 'interactions';

/** One row that was not loaded, with enough context to find and fix it. */
export interface RejectRecord {
  table: TableName;
  file: string;
  line: number;
  reason: string;
  /** The raw text of the row as read (or a reconstruction of its fields when the raw text is no longer at hand). */
  raw: string;
}

export type RejectHandler = (reject: RejectRecord) => void;
