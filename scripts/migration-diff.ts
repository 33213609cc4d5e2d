// Prints the SQL for a new migration: the difference between a previous schema.prisma and the current one.
//   npx tsx scripts/migration-diff.ts [--from <old schema.prisma>] > prisma/migrations/<timestamp>_<name>/migration.sql
// Typical: git show HEAD:prisma/schema.prisma > /tmp/old.prisma && npx tsx scripts/migration-diff.ts --from /tmp/old.prisma
// Without --from it prints the whole schema from scratch. Needs a reachable Postgres (DATABASE_URL or 127.0.0.1:5432);
// nothing is written to it.
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { diffSchemas, SCHEMA_PATH } from '../src/db/migrate.js';

const { values } = parseArgs({ options: { from: { type: 'string' } } });
const url = process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
const from = values.from ? await readFile(values.from, 'utf8') : undefined;
const sql = await diffSchemas(url, await readFile(SCHEMA_PATH, 'utf8'), from);
process.stdout.write(sql || '-- schema.prisma and the previous schema agree: no migration needed\n');
