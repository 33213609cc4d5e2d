/**
 * `recgraph tune --train FILE --valid FILE --model ials [--trials 20] [--seed 1] [--metric recall@20]
 *  [--set key=value,…] [--log trials.jsonl]`
 *
 * Seeded random search on the validation split (test is never read). Every trial is logged as it finishes:
 * a line on stderr and, with --log, one JSON object per line; the best params are printed last as JSON and as
 * a model spec usable with `recgraph evaluate --models`.
 */
import { appendFile, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import { loadSplitFiles } from '../../data/split-file.js';
import type { SearchSpace, Trial } from '../../eval/tune.js';
import { createCliProgress } from '../../progress.js';

export function registerTune(program: Command): Command {
  return program
    .command('tune')
    .description('seeded hyperparameter search for one model, scored on a validation split')
    .requiredOption('--train <file>', 'train split ("user item item …" per line)')
    .requiredOption('--valid <file>', 'validation split used for scoring')
    .requiredOption('--model <name>', 'model to tune (ials, ease, gfcf, …)')
    .option('--trials <n>', 'number of trials', '20')
    .option('--seed <n>', 'search seed', '1')
    .option('--metric <name>', 'metric to maximise', 'recall@20')
    .option('--set <pairs>', 'fixed params for every trial, e.g. "iterations=8,factors=64"')
    .option(
      '--space <json>',
      'search space as JSON, e.g. \'{"lambda":{"type":"float","low":50,"high":2000,"log":true}}\' (default: the model\'s declared space)',
    )
    .option('--log <file>', 'append every trial as JSON lines')
    .option('--quiet', 'no progress bars')
    .action(
      async (opts: {
        train: string;
        valid: string;
        model: string;
        trials: string;
        seed: string;
        metric: string;
        set?: string;
        space?: string;
        log?: string;
        quiet?: boolean;
      }) => {
        // Loaded here, not at the top: the models pull in tfjs, which `recgraph start` (same CLI) must not load.
        const [{ tune }, { parseModelSpec }] = await Promise.all([
          import('../../eval/tune.js'),
          import('../../models/registry.js'),
        ]);
        const split = await loadSplitFiles({ train: opts.train, valid: opts.valid });
        const fixed = opts.set ? parseModelSpec(`${opts.model}:${opts.set}`).params : undefined;
        if (opts.log) {
          await mkdir(path.dirname(path.resolve(opts.log)), { recursive: true });
          await writeFile(opts.log, '');
        }
        const log = async (t: Trial, best: Trial) => {
          process.stderr.write(
            `trial ${t.trial}: ${opts.metric}=${t.score.toFixed(4)} (best ${best.score.toFixed(4)}) ` +
              `fit ${t.fitSeconds.toFixed(1)} s ${JSON.stringify(t.params)}\n`,
          );
          if (opts.log)
            await appendFile(opts.log, JSON.stringify({ model: opts.model, metric: opts.metric, ...t }) + '\n');
        };
        let pending = Promise.resolve();
        const result = await tune({
          model: opts.model,
          train: split.train,
          valid: split.valid!,
          trials: Number(opts.trials),
          seed: Number(opts.seed),
          metric: opts.metric,
          fixed,
          space: opts.space ? (JSON.parse(opts.space) as SearchSpace) : undefined,
          includeDefaults: true,
          progress: createCliProgress({ enabled: !opts.quiet }),
          onTrial: (t, best) => {
            pending = pending.then(() => log(t, best));
          },
        });
        await pending;
        const spec = `${opts.model}:${Object.entries(result.best.params)
          .map(([k, v]) => `${k}=${v}`)
          .join(',')}`;
        process.stdout.write(JSON.stringify({ metric: result.metric, best: result.best }, null, 2) + '\n');
        process.stdout.write(`best spec: ${spec}\n`);
      },
    );
}
