/**
 * `recgraph evaluate --train FILE --test FILE [--valid FILE] [--models a,b,…] [--json OUT] [--report OUT.html]`
 *
 * Database-free: reads "user item item …" split files, fits every model (plus the popularity and EASE/iALS
 * baselines) in this process, ranks the full catalogue per test user and writes JSON and/or an HTML report.
 * The default pipeline gets a second row, "default (served)": the same fitted model exported into the bundled
 * Qdrant and ranked through the serving code (training/eval/served.ts) — the number users get.
 * The JSON has `results: [{ model, metrics: { "recall@20": … }, trainSeconds, … }]`.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import { createCliProgress } from '../../progress.js';

export const DEFAULT_EVALUATE_MODELS = 'popularity,ease,ials,gfcf,two-tower,default,graphfilter';

export function registerEvaluate(program: Command): Command {
  return program
    .command('evaluate')
    .description('fit models on a train split and evaluate them on a test split (full catalogue, no database)')
    .requiredOption('--train <file>', 'train split ("user item item …" per line)')
    .requiredOption('--test <file>', 'test split, same layout')
    .option('--valid <file>', 'validation split: added to the training data for this final fit')
    .option(
      '--models <list>',
      `comma-separated model specs, e.g. "ials:factors=64,ease" (default: ${DEFAULT_EVALUATE_MODELS})`,
    )
    .option('--works <file>', '"item work" lines: also score every model per work and fitted on works')
    .option('--ks <list>', 'cut-offs K', '10,20,50')
    .option('--json <file>', 'write the JSON report here')
    .option('--report <file>', 'write the HTML report here')
    .option('--quiet', 'no progress bars')
    .option('--no-served', 'skip the served-path row (no Qdrant started)')
    .option('--qdrant-url <url>', 'Qdrant for the served-path row (default: start the bundled server for the run)')
    .action(
      async (opts: {
        train: string;
        test: string;
        valid?: string;
        models?: string;
        ks: string;
        json?: string;
        report?: string;
        quiet?: boolean;
        served: boolean;
        qdrantUrl?: string;
        works?: string;
      }) => {
        const ks = opts.ks.split(',').map((k) => Number(k.trim()));
        if (ks.some((k) => !Number.isInteger(k) || k < 1))
          throw new Error(`--ks: positive integers expected, got "${opts.ks}"`);
        // Loaded here, not at the top: the models pull in tfjs, which `recgraph start` (same CLI) must not load.
        const [{ renderHtmlReport, formatTextTable }, { runEvaluation }, { splitModelList }] = await Promise.all([
          import('../../eval/report.js'),
          import('../../eval/runner.js'),
          import('../../models/registry.js'),
        ]);
        const models = splitModelList(opts.models ?? DEFAULT_EVALUATE_MODELS);
        const report = await runEvaluation({
          train: opts.train,
          test: opts.test,
          valid: opts.valid,
          models,
          ks,
          served: opts.served,
          qdrantUrl: opts.qdrantUrl,
          works: opts.works,
          progress: createCliProgress({ enabled: !opts.quiet }),
          onResult: (r) =>
            process.stderr.write(
              `${r.model}: recall@20=${r.metrics['recall@20']?.toFixed(4) ?? '–'} ndcg@20=${r.metrics['ndcg@20']?.toFixed(4) ?? '–'} ` +
                `(train ${r.trainSeconds.toFixed(1)} s, eval ${r.evalSeconds.toFixed(1)} s)\n`,
            ),
        });
        const k = ks.includes(20) ? 20 : ks[0];
        process.stdout.write(
          formatTextTable(report.results, [`recall@${k}`, `ndcg@${k}`, `precision@${k}`, `map@${k}`, `coverage@${k}`]) +
            '\n',
        );
        if (opts.json) await writeOut(opts.json, JSON.stringify(report, null, 2) + '\n');
        if (opts.report) await writeOut(opts.report, renderHtmlReport(report));
      },
    );
}

async function writeOut(file: string, content: string): Promise<void> {
  await mkdir(path.dirname(path.resolve(file)), { recursive: true });
  await writeFile(file, content);
  process.stderr.write(`wrote ${file}\n`);
}
