// Migrations: committed SQL under prisma/migrations/, applied by the wasm schema engine (no native binary).
// Same bookkeeping as `prisma migrate deploy` (_prisma_migrations table), so either tool can take over later.
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { MigrationList } from '@prisma/schema-engine-wasm';
import { openSchemaEngine } from './schema-engine.js';

const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const SCHEMA_PATH = path.join(projectRoot, 'prisma', 'schema.prisma');
export const MIGRATIONS_DIR = path.join(projectRoot, 'prisma', 'migrations');
const NO_FILTERS = { externalTables: [], externalEnums: [] };

export async function readMigrationsList(dir = MIGRATIONS_DIR): Promise<MigrationList> {
  const entries = existsSync(dir) ? await readdir(dir, { withFileTypes: true }) : [];
  const directories = entries
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
  const lockPath = path.join(dir, 'migration_lock.toml');
  return {
    baseDir: dir,
    lockfile: { path: 'migration_lock.toml', content: existsSync(lockPath) ? await readFile(lockPath, 'utf8') : null },
    shadowDbInitScript: '',
    migrationDirectories: await Promise.all(
      directories.map(async (name) => {
        const file = path.join(dir, name, 'migration.sql');
        const content = await readFile(file, 'utf8').then(
          (value) => ({ tag: 'ok' as const, value }),
          (error: Error) => ({ tag: 'error' as const, value: error.message }),
        );
        return { path: name, migrationFile: { path: 'migration.sql', content } };
      }),
    ),
  };
}

/** Applies every committed migration not yet recorded in _prisma_migrations; a no-op when up to date. */
export async function applyMigrations(databaseUrl: string, dir = MIGRATIONS_DIR): Promise<string[]> {
  const handle = await openSchemaEngine(databaseUrl, SCHEMA_PATH);
  try {
    const migrationsList = await readMigrationsList(dir);
    const { appliedMigrationNames } = await handle.engine.applyMigrations({ migrationsList, filters: NO_FILTERS });
    return appliedMigrationNames;
  } catch (error) {
    throw new Error(`migrating ${redactUrl(databaseUrl)} failed: ${describe(error)}`, { cause: error });
  } finally {
    await handle.close();
  }
}

/**
 * SQL that takes a database described by `fromSchema` (or an empty one) to `toSchema`.
 * Pure schema-to-schema diff: the wasm engine cannot introspect a live Postgres through the driver adapter
 * (it fails on the catalog's "char" columns), so drift is checked by comparing catalogs (tests/integration) and
 * new migrations are cut from the previous schema file (scripts/migration-diff.ts).
 */
export async function diffSchemas(databaseUrl: string, toSchema: string, fromSchema?: string): Promise<string> {
  const handle = await openSchemaEngine(databaseUrl, SCHEMA_PATH);
  try {
    const target = (file: string, content: string) => ({
      tag: 'schemaDatamodel' as const,
      files: [{ path: file, content }],
    });
    const result = await handle.engine.diff({
      from: fromSchema === undefined ? { tag: 'empty' } : target('from.prisma', fromSchema),
      to: target(SCHEMA_PATH, toSchema),
      script: true,
      exitCode: null,
      filters: NO_FILTERS,
    } as Parameters<typeof handle.engine.diff>[0]);
    const sql = result.stdout ?? '';
    return sql.includes('This is an empty migration') ? '' : sql;
  } finally {
    await handle.close();
  }
}

export function redactUrl(url: string): string {
  return url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
}

function describe(error: unknown): string {
  if (error instanceof Error) return error.message;
  try {
    return JSON.stringify(error);
  } catch {
    return String(error);
  }
}
