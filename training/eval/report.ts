/**
 * Evaluation reports: the JSON shape written by `recgraph evaluate` / the quality bench, and a self-contained
 * HTML rendering (inline SVG, no scripts, no network) with metric-vs-K curves and per-model tables.
 */
import { ACCURACY_METRICS, BEYOND_ACCURACY_METRICS, type MetricRecord } from './metrics.js';

export interface ModelResult {
  model: string;
  params: Record<string, number | string | boolean>;
  metrics: MetricRecord;
  trainSeconds: number;
  /** Served rows: writing the fitted model into Qdrant (train + export = trainSeconds + exportSeconds). */
  exportSeconds?: number;
  /** Served rows: Qdrant's index build after the export (serving works meanwhile, by brute force). */
  indexSeconds?: number;
  evalSeconds: number;
  /** Users evaluated. */
  users: number;
  /** e.g. "full catalogue" or "exact top-200 by dot product → rerank by ease". */
  pipeline?: string;
  /** Parameters chosen on a validation split carved from the fit data (models that tune themselves). */
  tuning?: Record<string, unknown>;
  /** Iterative models with a training budget: what the budget allowed (epochs, steps, seconds, why it stopped). */
  training?: Record<string, unknown>;
  /** Served two-stage rows: recall of Qdrant's candidates and of Qdrant's order alone (before the rerank). */
  stages?: { candidates: number; retrievalRecall: number; retrievalOnlyRecall20: number };
}

export interface EvaluationReport {
  createdAt: string;
  dataset: {
    train: string;
    test: string;
    valid?: string;
    numUsers: number;
    numItems: number;
    trainInteractions: number;
    testInteractions: number;
  };
  protocol: string;
  ks: number[];
  results: ModelResult[];
  environment: { node: string; cpus: number; platform: string };
}

const PALETTE = [
  '#1f77b4',
  '#d62728',
  '#2ca02c',
  '#ff7f0e',
  '#9467bd',
  '#8c564b',
  '#e377c2',
  '#17becf',
  '#7f7f7f',
  '#bcbd22',
];

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

const fmt = (v: number | undefined, digits = 4) => (v === undefined || !Number.isFinite(v) ? '–' : v.toFixed(digits));

/** One line chart: x = K, y = metric, one polyline per model. */
function lineChart(metric: string, ks: number[], results: ModelResult[]): string {
  const w = 300;
  const h = 200;
  const pad = { l: 46, r: 10, t: 22, b: 28 };
  const values = results.flatMap((r) => ks.map((k) => r.metrics[`${metric}@${k}`] ?? 0));
  const yMax = Math.max(1e-9, ...values) * 1.08;
  const x = (i: number) => pad.l + (ks.length === 1 ? 0.5 : i / (ks.length - 1)) * (w - pad.l - pad.r);
  const y = (v: number) => h - pad.b - (v / yMax) * (h - pad.t - pad.b);
  const grid = [0, 0.25, 0.5, 0.75, 1]
    .map((f) => {
      const gy = y(f * yMax);
      return `<line x1="${pad.l}" x2="${w - pad.r}" y1="${gy}" y2="${gy}" stroke="#eee"/><text x="${pad.l - 4}" y="${gy + 3}" text-anchor="end" font-size="9">${(f * yMax).toFixed(3)}</text>`;
    })
    .join('');
  const xTicks = ks
    .map((k, i) => `<text x="${x(i)}" y="${h - pad.b + 14}" text-anchor="middle" font-size="10">${k}</text>`)
    .join('');
  const lines = results
    .map((r, idx) => {
      const color = PALETTE[idx % PALETTE.length];
      const pts = ks.map((k, i) => `${x(i).toFixed(1)},${y(r.metrics[`${metric}@${k}`] ?? 0).toFixed(1)}`);
      const dots = pts
        .map((p) => `<circle cx="${p.split(',')[0]}" cy="${p.split(',')[1]}" r="2.5" fill="${color}"/>`)
        .join('');
      return `<polyline fill="none" stroke="${color}" stroke-width="1.8" points="${pts.join(' ')}"><title>${esc(r.model)}</title></polyline>${dots}`;
    })
    .join('');
  return `<svg viewBox="0 0 ${w} ${h}" width="${w}" height="${h}" role="img" aria-label="${metric} vs K">
<text x="${w / 2}" y="14" text-anchor="middle" font-size="12" font-weight="bold">${metric}@K</text>${grid}${xTicks}
<text x="${w / 2}" y="${h - 2}" text-anchor="middle" font-size="9">K</text>${lines}</svg>`;
}

/** Horizontal bars of one metric across models. */
function barChart(metric: string, results: ModelResult[]): string {
  const rowH = 22;
  const w = 620;
  const labelW = 190;
  const h = rowH * results.length + 30;
  const max = Math.max(1e-9, ...results.map((r) => r.metrics[metric] ?? 0));
  const bars = results
    .map((r, i) => {
      const v = r.metrics[metric] ?? 0;
      const bw = (v / max) * (w - labelW - 70);
      const yy = 24 + i * rowH;
      return `<text x="${labelW - 6}" y="${yy + 14}" text-anchor="end" font-size="11">${esc(r.model)}</text>
<rect x="${labelW}" y="${yy + 3}" width="${bw.toFixed(1)}" height="${rowH - 8}" fill="${PALETTE[i % PALETTE.length]}"/>
<text x="${labelW + bw + 4}" y="${yy + 14}" font-size="11">${fmt(v)}</text>`;
    })
    .join('');
  return `<svg viewBox="0 0 ${w} ${h}" width="${w}" height="${h}" role="img" aria-label="${metric} by model">
<text x="${w / 2}" y="14" text-anchor="middle" font-size="12" font-weight="bold">${metric}</text>${bars}</svg>`;
}

export function renderHtmlReport(report: EvaluationReport): string {
  const { ks, results } = report;
  const legend = results
    .map(
      (r, i) =>
        `<span class="key"><span class="sw" style="background:${PALETTE[i % PALETTE.length]}"></span>${esc(r.model)}</span>`,
    )
    .join(' ');
  const charts = ACCURACY_METRICS.map((m) => lineChart(m, ks, results)).join('\n');
  const beyondCharts = BEYOND_ACCURACY_METRICS.map((m) => lineChart(m, ks, results)).join('\n');
  const best = (key: string) => Math.max(...results.map((r) => r.metrics[key] ?? -Infinity));
  const metricCols = ks.flatMap((k) => ACCURACY_METRICS.map((m) => `${m}@${k}`));
  const beyondCols = ks.flatMap((k) => BEYOND_ACCURACY_METRICS.map((m) => `${m}@${k}`));
  const table = (
    cols: string[],
  ) => `<table><thead><tr><th>model</th>${cols.map((c) => `<th>${c}</th>`).join('')}</tr></thead><tbody>
${results
  .map(
    (r) =>
      `<tr><td title="${esc(JSON.stringify(r.params))}">${esc(r.model)}</td>${cols
        .map((c) => `<td class="${r.metrics[c] === best(c) ? 'best' : ''}">${fmt(r.metrics[c])}</td>`)
        .join('')}</tr>`,
  )
  .join('\n')}</tbody></table>`;
  const runs = `<table><thead><tr><th>model</th><th>pipeline</th><th>params</th><th>train s</th><th>export s</th><th>eval s</th><th>users</th></tr></thead><tbody>
${results
  .map(
    (r) =>
      `<tr><td>${esc(r.model)}</td><td>${esc(r.pipeline ?? 'full catalogue')}</td><td class="params">${esc(JSON.stringify(r.params))}</td><td>${r.trainSeconds.toFixed(1)}</td><td>${r.exportSeconds === undefined ? '' : r.exportSeconds.toFixed(1)}</td><td>${r.evalSeconds.toFixed(1)}</td><td>${r.users}</td></tr>`,
  )
  .join('\n')}</tbody></table>`;
  const d = report.dataset;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>recgraph evaluation</title>
<style>
body{font-family:system-ui,sans-serif;margin:24px;color:#222;max-width:1400px}
h1{font-size:20px}h2{font-size:16px;margin-top:28px}
table{border-collapse:collapse;font-size:12px;margin:8px 0;display:block;overflow-x:auto}
th,td{border:1px solid #ddd;padding:3px 6px;text-align:right;white-space:nowrap}
th:first-child,td:first-child{text-align:left}
td.best{font-weight:bold;background:#eef7ee}
td.params{text-align:left;font-family:monospace;font-size:11px;white-space:normal;max-width:520px}
.charts{display:flex;flex-wrap:wrap;gap:12px}.charts svg{border:1px solid #eee}
.key{margin-right:14px;font-size:12px}.sw{display:inline-block;width:12px;height:12px;margin-right:4px;vertical-align:middle}
.meta{font-size:12px;color:#555}
</style></head><body>
<h1>Recommendation quality</h1>
<p class="meta">${esc(report.createdAt)} · train <code>${esc(d.train)}</code> · test <code>${esc(d.test)}</code>${d.valid ? ` · valid <code>${esc(d.valid)}</code>` : ''}<br>
${d.numUsers} users · ${d.numItems} items · ${d.trainInteractions} train / ${d.testInteractions} test interactions · Node ${esc(report.environment.node)}, ${report.environment.cpus} CPUs</p>
<p class="meta">${esc(report.protocol)}</p>
${barChart(`recall@${ks.includes(20) ? 20 : ks[0]}`, results)}
<h2>Accuracy vs K</h2><div>${legend}</div><div class="charts">${charts}</div>
<h2>Accuracy</h2>${table(metricCols)}
<h2>Beyond accuracy vs K</h2><div class="charts">${beyondCharts}</div>
${table(beyondCols)}
<h2>Runs</h2>${runs}
</body></html>
`;
}

/** Plain-text table of selected metrics for terminals (bench output, CLI summary). */
export function formatTextTable(results: ModelResult[], columns: string[]): string {
  const header = ['model', ...columns, 'train s', 'export s'];
  const rows = results.map((r) => [
    r.model,
    ...columns.map((c) => fmt(r.metrics[c])),
    r.trainSeconds.toFixed(1),
    r.exportSeconds === undefined ? '' : r.exportSeconds.toFixed(1),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}
