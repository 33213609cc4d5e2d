import type { Command } from 'commander';
import { applyMigrations } from '../../../src/db/migrate.js';
import { withInfrastructure } from '../context.js';

export function registerMigrate(program: Command): void {
  program
    .command('migrate')
    .description('apply the committed SQL migrations (prisma/migrations) to the database; a no-op when up to date')
    .action(() =>
      withInfrastructure(
        async ({ infra }) => {
          const applied = await applyMigrations(infra.databaseUrl);
          console.log(
            applied.length ? `applied ${applied.length} migration(s): ${applied.join(', ')}` : 'database is up to date',
          );
        },
        { migrate: false, qdrant: false },
      ),
    );
}
