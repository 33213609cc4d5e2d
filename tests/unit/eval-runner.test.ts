import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatSplitText } from '../../training/data/split-file.js';
import { syntheticInteractions } from '../../training/data/synthetic.js';
import { registerEvaluate } from '../../training/cli/commands/evaluate.js';
import { runEvaluation, withBaselines } from '../../training/eval/runner.js';
import { randomHoldout } from '../../training/eval/splits.js';

let dir: string;
let trainFile: string;
let testFile: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'recgraph-eval-'));
  const all = syntheticInteractions({ numUsers: 160, numItems: 80, interactions: 2400, clusters: 4, seed: 31 });
  const { train, test } = randomHoldout(all, 0.2, 2);
  trainFile = path.join(dir, 'train.txt');
  testFile = path.join(dir, 'test.txt');
  await writeFile(trainFile, formatSplitText(train));
  await writeFile(testFile, formatSplitText(test));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('withBaselines', () => {
  it('adds popularity and EASE (or iALS for catalogues too large for EASE) unless present', () => {
    expect(withBaselines(['gfcf'], 1000)).toEqual(['popularity', 'ease', 'gfcf']);
    expect(withBaselines(['gfcf'], 100_000)).toEqual(['popularity', 'ials', 'gfcf']);
    expect(withBaselines(['ials:factors=8', 'popularity'], 1000)).toEqual(['ials:factors=8', 'popularity']);
  });
});

describe('runEvaluation', () => {
  it('measures every model in one run over the split files', async () => {
    const report = await runEvaluation({ train: trainFile, test: testFile, models: ['gfcf:svdDims=8'], ks: [5, 20] });
    expect(report.results.map((r) => r.model)).toEqual(['popularity', 'ease', 'gfcf']);
    for (const r of report.results) {
      expect(r.metrics['recall@20']).toBeGreaterThan(0);
      expect(r.metrics['ndcg@5']).toBeGreaterThan(0);
      expect(r.trainSeconds).toBeGreaterThanOrEqual(0);
    }
    const [pop, ease] = report.results;
    expect(ease.metrics['recall@20']).toBeGreaterThan(pop.metrics['recall@20']);
    expect(report.dataset.numItems).toBe(80);
  });
});

describe('recgraph evaluate', () => {
  it('writes the JSON (results[].metrics["recall@20"], trainSeconds) and a self-contained HTML report', async () => {
    const json = path.join(dir, 'out', 'report.json');
    const html = path.join(dir, 'out', 'report.html');
    const program = new Command('recgraph').exitOverride();
    registerEvaluate(program);
    const write = process.stdout.write.bind(process.stdout);
    const errWrite = process.stderr.write.bind(process.stderr);
    let printed = '';
    process.stdout.write = ((chunk: string) => ((printed += chunk), true)) as typeof process.stdout.write;
    process.stderr.write = (() => true) as typeof process.stderr.write;
    try {
      await program.parseAsync(
        [
          'evaluate',
          '--train',
          trainFile,
          '--test',
          testFile,
          '--models',
          'popularity,ease:lambda=50',
          '--json',
          json,
          '--report',
          html,
          '--quiet',
        ],
        { from: 'user' },
      );
    } finally {
      process.stdout.write = write;
      process.stderr.write = errWrite;
    }
    const parsed = JSON.parse(await readFile(json, 'utf8'));
    expect(parsed.results.map((r: { model: string }) => r.model)).toEqual(['popularity', 'ease']);
    expect(typeof parsed.results[1].metrics['recall@20']).toBe('number');
    expect(typeof parsed.results[1].trainSeconds).toBe('number');
    expect(parsed.results[1].params.lambda).toBe(50);
    expect(await readFile(html, 'utf8')).toContain('<svg');
    expect(printed).toContain('recall@20');
  });
});
