// Queries of the training_jobs table and the one Postgres advisory lock that lets a single training run at a time
// across every replica and CLI. The job runner (training/train-job/job.ts) holds the lock on its own session for
// the whole run; a session that ends (crash, kill -9) releases it, which is how a dead runner's job is noticed.
import type pg from 'pg';
import { withTransaction } from './transaction.js';

type Queryable = Pick<pg.ClientBase, 'query'>;

export type TrainingJobState = 'queued' | 'running' | 'succeeded' | 'failed';
export type TrainingTrigger = 'api' | 'schedule' | 'cli';

/** What a job trains: the model kind and iALS overrides (as `recgraph train` takes them). */
export interface TrainingRequest {
  model?: 'auto' | 'blend' | 'default' | 'graphfilter' | 'fusion';
  params?: Record<string, number>;
  /** Publish and activate even when the promotion gate refuses (`recgraph train --force`). */
  force?: boolean;
  /** Graph filter: seconds for choosing its weights on a validation split, or false (`--tune-budget`, `--no-tune`). */
  tuneBudgetSeconds?: number | false;
}

export interface TrainingJobRow {
  id: number;
  state: TrainingJobState;
  trigger: TrainingTrigger;
  request: TrainingRequest;
  progress: number;
  stage: string | null;
  metrics: Record<string, unknown>;
  gate: { promoted: boolean; reason: string } | null;
  version: string | null;
  promoted: boolean | null;
  error: string | null;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
}

/** The advisory lock key every training run holds (one job at a time, across replicas). */
export const TRAINING_LOCK_SQL = `hashtext('recgraph:training')`;
/** A queued job whose runner has not taken the lock within this long is taken for dead. */
const QUEUED_GRACE = `2 minutes`;

const COLUMNS = `id, state, trigger, request, progress, stage, metrics, gate, version, promoted, error,
  created_at AS "createdAt", started_at AS "startedAt", finished_at AS "finishedAt"`;

export async function trainingJob(db: Queryable, id: number): Promise<TrainingJobRow | undefined> {
  const { rows } = await db.query<TrainingJobRow>(`SELECT ${COLUMNS} FROM training_jobs WHERE id = $1`, [id]);
  return rows[0];
}

export async function trainingJobs(db: Queryable, first: number): Promise<TrainingJobRow[]> {
  const { rows } = await db.query<TrainingJobRow>(`SELECT ${COLUMNS} FROM training_jobs ORDER BY id DESC LIMIT $1`, [
    first,
  ]);
  return rows;
}

/**
 * The job queued or running right now, after failing the ones whose runner is gone: running jobs while nobody
 * holds the training lock, queued ones older than the grace period. Call inside a transaction.
 */
async function liveJob(client: pg.PoolClient): Promise<TrainingJobRow | undefined> {
  const { rows: lock } = await client.query<{ free: boolean }>(
    `SELECT pg_try_advisory_xact_lock(${TRAINING_LOCK_SQL}) AS free`,
  );
  if (lock[0].free) {
    await client.query(
      `UPDATE training_jobs SET state = 'failed', finished_at = now(),
              error = coalesce(error, 'the training process ended without finishing the job')
        WHERE state = 'running'`,
    );
  }
  await client.query(
    `UPDATE training_jobs SET state = 'failed', finished_at = now(), error = 'no training process picked the job up'
      WHERE state = 'queued' AND created_at < now() - interval '${QUEUED_GRACE}'`,
  );
  const { rows } = await client.query<TrainingJobRow>(
    `SELECT ${COLUMNS} FROM training_jobs WHERE state IN ('queued', 'running') ORDER BY id LIMIT 1`,
  );
  return rows[0];
}

/**
 * Queues a job unless one is queued or running (that one is returned, `started: false`). Serialised by a
 * transaction-level advisory lock, so two replicas asked at once queue one job.
 */
export function queueTrainingJob(
  pool: pg.Pool,
  trigger: TrainingTrigger,
  request: TrainingRequest,
  options: { unlessNewerThanMs?: number } = {},
): Promise<{ job: TrainingJobRow; started: boolean } | undefined> {
  return withTransaction(pool, async (client) => {
    await client.query(`SELECT pg_advisory_xact_lock(hashtext('recgraph:training-queue'))`);
    const live = await liveJob(client);
    if (live) return { job: live, started: false };
    if (options.unlessNewerThanMs !== undefined) {
      // The schedule: due only when neither a job nor a model version is newer than the period.
      const { rows } = await client.query<{ due: boolean; anything: boolean }>(
        `SELECT coalesce(greatest(
                  (SELECT max(created_at) FROM training_jobs),
                  (SELECT max(created_at) FROM model_versions)) < now() - make_interval(secs => $1 / 1000.0), false) AS due,
                EXISTS (SELECT 1 FROM model_versions) AS anything`,
        [options.unlessNewerThanMs],
      );
      if (!rows[0].due || !rows[0].anything) return undefined;
    }
    const { rows } = await client.query<TrainingJobRow>(
      `INSERT INTO training_jobs (trigger, request) VALUES ($1, $2) RETURNING ${COLUMNS}`,
      [trigger, JSON.stringify(request)],
    );
    return { job: rows[0], started: true };
  });
}

export interface JobUpdate {
  state?: TrainingJobState;
  progress?: number;
  stage?: string | null;
  metrics?: Record<string, unknown>;
  gate?: unknown;
  version?: string;
  promoted?: boolean;
  error?: string;
  started?: boolean;
  finished?: boolean;
}

export async function updateTrainingJob(db: Queryable, id: number, update: JobUpdate): Promise<void> {
  const sets: string[] = [];
  const values: unknown[] = [id];
  const set = (column: string, value: unknown) => {
    values.push(value);
    sets.push(`${column} = $${values.length}`);
  };
  if (update.state !== undefined) set('state', update.state);
  if (update.progress !== undefined) set('progress', update.progress);
  if (update.stage !== undefined) set('stage', update.stage);
  if (update.metrics !== undefined) set('metrics', JSON.stringify(update.metrics));
  if (update.gate !== undefined) set('gate', JSON.stringify(update.gate));
  if (update.version !== undefined) set('version', update.version);
  if (update.promoted !== undefined) set('promoted', update.promoted);
  if (update.error !== undefined) set('error', update.error);
  if (update.started) sets.push('started_at = now()');
  if (update.finished) sets.push('finished_at = now()');
  if (!sets.length) return;
  await db.query(`UPDATE training_jobs SET ${sets.join(', ')} WHERE id = $1`, values);
}
