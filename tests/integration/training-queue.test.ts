// The training queue on real Postgres (src/db/training-jobs.ts): two replicas asking at once queue one job; a job
// whose runner died (no session holds the training lock) is failed on the next check; the schedule is due only when
// nothing newer than its period exists. And pruning keeps a version an experiment still serves.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { durationMsFrom } from '../../src/config.js';
import { createPool } from '../../src/db/pool.js';
import { queueTrainingJob, TRAINING_LOCK_SQL, trainingJob } from '../../src/db/training-jobs.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';

describe('training queue', () => {
  let db: TestDatabase;
  let replicaA: ReturnType<typeof createPool>;
  let replicaB: ReturnType<typeof createPool>;

  beforeAll(async () => {
    db = await createTestDatabase();
    replicaA = createPool(db.url);
    replicaB = createPool(db.url);
  });
  afterAll(async () => {
    await replicaA?.end();
    await replicaB?.end();
    await db?.drop();
  });

  it('queues one job when two replicas ask at the same moment', async () => {
    const answers = await Promise.all([
      queueTrainingJob(replicaA, 'api', {}),
      queueTrainingJob(replicaB, 'api', { model: 'graphfilter' }),
      queueTrainingJob(replicaA, 'api', {}),
    ]);
    expect(answers.filter((a) => a!.started)).toHaveLength(1);
    expect(new Set(answers.map((a) => a!.job.id)).size).toBe(1);
    const { rows } = await replicaA.query(`SELECT count(*)::int AS n FROM training_jobs`);
    expect(rows[0].n).toBe(1);
  });

  it('fails a running job nobody holds the lock for, and keeps one whose runner holds it', async () => {
    await replicaA.query(`UPDATE training_jobs SET state = 'running', started_at = now()`);
    const runner = await replicaB.connect();
    try {
      await runner.query(`SELECT pg_advisory_lock(${TRAINING_LOCK_SQL})`);
      const held = await queueTrainingJob(replicaA, 'api', {});
      expect(held).toMatchObject({ started: false, job: { state: 'running' } });
      await runner.query(`SELECT pg_advisory_unlock(${TRAINING_LOCK_SQL})`);
    } finally {
      runner.release();
    }
    const { rows } = await replicaA.query<{ id: number }>(`SELECT id FROM training_jobs ORDER BY id LIMIT 1`);
    const next = await queueTrainingJob(replicaA, 'api', {});
    expect(next!.started).toBe(true);
    const dead = await trainingJob(replicaA, rows[0].id);
    expect(dead).toMatchObject({ state: 'failed', error: expect.stringMatching(/ended without finishing/) });
    await replicaA.query(`UPDATE training_jobs SET state = 'succeeded' WHERE state <> 'failed'`);
  });

  it('is due on schedule only when no job and no version is newer than the period', async () => {
    const hour = 3_600_000;
    // No model version yet: the first model comes from start-up, not the schedule.
    await replicaA.query(`UPDATE training_jobs SET created_at = now() - interval '2 hours'`);
    expect(await queueTrainingJob(replicaA, 'schedule', {}, { unlessNewerThanMs: hour })).toBeUndefined();
    await replicaA.query(
      `INSERT INTO model_versions (version, kind, dimension, data_cutoff, created_at, status)
       VALUES ('v-old', 'default', 4, now(), now() - interval '3 hours', 'active')`,
    );
    const due = await Promise.all([
      queueTrainingJob(replicaA, 'schedule', {}, { unlessNewerThanMs: hour }),
      queueTrainingJob(replicaB, 'schedule', {}, { unlessNewerThanMs: hour }),
    ]);
    expect(due.filter((d) => d?.started)).toHaveLength(1);
    await replicaA.query(`UPDATE training_jobs SET state = 'succeeded'`);
    // The job just queued is newer than the period: not due again.
    expect(await queueTrainingJob(replicaA, 'schedule', {}, { unlessNewerThanMs: hour })).toBeUndefined();
  });

  it('reads RECGRAPH_RETRAIN_EVERY durations', () => {
    expect(durationMsFrom('6h', 'X')).toBe(6 * 3_600_000);
    expect(durationMsFrom('30m', 'X')).toBe(1_800_000);
    expect(durationMsFrom('1d', 'X')).toBe(86_400_000);
    expect(durationMsFrom('', 'X')).toBeUndefined();
    expect(durationMsFrom('off', 'X')).toBeUndefined();
    expect(() => durationMsFrom('6 hours', 'X')).toThrow(/duration like 6h/);
    expect(() => durationMsFrom('10s', 'X')).toThrow(/at least 1m/);
  });
});
