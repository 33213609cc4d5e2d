// How a long-running recgraph command (the server) ends: on SIGTERM, SIGINT or SIGHUP it runs its stop steps
// (HTTP server, pool, embedded Qdrant and Postgres) in reverse order and exits 0. The handlers are installed before
// anything is started, so a signal during startup (migrations, seeding, training) stops it too — which also matters
// when node is PID 1 in a container, where a signal without a handler does nothing at all.
//
// Under npm (`npm start`, `npx recgraph start`) there is a shell between npm and this process. npm forwards SIGTERM
// and SIGINT to that shell only; the package.json start script `exec`s node so the shell is replaced, but `npx` runs
// its own `sh -c`, which dies on SIGTERM without passing it on. So, when npm started us, we also stop when our parent
// process goes away: that is how the signal reaches us in that case.
import type { Logger } from '../logger.js';

export type StopStep = () => Promise<void>;

export interface ShutdownOptions {
  log: Pick<Logger, 'info' | 'warn' | 'error'>;
  /** Force the exit (status 1) when the stop steps take longer than this (default 25 s). */
  graceMs?: number;
  /** Stop when the parent process exits (default: when started by npm, i.e. npm_lifecycle_event is set). */
  watchParent?: boolean;
  /** How often the parent is checked (default 250 ms). */
  parentPollMs?: number;
  /** Ends the process; tests pass their own. */
  exit?: (code: number) => void;
}

export interface Shutdown {
  /** Adds a step; steps run in reverse order of adding. A step added after shutdown began runs at once. */
  add(step: StopStep): void;
  /** True once a signal (or the parent's exit) asked us to stop. */
  readonly requested: boolean;
  /** Resolves when the stop steps have run (the process exits right after). */
  readonly finished: Promise<void>;
  /** Runs the stop steps and exits, as a signal would. */
  stop(reason: string): Promise<void>;
}

export const SHUTDOWN_SIGNALS: readonly NodeJS.Signals[] = ['SIGTERM', 'SIGINT', 'SIGHUP'];

export function installShutdown(options: ShutdownOptions): Shutdown {
  const { log } = options;
  const exit = options.exit ?? ((code: number) => process.exit(code));
  const graceMs = options.graceMs ?? 25_000;
  const steps: StopStep[] = [];
  let requested = false;
  let markFinished: () => void = () => {};
  const finished = new Promise<void>((resolve) => (markFinished = resolve));
  let parentTimer: NodeJS.Timeout | undefined;

  const runStep = (step: StopStep) => step().catch((error: Error) => log.warn(`shutdown: ${error.message}`));

  const stop = async (reason: string): Promise<void> => {
    if (requested) return finished;
    requested = true;
    log.info(`${reason}: shutting down`);
    if (parentTimer) clearInterval(parentTimer);
    // A stuck step must not keep the process (and its port) forever; the Qdrant guard still stops Qdrant on exit.
    const deadline = setTimeout(() => {
      log.error(`shutdown took longer than ${graceMs} ms: exiting anyway`);
      exit(1);
    }, graceMs);
    deadline.unref();
    while (steps.length) await runStep(steps.pop()!);
    clearTimeout(deadline);
    for (const signal of SHUTDOWN_SIGNALS) process.off(signal, onSignal);
    markFinished();
    exit(0);
  };

  const onSignal = (signal: NodeJS.Signals) => {
    if (!requested) {
      void stop(signal);
      return;
    }
    // A second signal while stopping: the person (or supervisor) does not want to wait.
    log.warn(`${signal} again: exiting without waiting for the shutdown to finish`);
    exit(1);
  };
  for (const signal of SHUTDOWN_SIGNALS) process.on(signal, onSignal);

  if (options.watchParent ?? process.env.npm_lifecycle_event !== undefined) {
    const parent = process.ppid;
    parentTimer = setInterval(() => {
      if (process.ppid !== parent) void stop(`parent process ${parent} exited`);
    }, options.parentPollMs ?? 250);
    parentTimer.unref();
  }

  return {
    add(step) {
      if (requested) void runStep(step);
      else steps.push(step);
    },
    get requested() {
      return requested;
    },
    finished,
    stop,
  };
}
