import type { Command } from 'commander';
import { keepVersionsFrom } from '../../../src/config.js';
import { createVectorStore } from '../../../src/runtime/app.js';
import { trainAndPublish } from '../../train-job/bootstrap.js';
import { artifactsDir, saveArtifacts } from '../../train-job/artifacts.js';
import { createCliProgress } from '../../progress.js';
import { withInfrastructure } from '../context.js';

export function registerTrain(program: Command): void {
  program
    .command('train')
    .description('train a model on the interactions in Postgres and publish it to Qdrant (atomic alias switch)')
    .option('--no-export', 'only train and save the artifacts under <data dir>/models; publish later with `recgraph export`')
    .option('--keep <n>', 'model versions whose collections are kept for rollback (default: RECGRAPH_KEEP_VERSIONS or 3)')
    .action((opts: { export: boolean; keep?: string }) =>
      withInfrastructure(async ({ config, infra, log }) => {
        const progress = createCliProgress();
        if (!opts.export) {
          const { trainModel } = await import('../../train-job/train.js');
          const model = await trainModel(infra.pool, { progress, textModelPath: config.textModelPath });
          const dir = artifactsDir(config.dataDir, model.version);
          await saveArtifacts(dir, model);
          console.log(`trained ${model.version}; artifacts in ${dir}; publish with: recgraph export ${model.version}`);
          return;
        }
        const store = createVectorStore(infra);
        try {
          const keepVersions = opts.keep === undefined ? config.keepVersions : keepVersionsFrom(opts.keep, '--keep');
          const version = await trainAndPublish(infra.pool, store, log, { dataDir: config.dataDir, prefix: config.collectionPrefix, progress, keepVersions, textModelPath: config.textModelPath });
          console.log(`model ${version} is live`);
        } finally {
          store.close();
        }
      }),
    );
}
