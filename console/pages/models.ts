// Models: every recorded version (kind, times, data cutoff, chosen parameters, metrics, the plots of its evaluation
// report where one was kept), the live one marked; activate / rollback through the API (API key).
import { html } from 'htm/preact';
import { useState } from 'preact/hooks';
import type { ModelVersionsQuery } from '../../src/sdk/index.js';
import { api, describeError } from '../api.js';
import { LineChart } from '../chart.js';
import { formatTime, Show, useLoad } from '../ui.js';

type Version = ModelVersionsQuery['modelVersions'][number];

/** The parts of an evaluation report (`recgraph evaluate --json`) the plots use. */
interface EvaluationReport {
  ks?: number[];
  protocol?: string;
  results?: Array<{ model: string; metrics: Record<string, number> }>;
}

const ACTIVATABLE = new Set(['EXPORTED', 'RETIRED', 'ACTIVE']);

function parseJson(text: string | null): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** A JSON object as nested key → value rows (numbers rounded for reading). */
function KeyValues({ value }: { value: unknown }) {
  if (value === null || typeof value !== 'object') {
    const shown = typeof value === 'number' && !Number.isInteger(value) ? value.toPrecision(4) : JSON.stringify(value);
    return html`<code>${shown}</code>`;
  }
  const entries = Array.isArray(value) ? value.map((v, i) => [String(i), v] as const) : Object.entries(value);
  if (entries.length === 0) return html`<span class="muted">none</span>`;
  return html`<dl class="kv">
    ${entries.map(
      ([key, v]) =>
        html`<dt>${key}</dt>
          <dd><${KeyValues} value=${v} /></dd>`,
    )}
  </dl>`;
}

/** Metric-vs-K curves, one chart per metric, one line per model (like the HTML report of `recgraph evaluate`). */
function EvaluationPlots({ report }: { report: EvaluationReport }) {
  const ks = report.ks ?? [];
  const results = report.results ?? [];
  const metrics = [
    ...new Set(
      results.flatMap((r) =>
        Object.keys(r.metrics)
          .filter((key) => /@\d+$/.test(key))
          .map((key) => key.split('@')[0]),
      ),
    ),
  ];
  if (!ks.length || !results.length || !metrics.length)
    return html`<p class="muted">The evaluation report has no metric@K figures.</p>`;
  return html`<div data-test="evaluation-plots">
    ${report.protocol ? html`<p class="muted small">${report.protocol}</p>` : null}
    <div class="charts">
      ${metrics.map(
        (metric) =>
          html`<${LineChart}
            title=${`${metric}@K`}
            xLabels=${ks.map(String)}
            series=${results.map((r) => ({ name: r.model, values: ks.map((k) => r.metrics[`${metric}@${k}`] ?? null) }))}
          />`,
      )}
    </div>
  </div>`;
}

function VersionDetails({ version }: { version: Version }) {
  const report = parseJson(version.evaluationReport) as EvaluationReport | undefined;
  return html`<div class="version-details" data-test="version-details">
    <div class="columns">
      <div class="column">
        <h3>Parameters</h3>
        <${KeyValues} value=${parseJson(version.params)} />
      </div>
      <div class="column">
        <h3>Metrics</h3>
        <${KeyValues} value=${parseJson(version.metrics)} />
      </div>
    </div>
    <h3>Evaluation report</h3>
    ${
      report
        ? html`<${EvaluationPlots} report=${report} />`
        : html`<p class="muted small" data-test="no-evaluation">
            None kept for this version. Write one with <code>recgraph evaluate … --json</code> to
            <code>${`<data dir>/models/${version.version}/evaluation.json`}</code>.
          </p>`
    }
  </div>`;
}

export function ModelsPage() {
  const [versions, reload] = useLoad(() => api().modelVersions(), []);
  const [open, setOpen] = useState<string | undefined>();
  const [notice, setNotice] = useState<{ kind: 'ok' | 'error'; text: string } | undefined>();
  const [busy, setBusy] = useState(false);

  async function act(label: string, run: () => Promise<{ from: string | null; to: string }>) {
    setBusy(true);
    try {
      const { from, to } = await run();
      setNotice({ kind: 'ok', text: `${label}: live version ${from ?? '(none)'} → ${to}.` });
      reload();
    } catch (error) {
      setNotice({ kind: 'error', text: describeError(error) });
    } finally {
      setBusy(false);
    }
  }

  return html`<section data-test="page-models">
    <h1>Models</h1>
    <div class="toolbar">
      <button
        type="button"
        data-test="rollback"
        disabled=${busy}
        onClick=${() => act('Rolled back', () => api().rollbackModelVersion())}
      >
        Roll back to the previous version
      </button>
    </div>
    ${notice ? html`<p class=${notice.kind === 'ok' ? 'notice' : 'error'} data-test="notice">${notice.text}</p>` : null}
    <${Show} loaded=${versions}>
      ${(rows: Version[]) =>
        rows.length === 0
          ? html`<p class="muted">No model has been trained yet.</p>`
          : html`<table class="versions">
                <thead>
                  <tr>
                    <th></th>
                    <th>version</th>
                    <th>kind</th>
                    <th>status</th>
                    <th>trained</th>
                    <th>activated</th>
                    <th>data cutoff</th>
                    <th>dim</th>
                    <th></th>
                  </tr>
                </thead>
                <tbody>
                  ${rows.map(
                    (v) =>
                      html`<tr
                          class=${v.live ? 'live' : ''}
                          data-test="version-row"
                          data-version=${v.version}
                          data-live=${String(v.live)}
                        >
                          <td>${v.live ? html`<span class="badge live" data-test="live-marker">live</span>` : null}</td>
                          <td>
                            <button
                              type="button"
                              class="link"
                              onClick=${() => setOpen(open === v.version ? undefined : v.version)}
                            >
                              ${v.version}
                            </button>
                          </td>
                          <td>${v.kind}</td>
                          <td>${v.status.toLowerCase()}</td>
                          <td>${formatTime(v.trainedAt)}</td>
                          <td>${formatTime(v.activatedAt)}</td>
                          <td>${formatTime(v.dataCutoff)}</td>
                          <td>${v.dimension}</td>
                          <td>
                            ${
                              !v.live && ACTIVATABLE.has(v.status)
                                ? html`<button
                                    type="button"
                                    class="small"
                                    data-test="activate"
                                    disabled=${busy}
                                    onClick=${() => act(`Activated ${v.version}`, () => api().activateModelVersion(v.version))}
                                  >
                                    activate
                                  </button>`
                                : null
                            }
                          </td>
                        </tr>
                        ${
                          open === v.version
                            ? html`<tr>
                                <td colspan="9"><${VersionDetails} version=${v} /></td>
                              </tr>`
                            : null
                        }`,
                  )}
                </tbody>
              </table>
              <p class="muted small">Click a version to see its parameters, metrics and evaluation plots.</p>`}
    <//>
  </section>`;
}
