// Health: Postgres and Qdrant status (GET /health/ready), request rate and latency percentiles per operation, errors
// by code and degraded answers (GET /metrics), polled every 2 s, with a live chart of the last two minutes.
import { html } from 'htm/preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { LineChart } from '../chart.js';
import {
  counterBy,
  histogramDelta,
  histogramQuantile,
  histogramsBy,
  parsePrometheus,
  type Histogram,
} from '../prometheus.js';

const POLL_MS = 2_000;
const HISTORY = 60;
const DURATION = 'recgraph_graphql_request_duration_seconds';

interface Snapshot {
  at: number;
  ready: { status: number; body: { status?: string; checks?: Record<string, string> } } | { error: string };
  operations: Map<string, Histogram>;
  errors: Map<string, number>;
  degraded: Map<string, number>;
}

interface Point {
  at: number;
  rate: number;
  p95ms: number | null;
}

async function scrape(): Promise<Snapshot> {
  const at = Date.now();
  const [ready, metricsText] = await Promise.all([
    fetch('/health/ready', { cache: 'no-store' })
      .then(async (r) => ({ status: r.status, body: await r.json() }))
      .catch((error: Error) => ({ error: error.message })),
    fetch('/metrics', { cache: 'no-store' }).then((r) =>
      r.ok ? r.text() : Promise.reject(new Error(`HTTP ${r.status}`)),
    ),
  ]);
  const samples = parsePrometheus(metricsText);
  return {
    at,
    ready,
    operations: histogramsBy(samples, DURATION, 'operation'),
    errors: counterBy(samples, 'recgraph_graphql_errors', 'code'),
    degraded: counterBy(samples, 'recgraph_degraded_answers', 'reason'),
  };
}

/** All operations' histograms added together (bounds are the same for every operation). */
function total(histograms: Iterable<Histogram>): Histogram {
  const out: Histogram = { buckets: [], count: 0, sum: 0 };
  for (const h of histograms) {
    out.count += h.count;
    out.sum += h.sum;
    for (const b of h.buckets) {
      const same = out.buckets.find((o) => o.le === b.le);
      if (same) same.count += b.count;
      else out.buckets.push({ ...b });
    }
  }
  out.buckets.sort((a, b) => a.le - b.le);
  return out;
}

const ms = (seconds: number | undefined) => (seconds === undefined ? '–' : `${(seconds * 1000).toFixed(1)}`);

export function HealthPage() {
  const [latest, setLatest] = useState<Snapshot | undefined>();
  const [previous, setPrevious] = useState<Snapshot | undefined>();
  const [points, setPoints] = useState<Point[]>([]);
  const [failure, setFailure] = useState<string | undefined>();
  const last = useRef<Snapshot | undefined>(undefined);

  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const poll = async () => {
      try {
        const snapshot = await scrape();
        if (stopped) return;
        const before = last.current;
        last.current = snapshot;
        setPrevious(before);
        setLatest(snapshot);
        setFailure(undefined);
        if (before) {
          const delta = histogramDelta(total(snapshot.operations.values()), total(before.operations.values()));
          const seconds = (snapshot.at - before.at) / 1000;
          const p95 = histogramQuantile(0.95, delta);
          setPoints((old) =>
            [
              ...old,
              { at: snapshot.at, rate: delta.count / seconds, p95ms: p95 === undefined ? null : p95 * 1000 },
            ].slice(-HISTORY),
          );
        }
      } catch (error) {
        if (!stopped) setFailure((error as Error).message);
      }
      if (!stopped) timer = setTimeout(poll, POLL_MS);
    };
    void poll();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, []);

  const seconds = latest && previous ? (latest.at - previous.at) / 1000 : undefined;
  const ready = latest?.ready;
  return html`<section data-test="page-health">
    <h1>Health</h1>
    ${failure ? html`<p class="error">Could not read /metrics: ${failure}</p>` : null}
    ${
      !latest
        ? html`<p class="muted" data-test="loading">Loading…</p>`
        : html`
            <h2>Dependencies</h2>
            ${
              'error' in ready!
                ? html`<p class="error">/health/ready did not answer: ${ready.error}</p>`
                : html`<table class="checks" data-test="dependencies">
                      <tbody>
                        ${Object.entries(ready!.body.checks ?? {}).map(
                          ([name, status]) =>
                            html`<tr data-test="dependency" data-name=${name}>
                              <th>${name}</th>
                              <td>
                                <span class=${status === 'ok' ? 'badge ok' : 'badge down'}
                                  >${status === 'ok' ? 'up' : 'down'}</span
                                >
                              </td>
                              <td class="muted small">${status === 'ok' ? '' : status}</td>
                            </tr>`,
                        )}
                      </tbody>
                    </table>
                    <p class="muted small">
                      /health/ready answered HTTP ${ready!.status} (${ready!.body.status ?? '?'}).
                    </p>`
            }
            <h2>Live</h2>
            <div class="charts" data-test="live-chart">
              <${LineChart}
                title="requests per second"
                minTop=${1}
                series=${[{ name: 'all operations', values: points.map((p) => p.rate) }]}
              />
              <${LineChart}
                title="p95 latency"
                unit="ms"
                minTop=${10}
                series=${[{ name: 'all operations', values: points.map((p) => p.p95ms) }]}
              />
            </div>
            <p class="muted small">
              Every ${POLL_MS / 1000} s, the last ${(HISTORY * POLL_MS) / 60_000} minutes; this page's own polling is
              not a GraphQL request.
            </p>
            <h2>Operations</h2>
            <table class="operations" data-test="operations">
              <thead>
                <tr>
                  <th>operation</th>
                  <th>requests</th>
                  <th>per second (last poll)</th>
                  <th>p50 ms</th>
                  <th>p95 ms</th>
                  <th>p99 ms</th>
                  <th>mean ms</th>
                </tr>
              </thead>
              <tbody>
                ${[...latest.operations.entries()]
                  .sort((a, b) => b[1].count - a[1].count)
                  .map(([operation, h]) => {
                    const delta = histogramDelta(h, previous?.operations.get(operation));
                    return html`<tr data-test="operation-row" data-operation=${operation}>
                      <td><code>${operation}</code></td>
                      <td>${h.count}</td>
                      <td>${seconds ? (delta.count / seconds).toFixed(2) : '–'}</td>
                      <td>${ms(histogramQuantile(0.5, h))}</td>
                      <td>${ms(histogramQuantile(0.95, h))}</td>
                      <td>${ms(histogramQuantile(0.99, h))}</td>
                      <td>${h.count ? ms(h.sum / h.count) : '–'}</td>
                    </tr>`;
                  })}
              </tbody>
            </table>
            <p class="muted small">
              Percentiles over the life of the process, interpolated in the histogram's buckets.
            </p>
            <div class="columns">
              <div class="column">
                <h2>Degraded answers</h2>
                ${
                  latest.degraded.size
                    ? html`<table data-test="degraded">
                        <tbody>
                          ${[...latest.degraded].map(
                            ([reason, n]) =>
                              html`<tr>
                                <th>${reason}</th>
                                <td>${n}</td>
                              </tr>`,
                          )}
                        </tbody>
                      </table>`
                    : html`<p class="muted" data-test="degraded-none">None since the server started.</p>`
                }
              </div>
              <div class="column">
                <h2>Errors by code</h2>
                ${
                  latest.errors.size
                    ? html`<table data-test="errors">
                        <tbody>
                          ${[...latest.errors].map(
                            ([code, n]) =>
                              html`<tr>
                                <th>${code}</th>
                                <td>${n}</td>
                              </tr>`,
                          )}
                        </tbody>
                      </table>`
                    : html`<p class="muted">None since the server started.</p>`
                }
              </div>
            </div>
          `
    }
  </section>`;
}
