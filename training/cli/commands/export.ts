import { readdir } from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import { keepVersionsFrom } from '../../../src/config.js';
import { createVectorStore } from '../../../src/runtime/app.js';
import { publishModel } from '../../export/publish.js';
import { artifactsDir, loadArtifacts } from '../../train-job/artifacts.js';
import { createCliProgress } from '../../progress.js';
import { withInfrastructure } from '../context.js';

export function registerExport(program: Command): void {
  program
    .command('export [version]')
    .description(
      'publish a trained model version (default: the newest under <data dir>/models) to Qdrant and make it live',
    )
    .option(
      '--keep <n>',
      'model versions whose collections are kept for rollback (default: RECGRAPH_KEEP_VERSIONS or 3)',
    )
    .action((version: string | undefined, opts: { keep?: string }) =>
      withInfrastructure(async ({ config, infra }) => {
        const modelsDir = path.join(config.dataDir, 'models');
        const chosen = version ?? (await readdir(modelsDir).catch(() => [] as string[])).sort().at(-1);
        if (!chosen) throw new Error(`no trained model under ${modelsDir}: run \`recgraph train\` first`);
        const model = await loadArtifacts(artifactsDir(config.dataDir, chosen)).catch((error: Error) => {
          throw new Error(`cannot read model ${chosen} from ${modelsDir}: ${error.message}`);
        });
        const store = createVectorStore(infra);
        try {
          const keepVersions = opts.keep === undefined ? config.keepVersions : keepVersionsFrom(opts.keep, '--keep');
          await publishModel(store, infra.pool, model, {
            prefix: config.collectionPrefix,
            progress: createCliProgress(),
            keepVersions,
          });
          console.log(`model ${model.version} is live`);
        } finally {
          store.close();
        }
      }),
    );
}
