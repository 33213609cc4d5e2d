// A/B experiments end to end over HTTP on real Postgres + Qdrant: assignment as the hash says, each variant served
// by its own model version and settings, every list with an id, events attributed through it, and a report whose
// counts are exactly what the seeded run produced; starting, stopping and ending never fails a request.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assign } from '../../src/experiments/assignment.js';
import { createLogger } from '../../src/logger.js';
import { pruneVersions } from '../../training/export/publish.js';
import { trainAndPublish } from '../../training/train-job/bootstrap.js';
import { startServedApp, type ServedApp } from '../helpers/served-app.js';
import type { VariantReport } from '../../src/experiments/report.js';

interface List {
  recommendationId: string;
  modelVersion: string | null;
  experiment: { name: string; variant: string } | null;
  items: Array<{ item: { id: string } }>;
}

const LIST = `query($userId: ID!) { recommendations(userId: $userId, first: 5) {
  recommendationId modelVersion experiment { name variant } items { item { id } } } }`;
const REPORT = `query($name: String!) { experimentReport(name: $name, k: 3) {
  name status k clickKind interval
  variants { variant impressions users catalogueCoverage
    ctrAtK { successes trials rate low high }
    conversions { kind lists rate { successes trials rate low high } } } } }`;
const CREATE = `mutation($input: ExperimentInput!) { createExperiment(input: $input) { name status salt variants { name share modelVersion diversity candidateCount } } }`;

describe('experiments over HTTP', () => {
  let served: ServedApp;
  let oldVersion: string;
  let liveVersion: string;

  beforeAll(async () => {
    served = await startServedApp();
    oldVersion = (await served.pool.query<{ version: string }>(`SELECT version FROM model_versions`)).rows[0].version;
    // A second version goes live; the first stays published (retired) for the experiment's variant A.
    liveVersion = await trainAndPublish(served.pool, served.app.vectorStore, createLogger('silent'), {
      dataDir: served.config.dataDir,
      prefix: served.config.collectionPrefix,
      params: { factors: 8, iterations: 3 },
    });
  }, 240_000);

  afterAll(async () => served?.stop());

  async function ok<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
    const response = await served.graphql<T>(query, variables);
    expect(response.errors, JSON.stringify(response.errors)).toBeUndefined();
    return response.data!;
  }

  it('refuses bad definitions with the reason', async () => {
    const bad = await served.graphql(CREATE, {
      input: {
        name: 'bad',
        variants: [
          { name: 'a', share: 0.7 },
          { name: 'b', share: 0.6 },
        ],
      },
    });
    expect(bad.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(bad.errors?.[0].message).toMatch(/sum to 1.3/);
    const missing = await served.graphql(`mutation { startExperiment(name: "nope") { name } }`);
    expect(missing.errors?.[0].extensions?.code).toBe('NOT_FOUND');
  });

  it('assigns by the hash, serves each variant its version, attributes events and reports exact counts', async () => {
    const created = await ok<{ createExperiment: { status: string; salt: string } }>(CREATE, {
      input: {
        name: 'ab-1',
        salt: 'seed-42',
        variants: [
          { name: 'A', share: 0.5, modelVersion: oldVersion, candidateCount: 50 },
          { name: 'B', share: 0.5, diversity: 0.3 },
        ],
      },
    });
    expect(created.createExperiment).toMatchObject({ status: 'DRAFT', salt: 'seed-42' });
    // Not running yet: lists have an id but no experiment.
    const before = await ok<{ recommendations: List }>(LIST, { userId: served.dataset.users[0].externalId });
    expect(before.recommendations.recommendationId).toMatch(/^[0-9a-f-]{36}$/);
    expect(before.recommendations.experiment).toBeNull();

    await ok(`mutation { startExperiment(name: "ab-1") { status } }`);
    const { rows } = await served.pool.query(
      `SELECT id, name, salt, status, variants FROM experiments WHERE name = 'ab-1'`,
    );
    const definition = { ...rows[0], createdAt: new Date(), startedAt: null, stoppedAt: null, endedAt: null };

    const users = served.dataset.users.slice(0, 60).map((u) => u.externalId);
    const lists = new Map<string, List>();
    for (const userId of users) {
      const list = (await ok<{ recommendations: List }>(LIST, { userId })).recommendations;
      expect(list.experiment).toEqual({ name: 'ab-1', variant: assign(definition, userId)!.variant.name });
      expect(list.modelVersion).toBe(list.experiment!.variant === 'A' ? oldVersion : liveVersion);
      lists.set(userId, list);
    }
    // Two lists for the first ten users: impressions count lists, users count people.
    for (const userId of users.slice(0, 10)) {
      const again = (await ok<{ recommendations: List }>(LIST, { userId })).recommendations;
      expect(again.experiment).toEqual(lists.get(userId)!.experiment);
      expect(again.recommendationId).not.toBe(lists.get(userId)!.recommendationId);
    }

    // A seeded plan of events: user i clicks rank (i mod 5) of their list when i mod 3 ≠ 0 and purchases it when
    // i mod 4 = 0; plus events that must not count (an item the list did not show, another user's list id).
    const expected = new Map<string, { clicked: number; purchased: number; clickedLists: number }>();
    const events: Array<Record<string, unknown>> = [];
    users.forEach((userId, i) => {
      const list = lists.get(userId)!;
      const variant = list.experiment!.variant;
      const tally = expected.get(variant) ?? { clicked: 0, purchased: 0, clickedLists: 0 };
      const rank = i % 5;
      const item = list.items[rank]?.item.id;
      if (item && i % 3 !== 0) {
        events.push({ userId, itemId: item, kind: 'click', recommendationId: list.recommendationId });
        tally.clicked++;
        if (rank < 3) tally.clickedLists++;
        if (i % 4 === 0) {
          events.push({ userId, itemId: item, kind: 'purchase', recommendationId: list.recommendationId });
          tally.purchased++;
        }
      }
      expected.set(variant, tally);
    });
    const shown = new Set([...lists.values()].flatMap((l) => l.items.map((x) => x.item.id)));
    const notShown = served.dataset.items.find((item) => !shown.has(item.externalId))!.externalId;
    events.push({
      userId: users[1],
      itemId: notShown,
      kind: 'click',
      recommendationId: lists.get(users[1])!.recommendationId,
    });
    const other = lists.get(users[2])!;
    events.push({
      userId: users[3],
      itemId: other.items[0].item.id,
      kind: 'click',
      recommendationId: other.recommendationId,
    });
    events.push({ userId: users[4], itemId: notShown, kind: 'click', recommendationId: 'not-a-list-id' });

    const recorded = await ok<{
      recordInteractions: { recorded: number; rejected: Array<{ index: number; reason: string }> };
    }>(
      `mutation($input: [InteractionInput!]!) { recordInteractions(input: $input) { recorded rejected { index reason } } }`,
      { input: events },
    );
    expect(recorded.recordInteractions.recorded).toBe(events.length - 1);
    expect(recorded.recordInteractions.rejected).toEqual([
      { index: events.length - 1, reason: expect.stringMatching(/recommendationId/) },
    ]);

    const report = (
      await ok<{ experimentReport: { variants: VariantReport[]; interval: string; status: string } }>(REPORT, {
        name: 'ab-1',
      })
    ).experimentReport;
    expect(report.interval).toMatch(/Wilson/);
    expect(report.variants.map((v) => v.variant)).toEqual(['A', 'B']);
    const catalogue = served.dataset.items.length;
    for (const v of report.variants) {
      const userIds = users.filter((u) => lists.get(u)!.experiment!.variant === v.variant);
      const repeats = users.slice(0, 10).filter((u) => userIds.includes(u)).length;
      const impressions = userIds.length + repeats;
      const tally = expected.get(v.variant)!;
      expect(v.users).toBe(userIds.length);
      expect(v.impressions).toBe(impressions);
      expect(v.ctrAtK.successes).toBe(tally.clickedLists);
      expect(v.ctrAtK.trials).toBe(impressions);
      expect(v.ctrAtK.low).toBeLessThanOrEqual(v.ctrAtK.rate);
      expect(v.ctrAtK.high).toBeGreaterThanOrEqual(v.ctrAtK.rate);
      const byKind = Object.fromEntries(v.conversions.map((c) => [c.kind, c.lists]));
      expect(byKind).toEqual({ click: tally.clicked, ...(tally.purchased ? { purchase: tally.purchased } : {}) });
      const distinct = new Set(userIds.flatMap((u) => lists.get(u)!.items.map((x) => x.item.id)));
      // Repeated lists of the same user may show other items (the model is deterministic: they do not).
      expect(v.catalogueCoverage).toBeGreaterThanOrEqual(distinct.size / catalogue);
    }

    // Pruning down to the live version alone keeps the version variant A serves while the experiment lasts.
    const pruned = await pruneVersions(served.app.vectorStore, served.pool, {
      prefix: served.config.collectionPrefix,
      keep: 1,
    });
    expect(pruned).not.toContain(oldVersion);
    const again = (
      await ok<{ recommendations: List }>(LIST, {
        userId: users.find((u) => lists.get(u)!.experiment!.variant === 'A')!,
      })
    ).recommendations;
    expect(again.modelVersion).toBe(oldVersion);
  }, 120_000);

  it('answers every request while the experiment is stopped, restarted and ended', async () => {
    const userIds = served.dataset.users.slice(0, 20).map((u) => u.externalId);
    let running = true;
    const failures: unknown[] = [];
    let answered = 0;
    const load = (async () => {
      while (running) {
        const responses = await Promise.all(
          userIds.map((userId) => served.graphql<{ recommendations: List }>(LIST, { userId })),
        );
        for (const r of responses) {
          if (r.errors || !r.data?.recommendations.recommendationId) failures.push(r.errors ?? r.data);
          else answered++;
        }
      }
    })();
    for (const change of ['stopExperiment', 'startExperiment', 'stopExperiment', 'startExperiment', 'endExperiment'])
      await ok(`mutation { ${change}(name: "ab-1") { status } }`);
    running = false;
    await load;
    expect(failures).toEqual([]);
    expect(answered).toBeGreaterThan(0);
    // Ended: lists carry no experiment any more, and the experiment cannot be started again.
    const after = await ok<{ recommendations: List }>(LIST, { userId: userIds[0] });
    expect(after.recommendations.experiment).toBeNull();
    const restart = await served.graphql(`mutation { startExperiment(name: "ab-1") { status } }`);
    expect(restart.errors?.[0].message).toMatch(/ended/);
    const listed = await ok<{ experiments: Array<{ name: string; status: string; endedAt: string | null }> }>(
      `{ experiments { name status endedAt } }`,
    );
    expect(listed.experiments).toEqual([{ name: 'ab-1', status: 'ENDED', endedAt: expect.any(String) }]);
  }, 120_000);
});
