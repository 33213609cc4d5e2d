// The metadata `recgraph enrich` can fill in, what "lacking" means for each, and where a finished answer goes.
// summary → the item's description (only when it has none), genre → its genres (only when it has none), theme /
// tone / audience → a prefixed tag ("tone:dark"): so every enriched field reaches the text encoder's item text
// (src/embedding/item-text.ts reads title, creators, genres, tags, description) and the ItemFilter (genres, tags)
// without a second copy of the filter machinery.
export const ENRICH_FIELDS = ['summary', 'genre', 'theme', 'tone', 'audience'] as const;
export type EnrichField = (typeof ENRICH_FIELDS)[number];

/** Short free-text labels, clustered into a small vocabulary; the summary is prose and stays as written. */
export const LABEL_FIELDS: readonly EnrichField[] = ['genre', 'theme', 'tone', 'audience'];

/** Fields whose vocabulary label becomes a tag `${field}:${label}`. */
export const TAG_FIELDS: readonly EnrichField[] = ['theme', 'tone', 'audience'];

/** The instruction per field, as the model reads it; also the length limits the JSON schema enforces. */
export const FIELD_SPECS: Record<EnrichField, { describe: string; maxLength: number }> = {
  summary: { describe: 'one or two plain sentences saying what the item is about', maxLength: 600 },
  genre: { describe: 'its main genre, 1 to 3 words (e.g. "mystery", "science fiction")', maxLength: 60 },
  theme: { describe: 'its main theme, 1 to 3 words (e.g. "friendship", "coming of age")', maxLength: 60 },
  tone: { describe: 'its tone, 1 or 2 words (e.g. "dark", "light-hearted")', maxLength: 40 },
  audience: { describe: 'who it is for, 1 to 3 words (e.g. "children", "young adults", "adults")', maxLength: 40 },
};

/** `--fields summary,genre`: known names only, each once, in the canonical order. */
export function parseFields(text: string): EnrichField[] {
  const asked = text
    .split(',')
    .map((name) => name.trim().toLowerCase())
    .filter((name) => name.length > 0);
  if (!asked.length) throw new Error(`--fields needs at least one of ${ENRICH_FIELDS.join(', ')}`);
  for (const name of asked)
    if (!(ENRICH_FIELDS as readonly string[]).includes(name))
      throw new Error(`--fields: unknown field "${name}" (known: ${ENRICH_FIELDS.join(', ')})`);
  return ENRICH_FIELDS.filter((field) => asked.includes(field));
}

/** SQL (over `items it`) true when the item's own columns lack `field`; the enrichment table is checked beside it. */
export function lacksOwnValueSql(field: EnrichField): string {
  switch (field) {
    case 'summary':
      return `NULLIF(btrim(COALESCE(it.description, '')), '') IS NULL`;
    case 'genre':
      return `cardinality(COALESCE(it.genres, '{}')) = 0`;
    default:
      return 'TRUE';
  }
}

/** Label as stored and compared: trimmed, lower case, inner whitespace collapsed. */
export function normalizeLabel(value: string): string {
  return value.normalize('NFKC').trim().toLowerCase().replace(/\s+/g, ' ');
}
