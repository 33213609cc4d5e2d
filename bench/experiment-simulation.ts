// A seeded A/B simulation end to end over HTTP: a generated catalogue whose users have known preferences (each loves
// one or two genres: training/demo/generate.ts), two published model versions, an experiment splitting users 50/50
// between them, and simulated users who look at the top K of each list and click an item with probability
// P_MATCH when its genre is one they love and P_OTHER otherwise (a click converts to a purchase with P_BUY).
// Events go back through recordInteractions with the list's recommendationId; the experimentReport query then
// says which variant won. The expected CTR@K of each variant is computed from the lists actually served and the
// known click probabilities (1 − Π(1 − p) per list), so the report's difference can be checked against the margin
// the preferences imply. Prints the report and writes bench/results/experiment-simulation.json.
//
//   npx tsx bench/experiment-simulation.ts [--users 800] [--items 1200] [--rounds 2] [--seed 7]
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { loadConfig } from '../src/config.js';
import { createPool } from '../src/db/pool.js';
import { createLogger } from '../src/logger.js';
import { Rng } from '../src/random.js';
import { startApp } from '../src/runtime/app.js';
import { startEmbeddedQdrant } from '../src/vector/embedded-qdrant.js';
import { generateDemoDataset } from '../training/demo/generate.js';
import { loadDemoDataset } from '../training/demo/seed.js';
import { trainAndPublish } from '../training/train-job/bootstrap.js';
import { prepareBenchDatabase } from './lib/bench-database.js';
import type { VariantReport } from '../src/experiments/report.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values: args } = parseArgs({
  options: {
    users: { type: 'string', default: '800' },
    items: { type: 'string', default: '1200' },
    rounds: { type: 'string', default: '2' },
    seed: { type: 'string', default: '7' },
  },
});
const K = 10;
const P_MATCH = 0.12;
const P_OTHER = 0.01;
const P_BUY = 0.25;
const serverUrl = process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';

interface List {
  recommendationId: string;
  modelVersion: string | null;
  experiment: { name: string; variant: string } | null;
  items: Array<{ item: { id: string; genres: string[] } }>;
}

async function main(): Promise<void> {
  const seed = Number(args.seed);
  const dataset = generateDemoDataset({
    seed,
    users: Number(args.users),
    items: Number(args.items),
    eventsPerUser: 25,
  });
  const databaseUrl = await prepareBenchDatabase(serverUrl, 'recgraph_bench_experiment', true);
  const pool = createPool(databaseUrl);
  const storageDir = await mkdtemp(path.join(os.tmpdir(), 'recgraph-bench-experiment-'));
  const qdrant = process.env.QDRANT_URL ? undefined : await startEmbeddedQdrant({ storageDir });
  const qdrantUrl = process.env.QDRANT_URL ?? qdrant!.url;
  const prefix = 'bench_experiment_';
  const config = {
    ...loadConfig({ LOG_LEVEL: 'silent', DATABASE_URL: databaseUrl }),
    qdrantUrl,
    dataDir: storageDir,
    host: '127.0.0.1',
    port: 0,
    collectionPrefix: prefix,
  };
  const app = await startApp(
    config,
    { databaseUrl, qdrantUrl, qdrantApiKey: undefined, embeddedPostgres: false, pool, stop: async () => {} },
    createLogger('silent'),
  );
  const log = createLogger('silent');
  try {
    await loadDemoDataset(pool, dataset);
    // Two versions: a weak one (1 factor, 1 iteration), then the default-sized one, which goes live.
    const weak = await trainAndPublish(pool, app.vectorStore, log, {
      dataDir: storageDir,
      prefix,
      params: { factors: 1, iterations: 1 },
    });
    const strong = await trainAndPublish(pool, app.vectorStore, log, { dataDir: storageDir, prefix });
    const graphql = async <T>(query: string, variables: Record<string, unknown> = {}): Promise<T> => {
      const response = await fetch(app.server.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query, variables }),
      });
      const body = (await response.json()) as { data?: T; errors?: unknown[] };
      if (body.errors) throw new Error(JSON.stringify(body.errors));
      return body.data!;
    };
    await graphql(
      `
        mutation ($input: ExperimentInput!) {
          createExperiment(input: $input) {
            name
          }
        }
      `,
      {
        input: {
          name: 'simulation',
          salt: `simulation-${seed}`,
          variants: [
            { name: 'live-model', share: 0.5 },
            { name: 'weak-model', share: 0.5, modelVersion: weak },
          ],
        },
      },
    );
    await graphql(`
      mutation {
        startExperiment(name: "simulation") {
          status
        }
      }
    `);

    const loves = new Map(dataset.users.map((u) => [u.externalId, new Set(u.attributes.favouriteGenres)]));
    const rng = new Rng(seed * 7919);
    const expected = new Map<string, { lists: number; expectedCtr: number }>();
    for (let round = 0; round < Number(args.rounds); round++) {
      for (const user of dataset.users) {
        const { recommendations: list } = await graphql<{ recommendations: List }>(
          `query($userId: ID!) { recommendations(userId: $userId, first: ${K}) {
             recommendationId modelVersion experiment { name variant } items { item { id genres } } } }`,
          { userId: user.externalId },
        );
        const variant = list.experiment!.variant;
        const liked = loves.get(user.externalId)!;
        const events: Array<Record<string, unknown>> = [];
        let noClick = 1;
        for (const { item } of list.items.slice(0, K)) {
          const p = item.genres.some((g) => liked.has(g)) ? P_MATCH : P_OTHER;
          noClick *= 1 - p;
          if (rng.next() < p) {
            events.push({
              userId: user.externalId,
              itemId: item.id,
              kind: 'click',
              recommendationId: list.recommendationId,
            });
            if (rng.next() < P_BUY)
              events.push({
                userId: user.externalId,
                itemId: item.id,
                kind: 'purchase',
                recommendationId: list.recommendationId,
              });
          }
        }
        const tally = expected.get(variant) ?? { lists: 0, expectedCtr: 0 };
        tally.lists++;
        tally.expectedCtr += 1 - noClick;
        expected.set(variant, tally);
        if (events.length)
          await graphql(
            `
              mutation ($input: [InteractionInput!]!) {
                recordInteractions(input: $input) {
                  recorded
                }
              }
            `,
            {
              input: events,
            },
          );
      }
    }
    const { experimentReport: report } = await graphql<{
      experimentReport: { interval: string; k: number; variants: VariantReport[] };
    }>(
      `{ experimentReport(name: "simulation", k: ${K}) { interval k variants { variant impressions users catalogueCoverage
         ctrAtK { successes trials rate low high } conversions { kind lists rate { successes trials rate low high } } } } }`,
    );
    const rows = report.variants.map((v) => {
      const e = expected.get(v.variant)!;
      const purchase = v.conversions.find((c) => c.kind === 'purchase')?.rate;
      return {
        variant: v.variant,
        modelVersion: v.variant === 'weak-model' ? weak : strong,
        impressions: v.impressions,
        users: v.users,
        ctrAtK: v.ctrAtK,
        expectedCtrAtK: e.expectedCtr / e.lists,
        purchase: purchase ?? null,
        catalogueCoverage: v.catalogueCoverage,
      };
    });
    const pct = (x: number) => `${(100 * x).toFixed(1)} %`;
    const lines = [
      `experiment "simulation": ${dataset.users.length} users × ${args.rounds} rounds, K = ${K}, click p = ${P_MATCH} on a loved genre, ${P_OTHER} otherwise; purchase p = ${P_BUY} per click`,
      `intervals: ${report.interval}`,
      '',
      'variant      lists  users  CTR@10 [95 % CI]            expected CTR@10  purchase [95 % CI]        coverage',
      ...rows.map(
        (r) =>
          `${r.variant.padEnd(12)} ${String(r.impressions).padStart(5)}  ${String(r.users).padStart(5)}  ${pct(r.ctrAtK.rate).padStart(7)} [${pct(r.ctrAtK.low)}, ${pct(r.ctrAtK.high)}]`.padEnd(
            60,
          ) +
          `${pct(r.expectedCtrAtK).padStart(8)}         ` +
          `${r.purchase ? `${pct(r.purchase.rate)} [${pct(r.purchase.low)}, ${pct(r.purchase.high)}]` : '—'}`.padEnd(
            26,
          ) +
          `${pct(r.catalogueCoverage)}`,
      ),
    ];
    const [a, b] = rows;
    const observed = a.ctrAtK.rate - b.ctrAtK.rate;
    const margin = a.expectedCtrAtK - b.expectedCtrAtK;
    // Normal approximation of the difference of two independent proportions (lists as trials).
    const se = Math.sqrt(
      (a.ctrAtK.rate * (1 - a.ctrAtK.rate)) / a.impressions + (b.ctrAtK.rate * (1 - b.ctrAtK.rate)) / b.impressions,
    );
    lines.push(
      '',
      `CTR@10 difference ${a.variant} − ${b.variant}: observed ${pct(observed)} ± ${pct(1.96 * se)} (95 %), expected from the preferences ${pct(margin)}: ${Math.abs(observed - margin) <= 1.96 * se ? 'within' : 'OUTSIDE'} the interval`,
    );
    process.stdout.write(lines.join('\n') + '\n');
    const outDir = path.join(root, 'bench', 'results');
    await mkdir(outDir, { recursive: true });
    await writeFile(
      path.join(outDir, 'experiment-simulation.json'),
      JSON.stringify(
        {
          createdAt: new Date().toISOString(),
          command: 'npx tsx bench/experiment-simulation.ts',
          dataset: { generator: 'demo', seed, users: dataset.users.length, items: dataset.items.length },
          simulation: { rounds: Number(args.rounds), k: K, pMatch: P_MATCH, pOther: P_OTHER, pBuy: P_BUY },
          interval: report.interval,
          variants: rows,
          difference: { observed, standardError: se, expected: margin },
          environment: { node: process.version, cpus: os.cpus().length, loadavg: os.loadavg() },
        },
        null,
        2,
      ) + '\n',
    );
  } finally {
    await app.stop().catch(() => undefined);
    const collections = (await app.vectorStore.listCollections().catch(() => [] as string[])).filter((c) =>
      c.startsWith(prefix),
    );
    const aliases = (await app.vectorStore.listAliases().catch(() => [])).filter((a) => a.aliasName.startsWith(prefix));
    await app.vectorStore
      .switchAliases(aliases.map((a) => ({ delete_alias: { alias_name: a.aliasName } })))
      .catch(() => {});
    for (const c of collections) await app.vectorStore.deleteCollection(c).catch(() => false);
    app.vectorStore.close();
    await pool.end();
    await qdrant?.stop();
    await rm(storageDir, { recursive: true, force: true });
  }
}

await main();
