// Builds the console's browser bundle from console/ (Preact + htm, TypeScript) with esbuild, in memory: no build
// step to run and no generated file to keep in step — a fresh clone's `npm start` serves it. One build per process
// (≈ 0.1–0.3 s), started when the server starts and awaited by the first console request.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The console UI sources (outside src/: they are browser code, type-checked by console/tsconfig.json). */
export const CONSOLE_SOURCE_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../console');

export interface ConsoleAssets {
  html: string;
  js: string;
  css: string;
  /** Milliseconds the build took (the startup log says it). */
  buildMs: number;
}

export async function buildConsoleAssets(sourceDir: string = CONSOLE_SOURCE_DIR): Promise<ConsoleAssets> {
  const started = performance.now();
  // esbuild is loaded only when the console is on, so a server with it off never loads the native binary.
  const esbuild = await import('esbuild');
  const result = await esbuild.build({
    entryPoints: [path.join(sourceDir, 'main.ts')],
    bundle: true,
    write: false,
    outfile: 'app.js', // names the output only: nothing is written
    format: 'esm',
    platform: 'browser',
    target: ['es2022'],
    minify: true,
    legalComments: 'none',
    logLevel: 'silent',
    // graphql (the SDK prints its documents) reads process.env.NODE_ENV; the browser has no process.
    define: { 'process.env.NODE_ENV': '"production"' },
  });
  const js = result.outputFiles.find((file) => file.path.endsWith('app.js'))?.text;
  if (!js) throw new Error('esbuild produced no app.js');
  const [html, css] = await Promise.all([
    readFile(path.join(sourceDir, 'index.html'), 'utf8'),
    readFile(path.join(sourceDir, 'styles.css'), 'utf8'),
  ]);
  return { html, js, css, buildMs: performance.now() - started };
}
