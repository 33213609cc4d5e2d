/**
 * Training on works vs training on editions: `npx tsx bench/works.ts` (options: --dataset bx-shaped|bx-sparse|demo|all,
 * --models default,ials,popularity).
 *
 * Datasets with editions, grouped by the same matcher ingest uses (src/editions/matcher.ts):
 *   - bx-shaped: the Book-Crossing-shaped generated catalogue (training/demo/editions.ts; 3,000 works in ≈ 5,900
 *     ISBNs, 3,000 readers, ≈ 48k events, 0.27 % dense) whose readers pick a work in whichever edition;
 *   - demo: the `npm start` demo catalogue (3,000 books, 2,000 readers, ≈ 80k events), whose duplicate titles by one
 *     author the matcher groups as editions (271 works hold 604 of the books).
 * Per dataset: a seeded per-user 20 % test holdout, and a 20 % validation split carved from the remaining train
 * (the one the default is decided on; test is scored once per model). Every model is fitted on editions and on
 * works and scored on both levels, every test (or validation) user ranking the full catalogue with training items
 * excluded: per work (the list as served, one item per work — an edition-trained model's list is collapsed to one
 * edition per work) and per edition (a work-trained model scores each edition with its work's score).
 *   - bx-sparse: the same generator at Book-Crossing's own density (≈ 8 events per reader, ≈ 4 per ISBN).
 * Prints a table and writes bench/results/works-<dataset>.json with the machine's load average.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { groupEditions } from '../src/editions/matcher.js';
import { buildInteractionMatrix, type InteractionMatrix } from '../training/data/interactions.js';
import { generateDemoDataset } from '../training/demo/generate.js';
import { generateEditionsCatalog } from '../training/demo/editions.js';
import { evaluateRanker, fullCatalogRanker } from '../training/eval/evaluate.js';
import { randomHoldout } from '../training/eval/splits.js';
import { collapsedToWorks, expandedToEditions, matrixOnWorks } from '../training/eval/works.js';
import { createModel } from '../training/models/registry.js';
import { workColumns, type WorkColumns } from '../training/train-job/works.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values: args } = parseArgs({
  options: {
    dataset: { type: 'string', default: 'all' },
    models: { type: 'string', default: 'popularity,ials,default' },
  },
});

interface Catalogue {
  name: string;
  matrix: InteractionMatrix;
  works: WorkColumns;
  description: string;
}

/** users × editions from (user, edition) events, and the works the matcher finds among the editions. */
function catalogue(
  name: string,
  description: string,
  items: Array<{ title: string; creators: string[]; year: number }>,
  events: Array<{ user: number; item: number }>,
  numUsers: number,
): Catalogue {
  const grouped = groupEditions(items.map((item, index) => ({ id: index + 1, ...item })));
  const workIds = Int32Array.from(items, (_, index) => grouped.get(index + 1)!);
  const matrix = buildInteractionMatrix(
    numUsers,
    items.length,
    Int32Array.from(events, (e) => e.user),
    Int32Array.from(events, (e) => e.item),
  );
  return { name, description, matrix, works: workColumns(workIds, 'on')! };
}

function bxShaped(): Catalogue {
  const bx = generateEditionsCatalog();
  const index = new Map(bx.books.map((b, i) => [b.isbn, i]));
  return catalogue(
    'bx-shaped',
    'Book-Crossing-shaped generated catalogue (training/demo/editions.ts, defaults)',
    bx.books.map((b) => ({ title: b.title, creators: [b.author], year: b.year })),
    bx.ratings.map((r) => ({ user: r.user - 1, item: index.get(r.isbn)! })),
    bx.users,
  );
}

/** The same generator at Book-Crossing's own density (≈ 4 events per ISBN, ≈ 8 per reader). */
function bxSparse(): Catalogue {
  const bx = generateEditionsCatalog({ eventsPerUser: 8 });
  const index = new Map(bx.books.map((b, i) => [b.isbn, i]));
  return catalogue(
    'bx-sparse',
    'Book-Crossing-shaped generated catalogue at Book-Crossing density (training/demo/editions.ts, eventsPerUser 8)',
    bx.books.map((b) => ({ title: b.title, creators: [b.author], year: b.year })),
    bx.ratings.map((r) => ({ user: r.user - 1, item: index.get(r.isbn)! })),
    bx.users,
  );
}

function demo(): Catalogue {
  const d = generateDemoDataset();
  const items = new Map(d.items.map((it, i) => [it.externalId, i]));
  const users = new Map(d.users.map((u, i) => [u.externalId, i]));
  return catalogue(
    'demo',
    'the npm start demo catalogue (training/demo/generate.ts, defaults)',
    d.items,
    d.interactions.map((e) => ({ user: users.get(e.userExternalId)!, item: items.get(e.itemExternalId)! })),
    d.users.length,
  );
}

interface Row {
  dataset: string;
  split: 'validation' | 'test';
  model: string;
  trainedOn: 'editions' | 'works';
  perWork: Record<string, number>;
  perEdition: Record<string, number>;
  users: number;
  fitSeconds: number;
}

const KS = [10, 20, 50];
const pick = (m: Record<string, number>) => ({
  'recall@20': m['recall@20'],
  'ndcg@20': m['ndcg@20'],
  'recall@50': m['recall@50'],
  'coverage@20': m['coverage@20'],
});

async function measure(c: Catalogue, split: 'validation' | 'test', train: InteractionMatrix, test: InteractionMatrix) {
  const rows: Row[] = [];
  const trainW = matrixOnWorks(train, c.works);
  const testW = matrixOnWorks(test, c.works);
  for (const spec of args.models!.split(',')) {
    for (const trainedOn of ['editions', 'works'] as const) {
      const model = createModel(spec);
      const t0 = performance.now();
      await model.fit(trainedOn === 'works' ? trainW : train);
      const fitSeconds = (performance.now() - t0) / 1000;
      const opts = { ks: KS, diversity: null };
      const perWork =
        trainedOn === 'works'
          ? await evaluateRanker(fullCatalogRanker(model, trainW), trainW, testW, opts)
          : await evaluateRanker(
              collapsedToWorks(fullCatalogRanker(model, train), c.works, trainW),
              trainW,
              testW,
              opts,
            );
      const perEdition =
        trainedOn === 'works'
          ? await evaluateRanker(expandedToEditions(model, c.works, train), train, test, opts)
          : await evaluateRanker(fullCatalogRanker(model, train), train, test, opts);
      rows.push({
        dataset: c.name,
        split,
        model: spec,
        trainedOn,
        perWork: pick(perWork.metrics),
        perEdition: pick(perEdition.metrics),
        users: perWork.users,
        fitSeconds: Math.round(fitSeconds * 10) / 10,
      });
      const r = rows[rows.length - 1];
      console.log(
        [
          c.name,
          split,
          spec,
          trainedOn,
          r.perWork['recall@20'],
          r.perWork['ndcg@20'],
          r.perEdition['recall@20'],
          r.perEdition['ndcg@20'],
        ]
          .map((v) => (typeof v === 'number' ? v.toFixed(4) : v).toString().padEnd(11))
          .join(' '),
      );
    }
  }
  return rows;
}

async function main() {
  const loadBefore = os.loadavg();
  const builders: Record<string, () => Catalogue> = { 'bx-shaped': bxShaped, 'bx-sparse': bxSparse, demo };
  const names = args.dataset === 'all' ? Object.keys(builders) : [args.dataset!];
  const rows: Row[] = [];
  const datasets: Record<string, unknown> = {};
  console.log(
    ['dataset', 'split', 'model', 'trained on', 'work R@20', 'work N@20', 'ed. R@20', 'ed. N@20']
      .map((h) => h.padEnd(11))
      .join(' '),
  );
  for (const name of names) {
    const c = builders[name]();
    const { train, test } = randomHoldout(c.matrix, 0.2, 1);
    const carved = randomHoldout(train, 0.2, 2);
    datasets[name] = {
      description: c.description,
      users: c.matrix.numUsers,
      editions: c.matrix.numItems,
      works: c.works.columns,
      multiEditionWorks: c.works.multiEditionWorks,
      events: c.matrix.indices.length,
    };
    rows.push(...(await measure(c, 'validation', carved.train, carved.test)));
    rows.push(...(await measure(c, 'test', train, test)));
  }
  const outDir = path.join(root, 'bench', 'results');
  await mkdir(outDir, { recursive: true });
  const result = {
    command: `npx tsx bench/works.ts --dataset ${args.dataset} --models ${args.models}`,
    at: new Date().toISOString(),
    machine: { loadavgBefore: loadBefore, loadavgAfter: os.loadavg(), cpus: os.cpus().length },
    protocol:
      'seeded per-user 20 % test holdout; validation = 20 % carved from train; full catalogue, training items excluded, every user with held-out items',
    datasets,
    rows,
  };
  const file = path.join(outDir, `works-${args.dataset}.json`);
  await writeFile(file, JSON.stringify(result, null, 2) + '\n');
  console.log(`wrote ${path.relative(root, file)}`);
}

await main();
