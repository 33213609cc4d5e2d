// One training job from start to finish, the same code for `trainModel` (the server spawns `recgraph train --job`),
// the RECGRAPH_RETRAIN_EVERY schedule and `recgraph train`: hold the training lock (one job at a time across
// replicas), run the promotion gate (promotion-gate.ts), train, save and export the version, make it live only if
// the gate passed (else it stays exported and inactive, the reason recorded), and keep the job row current —
// state, stage, progress, timings, metrics, version — so `trainingJobs` can follow it.
import type pg from 'pg';
import { TRAINING_LOCK_SQL, trainingJob, updateTrainingJob, type TrainingJobRow } from '../../src/db/training-jobs.js';
import type { Logger } from '../../src/logger.js';
import type { VectorStore } from '../../src/vector/client.js';
import { publishModel } from '../export/publish.js';
import type { ProgressSink } from '../progress.js';
import { artifactsDir, saveArtifacts } from './artifacts.js';
import type { GateDecision } from './promotion-gate.js';

export interface JobContext {
  pool: pg.Pool;
  store: VectorStore;
  log: Pick<Logger, 'info' | 'warn'>;
  dataDir: string;
  prefix: string;
  keepVersions: number;
  textModelPath?: string;
  /** RECGRAPH_IMAGE_MODEL: item images embedded into items_image. */
  imageModelPath?: string;
  /** RECGRAPH_PROMOTION_TOLERANCE. */
  tolerance: number;
  /** Also draws the CLI's bar. */
  progress?: ProgressSink;
}

/** Where each stage sits in the job's 0–1 progress. */
const STAGES = { gate: [0, 0.35], train: [0.35, 0.85], export: [0.85, 1] } as const;
type Stage = keyof typeof STAGES;

/** A ProgressSink that writes the job's progress at most once a second (and forwards to the CLI bar). */
function jobProgress(pool: pg.Pool, id: number, forward?: ProgressSink) {
  let stage: Stage = 'gate';
  let total = 0;
  let done = 0;
  let writtenAt = 0;
  const write = (force = false) => {
    if (!force && Date.now() - writtenAt < 1000) return;
    writtenAt = Date.now();
    const [lo, hi] = STAGES[stage];
    const within = total > 0 ? Math.min(1, done / total) : 0;
    void updateTrainingJob(pool, id, { progress: lo + (hi - lo) * within, stage }).catch(() => undefined);
  };
  const sink: ProgressSink = {
    start(n, label) {
      total = n;
      done = 0;
      forward?.start(n, label);
    },
    tick(n = 1) {
      done += n;
      forward?.tick(n);
      write();
    },
    stop() {
      forward?.stop();
    },
  };
  return {
    sink,
    enter(next: Stage) {
      stage = next;
      total = 0;
      done = 0;
      write(true);
    },
  };
}

/** Takes the training lock on a session of its own, retrying briefly (a queue check may hold it for an instant). */
async function takeLock(pool: pg.Pool): Promise<pg.PoolClient | undefined> {
  const client = await pool.connect();
  for (let attempt = 0; attempt < 10; attempt++) {
    const { rows } = await client.query<{ locked: boolean }>(
      `SELECT pg_try_advisory_lock(${TRAINING_LOCK_SQL}) AS locked`,
    );
    if (rows[0].locked) return client;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  client.release();
  return undefined;
}

export async function runTrainingJob(ctx: JobContext, jobId: number): Promise<TrainingJobRow> {
  const { pool } = ctx;
  const job = await trainingJob(pool, jobId);
  if (!job) throw new Error(`no training job ${jobId}`);
  if (job.state !== 'queued') throw new Error(`training job ${jobId} is ${job.state}, not queued`);
  const lock = await takeLock(pool);
  if (!lock) {
    await updateTrainingJob(pool, jobId, {
      state: 'failed',
      error: 'another training job holds the training lock',
      finished: true,
    });
    return (await trainingJob(pool, jobId))!;
  }
  const onSignal = () => {
    void updateTrainingJob(pool, jobId, { state: 'failed', error: 'interrupted by a signal', finished: true }).finally(
      () => process.exit(130),
    );
  };
  process.once('SIGTERM', onSignal);
  try {
    await updateTrainingJob(pool, jobId, { state: 'running', started: true, stage: 'gate' });
    const progress = jobProgress(pool, jobId, ctx.progress);
    const cutoff = new Date();
    const request = job.request;
    const candidate = { model: request.model ?? 'default', params: request.params } as const;
    // Loaded here only: training pulls in tfjs, which nothing else in this process needs.
    const { promotionGate } = await import('./promotion-gate.js');
    const { trainModel } = await import('./train.js');
    const gate: GateDecision = await promotionGate(pool, candidate, {
      tolerance: ctx.tolerance,
      cutoff,
      progress: progress.sink,
    });
    const promoted = gate.promoted || request.force === true;
    const reason = gate.promoted || !request.force ? gate.reason : `${gate.reason}; promoted anyway (--force)`;
    await updateTrainingJob(pool, jobId, { gate: { ...gate, reason }, metrics: { validation: gate } });

    progress.enter('train');
    const trainStarted = performance.now();
    const model = await trainModel(pool, {
      model: candidate.model,
      params: candidate.params,
      ...(request.tuneBudgetSeconds !== undefined ? { tuneBudgetSeconds: request.tuneBudgetSeconds } : {}),
      textModelPath: ctx.textModelPath,
      imageModelPath: ctx.imageModelPath,
      cutoff,
      progress: progress.sink,
    });
    const trainSeconds = (performance.now() - trainStarted) / 1000;
    model.metrics = { ...model.metrics, promotion: { promoted, reason, candidate: gate.candidate, live: gate.live } };
    await saveArtifacts(artifactsDir(ctx.dataDir, model.version), model);

    progress.enter('export');
    const exportStarted = performance.now();
    await publishModel(ctx.store, pool, model, {
      prefix: ctx.prefix,
      keepVersions: ctx.keepVersions,
      activate: promoted,
      progress: progress.sink,
    });
    const metrics = {
      training: model.metrics,
      validation: gate,
      seconds: {
        gate: gate.seconds,
        train: Math.round(trainSeconds * 10) / 10,
        export: Math.round(((performance.now() - exportStarted) / 1000) * 10) / 10,
      },
    };
    await updateTrainingJob(pool, jobId, {
      state: 'succeeded',
      progress: 1,
      stage: null,
      version: model.version,
      promoted,
      gate: { ...gate, reason },
      metrics,
      finished: true,
    });
    ctx.log.info(`training job ${jobId}: ${model.version} ${promoted ? 'is live' : 'stays inactive'} (${reason})`);
  } catch (error) {
    await updateTrainingJob(pool, jobId, {
      state: 'failed',
      error: (error as Error).message,
      finished: true,
    }).catch(() => undefined);
    ctx.log.warn(`training job ${jobId} failed: ${(error as Error).message}`);
  } finally {
    process.off('SIGTERM', onSignal);
    await lock.query(`SELECT pg_advisory_unlock(${TRAINING_LOCK_SQL})`).catch(() => undefined);
    lock.release();
  }
  return (await trainingJob(pool, jobId))!;
}
