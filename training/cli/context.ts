// What every command needs: configuration, a logger, and the backing services opened (and closed) around it.
import { loadConfig, type RecgraphConfig } from '../../src/config.js';
import { createLogger, type Logger } from '../../src/logger.js';
import { openInfrastructure, type Infrastructure } from '../../src/runtime/infrastructure.js';

export interface CommandContext {
  config: RecgraphConfig;
  log: Logger;
  infra: Infrastructure;
}

/** Opens the infrastructure, runs `fn`, and always stops what was started (also on Ctrl-C during `fn`). */
export async function withInfrastructure<T>(
  fn: (ctx: CommandContext) => Promise<T>,
  options: { migrate?: boolean; qdrant?: boolean } = {},
): Promise<T> {
  const config = loadConfig();
  const log = createLogger(config.logLevel);
  const infra = await openInfrastructure(config, log, options);
  const onSignal = () => {
    log.warn('interrupted: stopping');
    void infra.stop().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    return await fn({ config, log, infra });
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await infra.stop();
  }
}
