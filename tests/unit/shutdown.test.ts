// The stop sequence behind `recgraph start`'s signal handling (the real signals are tested end to end in
// tests/e2e/start-signals.test.ts): reverse order, late steps, a bounded wait.
import { describe, expect, it } from 'vitest';
import { installShutdown, SHUTDOWN_SIGNALS } from '../../src/runtime/shutdown.js';

const quietLog = { info() {}, warn() {}, error() {} };

function recorder() {
  const events: string[] = [];
  const exits: number[] = [];
  const shutdown = installShutdown({ log: quietLog, watchParent: false, exit: (code) => exits.push(code) });
  const step =
    (name: string, ms = 0) =>
    () =>
      new Promise<void>((resolve) => setTimeout(() => (events.push(name), resolve()), ms));
  return { events, exits, shutdown, step };
}

describe('installShutdown', () => {
  it('runs the steps in reverse order of adding, once, then exits 0 and removes its signal handlers', async () => {
    const before = SHUTDOWN_SIGNALS.map((signal) => process.listenerCount(signal));
    const { events, exits, shutdown, step } = recorder();
    shutdown.add(step('infrastructure', 5));
    shutdown.add(step('server'));
    expect(shutdown.requested).toBe(false);
    await Promise.all([shutdown.stop('SIGTERM'), shutdown.stop('SIGINT')]);
    expect(shutdown.requested).toBe(true);
    expect(events).toEqual(['server', 'infrastructure']);
    expect(exits).toEqual([0]);
    expect(SHUTDOWN_SIGNALS.map((signal) => process.listenerCount(signal))).toEqual(before);
  });

  it('a failing step does not keep the others from running', async () => {
    const { events, exits, shutdown, step } = recorder();
    shutdown.add(step('infrastructure'));
    shutdown.add(() => Promise.reject(new Error('server would not close')));
    await shutdown.stop('SIGTERM');
    expect(events).toEqual(['infrastructure']);
    expect(exits).toEqual([0]);
  });

  it('a step added after the stop began (something still starting) runs at once', async () => {
    const { events, shutdown, step } = recorder();
    shutdown.add(step('infrastructure', 20));
    const stopping = shutdown.stop('SIGTERM');
    shutdown.add(step('late server'));
    await stopping;
    expect(events).toEqual(['late server', 'infrastructure']);
  });

  it('exits 1 when the steps outlast the grace period', async () => {
    const exits: number[] = [];
    const shutdown = installShutdown({
      log: quietLog,
      watchParent: false,
      graceMs: 20,
      exit: (code) => exits.push(code),
    });
    shutdown.add(() => new Promise((resolve) => setTimeout(resolve, 200)));
    await shutdown.stop('SIGTERM');
    expect(exits).toEqual([1, 0]); // the real exit(1) ends the process; the injected one lets the step finish
  });
});
