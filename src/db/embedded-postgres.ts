// Zero-config Postgres: PGlite (Postgres compiled to wasm) with its data under the data directory, served on a
// loopback port through the Postgres wire protocol so pg, Prisma and the migrations use it like any server.
// PGlite serialises transactions across connections: right for a demo on one machine, not for production.
// It runs in a child process (scripts/embedded-postgres.mjs): its wasm heap stays out of the server's memory
// (≈ 250 MB) and its SQL execution off the server's event loop.
import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../net/free-port.js';

export interface EmbeddedPostgres {
  url: string;
  /** The child process's pid (its memory and CPU are its own). */
  pid: number | undefined;
  stop(): Promise<void>;
}

const CHILD = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../scripts/embedded-postgres.mjs');
/** initdb of a fresh data directory takes ≈ 15–20 s on a busy 2-core machine. */
const START_TIMEOUT_MS = 120_000;
/** A clean stop (checkpoint) takes well under a second; past this the child is killed. */
const STOP_TIMEOUT_MS = 15_000;

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

export async function startEmbeddedPostgres(options: { dataDir: string; port?: number }): Promise<EmbeddedPostgres> {
  const port = options.port || (await freePort());
  // execArgv is not inherited: the parent's loader flags (tsx, vitest) mean nothing to a plain .mjs.
  const child = fork(CHILD, [options.dataDir, String(port)], {
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    execArgv: [],
  });
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no answer within ${START_TIMEOUT_MS / 1000} s`)),
        START_TIMEOUT_MS,
      );
      child.once('message', (message: { ready?: boolean; error?: string }) => {
        clearTimeout(timer);
        if (message.ready) resolve();
        else reject(new Error(message.error ?? 'unknown failure'));
      });
      child.once('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`exited with ${signal ?? code} before it was ready`));
      });
    });
  } catch (error) {
    child.kill('SIGKILL');
    throw new Error(`embedded Postgres did not start: ${(error as Error).message}`, { cause: error });
  }
  child.removeAllListeners('exit');
  let stopped: Promise<void> | undefined;
  return {
    url: `postgresql://postgres@127.0.0.1:${port}/postgres?sslmode=disable`,
    pid: child.pid,
    stop() {
      stopped ??= (async () => {
        if (child.connected) child.send({ stop: true });
        else child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
        await exited(child);
        clearTimeout(timer);
      })();
      return stopped;
    },
  };
}
