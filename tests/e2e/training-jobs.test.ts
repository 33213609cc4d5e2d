// Retraining from the API over HTTP on real Postgres + Qdrant: trainModel queues a job run by a child process
// (`recgraph train --job`), trainingJobs follows it to the end, serving answers throughout; the promotion gate lets
// an equally good configuration go live and keeps a worse one inactive with its reason; one job at a time.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServedApp, type ServedApp } from '../helpers/served-app.js';

interface Job {
  id: string;
  state: string;
  trigger: string;
  progress: number;
  stage: string | null;
  startedAt: string | null;
  finishedAt: string | null;
  seconds: number | null;
  metrics: string;
  version: string | null;
  promoted: boolean | null;
  gateReason: string | null;
  error: string | null;
}

const JOB_FIELDS =
  'id state trigger progress stage startedAt finishedAt seconds metrics version promoted gateReason error';
const TRAIN = `mutation($input: TrainModelInput) { trainModel(input: $input) { started job { ${JOB_FIELDS} } } }`;

describe('training jobs over HTTP', () => {
  let served: ServedApp;
  const key = 'test-key';

  beforeAll(async () => {
    // Tolerance 0: a configuration that ranks any worse on the gate's split stays inactive.
    served = await startServedApp({ env: { RECGRAPH_API_KEY: key, RECGRAPH_PROMOTION_TOLERANCE: '0' } });
  }, 240_000);
  afterAll(async () => served?.stop());

  async function ok<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
    const response = await served.graphql<T>(query, variables, { 'x-api-key': key });
    expect(response.errors, JSON.stringify(response.errors)).toBeUndefined();
    return response.data!;
  }

  async function untilDone(id: string): Promise<{ job: Job; answeredMeanwhile: number }> {
    let answeredMeanwhile = 0;
    for (;;) {
      const [{ trainingJob }, list] = await Promise.all([
        ok<{ trainingJob: Job }>(`query($id: ID!) { trainingJob(id: $id) { ${JOB_FIELDS} } }`, { id }),
        served.graphql<{ recommendations: { items: unknown[] } }>(
          `{ recommendations(userId: "${served.dataset.users[0].externalId}", first: 5) { items { score } } }`,
        ),
      ]);
      expect(list.errors).toBeUndefined();
      expect(list.data!.recommendations.items.length).toBe(5);
      answeredMeanwhile++;
      if (trainingJob.state === 'SUCCEEDED' || trainingJob.state === 'FAILED')
        return { job: trainingJob, answeredMeanwhile };
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }

  const liveVersion = async () =>
    (await ok<{ modelInfo: { version: string } }>(`{ modelInfo { version } }`)).modelInfo.version;

  it('needs the API key and checks parameters', async () => {
    const anonymous = await served.graphql(TRAIN, {});
    expect(anonymous.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    const bad = await served.graphql(
      TRAIN,
      { input: { params: [{ name: 'factor', value: 8 }] } },
      { 'x-api-key': key },
    );
    expect(bad.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(bad.errors?.[0].message).toMatch(/unknown parameter "factor"/);
  });

  it('trains in the background, one job at a time, and promotes a configuration as good as the live one', async () => {
    const before = await liveVersion();
    // The live version was trained with factors 16, iterations 6 (tests/helpers/served-app.ts): the same again.
    const params = [
      { name: 'factors', value: 16 },
      { name: 'iterations', value: 6 },
    ];
    const first = (await ok<{ trainModel: { started: boolean; job: Job } }>(TRAIN, { input: { params } })).trainModel;
    expect(first.started).toBe(true);
    expect(['QUEUED', 'RUNNING']).toContain(first.job.state);
    const second = (await ok<{ trainModel: { started: boolean; job: Job } }>(TRAIN, {})).trainModel;
    expect(second).toMatchObject({ started: false, job: { id: first.job.id } });

    const { job, answeredMeanwhile } = await untilDone(first.job.id);
    expect(job.error).toBeNull();
    expect(job).toMatchObject({ state: 'SUCCEEDED', trigger: 'api', progress: 1, promoted: true });
    expect(answeredMeanwhile).toBeGreaterThan(1);
    expect(job.gateReason).toMatch(/same configuration/);
    expect(job.seconds).toBeGreaterThan(0);
    const metrics = JSON.parse(job.metrics);
    expect(metrics.validation.candidate).toBe(metrics.validation.live);
    expect(metrics.training.users).toBe(served.dataset.users.length);
    expect(job.version).not.toBe(before);
    // Servers re-read the live version within 5 s.
    await expect.poll(liveVersion, { timeout: 10_000, interval: 500 }).toBe(job.version);
  }, 300_000);

  it('keeps a worse configuration inactive with the reason recorded', async () => {
    const before = await liveVersion();
    const params = [
      { name: 'factors', value: 1 },
      { name: 'iterations', value: 1 },
    ];
    const started = (await ok<{ trainModel: { started: boolean; job: Job } }>(TRAIN, { input: { params } })).trainModel;
    const { job } = await untilDone(started.job.id);
    expect(job.error).toBeNull();
    const gate = JSON.parse(job.metrics).validation;
    expect(gate.candidate).toBeLessThan(gate.live);
    expect(job).toMatchObject({ state: 'SUCCEEDED', promoted: false });
    expect(job.gateReason).toMatch(/worse, kept inactive/);
    await new Promise((resolve) => setTimeout(resolve, 5_500));
    expect(await liveVersion()).toBe(before);
    const { rows } = await served.pool.query<{ status: string; metrics: { promotion: { reason: string } } }>(
      'SELECT status, metrics FROM model_versions WHERE version = $1',
      [job.version],
    );
    expect(rows[0].status).toBe('exported');
    expect(rows[0].metrics.promotion.reason).toBe(job.gateReason);
    const listed = await ok<{ trainingJobs: Job[] }>(`{ trainingJobs(first: 5) { id state promoted } }`);
    expect(listed.trainingJobs.map((j) => j.id).slice(0, 2)).toEqual([
      started.job.id,
      String(Number(started.job.id) - 1),
    ]);
  }, 300_000);
});
