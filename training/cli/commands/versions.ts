// `recgraph activate <version>` and `recgraph rollback`: make an exported model version live again through the
// same atomic alias switch as a fresh export (training/export/publish.ts), with the bookkeeping in model_versions.
// Servers pick the change up within their model cache TTL (src/recommend/serving-model.ts, 5 s).
import type { Command } from 'commander';
import { createVectorStore } from '../../../src/runtime/app.js';
import { activateVersion, activeVersion, rollbackVersion } from '../../export/publish.js';
import { withInfrastructure } from '../context.js';

export function registerActivate(program: Command): void {
  program
    .command('activate <version>')
    .description('make an exported model version live (one atomic alias switch); see model_versions for the list')
    .action((version: string) =>
      withInfrastructure(async ({ config, infra }) => {
        const store = createVectorStore(infra);
        try {
          const before = await activeVersion(infra.pool);
          await activateVersion(store, infra.pool, version, { prefix: config.collectionPrefix });
          console.log(
            before === version
              ? `model ${version} was already live`
              : `model ${version} is live (was ${before ?? 'none'})`,
          );
        } finally {
          store.close();
        }
      }),
    );
}

export function registerRollback(program: Command): void {
  program
    .command('rollback')
    .description('make the previously live model version live again (one atomic alias switch)')
    .action(() =>
      withInfrastructure(async ({ config, infra }) => {
        const store = createVectorStore(infra);
        try {
          const { from, to } = await rollbackVersion(store, infra.pool, { prefix: config.collectionPrefix });
          console.log(`rolled back: model ${to} is live (was ${from ?? 'none'})`);
        } finally {
          store.close();
        }
      }),
    );
}
