// `recgraph export-recommendations`: wiring only — the serving services built as `recgraph start` builds them, handed
// to training/batch/export-recommendations.ts, which ranks and writes.
import type { Command } from 'commander';
import { idProblem } from '../../../src/graphql/inputs.js';
import { createServices, createVectorStore } from '../../../src/runtime/app.js';
import { exportRecommendations, MAX_FIRST } from '../../batch/export-recommendations.js';
import { createCliProgress } from '../../progress.js';
import { withInfrastructure } from '../context.js';

export function registerExportRecommendations(program: Command): void {
  program
    .command('export-recommendations')
    .description("write every user's recommendations (or those of --users) as JSON Lines, ranked by the API's own code")
    .requiredOption(
      '--out <file>',
      'output file (JSON Lines: one {userId, strategy, reason, modelVersion, items} per user)',
    )
    .option('--first <n>', `items per user (1–${MAX_FIRST})`, '50')
    .option('--users <file>', 'one user id per line; bad or unknown ones are reported with their line and skipped')
    .option('--concurrency <n>', 'users ranked at once', '4')
    .action((opts: { out: string; first: string; users?: string; concurrency: string }) =>
      withInfrastructure(async ({ config, infra }) => {
        const first = Number(opts.first);
        const concurrency = Number(opts.concurrency);
        if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 64)
          throw new Error(`--concurrency must be an integer from 1 to 64, got "${opts.concurrency}"`);
        const store = createVectorStore(infra);
        const services = createServices(config, infra, store);
        try {
          await services.models.warmUp();
          const summary = await exportRecommendations(
            { recommender: services.recommender, users: services.users, items: services.items, idProblem },
            { first, out: opts.out, usersFile: opts.users, concurrency, progress: createCliProgress() },
          );
          for (const { line, reason } of summary.rejected) {
            console.error(line ? `${opts.users}:${line}: skipped: ${reason}` : reason);
          }
          const strategies = Object.entries(summary.strategies)
            .map(([strategy, n]) => `${strategy} ${n}`)
            .join(', ');
          console.log(
            `wrote ${summary.users} users to ${opts.out} in ${summary.seconds.toFixed(1)} s ` +
              `(${summary.usersPerSecond.toFixed(1)} users/s; ${strategies || 'no users'})` +
              (summary.rejected.length ? `; ${summary.rejected.length} lines skipped` : ''),
          );
        } finally {
          store.close();
          await services.models.close();
        }
      }),
    );
}
