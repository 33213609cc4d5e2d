// `recgraph enrich`'s request phase: the items lacking the asked fields, in batches, at most `concurrency` requests
// in flight, each answer checked against the JSON schema and stored per item (or the item's failure recorded) as
// soon as its batch returns, so an interrupted run loses at most the batches in flight. Two hard caps: items
// (how many are selected) and tokens (a request is only sent when the tokens spent plus the most it can cost stay
// within the cap; the server's usage figure replaces the estimate once it answers).
import type pg from 'pg';
import { noopProgress, type ProgressSink } from '../progress.js';
import { AnswerValidator } from './answer-schema.js';
import { ChatRequestError, type ChatClient } from './chat-client.js';
import type { EnrichField } from './fields.js';
import { batchMessages, maxAnswerTokens, promptTokenEstimate, type ItemToEnrich } from './prompt.js';
import { finishRun, itemsLacking, recordBatch, startRun, type FailedItem, type StoredAnswer } from './store.js';

export interface EnrichOptions {
  fields: readonly EnrichField[];
  /** Items per request (default 8). */
  batchSize?: number;
  /** Requests in flight (default 2). */
  concurrency?: number;
  /** Most items this run asks about. */
  maxItems: number;
  /** Most tokens (prompt + completion) this run may spend. */
  maxTokens: number;
  /** Recorded with each answer. */
  model: string;
  progress?: ProgressSink;
}

export interface EnrichReport {
  runId: number;
  status: 'done' | 'capped' | 'failed';
  /** Items selected (lacking a field, within maxItems). */
  selected: number;
  enriched: number;
  failed: FailedItem[];
  /** Items not asked because the token cap was reached (they stay lacking; a later run picks them up). */
  skippedByTokenCap: number;
  tokens: number;
  requests: number;
  /** Set when the run stopped on an answer no request can get past (e.g. 401). */
  fatal?: string;
}

export async function enrichItems(pool: pg.Pool, client: ChatClient, options: EnrichOptions): Promise<EnrichReport> {
  const batchSize = Math.max(1, options.batchSize ?? 8);
  const concurrency = Math.max(1, options.concurrency ?? 2);
  const progress = options.progress ?? noopProgress;
  const validator = new AnswerValidator(options.fields);
  const items = await itemsLacking(pool, options.fields, options.maxItems);
  const runId = await startRun(pool, options.fields, options.model);
  const batches: ItemToEnrich[][] = [];
  for (let i = 0; i < items.length; i += batchSize) batches.push(items.slice(i, i + batchSize));

  const report: EnrichReport = {
    runId,
    status: 'done',
    selected: items.length,
    enriched: 0,
    failed: [],
    skippedByTokenCap: 0,
    tokens: 0,
    requests: 0,
  };
  let reserved = 0; // tokens held by requests in flight: their worst case until they answer
  let next = 0;
  let stop = false;
  progress.start(items.length, 'enrich');

  const runBatch = async (batch: ItemToEnrich[]): Promise<void> => {
    const messages = batchMessages(batch, options.fields);
    const answerTokens = maxAnswerTokens(batch.length, options.fields);
    const worstCase = promptTokenEstimate(messages) + answerTokens;
    if (report.tokens + reserved + worstCase > options.maxTokens) {
      stop = true;
      report.status = 'capped';
      return;
    }
    reserved += worstCase;
    report.requests++;
    const answers: StoredAnswer[] = [];
    const failures: FailedItem[] = [];
    let spent = worstCase;
    try {
      const answer = await client.complete(messages, answerTokens);
      spent = answer.totalTokens ?? promptTokenEstimate(messages) + Math.ceil(answer.content.length / 3);
      const verdicts = validator.check(
        answer.content,
        batch.map((item) => String(item.id)),
      );
      verdicts.forEach((verdict, k) => {
        const item = batch[k];
        if (!verdict.ok) failures.push({ itemId: item.id, reason: verdict.reason });
        else {
          const values: Partial<Record<EnrichField, string>> = {};
          for (const field of item.missing) values[field] = verdict.answer.values[field];
          answers.push({ itemId: item.id, values });
        }
      });
    } catch (error) {
      const reason = (error as Error).message;
      for (const item of batch) failures.push({ itemId: item.id, reason });
      if (error instanceof ChatRequestError && error.fatal) {
        stop = true;
        report.fatal = reason;
      }
    } finally {
      reserved -= worstCase;
    }
    report.tokens += spent;
    await recordBatch(pool, runId, options.model, answers, failures, spent);
    report.enriched += answers.length;
    report.failed.push(...failures);
    progress.tick(batch.length);
  };

  const worker = async () => {
    while (!stop && next < batches.length) await runBatch(batches[next++]);
  };
  try {
    await Promise.all(Array.from({ length: Math.min(concurrency, batches.length) }, worker));
  } catch (error) {
    progress.stop();
    await finishRun(pool, runId, 'failed');
    throw error;
  }
  progress.stop();
  const attempted = report.enriched + report.failed.length;
  report.skippedByTokenCap = report.status === 'capped' ? items.length - attempted : 0;
  if (report.fatal) report.status = 'failed';
  await finishRun(pool, runId, report.status);
  return report;
}
