// Zero-config Postgres: PGlite (Postgres compiled to wasm) with its data under the data directory, served on a
// loopback port through the Postgres wire protocol so pg, Prisma and the migrations use it like any server.
// PGlite serialises transactions across connections: right for a demo on one machine, not for production.
import { mkdir } from 'node:fs/promises';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { freePort } from '../net/free-port.js';

export interface EmbeddedPostgres {
  url: string;
  stop(): Promise<void>;
}

export async function startEmbeddedPostgres(options: { dataDir: string; port?: number }): Promise<EmbeddedPostgres> {
  await mkdir(options.dataDir, { recursive: true });
  const db = await PGlite.create({ dataDir: options.dataDir });
  const port = options.port || (await freePort());
  const server = new PGLiteSocketServer({ db, port, host: '127.0.0.1', maxConnections: 32 });
  try {
    await server.start();
  } catch (error) {
    await db.close();
    throw new Error(`embedded Postgres could not listen on 127.0.0.1:${port}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  let stopped = false;
  return {
    url: `postgresql://postgres@127.0.0.1:${port}/postgres?sslmode=disable`,
    async stop() {
      if (stopped) return;
      stopped = true;
      await server.stop();
      await db.close();
    },
  };
}
