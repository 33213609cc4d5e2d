import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';

// One Postgres database and one Qdrant server per run, created by tests/setup/global.ts and removed afterwards.
// Test files share them, so each integration test works in its own namespace (fresh schema or collection prefix).
export default defineConfig({
  // One graphql module for everyone: vitest would otherwise give our code graphql's ESM build while Apollo loads the
  // CommonJS one, and GraphQLError from one is not an instance of the other's.
  resolve: { alias: [{ find: /^graphql$/, replacement: createRequire(import.meta.url).resolve('graphql') }] },
  test: {
    include: ['tests/**/*.test.ts'],
    // The fault and fuzz suite has its own config and command (vitest.faults.config.ts, npm run test:faults).
    exclude: ['tests/faults/**', '**/node_modules/**'],
    globalSetup: ['tests/setup/global.ts'],
    testTimeout: 60_000,
    hookTimeout: 180_000,
    pool: 'forks',
    fileParallelism: true,
    maxWorkers: 2,
  },
});
