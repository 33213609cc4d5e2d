// Generates resolver types from schema.graphql (the single source of truth) with GraphQL Code Generator's core API.
//   npm run codegen              write the resolver types and the SDK's typed operations
//   npm run codegen -- --check   exit 1 when the committed file is stale (tests/unit/codegen.test.ts checks too)
import { readFile, writeFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { codegen } from '@graphql-codegen/core';
import * as typescriptPlugin from '@graphql-codegen/typescript';
import * as operationsPlugin from '@graphql-codegen/typescript-operations';
import * as resolversPlugin from '@graphql-codegen/typescript-resolvers';
import * as typedDocumentNodePlugin from '@graphql-codegen/typed-document-node';
import { buildSchema, parse, printSchema } from 'graphql';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const RESOLVERS_FILE = 'src/graphql/__generated__/resolvers.ts';
export const SDK_OPERATIONS = 'src/sdk/operations.graphql';
export const SDK_FILE = 'src/sdk/__generated__/operations.ts';
const HEADER = '// Generated from schema.graphql by scripts/codegen.ts — do not edit.\n/* eslint-disable */\n';

export async function generateResolverTypes(sdl: string): Promise<string> {
  const schema = buildSchema(sdl);
  const body = await codegen({
    filename: RESOLVERS_FILE,
    schema: parse(printSchema(schema)),
    documents: [],
    plugins: [{ typescript: {} }, { 'typescript-resolvers': {} }],
    pluginMap: { typescript: typescriptPlugin, 'typescript-resolvers': resolversPlugin },
    config: {
      useTypeImports: true,
      // Resolvers return these shapes; the field resolvers fill in the rest (see src/graphql/resolvers.ts).
      contextType: '../context.js#RequestContext',
      mappers: {
        Item: '../../db/items.js#ItemRow',
        User: '../../db/users.js#UserRow',
        Work: '../../db/works.js#WorkRef',
      },
      scalars: { ID: 'string' },
      enumsAsTypes: true,
    },
  });
  return HEADER + body;
}

/** Typed documents for the client SDK: one TypedDocumentNode per operation in src/sdk/operations.graphql. */
export async function generateSdkTypes(sdl: string, operations: string): Promise<string> {
  const schema = buildSchema(sdl);
  const body = await codegen({
    filename: SDK_FILE,
    schema: parse(printSchema(schema)),
    documents: [{ location: SDK_OPERATIONS, document: parse(operations) }],
    // typescript-operations 6 emits the input and enum types it needs itself (no `typescript` plugin here).
    plugins: [{ 'typescript-operations': {} }, { 'typed-document-node': {} }],
    pluginMap: { 'typescript-operations': operationsPlugin, 'typed-document-node': typedDocumentNodePlugin },
    config: {
      useTypeImports: true,
      scalars: { ID: 'string' },
      enumsAsTypes: true,
      avoidOptionals: { field: true, inputValue: false, object: true },
    },
  });
  return HEADER + body;
}

/** Every generated file with its expected content. */
export async function generateAll(): Promise<Array<[string, string]>> {
  const sdl = await readFile(path.join(ROOT, 'schema.graphql'), 'utf8');
  const operations = await readFile(path.join(ROOT, SDK_OPERATIONS), 'utf8');
  return [
    [RESOLVERS_FILE, await generateResolverTypes(sdl)],
    [SDK_FILE, await generateSdkTypes(sdl, operations)],
  ];
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  for (const [file, output] of await generateAll()) {
    const target = path.join(ROOT, file);
    if (process.argv.includes('--check')) {
      if ((await readFile(target, 'utf8').catch(() => '')) !== output) {
        console.error(`${file} is stale: run npm run codegen`);
        process.exitCode = 1;
      }
    } else {
      await mkdir(path.dirname(target), { recursive: true });
      await writeFile(target, output);
      console.log(`wrote ${file}`);
    }
  }
}
