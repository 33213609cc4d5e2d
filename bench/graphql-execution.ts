// What the GraphQL layer costs per request, apart from everything else the server does: the `popular(first: 20)`
// query of bench:serve (20 items × 5 fields) answered from memory — the use case and the item loads return at once —
// through (1) graphql-js execute, (2) graphql-jit's compiled query (src/graphql/jit-executor.ts), and the whole
// Apollo Server request (3) on graphql-js and (4) on graphql-jit, with the server's plugins, error formatting and
// the JSON of the answer. CPU µs per request from process.cpuUsage() over --requests sequential requests, rounds
// alternating so a busy moment of a shared machine hits every variant alike; the median round is reported.
//
//   npx tsx bench/graphql-execution.ts [-- --requests 5000 --rounds 5]
// Writes bench/results/graphql-execution.json.
import http from 'node:http';
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { HeaderMap } from '@apollo/server';
import { makeExecutableSchema } from '@graphql-tools/schema';
import { execute, getOperationAST, parse } from 'graphql';
import type { ItemRow } from '../src/db/items.js';
import { createGraphQLServer } from '../src/graphql/apollo.js';
import type { RequestContext, Services } from '../src/graphql/context.js';
import { createJitExecutor } from '../src/graphql/jit-executor.js';
import { createLoaders } from '../src/graphql/loaders.js';
import { resolvers } from '../src/graphql/resolvers.js';
import { loadTypeDefs } from '../src/graphql/schema.js';
import { createMetrics } from '../src/http/metrics.js';
import { createLogger } from '../src/logger.js';
import type { RecommendationResult } from '../src/recommend/types.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values: args } = parseArgs({
  options: { requests: { type: 'string', default: '5000' }, rounds: { type: 'string', default: '5' } },
});
const requests = Number(args.requests);
const rounds = Number(args.rounds);

const QUERY = '{ popular(first: 20) { items { score item { id title creators genres year } } } }';
const rows: ItemRow[] = Array.from({ length: 20 }, (_, i) => ({
  id: i + 1,
  externalId: `book-${String(i + 1).padStart(5, '0')}`,
  title: `A title of a book number ${i + 1}`,
  creators: ['Some Author'],
  genres: ['fantasy', 'adventure'],
  tags: [],
  year: 1990 + i,
  publisher: null,
  description: null,
  imageUrl: null,
  language: null,
  deletedAt: null,
}));
const list: RecommendationResult = {
  items: rows.map((row, i) => ({ itemId: row.id, score: 100 - i, source: 'POPULAR' })),
  strategy: 'POPULAR',
  reason: null,
  modelVersion: null,
  hasMore: true,
};
// Only what `popular` reads: the list, and the item rows by id (as the server's item cache would answer them).
const items = {
  byIds: async (ids: readonly number[]) => ids.map((id) => rows[id - 1]),
  byExternalIds: async () => [],
};
const services = {
  items,
  recommender: { popularList: async () => list },
} as unknown as Services;
const context = (): RequestContext => ({
  services,
  loaders: createLoaders(items as never, undefined as never),
});

const schema = makeExecutableSchema({ typeDefs: loadTypeDefs(), resolvers: resolvers as never });
const document = parse(QUERY);
const operation = getOperationAST(document);
const jit = createJitExecutor(schema, { compileAfter: 0 });
const apollo = async (useJit: boolean) => {
  const metrics = createMetrics();
  const server = createGraphQLServer({
    httpServer: http.createServer(),
    production: true,
    logger: createLogger('warn'),
    metrics,
    apiKeys: [],
    jit: useJit,
  });
  await server.apollo.start();
  const headers = new HeaderMap([['content-type', 'application/json']]);
  return async () => {
    const response = await server.apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest: { method: 'POST', headers, search: '', body: { query: QUERY } },
      context: async () => context(),
    });
    if (response.body.kind !== 'complete' || response.body.string.includes('"errors"'))
      throw new Error('unexpected answer');
  };
};

const variants: Record<string, () => Promise<unknown>> = {
  'graphql-js execute': () => Promise.resolve(execute({ schema, document, contextValue: context() })),
  'graphql-jit compiled': () => jit({ document, operation, context: context() }),
  'Apollo request, graphql-js': await apollo(false),
  'Apollo request, graphql-jit': await apollo(true),
};

const perRound: Record<string, number[]> = Object.fromEntries(Object.keys(variants).map((name) => [name, []]));
for (const run of Object.values(variants)) for (let i = 0; i < 2000; i++) await run(); // JIT warm-up
for (let round = 0; round < rounds; round++) {
  for (const [name, run] of Object.entries(variants)) {
    const before = process.cpuUsage();
    for (let i = 0; i < requests; i++) await run();
    const used = process.cpuUsage(before);
    perRound[name].push((used.user + used.system) / requests);
  }
}
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const results = Object.entries(perRound).map(([variant, values]) => ({
  variant,
  cpuMicrosecondsPerRequest: Number(median(values).toFixed(1)),
  rounds: values.map((v) => Number(v.toFixed(1))),
}));
console.log(`| variant | CPU µs per request (median of ${rounds} rounds × ${requests}) |\n|---|---|`);
for (const r of results) console.log(`| ${r.variant} | ${r.cpuMicrosecondsPerRequest} |`);
const out = path.join(root, 'bench', 'results', 'graphql-execution.json');
await mkdir(path.dirname(out), { recursive: true });
await writeFile(
  out,
  JSON.stringify(
    {
      benchmark: 'graphql-execution',
      date: new Date().toISOString(),
      command: `npx tsx bench/graphql-execution.ts ${process.argv.slice(2).join(' ')}`.trim(),
      machine: { cpus: os.cpus().length, node: process.version, loadAverage: os.loadavg() },
      query: QUERY,
      results,
    },
    null,
    2,
  ) + '\n',
);
console.log(`\nwrote ${path.relative(root, out)}`);
