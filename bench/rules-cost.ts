/**
 * Server CPU of the business-rules stage per list (src/rules/list-stage.ts: active rules, exclusions into the filter,
 * boost/bury, cap, pins, the page cut), against the same list made without rules, in the same run:
 * `npx tsx bench/rules-cost.ts [--items 40000 --page 20 --rules 0,5,20,100]`.
 * The list the use case returns is a seeded random one of the widened size; item metadata comes from an in-memory
 * map, as it does from the server's item cache on a warm replica (Postgres is read by neither on the hot path: the
 * rules' freshness check runs at most once per RECGRAPH_RULES_REFRESH_MS). Writes bench/results/rules-cost.json.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { ItemRow } from '../src/db/items.js';
import { Rng } from '../src/random.js';
import type { PageRequest, RecommendationResult } from '../src/recommend/types.js';
import { withBusinessRules } from '../src/rules/list-stage.js';
import type { CompiledRule } from '../src/rules/types.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values: args } = parseArgs({
  options: {
    items: { type: 'string', default: '40000' },
    page: { type: 'string', default: '20' },
    rules: { type: 'string', default: '0,5,20,100' },
  },
});
const n = Number(args.items);
const first = Number(args.page);
const rng = new Rng(5);
const GENRES = Array.from({ length: 20 }, (_, g) => `genre-${g}`);
const rows = new Map<number, ItemRow>();
for (let id = 1; id <= n; id++) {
  rows.set(id, {
    id,
    externalId: `item-${id}`,
    title: `Item ${id}`,
    creators: [`creator-${rng.int(2000)}`],
    genres: [GENRES[rng.int(20)], GENRES[rng.int(20)]],
    tags: [],
    year: 1950 + rng.int(70),
    publisher: null,
    description: null,
    imageUrl: null,
    language: null,
    deletedAt: null,
  });
}
const items = { byIds: async (ids: readonly number[]) => ids.map((id) => rows.get(id)) };

/** A mix of every kind, as a catalogue team would keep: mostly boosts/buries by genre or ids, a cap, a few pins. */
function ruleSet(count: number): CompiledRule[] {
  return Array.from({ length: count }, (_, k): CompiledRule => {
    const id = `rule-${k}`;
    switch (k % 5) {
      case 0:
        return { id, ruleSet: 'default', kind: 'BOOST', match: { genres: [GENRES[k % 20]] }, factor: 1.5 };
      case 1:
        return { id, ruleSet: 'default', kind: 'BURY', match: { ids: [1 + rng.int(n), 1 + rng.int(n)] }, factor: 0.5 };
      case 2:
        return { id, ruleSet: 'default', kind: 'EXCLUDE', match: { ids: [1 + rng.int(n)] } };
      case 3:
        return k === 3
          ? { id, ruleSet: 'default', kind: 'CAP', cap: { by: 'CREATOR', max: 2 } }
          : { id, ruleSet: 'default', kind: 'BOOST', match: { yearFrom: 2000 }, factor: 1.2 };
      default:
        return { id, ruleSet: 'default', kind: 'PIN', pins: [{ itemId: 1 + rng.int(n), position: 1 + (k % 10) }] };
    }
  });
}

function useCase(page: PageRequest): RecommendationResult {
  const size = page.offset + page.first + 1;
  return {
    items: Array.from({ length: size }, (_, r) => ({
      itemId: 1 + rng.int(n),
      score: 1 - r / size,
      source: 'COLLABORATIVE',
    })),
    strategy: 'MODEL',
    reason: null,
    modelVersion: 'bench',
    hasMore: true,
  };
}

const requests = 5000;
const table = [];
for (const count of args.rules!.split(',').map(Number)) {
  const compiled = ruleSet(count);
  const deps = { rules: { rules: async () => compiled }, items };
  const page = { first, offset: 0 };
  const run = () => withBusinessRules(deps, { page, filter: {}, excluded: async () => [] }, async (p) => useCase(p));
  for (let w = 0; w < 300; w++) await run(); // warm-up (JIT)
  // The use case's own list, made alone, is the baseline subtracted from the staged run.
  const t0 = process.cpuUsage();
  for (let r = 0; r < requests; r++) await run();
  const staged = process.cpuUsage(t0);
  const t1 = process.cpuUsage();
  for (let r = 0; r < requests; r++) useCase({ first: Math.min(500, Math.max(2 * first, first + 20)) + 10, offset: 0 });
  const alone = process.cpuUsage(t1);
  const us = (cpu: NodeJS.CpuUsage) => (cpu.user + cpu.system) / requests;
  const row = {
    rules: count,
    page: first,
    usPerListWithRules: Math.round(us(staged) * 10) / 10,
    usPerListUseCaseAlone: Math.round(us(alone) * 10) / 10,
  };
  table.push(row);
  console.log(
    `${String(count).padStart(4)} rules, page ${first}: ${row.usPerListWithRules.toFixed(1)} µs CPU per list ` +
      `(the stubbed use case alone: ${row.usPerListUseCaseAlone.toFixed(1)} µs)`,
  );
}
const out = path.join(root, 'bench/results/rules-cost.json');
await mkdir(path.dirname(out), { recursive: true });
await writeFile(
  out,
  JSON.stringify(
    { createdAt: new Date().toISOString(), items: n, requests, rows: table, loadavg: os.loadavg() },
    null,
    2,
  ) + '\n',
);
