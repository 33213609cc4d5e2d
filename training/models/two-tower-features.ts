/**
 * Optional item inputs of the two-tower network's item tower: categorical side features and a dense text
 * vector per item. Split files carry ids only, so both are optional; the Postgres / demo catalogue has titles,
 * creators, genres, tags and years, turned into these inputs by `catalogItemFeatures`.
 *
 * Categorical features are tokens "field:value" ("genre:fantasy", "creator:ursula k. le guin", "year:1990").
 * In the tower each field contributes the mean of its tokens' embeddings, so an item with five tags does not
 * outweigh its single creator.
 */
import { embedText, fitHashedText } from '../../src/embedding/hashed-text.js';
import { itemText, type ItemTextFields } from '../../src/embedding/item-text.js';

export interface ItemSideFeatures {
  /** Per item (index = dense item id), its categorical tokens "field:value"; an item may have none. */
  tokens?: ReadonlyArray<ReadonlyArray<string>>;
  /** Dense text vectors, numItems × dim row-major (e.g. the hashed TF-IDF vectors of src/embedding). */
  text?: { dim: number; data: Float32Array };
}

/** Side features compiled for training: a token vocabulary and per-item weighted token lists (CSR). */
export interface CompiledFeatures {
  vocabulary: string[];
  /** Items' token rows: tokens of item i are tokenIds[ptr[i] .. ptr[i+1]) with weights tokenWeights. */
  ptr: Int32Array;
  tokenIds: Int32Array;
  tokenWeights: Float32Array;
  text?: { dim: number; data: Float32Array };
}

/** Validates the features against the catalogue size and compiles them; throws a clear error on a mismatch. */
export function compileFeatures(
  features: ItemSideFeatures | undefined,
  numItems: number,
): CompiledFeatures | undefined {
  if (!features || (!features.tokens && !features.text)) return undefined;
  const { tokens, text } = features;
  if (tokens && tokens.length !== numItems) {
    throw new Error(`two-tower: side features describe ${tokens.length} items, the interaction matrix has ${numItems}`);
  }
  if (text) {
    if (!(Number.isInteger(text.dim) && text.dim > 0) || text.data.length !== numItems * text.dim) {
      throw new Error(
        `two-tower: text vectors must be ${numItems} × dim (got ${text.data.length} values for dim ${text.dim})`,
      );
    }
    if (!text.data.every(Number.isFinite)) throw new Error('two-tower: text vectors contain non-finite values');
  }
  const vocabulary: string[] = [];
  const index = new Map<string, number>();
  const ptr = new Int32Array(numItems + 1);
  const ids: number[] = [];
  const weights: number[] = [];
  for (let i = 0; i < numItems; i++) {
    const byField = new Map<string, Set<string>>();
    for (const token of tokens?.[i] ?? []) {
      const colon = token.indexOf(':');
      if (colon <= 0 || colon === token.length - 1) {
        throw new Error(`two-tower: item ${i} has token "${token}"; expected "field:value"`);
      }
      const field = token.slice(0, colon);
      let set = byField.get(field);
      if (!set) byField.set(field, (set = new Set()));
      set.add(token);
    }
    for (const set of byField.values()) {
      for (const token of set) {
        let id = index.get(token);
        if (id === undefined) {
          id = vocabulary.length;
          index.set(token, id);
          vocabulary.push(token);
        }
        ids.push(id);
        weights.push(1 / set.size);
      }
    }
    ptr[i + 1] = ids.length;
  }
  return { vocabulary, ptr, tokenIds: Int32Array.from(ids), tokenWeights: Float32Array.from(weights), text };
}

/** What `catalogItemFeatures` reads of a catalogue item (the Postgres `items` columns of the same names). */
export interface CatalogItem extends ItemTextFields {
  year: number | null;
}

export interface CatalogFeatureOptions {
  /** Dimension of the hashed text vectors (0 = no text input). */
  textDimension?: number;
  /** Width of a year bucket in years (1990–1994 → "year:1990" with 5). */
  yearBucket?: number;
  seed?: number;
}

/**
 * Side + text features from catalogue metadata: genre/tag multi-hot, creator ids, year bucket, and the hashed
 * TF-IDF vector of the item's text (title, creators, genres, tags, description — the same text the semantic
 * collection embeds).
 */
export function catalogItemFeatures(
  items: readonly CatalogItem[],
  options: CatalogFeatureOptions = {},
): ItemSideFeatures {
  const textDimension = options.textDimension ?? 128;
  const yearBucket = options.yearBucket ?? 5;
  const norm = (s: string) => s.normalize('NFKC').trim().toLowerCase();
  const tokens = items.map((item) => {
    const out: string[] = [];
    for (const g of item.genres) if (norm(g)) out.push(`genre:${norm(g)}`);
    for (const t of item.tags) if (norm(t)) out.push(`tag:${norm(t)}`);
    for (const c of item.creators) if (norm(c)) out.push(`creator:${norm(c)}`);
    if (item.year !== null && Number.isFinite(item.year))
      out.push(`year:${Math.floor(item.year / yearBucket) * yearBucket}`);
    return out;
  });
  if (textDimension <= 0) return { tokens };
  const documents = items.map((item) => itemText(item));
  const model = fitHashedText(documents, { dimension: textDimension, seed: options.seed });
  const data = new Float32Array(items.length * textDimension);
  documents.forEach((doc, i) => data.set(embedText(model, doc), i * textDimension));
  return { tokens, text: { dim: textDimension, data } };
}
