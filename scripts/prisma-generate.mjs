#!/usr/bin/env node
// Runs `prisma generate` without the native schema engine.
// Prisma 7's CLI insists on locating a schema-engine binary before it generates, and would try to download
// one (which fails offline). Generation never executes it, so any existing file satisfies the check.
// Migrations use the wasm schema engine instead (src/db/migrate.ts).
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const env = {
  ...process.env,
  PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY ?? fileURLToPath(import.meta.url),
  PRISMA_HIDE_UPDATE_MESSAGE: '1',
  CHECKPOINT_DISABLE: '1',
};
const prismaBin = path.join(root, 'node_modules', 'prisma', 'build', 'index.js');
const result = spawnSync(process.execPath, [prismaBin, 'generate'], { cwd: root, env, stdio: 'inherit' });
process.exit(result.status ?? 1);
