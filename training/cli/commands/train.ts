import type { Command } from 'commander';
import { keepVersionsFrom } from '../../../src/config.js';
import { queueTrainingJob, type TrainingRequest } from '../../../src/db/training-jobs.js';
import { createVectorStore } from '../../../src/runtime/app.js';
import { artifactsDir, saveArtifacts } from '../../train-job/artifacts.js';
import { runTrainingJob } from '../../train-job/job.js';
import type { TrainedModelKind } from '../../train-job/train.js';
import { createCliProgress } from '../../progress.js';
import { withInfrastructure } from '../context.js';
import { AUTO_SELECT_DEFAULTS } from '../../models/auto-select-defaults.js';

/** 'default' is the blend's former name, kept as an alias. */
const TRAINED_KINDS: readonly string[] = ['auto', 'blend', 'default', 'graphfilter', 'fusion'];

export function registerTrain(program: Command): void {
  program
    .command('train')
    .description(
      'train a model on the interactions in Postgres and publish it to Qdrant; it goes live (atomic alias switch) ' +
        'if it passes the promotion gate. Runs as a training job (listed by the trainingJobs query)',
    )
    .option(
      '--no-export',
      'only train and save the artifacts under <data dir>/models; publish later with `recgraph export`',
    )
    .option(
      '--keep <n>',
      'model versions whose collections are kept for rollback (default: RECGRAPH_KEEP_VERSIONS or 3)',
    )
    .option(
      '--model <kind>',
      'auto (choose on a validation split carved from the data), blend (iALS ⊕ low-pass vectors), graphfilter (two-stage: vectors → item-item rerank) or fusion (iALS ⊕ graph filter, two-stage)',
      'auto',
    )
    .option(
      '--tune-budget <seconds>',
      `auto / graphfilter / fusion: seconds (enforced) for the validation search on a split carved from the data (default: auto ${AUTO_SELECT_DEFAULTS.tuneBudget}, graphfilter 60, fusion 120)`,
    )
    .option('--no-tune', 'no validation search: auto picks by catalogue density, graphfilter uses its defaults')
    .option('--force', 'make the new version live even if the promotion gate refuses it')
    .option('--job <id>', 'run the queued training job <id> (what the server starts for trainModel and the schedule)')
    .action(
      (opts: {
        export: boolean;
        keep?: string;
        model: string;
        tuneBudget?: string;
        tune: boolean;
        force?: boolean;
        job?: string;
      }) =>
        withInfrastructure(async ({ config, infra, log }) => {
          const progress = createCliProgress();
          if (!TRAINED_KINDS.includes(opts.model))
            throw new Error(`--model must be one of ${TRAINED_KINDS.join(', ')}, got "${opts.model}"`);
          const budget = opts.tuneBudget === undefined ? undefined : Number(opts.tuneBudget);
          if (budget !== undefined && !(budget >= 0))
            throw new Error(`--tune-budget must be a number of seconds ≥ 0, got "${opts.tuneBudget}"`);
          const train = {
            model: opts.model as TrainedModelKind,
            tuneBudgetSeconds: opts.tune ? budget : (false as const),
          };
          if (!opts.export) {
            // Loaded only here: training pulls in tfjs, which the other commands (start above all) never need.
            const { trainModel } = await import('../../train-job/train.js');
            const model = await trainModel(infra.pool, {
              progress,
              textModelPath: config.textModelPath,
              feedback: config.feedback,
              imageModelPath: config.imageModelPath,
              ...train,
            });
            const dir = artifactsDir(config.dataDir, model.version);
            await saveArtifacts(dir, model);
            console.log(
              `trained ${model.version}; artifacts in ${dir}; publish with: recgraph export ${model.version}`,
            );
            return;
          }
          const jobId = opts.job === undefined ? undefined : Number(opts.job);
          if (jobId !== undefined && !(Number.isSafeInteger(jobId) && jobId > 0))
            throw new Error(`--job must be a job id, got "${opts.job}"`);
          const store = createVectorStore(infra);
          try {
            const keepVersions = opts.keep === undefined ? config.keepVersions : keepVersionsFrom(opts.keep, '--keep');
            let id = jobId;
            if (id === undefined) {
              // The CLI's own run is a job like the API's: same lock, same gate, same record.
              const request: TrainingRequest = {
                model: train.model,
                ...(train.tuneBudgetSeconds !== undefined ? { tuneBudgetSeconds: train.tuneBudgetSeconds } : {}),
                ...(opts.force ? { force: true } : {}),
              };
              const queued = (await queueTrainingJob(infra.pool, 'cli', request))!;
              if (!queued.started)
                throw new Error(`training job ${queued.job.id} is already ${queued.job.state}: wait for it to finish`);
              id = queued.job.id;
            }
            const job = await runTrainingJob(
              {
                pool: infra.pool,
                store,
                log,
                dataDir: config.dataDir,
                prefix: config.collectionPrefix,
                keepVersions,
                textModelPath: config.textModelPath,
                imageModelPath: config.imageModelPath,
                tolerance: config.promotionTolerance,
                progress: jobId === undefined ? progress : undefined,
              },
              id,
            );
            if (job.state !== 'succeeded') throw new Error(`training job ${id} failed: ${job.error}`);
            console.log(
              job.promoted
                ? `model ${job.version} is live (${job.gate?.reason})`
                : `model ${job.version} stays inactive: ${job.gate?.reason}; make it live anyway with: recgraph activate ${job.version}`,
            );
          } finally {
            store.close();
          }
        }),
    );
}
