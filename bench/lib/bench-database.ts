// The benchmark databases (bench:serve, bench:train): kept between runs so the slow data load happens once,
// rebuilt on --fresh, always migrated to the current schema.
import pg from 'pg';
import { applyMigrations } from '../../src/db/migrate.js';

/** Creates (or with `fresh` re-creates) `name` on the server of `serverUrl`, migrates it and returns its URL. */
export async function prepareBenchDatabase(serverUrl: string, name: string, fresh: boolean): Promise<string> {
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    if (fresh) await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    const exists = (await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name])).rowCount;
    if (!exists) await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  await applyMigrations(url.toString());
  return url.toString();
}
