// Loads Prisma's schema engine compiled to WebAssembly, so migrations run without the native binary
// (which Prisma would otherwise download at install time — impossible offline, see ENVIRONMENT.md).
// The engine talks to Postgres through the same driver adapter the runtime uses (@prisma/adapter-pg).
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { bindMigrationAwareSqlAdapterFactory } from '@prisma/driver-adapter-utils';
import type { SchemaEngine } from '@prisma/schema-engine-wasm';

type SchemaEngineModule = typeof import('@prisma/schema-engine-wasm');
type WasmExports = Record<string, unknown>;
// Node has WebAssembly at runtime; its types live in TypeScript's DOM lib, which this project does not load.
const { WebAssembly: Wasm } = globalThis as unknown as {
  WebAssembly: { instantiate(bytes: Uint8Array, imports: object): Promise<{ instance: { exports: WasmExports } }> };
};
let modulePromise: Promise<SchemaEngineModule> | undefined;

/** Instantiates the wasm module once per process (the package's own entry expects a bundler's wasm import). */
function loadEngineModule(): Promise<SchemaEngineModule> {
  modulePromise ??= (async () => {
    // The package exports no ./package.json; resolve the bg module's file instead (it sits beside the .wasm).
    const pkgDir = path.dirname(createRequire(import.meta.url).resolve('@prisma/schema-engine-wasm/schema_engine_bg'));
    const bg = (await import('@prisma/schema-engine-wasm/schema_engine_bg')) as unknown as SchemaEngineModule & {
      __wbg_set_wasm(exports: WasmExports): void;
    };
    const bytes = await readFile(path.join(pkgDir, 'schema_engine_bg.wasm'));
    const { instance } = await Wasm.instantiate(bytes, { './schema_engine_bg.js': bg });
    bg.__wbg_set_wasm(instance.exports);
    (instance.exports.__wbindgen_start as () => void)();
    return bg;
  })();
  return modulePromise;
}

export interface SchemaEngineHandle {
  engine: SchemaEngine;
  /** Frees the wasm engine and closes its connections (a lingering one would block DROP/CREATE … TEMPLATE). */
  close(): Promise<void>;
}

export async function openSchemaEngine(databaseUrl: string, schemaPath: string): Promise<SchemaEngineHandle> {
  const mod = await loadEngineModule();
  const content = await readFile(schemaPath, 'utf8');
  // Our own pool, so close() can end it: the engine does not dispose the adapter it was given.
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 2 });
  const adapter = bindMigrationAwareSqlAdapterFactory(new PrismaPg(pool as never)); // adapter-pg types its own copy of pg
  const logs: string[] = [];
  const engine = await mod.SchemaEngine.new(
    { datamodels: [[schemaPath, content]] },
    (line: string) => logs.push(line),
    adapter,
  );
  return {
    engine,
    close: async () => {
      engine.free();
      await pool.end();
    },
  };
}
