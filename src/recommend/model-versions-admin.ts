// The model versions as the API shows and switches them (the console's Models page): the recorded versions with the
// live one marked, the evaluation report kept beside a version's artifacts, and activate / rollback.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type pg from 'pg';
import { activeVersion, listVersions, type VersionListing } from '../db/model-versions.js';
import type { VectorStore } from '../vector/client.js';
import { checkVersion } from '../vector/collections.js';
import { activateVersion, rollbackVersion } from './model-switch.js';
import type { ServingModelSource } from './serving-model.js';

/** Larger evaluation files are not sent to a browser (a report for a handful of models is a few KB). */
const MAX_REPORT_BYTES = 1 << 20;

export interface ListedVersion extends VersionListing {
  live: boolean;
}

export class ModelVersionAdmin {
  constructor(
    private readonly options: {
      pool: pg.Pool;
      store: VectorStore;
      prefix: string;
      models: ServingModelSource;
      /** Where `<version>/evaluation.json` reports are looked for (`<data dir>/models`); none → no reports. */
      modelsDir?: string;
    },
  ) {}

  async list(): Promise<ListedVersion[]> {
    const [rows, live] = await Promise.all([listVersions(this.options.pool), activeVersion(this.options.pool)]);
    return rows.map((row) => ({ ...row, live: row.version === live }));
  }

  /**
   * The version's evaluation report (JSON text), or undefined when none was kept. A file that is not JSON is
   * reported as missing rather than breaking the list: the console says "no report".
   */
  async evaluationReport(version: string): Promise<string | undefined> {
    if (!this.options.modelsDir) return undefined;
    try {
      checkVersion(version); // a version label is a directory name: nothing that climbs out of modelsDir
    } catch {
      return undefined;
    }
    const file = path.join(this.options.modelsDir, version, 'evaluation.json');
    const text = await readFile(file, 'utf8').catch(() => undefined);
    if (text === undefined || Buffer.byteLength(text) > MAX_REPORT_BYTES) return undefined;
    try {
      JSON.parse(text);
      return text;
    } catch {
      return undefined;
    }
  }

  async activate(version: string): Promise<{ from: string | undefined; to: string }> {
    const from = await activeVersion(this.options.pool);
    await activateVersion(this.options.store, this.options.pool, version, { prefix: this.options.prefix });
    this.options.models.refresh();
    return { from, to: version };
  }

  async rollback(): Promise<{ from: string | undefined; to: string }> {
    const switched = await rollbackVersion(this.options.store, this.options.pool, { prefix: this.options.prefix });
    this.options.models.refresh();
    return switched;
  }
}
