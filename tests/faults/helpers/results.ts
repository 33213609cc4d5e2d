// bench/results/faults.json: each fault test file writes its own section (the files run one after another), with
// the machine's load average, so the committed file is the record of one real `npm run test:faults`.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';

export const RESULTS_FILE =
  process.env.RECGRAPH_FAULTS_RESULTS ?? fileURLToPath(new URL('../../../bench/results/faults.json', import.meta.url));

export function recordResults(section: string, results: Record<string, unknown>): void {
  const text = existsSync(RESULTS_FILE) ? readFileSync(RESULTS_FILE, 'utf8') : '';
  const current = text.trim() ? (JSON.parse(text) as Record<string, unknown>) : {};
  const sections = (current.sections ?? {}) as Record<string, unknown>;
  sections[section] = {
    ...results,
    finishedAt: new Date().toISOString(),
    loadAverage: os.loadavg().map((v) => Math.round(v * 100) / 100),
  };
  const out = {
    command: 'npm run test:faults',
    machine: { cpus: os.cpus().length, node: process.version },
    sections,
  };
  writeFileSync(RESULTS_FILE, `${JSON.stringify(out, null, 2)}\n`);
}

/** Percentiles of a list of milliseconds, rounded. */
export function percentiles(values: number[]): { p50: number; p99: number; max: number; count: number } {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) =>
    sorted.length ? Math.round(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]) : 0;
  return {
    p50: at(0.5),
    p99: at(0.99),
    max: sorted.length ? Math.round(sorted[sorted.length - 1]) : 0,
    count: sorted.length,
  };
}
