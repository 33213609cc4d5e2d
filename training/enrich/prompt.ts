// The request for one batch of items: what the model is told, and a token estimate for the cap.
import type { ChatMessage } from './chat-client.js';
import { FIELD_SPECS, type EnrichField } from './fields.js';

export interface ItemToEnrich {
  id: number;
  title: string;
  creators: string[];
  genres: string[];
  tags: string[];
  year: number | null;
  description: string | null;
  /** The asked fields this item still lacks (only these are stored from its answer). */
  missing: EnrichField[];
}

const DESCRIPTION_CHARS = 1000;

export function batchMessages(items: readonly ItemToEnrich[], fields: readonly EnrichField[]): ChatMessage[] {
  const shape = `{"items": [{"id": "<id>", ${fields.map((f) => `"${f}": "..."`).join(', ')}}]}`;
  const system = [
    'You describe catalogue items for a recommender system.',
    `For every item you are given, answer one JSON object of exactly this shape: ${shape}.`,
    'One entry per item, with its id copied as given, and every field filled in:',
    ...fields.map((f) => `- ${f}: ${FIELD_SPECS[f].describe}`),
    'Answer with the JSON object only, no other text. Use English.',
  ].join('\n');
  const listed = items.map((item) => ({
    id: String(item.id),
    title: item.title,
    ...(item.creators.length ? { creators: item.creators } : {}),
    ...(item.year != null ? { year: item.year } : {}),
    ...(item.genres.length ? { genres: item.genres } : {}),
    ...(item.tags.length ? { tags: item.tags.slice(0, 20) } : {}),
    ...(item.description ? { description: item.description.slice(0, DESCRIPTION_CHARS) } : {}),
  }));
  return [
    { role: 'system', content: system },
    { role: 'user', content: JSON.stringify({ items: listed }) },
  ];
}

/** Completion tokens to allow a batch: the longest answers the schema admits, ≈ 3 characters per token. */
export function maxAnswerTokens(batchSize: number, fields: readonly EnrichField[]): number {
  const chars = fields.reduce((sum, field) => sum + FIELD_SPECS[field].maxLength + field.length + 8, 24);
  return Math.ceil((batchSize * chars) / 3) + 16;
}

/**
 * A deliberately high estimate of a request's prompt tokens (≈ 3 characters per token; English runs ≈ 4), so the
 * token cap holds before the server says what a request cost.
 */
export function promptTokenEstimate(messages: readonly ChatMessage[]): number {
  return Math.ceil(messages.reduce((sum, m) => sum + m.content.length + 8, 0) / 3);
}
