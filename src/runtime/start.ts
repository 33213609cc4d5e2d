// Serving start-up (`recgraph start`, `npm start`): configuration, the backing services (embedded when
// DATABASE_URL / QDRANT_URL are unset), the bootstrap hook the caller passes in (the CLI's seeds the demo catalog,
// trains and publishes a model when none is live), then the HTTP server. SIGTERM / SIGINT / SIGHUP stop everything
// it started. Serving code never imports training/: what happens before serving is the caller's hook.
import { loadConfig, portFrom, type RecgraphConfig } from '../config.js';
import type { VectorStore } from '../vector/client.js';
import { createVectorStore, startApp, type App } from './app.js';
import { openInfrastructure, type Infrastructure } from './infrastructure.js';
import { createLogger, type Logger } from '../logger.js';
import { installShutdown } from './shutdown.js';

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

/**
 * Opens the backing services, runs the bootstrap hook and starts serving. SIGTERM, SIGINT and SIGHUP stop whatever
 * has been started so far (src/runtime/shutdown.ts): the handlers go in before anything starts, so a signal during
 * migrations, seeding or training stops those too. Resolves undefined when a signal stopped it before it was ready.
 */
export async function startService(options: StartOptions = {}): Promise<StartedService | undefined> {
  const started = Date.now();
  const config = { ...loadConfig(), ...(options.port ? { port: portFrom(options.port, '--port') } : {}) };
  const log = createLogger(config.logLevel);
  const shutdown = installShutdown({ log });
  const opening = openInfrastructure(config, log);
  shutdown.add(async () => (await opening.catch(() => undefined))?.stop());
  const infra = await opening;
  if (shutdown.requested) return shutdown.finished.then(() => undefined);
  let app: App;
  try {
    if (options.bootstrap) {
      const store = createVectorStore(infra);
      try {
        await options.bootstrap({ config, infra, store, log });
      } finally {
        store.close();
      }
    }
    if (shutdown.requested) return shutdown.finished.then(() => undefined);
    app = await startApp(config, infra, log);
    shutdown.add(() => app.stop());
  } catch (error) {
    // Stopping pulls the pool and Qdrant from under the bootstrap: its error is the shutdown's, not a failure.
    if (shutdown.requested) return shutdown.finished.then(() => undefined);
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
    ...(app.consoleUrl ? [`Web console: ${app.consoleUrl}`] : []),
    ...(config.production ? [] : ['Open it in a browser for Apollo Sandbox, or try:\n']),
    `curl -s ${url} -H 'content-type: application/json' \\\n  -d '${curl}'\n`,
    ...(config.production ? [] : [`Example query for Sandbox:\n\n${EXAMPLE_QUERY}\n`]),
    'Ctrl-C (or SIGTERM) stops the server and everything it started.',
  ].join('\n');
}
