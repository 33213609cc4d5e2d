// `recgraph enrich` end to end: ask the endpoint for what items lack (run.ts), cluster the label fields into a
// small vocabulary (vocabulary.ts), write the result into the items (apply.ts). Each step works from what Postgres
// holds, so a rerun after an interruption resumes: answered items are not asked again, clustering and applying are
// repeatable.
import type pg from 'pg';
import type { LlmSettings } from '../../src/config.js';
import type { ProgressSink } from '../progress.js';
import { applyEnrichment } from './apply.js';
import { ChatClient, type ChatClientOptions } from './chat-client.js';
import { LABEL_FIELDS, type EnrichField } from './fields.js';
import { labelEncoder } from './label-encoder.js';
import { enrichItems, type EnrichReport } from './run.js';
import { buildVocabulary, type FieldVocabulary } from './vocabulary.js';

export interface EnrichPipelineOptions {
  fields: readonly EnrichField[];
  maxItems: number;
  maxTokens: number;
  batchSize?: number;
  concurrency?: number;
  vocabularySize?: number;
  seed?: number;
  /** RECGRAPH_TEXT_MODEL, for the clustering's encoder. */
  textModelPath?: string;
  /** Retry/timeout settings of the chat client (tests shorten them). */
  client?: Partial<ChatClientOptions>;
  progress?: ProgressSink;
}

export interface EnrichPipelineReport {
  requests: EnrichReport;
  encoder: string | undefined;
  vocabularies: FieldVocabulary[];
  applied: Partial<Record<EnrichField, number>>;
}

export function chatClientFor(llm: LlmSettings, overrides: Partial<ChatClientOptions> = {}): ChatClient {
  if (!llm.url) throw new Error('enrich needs RECGRAPH_LLM_URL (an OpenAI-compatible …/v1 endpoint)');
  if (!llm.model) throw new Error('enrich needs RECGRAPH_LLM_MODEL (the model name the endpoint serves)');
  return new ChatClient({ url: llm.url, model: llm.model, apiKey: llm.apiKey, ...overrides });
}

export async function enrichCatalogue(
  pool: pg.Pool,
  llm: LlmSettings,
  options: EnrichPipelineOptions,
): Promise<EnrichPipelineReport> {
  const client = chatClientFor(llm, { seed: options.seed, ...options.client });
  const requests = await enrichItems(pool, client, {
    fields: options.fields,
    maxItems: options.maxItems,
    maxTokens: options.maxTokens,
    batchSize: options.batchSize,
    concurrency: options.concurrency,
    model: llm.model!,
    progress: options.progress,
  });
  const labelFields = options.fields.filter((field) => LABEL_FIELDS.includes(field));
  const vocabularies: FieldVocabulary[] = [];
  let encoderSource: string | undefined;
  if (labelFields.length) {
    const { encoder, source } = await labelEncoder(pool, options.textModelPath, async () => {
      const { rows } = await pool.query<{ value: string }>(
        `SELECT DISTINCT value FROM item_enrichments WHERE field = ANY($1::text[])`,
        [labelFields],
      );
      return rows.map((row) => row.value);
    });
    encoderSource = source;
    try {
      for (const field of labelFields)
        vocabularies.push(
          await buildVocabulary(pool, encoder, field, { size: options.vocabularySize, seed: options.seed }),
        );
    } finally {
      await encoder.close?.();
    }
  }
  const applied = await applyEnrichment(pool, options.fields);
  return { requests, encoder: encoderSource, vocabularies, applied };
}
