// The served app in a process of its own, for the fault suite: configured by the environment like `recgraph start`
// (DATABASE_URL, QDRANT_URL, RECGRAPH_COLLECTION_PREFIX …, never migrating or training), it prints {"port": N} on
// stdout once it listens, and stops on SIGTERM. A crash, or kill -9, ends it like a real deployment's process.
import { loadConfig } from '../../../src/config.js';
import { startApp } from '../../../src/runtime/app.js';
import { openInfrastructure } from '../../../src/runtime/infrastructure.js';
import { createLogger } from '../../../src/logger.js';

const config = loadConfig(process.env);
const log = createLogger(config.logLevel);
const infra = await openInfrastructure(config, log, { migrate: false });
const app = await startApp(config, infra, log);
process.stdout.write(`${JSON.stringify({ port: app.server.port })}\n`);
process.once('SIGTERM', () => {
  void app
    .stop()
    .then(() => infra.stop())
    .finally(() => process.exit(0));
});
