// `recgraph start`: serving start-up lives in src/runtime/start.ts; the CLI passes in what runs before serving
// (seed the demo catalog into an empty database, train and publish when no model is live).
import type { Command } from 'commander';
import { readyMessage, startService } from '../../../src/runtime/start.js';
import { bootstrap } from '../../train-job/bootstrap.js';
import { createCliProgress } from '../../progress.js';

export function registerStart(program: Command): void {
  program
    .command('start')
    .description(
      'start the GraphQL server (embedded Postgres and Qdrant when DATABASE_URL / QDRANT_URL are unset; ' +
        'seeds and trains on first run)',
    )
    .option('--retrain', 'train and publish a new model before serving, even when one is live')
    .option('--no-seed', 'do not seed the demo catalog into an empty database')
    .option('-p, --port <port>', 'port to listen on (default: $PORT or 4000)')
    .action(async (opts: { retrain?: boolean; seed: boolean; port?: string }) => {
      const service = await startService({
        port: opts.port,
        bootstrap: ({ config, infra, store, log }) =>
          bootstrap(infra.pool, store, log, {
            dataDir: config.dataDir,
            prefix: config.collectionPrefix,
            keepVersions: config.keepVersions,
            retrain: opts.retrain,
            seedDemo: opts.seed,
            progress: createCliProgress(),
            textModelPath: config.textModelPath,
            imageModelPath: config.imageModelPath,
          }),
      });
      if (service) console.log(readyMessage(service));
    });
}
