import type { Command } from 'commander';
import { loadConfig } from '../../../src/config.js';
import { createVectorStore, startApp } from '../../../src/runtime/app.js';
import { openInfrastructure } from '../../../src/runtime/infrastructure.js';
import { createLogger } from '../../../src/runtime/logger.js';
import { installShutdown } from '../../../src/runtime/shutdown.js';
import { bootstrap } from '../../pipeline/bootstrap.js';
import { createCliProgress } from '../../progress.js';

export const EXAMPLE_QUERY = `query Example {
  recommendations(userId: "reader-00001", first: 5) {
    strategy
    modelVersion
    items { score source item { id title creators genres year } }
  }
  similarItems(itemId: "book-00001", first: 3) {
    items { score item { id title genres } }
  }
}`;

export function registerStart(program: Command): void {
  program
    .command('start')
    .description('start the GraphQL server (embedded Postgres and Qdrant when DATABASE_URL / QDRANT_URL are unset; seeds and trains on first run)')
    .option('--retrain', 'train and publish a new model before serving, even when one is live')
    .option('--no-seed', 'do not seed the demo catalog into an empty database')
    .option('-p, --port <port>', 'port to listen on (default: $PORT or 4000)')
    .action(async (opts: { retrain?: boolean; seed: boolean; port?: string }) => {
      const started = Date.now();
      const config = loadConfig(opts.port ? { ...process.env, PORT: opts.port } : process.env);
      const log = createLogger(config.logLevel);
      // Before anything starts: a signal during startup stops whatever has been started so far.
      const shutdown = installShutdown({ log });
      const opening = openInfrastructure(config, log);
      shutdown.add(async () => (await opening.catch(() => undefined))?.stop());
      const infra = await opening;
      if (shutdown.requested) return shutdown.finished;
      let app: Awaited<ReturnType<typeof startApp>>;
      try {
        const store = createVectorStore(infra);
        await bootstrap(infra.pool, store, log, {
          dataDir: config.dataDir,
          prefix: config.collectionPrefix,
          keepVersions: config.keepVersions,
          retrain: opts.retrain,
          seedDemo: opts.seed,
          progress: createCliProgress(),
          textModelPath: config.textModelPath,
        });
        store.close();
        if (shutdown.requested) return shutdown.finished;
        app = await startApp(config, infra, log);
        shutdown.add(() => app.stop());
      } catch (error) {
        // Stopping pulls the pool and Qdrant from under the bootstrap: its error is the shutdown's, not a failure.
        if (shutdown.requested) return shutdown.finished;
        await infra.stop();
        throw error;
      }
      const seconds = ((Date.now() - started) / 1000).toFixed(1);
      console.log(`\nrecgraph is ready in ${seconds} s: ${app.server.url}`);
      if (!config.production) console.log('Open it in a browser for Apollo Sandbox, or try:\n');
      console.log(`curl -s ${app.server.url} -H 'content-type: application/json' \\\n  -d '${JSON.stringify({ query: EXAMPLE_QUERY.replace(/\s+/g, ' ') })}'\n`);
      if (!config.production) console.log(`Example query for Sandbox:\n\n${EXAMPLE_QUERY}\n`);
      console.log('Ctrl-C (or SIGTERM) stops the server and everything it started.');
    });
}
