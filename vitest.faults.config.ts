import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';

// npm run test:faults: the fault and fuzz suite (tests/faults), one file at a time — each starts the app in a child
// process and loads it, so running them side by side would measure the machine, not the service. Same global setup
// (one migrated template database, one Qdrant) and graphql alias as vitest.config.ts; results go to
// bench/results/faults.json.
export default defineConfig({
  resolve: { alias: [{ find: /^graphql$/, replacement: createRequire(import.meta.url).resolve('graphql') }] },
  test: {
    include: ['tests/faults/**/*.test.ts'],
    globalSetup: ['tests/setup/global.ts'],
    testTimeout: 300_000,
    hookTimeout: 180_000,
    pool: 'forks',
    fileParallelism: false,
    maxWorkers: 1,
  },
});
