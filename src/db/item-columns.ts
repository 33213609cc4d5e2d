// The items columns as the code's field names, in one place: every reader gets lists for the array columns (they
// may be NULL in rows other tools loaded; the API promises lists) and the same camelCase aliases.
const ITEM_COLUMN_SQL = {
  id: 'id',
  externalId: 'external_id AS "externalId"',
  title: 'title',
  creators: `COALESCE(creators, '{}') AS creators`,
  genres: `COALESCE(genres, '{}') AS genres`,
  tags: `COALESCE(tags, '{}') AS tags`,
  year: 'year',
  publisher: 'publisher',
  description: 'description',
  imageUrl: 'image_url AS "imageUrl"',
  language: 'language',
  deletedAt: 'deleted_at AS "deletedAt"',
  workId: 'work_id AS "workId"',
} as const;

export type ItemColumn = keyof typeof ITEM_COLUMN_SQL;

/** The SELECT list for `columns` (all of an ItemRow by default). */
export function itemColumns(columns: readonly ItemColumn[] = Object.keys(ITEM_COLUMN_SQL) as ItemColumn[]): string {
  return columns.map((column) => ITEM_COLUMN_SQL[column]).join(', ');
}
