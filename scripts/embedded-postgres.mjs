// The embedded PGlite as its own process: `node scripts/embedded-postgres.mjs <dataDir> <port>`, started by
// src/db/embedded-postgres.ts over an IPC channel. Plain JavaScript so it starts without a TypeScript loader.
//
// Why a process of its own: PGlite is Postgres compiled to WebAssembly; in the server's process its wasm heap and
// compiled code took ≈ 250 MB of the server's RSS (measured: a Node process at 41 MB grows to 291 MB opening an
// existing database, 780 MB while initdb creates one), and every SQL statement ran on the server's event loop.
//
// Protocol: once listening it sends { ready: true }, or { error } and exits 1. It stops (socket server, then the
// database, cleanly) on { stop: true }, on SIGTERM, or when the parent goes away (the IPC channel closes: a parent
// killed with SIGKILL leaves no orphan). SIGINT and SIGHUP are ignored: a terminal's Ctrl-C reaches the whole process
// group, and the parent stops this process itself after draining its requests.
import { mkdir } from 'node:fs/promises';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';

const [dataDir, portText] = process.argv.slice(2);
for (const signal of ['SIGINT', 'SIGHUP']) process.on(signal, () => undefined);

let stopping;
function stop(db, server) {
  stopping ??= (async () => {
    await server?.stop().catch(() => undefined);
    await db?.close().catch(() => undefined);
    process.exit(0);
  })();
  return stopping;
}

try {
  if (!dataDir || !portText) throw new Error('usage: embedded-postgres.mjs <dataDir> <port>');
  await mkdir(dataDir, { recursive: true });
  const db = await PGlite.create({ dataDir });
  const server = new PGLiteSocketServer({ db, port: Number(portText), host: '127.0.0.1', maxConnections: 32 });
  try {
    await server.start();
  } catch (error) {
    await db.close();
    throw new Error(`embedded Postgres could not listen on 127.0.0.1:${portText}: ${error.message}`, { cause: error });
  }
  process.on('SIGTERM', () => void stop(db, server));
  process.on('disconnect', () => void stop(db, server));
  process.on('message', (message) => {
    if (message && message.stop) void stop(db, server);
  });
  process.send?.({ ready: true });
} catch (error) {
  process.send?.({ error: error instanceof Error ? error.message : String(error) });
  process.exit(1);
}
