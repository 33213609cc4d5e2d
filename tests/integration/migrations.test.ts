// The committed migrations and schema.prisma must describe the same database (no drift), and migrating is idempotent.
import { readFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { applyMigrations, diffSchemas, SCHEMA_PATH } from '../../src/db/migrate.js';
import { adminQuery, createTestDatabase, databaseUrlFor, type TestDatabase } from '../helpers/db.js';

const CATALOG_QUERIES = {
  columns: `SELECT table_name, column_name, data_type, udt_name, is_nullable, column_default
              FROM information_schema.columns WHERE table_schema = 'public' AND table_name <> '_prisma_migrations'
             ORDER BY table_name, column_name`,
  indexes: `SELECT tablename, indexname, indexdef FROM pg_indexes
             WHERE schemaname = 'public' AND tablename <> '_prisma_migrations' ORDER BY tablename, indexname`,
  constraints: `SELECT c.conrelid::regclass::text AS tbl, c.conname, pg_get_constraintdef(c.oid) AS def
                  FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace
                 WHERE n.nspname = 'public' AND c.conrelid::regclass::text <> '_prisma_migrations'
                 ORDER BY 1, 2`,
};

async function catalog(url: string): Promise<Record<string, unknown[]>> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const out: Record<string, unknown[]> = {};
    for (const [key, sql] of Object.entries(CATALOG_QUERIES)) out[key] = (await client.query(sql)).rows;
    return out;
  } finally {
    await client.end();
  }
}

describe('migrations', () => {
  let migrated: TestDatabase;
  let fromSchemaName: string;
  const server = () => inject('postgresAdminUrl');

  beforeAll(async () => {
    migrated = await createTestDatabase();
    fromSchemaName = `${inject('postgresTemplate')}_schema_${randomBytes(3).toString('hex')}`;
    await adminQuery(server(), `CREATE DATABASE "${fromSchemaName}"`);
  });
  afterAll(async () => {
    await migrated?.drop();
    if (fromSchemaName) await adminQuery(server(), `DROP DATABASE IF EXISTS "${fromSchemaName}" WITH (FORCE)`);
  });

  it('describe exactly the database schema.prisma describes', async () => {
    const fromSchemaUrl = databaseUrlFor(server(), fromSchemaName);
    const sql = await diffSchemas(fromSchemaUrl, await readFile(SCHEMA_PATH, 'utf8'));
    expect(sql).toContain('CREATE TABLE "items"');
    const client = new pg.Client({ connectionString: fromSchemaUrl });
    await client.connect();
    await client.query(sql);
    await client.end();

    const [fromMigrations, fromSchema] = await Promise.all([catalog(migrated.url), catalog(fromSchemaUrl)]);
    expect(fromMigrations.columns.length).toBeGreaterThan(20);
    expect(fromMigrations).toEqual(fromSchema);
  });

  it('applying them again is a no-op', async () => {
    const before = await catalog(migrated.url);
    expect(await applyMigrations(migrated.url)).toEqual([]);
    expect(await catalog(migrated.url)).toEqual(before);
    const { rows } = await adminQuery(migrated.url, 'SELECT migration_name, finished_at FROM _prisma_migrations');
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((r: { finished_at: Date | null }) => r.finished_at !== null)).toBe(true);
  });
});
