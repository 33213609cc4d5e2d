// Starts tests/faults/helpers/serve-entry.ts as a child process and watches it: whether it is still alive, how it
// ended, and how many error-level log lines it wrote (an unexpected error is logged at error level).
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const ENTRY = fileURLToPath(new URL('./serve-entry.ts', import.meta.url));

export interface ChildApp {
  port: number;
  origin: string;
  pid: number;
  alive(): boolean;
  /** Resolves with the exit code (null when killed by a signal) once the process ended. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Error-level (pino level ≥ 50) log lines so far, and the last of them. */
  errorLines(): { count: number; last: string[] };
  /** SIGTERM and wait (graceful stop). */
  stop(): Promise<void>;
  /** SIGKILL and wait: nothing in the process gets to run again. */
  kill9(): Promise<void>;
}

export async function startChildApp(env: Record<string, string>): Promise<ChildApp> {
  const child = spawn(process.execPath, ['--import', 'tsx', ENTRY], {
    env: { ...process.env, HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  let running = true;
  void exited.then(() => (running = false));
  const errors: string[] = [];
  let errorCount = 0;
  const tail: string[] = [];
  createInterface({ input: child.stderr! }).on('line', (line) => {
    tail.push(line);
    if (tail.length > 30) tail.shift();
    try {
      if ((JSON.parse(line) as { level?: number }).level! >= 50) {
        errorCount++;
        errors.push(line.slice(0, 2000));
        if (errors.length > 5) errors.shift();
      }
    } catch {
      // not a log line (a Node warning): kept in the tail only
    }
  });
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the app did not start within 60 s:\n${tail.join('\n')}`)), 60_000);
    createInterface({ input: child.stdout! }).on('line', (line) => {
      try {
        const { port } = JSON.parse(line) as { port?: number };
        if (port) {
          clearTimeout(timer);
          resolve(port);
        }
      } catch {
        // other output
      }
    });
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`the app exited (${code ?? signal}) before listening:\n${tail.join('\n')}`));
    });
  });
  const ended = async () => void (await exited);
  return {
    port,
    origin: `http://127.0.0.1:${port}`,
    pid: child.pid!,
    alive: () => running,
    exited,
    errorLines: () => ({ count: errorCount, last: [...errors] }),
    stop: async () => {
      if (running) child.kill('SIGTERM');
      await ended();
    },
    kill9: async () => {
      if (running) child.kill('SIGKILL');
      await ended();
    },
  };
}
