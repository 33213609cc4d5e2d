import type { Command } from 'commander';
import { createCliProgress } from '../../progress.js';
import { parseFields } from '../../enrich/fields.js';
import { enrichCatalogue } from '../../enrich/pipeline.js';
import { formatEnrichReport } from '../../enrich/report-format.js';
import { withInfrastructure } from '../context.js';

function positive(value: string, flag: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 1) throw new Error(`${flag} must be a whole number ≥ 1, got "${value}"`);
  return parsed;
}

export function registerEnrich(program: Command): void {
  program
    .command('enrich')
    .description(
      'fill in missing item metadata with an OpenAI-compatible chat model (RECGRAPH_LLM_URL, RECGRAPH_LLM_MODEL), ' +
        'cluster the labels into a small vocabulary, and write them into the items',
    )
    .requiredOption('--fields <list>', 'comma-separated: summary, genre, theme, tone, audience')
    .requiredOption('--max-items <n>', 'hard cap: most items this run asks about')
    .requiredOption('--max-tokens <n>', 'hard cap: most tokens (prompt + answer) this run spends')
    .option('--batch-size <n>', 'items per request', '8')
    .option('--concurrency <n>', 'requests in flight', '2')
    .option('--vocabulary-size <n>', 'most names per label field after clustering', '12')
    .option('--seed <n>', 'seed of the clustering and of the retry jitter', '7')
    .action(
      (opts: {
        fields: string;
        maxItems: string;
        maxTokens: string;
        batchSize: string;
        concurrency: string;
        vocabularySize: string;
        seed: string;
      }) =>
        withInfrastructure(
          async ({ config, infra }) => {
            const report = await enrichCatalogue(infra.pool, config.llm, {
              fields: parseFields(opts.fields),
              maxItems: positive(opts.maxItems, '--max-items'),
              maxTokens: positive(opts.maxTokens, '--max-tokens'),
              batchSize: positive(opts.batchSize, '--batch-size'),
              concurrency: positive(opts.concurrency, '--concurrency'),
              vocabularySize: positive(opts.vocabularySize, '--vocabulary-size'),
              seed: positive(opts.seed, '--seed'),
              textModelPath: config.textModelPath,
              progress: createCliProgress(),
            });
            for (const line of formatEnrichReport(report)) console.log(line);
            if (report.requests.status === 'failed') process.exitCode = 1;
          },
          { qdrant: false },
        ),
    );
}
