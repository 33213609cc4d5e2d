// The clustering step: per label field, the distinct free-text answers are embedded with the project's text
// encoder, grouped by k-means, and each group is named by its member nearest the centroid (the most common one on a
// tie), so "sci-fi", "science fiction" and "space opera" can all read "science fiction". The name is stored beside
// every answer (item_enrichments.label).
import type pg from 'pg';
import type { SentenceEncoder } from '../../src/embedding/sentence-encoder.js';
import { kMeans } from './kmeans.js';
import { LABEL_FIELDS, normalizeLabel, type EnrichField } from './fields.js';

export interface FieldVocabulary {
  field: EnrichField;
  /** Distinct answers (after normalizeLabel). */
  distinct: number;
  /** Vocabulary names with the number of items each labels, most items first. */
  names: Array<{ name: string; items: number; members: number }>;
}

export interface VocabularyOptions {
  /** Most names per field (default 12). */
  size?: number;
  seed?: number;
}

/** Clusters the answers of `field` and writes their names; returns the vocabulary. */
export async function buildVocabulary(
  pool: pg.Pool,
  encoder: SentenceEncoder,
  field: EnrichField,
  options: VocabularyOptions = {},
): Promise<FieldVocabulary> {
  if (!LABEL_FIELDS.includes(field)) throw new Error(`${field} is not a label field`);
  const { rows } = await pool.query<{ value: string }>(`SELECT value FROM item_enrichments WHERE field = $1`, [field]);
  const counts = new Map<string, number>();
  for (const row of rows) {
    const label = normalizeLabel(row.value);
    counts.set(label, (counts.get(label) ?? 0) + 1);
  }
  // Sorted, so the same answers give the same input order (and the same clusters) whatever order Postgres returns.
  const labels = [...counts.keys()].sort();
  if (!labels.length) return { field, distinct: 0, names: [] };
  const vectors = await encoder.encode(labels);
  const weights = labels.map((label) => counts.get(label)!);
  const { assignment, centroids } = kMeans(vectors, options.size ?? 12, { seed: options.seed ?? 7, weights });

  const nameOf: string[] = centroids.map((centroid, j) => {
    let best = '';
    let bestScore = -Infinity;
    labels.forEach((label, i) => {
      if (assignment[i] !== j) return;
      let score = 0;
      for (let d = 0; d < centroid.length; d++) score += centroid[d] * vectors[i][d];
      // Ties (within float noise) go to the label more items carry.
      if (score > bestScore + 1e-6 || (Math.abs(score - bestScore) <= 1e-6 && weights[i] > counts.get(best)!))
        [best, bestScore] = [label, score];
    });
    return best;
  });
  const mapped = labels.map((_, i) => nameOf[assignment[i]]);
  const nameByLabel = new Map(labels.map((label, i) => [label, mapped[i]]));
  // Matched on the stored text itself (normalised here, not in SQL, so both sides agree on what one label is).
  const rawValues = [...new Set(rows.map((row) => row.value))];
  await pool.query(
    `UPDATE item_enrichments e SET label = m.name
       FROM unnest($2::text[], $3::text[]) AS m(value, name)
      WHERE e.field = $1 AND e.value = m.value`,
    [field, rawValues, rawValues.map((value) => nameByLabel.get(normalizeLabel(value))!)],
  );
  const names = new Map<string, { items: number; members: number }>();
  labels.forEach((label, i) => {
    const entry = names.get(mapped[i]) ?? { items: 0, members: 0 };
    entry.items += weights[i];
    entry.members += 1;
    names.set(mapped[i], entry);
  });
  return {
    field,
    distinct: labels.length,
    names: [...names.entries()]
      .map(([name, entry]) => ({ name, ...entry }))
      .sort((a, b) => b.items - a.items || a.name.localeCompare(b.name)),
  };
}
