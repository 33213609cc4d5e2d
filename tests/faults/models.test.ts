// Model swap and rollback under load: a new version trained and published, rolled back, and activated again while
// the app (its own process) answers recommendations. No request may fail, and the servers follow each switch.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createLogger } from '../../src/logger.js';
import { VectorStore } from '../../src/vector/client.js';
import { activateVersion, activeVersion, rollbackVersion } from '../../training/export/publish.js';
import { trainAndPublish } from '../../training/train-job/bootstrap.js';
import { startChildApp, type ChildApp } from './helpers/child-app.js';
import { prepareFixture, type FaultFixture } from './helpers/fixture.js';
import { sleep, startLoad, tally } from './helpers/load.js';
import { recordResults } from './helpers/results.js';

describe('model swap and rollback under load', () => {
  let fixture: FaultFixture;
  let app: ChildApp;
  let store: VectorStore;

  beforeAll(async () => {
    fixture = await prepareFixture(inject('qdrantUrl'), { seed: 89, items: 300, users: 150, eventsPerUser: 20 });
    store = new VectorStore({ url: inject('qdrantUrl') });
    app = await startChildApp(fixture.env());
  });
  afterAll(async () => {
    await app?.stop();
    store?.close();
    await fixture?.drop();
  });

  it('fails no request while versions switch, and serves each live version within the refresh interval', async () => {
    const users = fixture.dataset.users.map((u) => u.externalId);
    const load = startLoad(
      app.origin,
      (n) => ({
        query: `query($u: ID!) { recommendations(userId: $u, first: 5) { strategy modelVersion items { item { id } } } }`,
        variables: { u: users[n % users.length] },
      }),
      {
        labelOf: (data) =>
          (data as { recommendations: { modelVersion: string | null } }).recommendations.modelVersion ?? 'none',
      },
    );
    const first = (await activeVersion(fixture.pool))!;
    await sleep(1_000);
    const second = await trainAndPublish(fixture.pool, store, createLogger('silent'), {
      dataDir: fixture.dataDir,
      prefix: fixture.prefix,
      params: { factors: 16, iterations: 6 },
      train: { model: 'blend' },
    });
    const switches: Array<{ to: string; at: number }> = [{ to: second, at: load.now() }];
    await sleep(6_000);
    await rollbackVersion(store, fixture.pool, { prefix: fixture.prefix });
    switches.push({ to: first, at: load.now() });
    await sleep(6_000);
    await activateVersion(store, fixture.pool, second, { prefix: fixture.prefix });
    switches.push({ to: second, at: load.now() });
    await sleep(6_000);
    await load.stop();

    // Followed: from the first answer of the new version on (sent after the switch), no answer of another one.
    const followSeconds = switches.map(({ to, at }, k) => {
      const until = switches[k + 1]?.at ?? Infinity;
      const window = load.samples.filter((s) => s.at >= at && s.at < until && s.ok);
      const firstNew = window.findIndex((s) => s.label === to);
      const stale = firstNew < 0 ? window.length : window.slice(firstNew).filter((s) => s.label !== to).length;
      return {
        to,
        seconds: firstNew < 0 ? null : Math.round(window[firstNew].at - at) / 1000,
        staleAfterFollowing: stale,
      };
    });
    const failed = load.samples.filter((s) => !s.ok);
    recordResults('modelSwap', {
      versions: { first, second },
      switches: switches.map((s) => ({ to: s.to, atSeconds: Math.round(s.at) / 1000 })),
      load: tally(load.samples),
      failed: failed.length,
      followSeconds,
      processStayedUp: app.alive(),
    });
    expect(failed.slice(0, 5)).toEqual([]);
    for (const follow of followSeconds) {
      expect(follow.seconds, follow.to).not.toBeNull();
      expect(follow.staleAfterFollowing, follow.to).toBe(0);
    }
    expect(app.alive()).toBe(true);
  });
});
