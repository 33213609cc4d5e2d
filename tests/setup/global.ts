// vitest globalSetup: one migrated template database and one real Qdrant server for the whole run.
// Test files clone the template (tests/helpers/db.ts) and use unique collection prefixes, so they never collide.
// Postgres: DATABASE_URL's server if set, else the local server at 127.0.0.1:5432 (see ENVIRONMENT.md).
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { applyMigrations } from '../../src/db/migrate.js';
import { startEmbeddedQdrant } from '../../src/vector/embedded-qdrant.js';
import { adminQuery, databaseUrlFor } from '../helpers/db.js';

declare module 'vitest' {
  export interface ProvidedContext {
    postgresAdminUrl: string;
    postgresTemplate: string;
    qdrantUrl: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const adminUrl = process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
  const template = `recgraph_tpl_${randomBytes(5).toString('hex')}`;
  try {
    await adminQuery(adminUrl, `CREATE DATABASE "${template}"`);
  } catch (error) {
    throw new Error(`tests need a Postgres server at ${adminUrl} (set DATABASE_URL): ${(error as Error).message}`, {
      cause: error,
    });
  }
  await applyMigrations(databaseUrlFor(adminUrl, template));

  const qdrantDir = await mkdtemp(path.join(os.tmpdir(), 'recgraph-test-qdrant-'));
  const qdrant = process.env.TEST_QDRANT_URL
    ? { url: process.env.TEST_QDRANT_URL, stop: async () => {} }
    : await startEmbeddedQdrant({ storageDir: qdrantDir });

  project.provide('postgresAdminUrl', adminUrl);
  project.provide('postgresTemplate', template);
  project.provide('qdrantUrl', qdrant.url);

  return async () => {
    await qdrant.stop();
    await rm(qdrantDir, { recursive: true, force: true });
    // Clones left behind by a crashed test file share the template's name as prefix.
    const { rows } = await adminQuery(adminUrl, `SELECT datname FROM pg_database WHERE starts_with(datname, $1)`, [
      template,
    ]);
    for (const { datname } of rows as { datname: string }[]) {
      await adminQuery(adminUrl, `DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
    }
  };
}
