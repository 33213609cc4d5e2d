import type { Command } from 'commander';
import { createVectorStore } from '../../../src/runtime/app.js';
import { trainAndPublish } from '../../pipeline/bootstrap.js';
import { artifactsDir, saveArtifacts } from '../../pipeline/artifacts.js';
import { trainModel } from '../../pipeline/train.js';
import { createCliProgress } from '../../progress.js';
import { withInfrastructure } from '../context.js';

export function registerTrain(program: Command): void {
  program
    .command('train')
    .description('train a model on the interactions in Postgres and publish it to Qdrant (atomic alias switch)')
    .option('--no-export', 'only train and save the artifacts under <data dir>/models; publish later with `recgraph export`')
    .action((opts: { export: boolean }) =>
      withInfrastructure(async ({ config, infra, log }) => {
        const progress = createCliProgress();
        if (!opts.export) {
          const model = await trainModel(infra.pool, { progress, textModelPath: config.textModelPath });
          const dir = artifactsDir(config.dataDir, model.version);
          await saveArtifacts(dir, model);
          console.log(`trained ${model.version}; artifacts in ${dir}; publish with: recgraph export ${model.version}`);
          return;
        }
        const store = createVectorStore(infra);
        try {
          const version = await trainAndPublish(infra.pool, store, log, { dataDir: config.dataDir, prefix: config.collectionPrefix, progress, textModelPath: config.textModelPath });
          console.log(`model ${version} is live`);
        } finally {
          store.close();
        }
      }),
    );
}
