// Serving start-up (`recgraph start`, `npm start`): configuration, the backing services (embedded when
// DATABASE_URL / QDRANT_URL are unset), the bootstrap hook the caller passes in (the CLI's seeds the demo catalog,
// trains and publishes a model when none is live), then the HTTP server. SIGINT / SIGTERM stop everything it
// started. Serving code never imports training/: what happens before serving is the caller's hook.
import { loadConfig, type RecgraphConfig } from '../config.js';
import type { VectorStore } from '../vector/client.js';
import { createVectorStore, startApp, type App } from './app.js';
import { openInfrastructure, type Infrastructure } from './infrastructure.js';
import { createLogger, type Logger } from '../logger.js';

export const EXAMPLE_QUERY = `query Example {
  recommendations(userId: "reader-00001", first: 5) {
    strategy
    modelVersion
    items { score source item { id title creators genres year } }
  }
  similarItems(itemId: "book-00001", first: 3) {
    items { score item { id title genres } }
  }
}`;

/** What runs between opening the backing services and serving: seed, train, publish (given by the caller). */
export type BootstrapHook = (ctx: {
  config: RecgraphConfig;
  infra: Infrastructure;
  store: VectorStore;
  log: Logger;
}) => Promise<void>;

export interface StartOptions {
  /** Overrides PORT. */
  port?: string;
  bootstrap?: BootstrapHook;
}

export interface StartedService {
  app: App;
  config: RecgraphConfig;
  /** Seconds from the call until the server listened. */
  seconds: number;
}

export async function startService(options: StartOptions = {}): Promise<StartedService> {
  const started = Date.now();
  const config = loadConfig(options.port ? { ...process.env, PORT: options.port } : process.env);
  const log = createLogger(config.logLevel);
  const infra = await openInfrastructure(config, log);
  let app: App | undefined;
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info(`${signal}: shutting down`);
    await app?.stop().catch((error: Error) => log.warn(`server stop: ${error.message}`));
    await infra.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  try {
    if (options.bootstrap) {
      const store = createVectorStore(infra);
      try {
        await options.bootstrap({ config, infra, store, log });
      } finally {
        store.close();
      }
    }
    app = await startApp(config, infra, log);
  } catch (error) {
    await infra.stop();
    throw error;
  }
  return { app, config, seconds: (Date.now() - started) / 1000 };
}

/** The lines a person starting the service reads: where it listens and a query to try. */
export function readyMessage({ app, config, seconds }: StartedService): string {
  const url = app.server.url;
  const curl = JSON.stringify({ query: EXAMPLE_QUERY.replace(/\s+/g, ' ') });
  return [
    `\nrecgraph is ready in ${seconds.toFixed(1)} s: ${url}`,
    ...(config.production ? [] : ['Open it in a browser for Apollo Sandbox, or try:\n']),
    `curl -s ${url} -H 'content-type: application/json' \\\n  -d '${curl}'\n`,
    ...(config.production ? [] : [`Example query for Sandbox:\n\n${EXAMPLE_QUERY}\n`]),
    'Ctrl-C stops the server and everything it started.',
  ].join('\n');
}
