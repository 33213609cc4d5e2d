import { describe, expect, it } from 'vitest';
import { formatTextTable, renderHtmlReport, type EvaluationReport } from '../../training/eval/report.js';

const metrics = (base: number) => {
  const m: Record<string, number> = {};
  for (const k of [10, 20, 50]) {
    for (const name of ['recall', 'ndcg', 'precision', 'hitrate', 'mrr', 'map', 'coverage', 'diversity', 'novelty']) {
      m[`${name}@${k}`] = base * (k / 50);
    }
  }
  return m;
};

const report: EvaluationReport = {
  createdAt: '2026-01-01T00:00:00Z',
  dataset: {
    train: 'train.txt',
    test: 'test.txt',
    numUsers: 10,
    numItems: 20,
    trainInteractions: 100,
    testInteractions: 30,
  },
  protocol: 'full catalogue',
  ks: [10, 20, 50],
  results: [
    { model: 'popularity', params: {}, metrics: metrics(0.1), trainSeconds: 0.1, evalSeconds: 0.2, users: 10 },
    { model: '<ease>', params: { lambda: 500 }, metrics: metrics(0.3), trainSeconds: 2, evalSeconds: 1, users: 10 },
  ],
  environment: { node: 'v20', cpus: 2, platform: 'linux-x64' },
};

describe('renderHtmlReport', () => {
  const html = renderHtmlReport(report);
  it('is self-contained: inline SVG charts, no scripts or external resources', () => {
    expect(html).not.toMatch(/<script|https?:\/\/(?!www\.w3\.org)/);
    // 6 accuracy + 3 beyond-accuracy curves + 1 bar chart
    expect(html.match(/<svg /g)?.length).toBe(10);
  });
  it('plots one line per model and marks the best value per column', () => {
    expect(html.match(/<polyline /g)?.length).toBe(9 * 2);
    // recall@20: ease 0.3·20/50 = 0.12 is best, popularity 0.1·20/50 = 0.04 is not
    expect(html).toContain('<td class="best">0.1200</td>');
    expect(html).toContain('<td class="">0.0400</td>');
    expect(html).not.toContain('<td class="best">0.0400</td>');
  });
  it('escapes model names', () => {
    expect(html).toContain('&lt;ease&gt;');
    expect(html).not.toContain('<ease>');
  });
});

describe('formatTextTable', () => {
  it('prints one aligned row per model', () => {
    const t = formatTextTable(report.results, ['recall@20']).split('\n');
    expect(t).toHaveLength(4);
    expect(t[3]).toContain('0.1200');
    expect(t[0].length).toBe(t[2].length);
  });
});
