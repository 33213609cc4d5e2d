// What may import what (README § Architecture), checked on the real import graph of the tree: every relative
// import, re-export, type-only import and dynamic import() of src/, training/, bench/ and scripts/, as the
// TypeScript compiler's own pre-processor reads them.
//   1. src/ never imports training/ (serving ships without the offline module's code paths).
//   2. training/ never imports src/graphql, src/http or src/runtime — except training/cli/, the wiring entry.
//   3. Only training/cli/ and bench/ wire both sides (import training/ and the serving entry at once).
// tests/ are outside the rules: they wire whatever they exercise.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const SCANNED = ['src', 'training', 'bench', 'scripts'];
const SOURCE = /\.(ts|mts|js|mjs)$/;

type ImportGraph = Map<string, string[]>;

function sourceFiles(dir: string): string[] {
  return readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
    const relative = path.posix.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : sourceFiles(relative);
    return SOURCE.test(entry.name) && !entry.name.endsWith('.d.ts') ? [relative] : [];
  });
}

/** The repository paths `file` imports (relative specifiers only: packages are not layers). */
function importsOf(file: string, text: string): string[] {
  const { importedFiles } = ts.preProcessFile(text, true, true);
  return importedFiles
    .map((ref) => ref.fileName)
    .filter((specifier) => specifier.startsWith('.'))
    .map((specifier) =>
      path.posix.normalize(path.posix.join(path.posix.dirname(file), specifier)).replace(/\.js$/, '.ts'),
    );
}

function readGraph(): ImportGraph {
  const files = SCANNED.flatMap(sourceFiles);
  return new Map(files.map((file) => [file, importsOf(file, readFileSync(path.join(ROOT, file), 'utf8'))]));
}

const under = (file: string, ...dirs: string[]) => dirs.some((dir) => file === dir || file.startsWith(`${dir}/`));
const SERVING_ENTRY = ['src/graphql', 'src/http', 'src/runtime'];

/** Every import that breaks a rule, as "importer → imported: rule". */
function importViolations(graph: ImportGraph): string[] {
  const violations: string[] = [];
  for (const [file, imports] of graph) {
    for (const target of imports) {
      if (under(file, 'src') && under(target, 'training'))
        violations.push(`${file} → ${target}: src/ never imports training/`);
      if (under(file, 'training') && !under(file, 'training/cli') && under(target, ...SERVING_ENTRY)) {
        violations.push(`${file} → ${target}: training/ never imports src/graphql, src/http, src/runtime`);
      }
    }
    const wiresBoth = imports.some((t) => under(t, 'training')) && imports.some((t) => under(t, ...SERVING_ENTRY));
    if (wiresBoth && !under(file, 'training/cli', 'bench')) {
      violations.push(`${file}: only training/cli/ and bench/ import both training/ and the serving entry`);
    }
  }
  return violations;
}

describe('import rules', () => {
  const graph = readGraph();

  it('reads the whole tree (a reader that sees nothing would pass any rule)', () => {
    expect(graph.size).toBeGreaterThan(150);
    expect(graph.get('training/cli/commands/start.ts')).toContain('src/runtime/start.ts');
    expect(graph.get('src/runtime/app.ts')).toContain('src/recommend/service.ts');
    expect(graph.get('scripts/recgraph.mjs')).toContain('training/cli/index.ts');
  });

  it('src never imports training; training never imports the serving entry; only the CLI and bench wire both', () => {
    expect(importViolations(graph)).toEqual([]);
  });

  it('sees static, type-only, re-exported and dynamic imports, and flags each kind of violation', () => {
    const text = [
      "import { a } from '../../training/models/contract.js';",
      "import type { B } from '../http/server.js';",
      "export { c } from './c.js';",
      "const d = await import('../runtime/start.js');",
      "import { e } from 'pino';",
    ].join('\n');
    expect(importsOf('src/graphql/x.ts', text)).toEqual([
      'training/models/contract.ts',
      'src/http/server.ts',
      'src/graphql/c.ts',
      'src/runtime/start.ts',
    ]);
    const bad: ImportGraph = new Map([
      ['src/recommend/x.ts', ['training/models/contract.ts']],
      ['training/eval/y.ts', ['src/runtime/app.ts']],
      ['scripts/z.ts', ['training/cli/context.ts', 'src/graphql/schema.ts']],
      ['training/cli/ok.ts', ['training/export/publish.ts', 'src/runtime/start.ts']],
      ['bench/ok.ts', ['training/export/publish.ts', 'src/http/server.ts']],
    ]);
    const found = importViolations(bad);
    expect(found).toHaveLength(3);
    expect(found[0]).toMatch(/^src\/recommend\/x\.ts → training\/models\/contract\.ts: src\/ never imports training/);
    expect(found[1]).toMatch(/^training\/eval\/y\.ts → src\/runtime\/app\.ts: training\/ never imports/);
    expect(found[2]).toMatch(/^scripts\/z\.ts: only training\/cli\/ and bench\//);
  });
});
