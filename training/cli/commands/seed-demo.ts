import type { Command } from 'commander';
import { DEMO_DEFAULTS } from '../../demo/generate.js';
import { isDatabaseEmpty, seedDemo } from '../../demo/seed.js';
import { withInfrastructure } from '../context.js';

export function registerSeedDemo(program: Command): void {
  program
    .command('seed-demo')
    .description('load the generated demo catalog (books, readers, interactions with planted tastes)')
    .option('--items <n>', 'number of items', String(DEMO_DEFAULTS.items))
    .option('--users <n>', 'number of users', String(DEMO_DEFAULTS.users))
    .option('--seed <n>', 'random seed', String(DEMO_DEFAULTS.seed))
    .option('--force', 'seed even when the database already holds data (existing ids are kept)')
    .action((opts: { items: string; users: string; seed: string; force?: boolean }) =>
      withInfrastructure(
        async ({ infra }) => {
          if (!opts.force && !(await isDatabaseEmpty(infra.pool))) {
            throw new Error('the database already holds data; pass --force to add the demo catalog anyway');
          }
          const summary = await seedDemo(infra.pool, {
            items: positive(opts.items, '--items'),
            users: positive(opts.users, '--users'),
            seed: positive(opts.seed, '--seed'),
          });
          console.log(`seeded ${summary.items} items, ${summary.users} users, ${summary.interactions} interactions`);
        },
        { qdrant: false },
      ),
    );
}

export function positive(value: string, flag: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`${flag} must be a positive integer, got "${value}"`);
  return n;
}
