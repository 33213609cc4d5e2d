// `recgraph <command>`: one commander program; each command lives in its own module under commands/.
import { Command, CommanderError } from 'commander';
import { debugRequested } from '../../src/config.js';
import { registerEnrich } from './commands/enrich.js';
import { registerEvaluate } from './commands/evaluate.js';
import { registerExport } from './commands/export.js';
import { registerIngest } from './commands/ingest.js';
import { registerMigrate } from './commands/migrate.js';
import { registerSeedDemo } from './commands/seed-demo.js';
import { registerStart } from './commands/start.js';
import { registerTrain } from './commands/train.js';
import { registerTune } from './commands/tune.js';
import { registerActivate, registerRollback } from './commands/versions.js';

const program = new Command('recgraph')
  .description('GraphQL recommendation service: ingest, train, evaluate, export to Qdrant, serve.')
  .version('0.1.0')
  .showHelpAfterError('(run recgraph --help for usage)');

const commands = [
  registerStart,
  registerMigrate,
  registerSeedDemo,
  registerIngest,
  registerTrain,
  registerEnrich,
  registerEvaluate,
  registerTune,
  registerExport,
  registerActivate,
  registerRollback,
];
for (const register of commands) register(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) process.exit(error.exitCode);
  // One clear line for the person at the terminal; the stack only when asked for.
  console.error(`recgraph: ${(error as Error).message}`);
  if (debugRequested()) console.error(error);
  process.exit(1);
}
