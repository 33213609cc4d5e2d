// The zero-config path (`npm start` without DATABASE_URL): the embedded PGlite behind its socket server, which
// multiplexes every pooled connection onto one Postgres session. What works on a real server can break there
// (named prepared statements collide across "connections", COPY does not exist), so the serving path is run on it
// here, with concurrent requests so several pool connections are in use at once.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type App } from '../../src/runtime/app.js';
import { openInfrastructure, type Infrastructure } from '../../src/runtime/infrastructure.js';
import { createLogger } from '../../src/logger.js';
import { generateDemoDataset } from '../../training/demo/generate.js';
import { loadDemoDataset } from '../../training/demo/seed.js';
import { trainAndPublish } from '../../training/train-job/bootstrap.js';
import { postGraphQL, testConfig } from '../helpers/served-app.js';

describe('zero-config serving on the embedded PGlite', () => {
  let dataDir: string;
  let infra: Infrastructure;
  let app: App;

  const graphql = <T>(query: string, variables: Record<string, unknown> = {}) =>
    postGraphQL<T>(new URL(app.server.url.replace('localhost', '127.0.0.1')).origin, query, variables);

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'recgraph-zero-config-'));
    const prefix = `zc_${Date.now().toString(36)}_`;
    // No databaseUrl: openInfrastructure starts PGlite under dataDir. Qdrant is the run's shared test server.
    const config = testConfig({ databaseUrl: undefined, dataDir, prefix });
    const log = createLogger('silent');
    infra = await openInfrastructure(config, log);
    expect(infra.embeddedPostgres).toBe(true);
    await loadDemoDataset(infra.pool, generateDemoDataset({ seed: 3, items: 300, users: 120, eventsPerUser: 20 }));
    app = await startApp(config, infra);
    await trainAndPublish(infra.pool, app.vectorStore, log, {
      dataDir,
      prefix,
      params: { factors: 16, iterations: 4 },
      train: { model: 'blend' },
    });
  });

  afterAll(async () => {
    await app?.stop();
    await infra?.stop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('answers concurrent personalized, similar-item and history requests without errors', async () => {
    const users = Array.from({ length: 24 }, (_, i) => `reader-${String(i + 1).padStart(5, '0')}`);
    const query = `query($u: ID!, $i: ID!) {
      recommendations(userId: $u, first: 10) { strategy items { item { id title } } }
      similarItems(itemId: $i, first: 5) { items { item { id } } }
      user(id: $u) { history(first: 5) { events { item { id } } } }
    }`;
    // Two rounds: the second is served from the warm caches, the first from Postgres on many connections at once.
    for (let round = 0; round < 2; round++) {
      const answers = await Promise.all(
        users.map((u, i) =>
          graphql<{ recommendations: { strategy: string; items: unknown[] } }>(query, {
            u,
            i: `book-${String(i + 1).padStart(5, '0')}`,
          }),
        ),
      );
      for (const answer of answers) {
        expect(answer.errors).toBeUndefined();
        expect(answer.data!.recommendations.strategy).toBe('MODEL');
        expect(answer.data!.recommendations.items).toHaveLength(10);
      }
    }
  });
});
