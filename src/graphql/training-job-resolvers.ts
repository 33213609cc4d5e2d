// Resolvers of the training-jobs part of schema.graphql: trainModel queues a job run by a child process
// (src/training-jobs/launcher.ts); trainingJobs / trainingJob read the job rows the runner keeps current.
import type { TrainingJobRow } from '../db/training-jobs.js';
import type { MutationResolvers, QueryResolvers } from './__generated__/resolvers.js';
import { badUserInput } from './errors.js';
import { checkFirst } from './inputs.js';

/** The iALS overrides a caller may set (training/train-job/train.ts maps them), with their accepted ranges. */
const PARAM_RANGES: Record<string, [number, number, boolean]> = {
  factors: [1, 512, true],
  iterations: [1, 100, true],
  regularization: [0, 1e6, false],
  alpha: [0, 1e6, false],
  regExponent: [0, 2, false],
};

function toGraphQL(job: TrainingJobRow) {
  const end = job.finishedAt ?? (job.startedAt ? new Date() : undefined);
  return {
    id: String(job.id),
    state: job.state.toUpperCase() as 'QUEUED' | 'RUNNING' | 'SUCCEEDED' | 'FAILED',
    trigger: job.trigger,
    progress: job.progress,
    stage: job.stage,
    createdAt: job.createdAt.toISOString(),
    startedAt: job.startedAt?.toISOString() ?? null,
    finishedAt: job.finishedAt?.toISOString() ?? null,
    seconds: job.startedAt && end ? (end.getTime() - job.startedAt.getTime()) / 1000 : null,
    metrics: JSON.stringify(job.metrics),
    version: job.version,
    promoted: job.promoted,
    gateReason: job.gate?.reason ?? null,
    error: job.error,
  };
}

export const trainingJobQueries: Pick<QueryResolvers, 'trainingJobs' | 'trainingJob'> = {
  async trainingJobs(_parent, args, context) {
    const rows = await context.services.training.jobs(checkFirst(args.first));
    return rows.map(toGraphQL);
  },
  async trainingJob(_parent, args, context) {
    const id = Number(args.id);
    if (!Number.isSafeInteger(id) || id < 1) return null;
    const row = await context.services.training.job(id);
    return row ? toGraphQL(row) : null;
  },
};

export const trainingJobMutations: Pick<MutationResolvers, 'trainModel'> = {
  async trainModel(_parent, args, context) {
    const params: Record<string, number> = {};
    (args.input?.params ?? []).forEach(({ name, value }, index) => {
      const range = PARAM_RANGES[name];
      if (!range)
        throw badUserInput(
          `params[${index}]: unknown parameter "${name.slice(0, 40)}" (known: ${Object.keys(PARAM_RANGES).join(', ')})`,
          'params',
        );
      const [lo, hi, integer] = range;
      if (!(value >= lo && value <= hi) || (integer && !Number.isInteger(value)))
        throw badUserInput(
          `params[${index}]: ${name} must be ${integer ? 'an integer ' : ''}within ${lo}–${hi}`,
          'params',
        );
      params[name] = value;
    });
    const model = args.input?.model === 'GRAPHFILTER' ? 'graphfilter' : 'default';
    const { job, started } = await context.services.training.start({
      model,
      ...(Object.keys(params).length ? { params } : {}),
    });
    return { job: toGraphQL(job), started };
  },
};
