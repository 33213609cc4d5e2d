/**
 * Server CPU of the two-stage rerank per request (src/recommend/graph-rerank.ts), at yelp2018 / Gowalla shape:
 * `npx tsx bench/rerank-cost.ts [--items 40000 --neighbors 200 --candidates 300 --history 20,50,100]`.
 * The cost depends only on the shapes (history × neighbours additions, one lookup per candidate), so the lists
 * are seeded random ones of the published size. Writes bench/results/rerank-cost.json.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { GraphReranker } from '../src/recommend/graph-rerank.js';
import { Rng } from '../src/random.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values: args } = parseArgs({
  options: {
    items: { type: 'string', default: '40000' },
    neighbors: { type: 'string', default: '200' },
    candidates: { type: 'string', default: '300' },
    history: { type: 'string', default: '20,50,100' },
  },
});
const n = Number(args.items);
const width = Number(args.neighbors);
const candidates = Number(args.candidates);
const rng = new Rng(3);
const indptr = Int32Array.from({ length: n + 1 }, (_, i) => i * width);
const neighbors = Int32Array.from({ length: n * width }, () => rng.int(n));
const weights = Float32Array.from({ length: n * width }, () => rng.next());
const reranker = new GraphReranker({
  lists: { itemIds: Int32Array.from({ length: n }, (_, i) => i + 1000), indptr, neighbors, weights },
  linearWeight: 1,
  candidates,
});
const rows = [];
for (const h of args.history!.split(',').map(Number)) {
  const requests = 2000;
  const inputs = Array.from({ length: requests }, () => ({
    hits: Array.from({ length: candidates }, (_, r) => ({ id: 1000 + rng.int(n), score: 1 - r / candidates })),
    history: Array.from({ length: h }, () => 1000 + rng.int(n)),
  }));
  for (let w = 0; w < 200; w++) reranker.rerank(inputs[w].hits, inputs[w].history); // warm-up (JIT)
  const t0 = process.cpuUsage();
  for (const input of inputs) reranker.rerank(input.hits, input.history);
  const cpu = process.cpuUsage(t0);
  const usPerRequest = (cpu.user + cpu.system) / requests;
  rows.push({ history: h, candidates, neighbors: width, usPerRequest: Math.round(usPerRequest * 10) / 10 });
  console.log(
    `history ${h}, ${candidates} candidates, ${width} neighbours/item: ${usPerRequest.toFixed(1)} µs CPU per request`,
  );
}
const out = path.join(root, 'bench/results/rerank-cost.json');
await mkdir(path.dirname(out), { recursive: true });
await writeFile(
  out,
  JSON.stringify({ createdAt: new Date().toISOString(), items: n, rows, loadavg: os.loadavg() }, null, 2) + '\n',
);
