// Runs training jobs beside the server, never inside it: each job is a child process (`recgraph train --job <id>`,
// training/cli) that opens its own Postgres and Qdrant connections, holds the training lock, trains, passes the
// promotion gate and publishes. The server's event loop never trains, and tfjs is never loaded into its memory.
// src/ never imports training/: the command is a path, not an import.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type pg from 'pg';
import {
  queueTrainingJob,
  trainingJob,
  trainingJobs,
  updateTrainingJob,
  type TrainingJobRow,
  type TrainingRequest,
} from '../db/training-jobs.js';
import type { Logger } from '../logger.js';

/** What a child needs to reach the same stores as this server. */
export interface LauncherEnvironment {
  databaseUrl: string;
  qdrantUrl: string;
  qdrantApiKey: string | undefined;
  collectionPrefix: string;
  dataDir: string;
  /** The server's RECGRAPH_PROMOTION_TOLERANCE and RECGRAPH_KEEP_VERSIONS, so its jobs follow them. */
  promotionTolerance: number;
  keepVersions: number;
}

export interface LauncherOptions {
  /** The command that runs one job, its id appended (default: node scripts/recgraph.mjs train --job). */
  command?: readonly string[];
  /** RECGRAPH_RETRAIN_EVERY in ms; undefined: no schedule. */
  retrainEveryMs?: number;
  log?: Pick<Logger, 'info' | 'warn'>;
}

const DEFAULT_COMMAND = [
  process.execPath,
  fileURLToPath(new URL('../../scripts/recgraph.mjs', import.meta.url)),
  'train',
  '--job',
];

export class TrainingLauncher {
  private readonly children = new Map<number, ChildProcess>();
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    private readonly pool: pg.Pool,
    private readonly environment: LauncherEnvironment,
    private readonly options: LauncherOptions = {},
  ) {}

  /** The newest jobs first. */
  jobs(first: number): Promise<TrainingJobRow[]> {
    return trainingJobs(this.pool, first);
  }

  job(id: number): Promise<TrainingJobRow | undefined> {
    return trainingJob(this.pool, id);
  }

  /** Queues a job (or returns the one queued or running) and starts a runner for a new one. */
  async start(request: TrainingRequest): Promise<{ job: TrainingJobRow; started: boolean }> {
    const queued = (await queueTrainingJob(this.pool, 'api', request))!;
    if (queued.started) this.spawnRunner(queued.job.id);
    return queued;
  }

  /**
   * Checks the schedule now and then (every minute, or the period when shorter): when no job and no model version
   * is newer than RECGRAPH_RETRAIN_EVERY, one replica queues a job (the queue's lock decides which) and runs it.
   */
  startSchedule(): void {
    const every = this.options.retrainEveryMs;
    if (!every || this.timer) return;
    const tick = async () => {
      const queued = await queueTrainingJob(this.pool, 'schedule', {}, { unlessNewerThanMs: every }).catch(
        (error: Error) => void this.options.log?.warn(`training schedule: ${error.message}`),
      );
      if (queued?.started) {
        this.options.log?.info(`training schedule: job ${queued.job.id} queued`);
        this.spawnRunner(queued.job.id);
      }
    };
    this.timer = setInterval(() => void tick(), Math.min(every, 60_000));
    this.timer.unref();
    void tick();
  }

  /** Stops the schedule and ends the runners this process started (their jobs are marked failed). */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    const exits = [...this.children.values()].map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          child.once('exit', () => resolve());
          child.kill('SIGTERM');
          setTimeout(() => child.kill('SIGKILL'), 10_000).unref();
        }),
    );
    await Promise.all(exits);
  }

  private spawnRunner(jobId: number): void {
    if (this.stopped) return;
    const [command, ...args] = this.options.command ?? DEFAULT_COMMAND;
    const env = this.environment;
    const child = spawn(command, [...args, String(jobId)], {
      env: {
        ...process.env,
        DATABASE_URL: env.databaseUrl,
        QDRANT_URL: env.qdrantUrl,
        ...(env.qdrantApiKey ? { QDRANT_API_KEY: env.qdrantApiKey } : {}),
        RECGRAPH_COLLECTION_PREFIX: env.collectionPrefix,
        RECGRAPH_DATA_DIR: env.dataDir,
        RECGRAPH_PROMOTION_TOLERANCE: String(env.promotionTolerance),
        RECGRAPH_KEEP_VERSIONS: String(env.keepVersions),
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    this.children.set(jobId, child);
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-2000)));
    const finish = async (reason: string | undefined) => {
      this.children.delete(jobId);
      if (!reason) return;
      // The runner records its own outcome; a job it left open (killed, crashed before its handler) is closed here.
      const job = await trainingJob(this.pool, jobId).catch(() => undefined);
      if (job && (job.state === 'queued' || job.state === 'running')) {
        const detail = stderr.trim().split('\n').slice(-3).join(' | ');
        await updateTrainingJob(this.pool, jobId, {
          state: 'failed',
          error: `${reason}${detail ? `: ${detail}` : ''}`,
          finished: true,
        }).catch(() => undefined);
      }
      this.options.log?.warn(`training job ${jobId}: ${reason}`);
    };
    child.once('error', (error) => void finish(`could not start the training process: ${error.message}`));
    child.once(
      'exit',
      (code, signal) =>
        void finish(code === 0 ? undefined : `training process exited with ${signal ?? `code ${code}`}`),
    );
  }
}
