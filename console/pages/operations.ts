// Operations: what a product team runs on top of the model — business rules (list, delete), A/B experiments (list,
// per-variant report, start / stop / end) and training jobs (list, "Train now"). Reads are open; every action is the
// API's own mutation and needs the API key from the top bar, like the other pages' actions.
import { html } from 'htm/preact';
import { useEffect, useState } from 'preact/hooks';
import type {
  BusinessRulesQuery,
  ExperimentReportQuery,
  ExperimentsQuery,
  ProportionFieldsFragment,
  TrainingJobsQuery,
} from '../../src/sdk/index.js';
import { api, describeError } from '../api.js';
import { formatTime, Show, useLoad } from '../ui.js';

type Rule = BusinessRulesQuery['businessRules'][number];
type Experiment = ExperimentsQuery['experiments'][number];
type Report = NonNullable<ExperimentReportQuery['experimentReport']>;
type Job = TrainingJobsQuery['trainingJobs'][number];
type Notice = { kind: 'ok' | 'error'; text: string } | undefined;

/** K of the report's CTR@K (the README's example uses 10). */
const REPORT_K = 10;

function NoticeLine({ notice }: { notice: Notice }) {
  if (!notice) return null;
  return html`<p class=${notice.kind === 'ok' ? 'notice' : 'error'} data-test="notice">${notice.text}</p>`;
}

/** Runs one action, turning its answer or its error into the section's notice; `done` reloads what it changed. */
function useAction(done: () => void): [Notice, boolean, (run: () => Promise<string>) => Promise<void>] {
  const [notice, setNotice] = useState<Notice>();
  const [busy, setBusy] = useState(false);
  async function act(run: () => Promise<string>) {
    setBusy(true);
    try {
      setNotice({ kind: 'ok', text: await run() });
      done();
    } catch (error) {
      setNotice({ kind: 'error', text: describeError(error) });
    } finally {
      setBusy(false);
    }
  }
  return [notice, busy, act];
}

/** What a rule matches, in one line ("genres fantasy · 2000–2010 · ids a, b"); "everything" when nothing is set. */
function describeMatch(match: Rule['match']): string {
  if (!match) return '–';
  const parts = [
    match.itemIds.length ? `ids ${match.itemIds.join(', ')}` : '',
    match.genres.length ? `genres ${match.genres.join(', ')}` : '',
    match.tags.length ? `tags ${match.tags.join(', ')}` : '',
    match.creators.length ? `creators ${match.creators.join(', ')}` : '',
    match.yearFrom != null || match.yearTo != null ? `years ${match.yearFrom ?? '…'}–${match.yearTo ?? '…'}` : '',
  ].filter(Boolean);
  return parts.length ? parts.join(' · ') : 'everything';
}

/** The rule's own setting: its factor, its pins or its cap. */
function describeEffect(rule: Rule): string {
  if (rule.factor != null) return `× ${rule.factor}`;
  if (rule.pins?.length) return rule.pins.map((pin) => `${pin.itemId} @ ${pin.position}`).join(', ');
  if (rule.cap) return `≤ ${rule.cap.max} per ${rule.cap.by.toLowerCase()}`;
  return '–';
}

function RulesSection() {
  const [rules, reload] = useLoad(() => api().businessRules(), []);
  const [notice, busy, act] = useAction(reload);
  return html`<section data-test="rules-section">
    <h2>Business rules</h2>
    <${NoticeLine} notice=${notice} />
    <${Show} loaded=${rules}>
      ${(rows: Rule[]) =>
        rows.length === 0
          ? html`<p class="muted" data-test="rules-empty">No business rules.</p>`
          : html`<table class="versions">
              <thead>
                <tr>
                  <th>id</th>
                  <th>kind</th>
                  <th>rule set</th>
                  <th>match</th>
                  <th>factor / pins / cap</th>
                  <th>starts</th>
                  <th>ends</th>
                  <th>active</th>
                  <th></th>
                </tr>
              </thead>
              <tbody>
                ${rows.map(
                  (rule) =>
                    html`<tr data-test="rule-row" data-rule-id=${rule.id}>
                      <td><code>${rule.id}</code></td>
                      <td>${rule.kind}</td>
                      <td>${rule.ruleSet}</td>
                      <td class="small">${describeMatch(rule.match)}</td>
                      <td class="small">${describeEffect(rule)}</td>
                      <td>${formatTime(rule.startsAt)}</td>
                      <td>${formatTime(rule.endsAt)}</td>
                      <td>${rule.active ? html`<span class="badge live">active</span>` : 'no'}</td>
                      <td>
                        <button
                          type="button"
                          class="small"
                          data-test="delete-rule"
                          disabled=${busy}
                          onClick=${() =>
                            act(async () => {
                              const answer = await api().deleteBusinessRules([rule.id]);
                              return answer.deleted ? `Deleted rule ${rule.id}.` : `Rule ${rule.id} was already gone.`;
                            })}
                        >
                          delete
                        </button>
                      </td>
                    </tr>`,
                )}
              </tbody>
            </table>`}
    <//>
  </section>`;
}

const percent = (rate: number) => `${(rate * 100).toFixed(1)} %`;

/** "12.3 % [8.1, 17.9] (12/97)": a rate, its interval and the counts it comes from. */
function ProportionCell({ p }: { p: ProportionFieldsFragment }) {
  return html`<span title=${`${p.successes} of ${p.trials}`}
    >${percent(p.rate)} <span class="muted small">[${(p.low * 100).toFixed(1)}, ${(p.high * 100).toFixed(1)}]</span>
    <span class="muted small">(${p.successes}/${p.trials})</span></span
  >`;
}

function ReportTable({ name }: { name: string }) {
  const [report] = useLoad(() => api().experimentReport({ name, k: REPORT_K }), [name]);
  return html`<div data-test="experiment-report" data-experiment=${name}>
    <${Show} loaded=${report}>
      ${(value: Report | null) => {
        if (!value) return html`<p class="muted">No report for ${name}.</p>`;
        const kinds = [...new Set(value.variants.flatMap((v) => v.conversions.map((c) => c.kind)))];
        return html`<h3 class="as-written">Report: ${value.name}</h3>
          <p class="muted small">
            CTR@${value.k} on <code>${value.clickKind}</code> events; intervals: ${value.interval}
          </p>
          <table class="versions">
            <thead>
              <tr>
                <th>variant</th>
                <th>impressions</th>
                <th>users</th>
                <th>CTR@${value.k}</th>
                ${kinds.map((kind) => html`<th>conversion: ${kind}</th>`)}
                <th>coverage</th>
              </tr>
            </thead>
            <tbody>
              ${value.variants.map(
                (v) =>
                  html`<tr data-test="report-row" data-variant=${v.variant}>
                    <td>${v.variant}</td>
                    <td data-test="impressions">${v.impressions}</td>
                    <td>${v.users}</td>
                    <td data-test="ctr"><${ProportionCell} p=${v.ctrAtK} /></td>
                    ${kinds.map((kind) => {
                      const conversion = v.conversions.find((c) => c.kind === kind);
                      return html`<td>${conversion ? html`<${ProportionCell} p=${conversion.rate} />` : '–'}</td>`;
                    })}
                    <td>${percent(v.catalogueCoverage)}</td>
                  </tr>`,
              )}
            </tbody>
          </table>`;
      }}
    <//>
  </div>`;
}

/** Which lifecycle buttons an experiment in this status offers (DRAFT → RUNNING ⇄ STOPPED → ENDED). */
const TRANSITIONS: Record<Experiment['status'], Array<'start' | 'stop' | 'end'>> = {
  DRAFT: ['start', 'end'],
  RUNNING: ['stop', 'end'],
  STOPPED: ['start', 'end'],
  ENDED: [],
};

function ExperimentsSection() {
  const [experiments, reload] = useLoad(() => api().experiments(), []);
  const [open, setOpen] = useState<string | undefined>();
  const [reportTick, setReportTick] = useState(0);
  const [notice, busy, act] = useAction(() => (reload(), setReportTick((t) => t + 1)));
  const transition = (name: string, step: 'start' | 'stop' | 'end') =>
    act(async () => {
      const client = api();
      const after =
        step === 'start'
          ? await client.startExperiment(name)
          : step === 'stop'
            ? await client.stopExperiment(name)
            : await client.endExperiment(name);
      return `${name}: ${after.status.toLowerCase()}.`;
    });
  return html`<section data-test="experiments-section">
    <h2>Experiments</h2>
    <${NoticeLine} notice=${notice} />
    <${Show} loaded=${experiments}>
      ${(rows: Experiment[]) => {
        if (rows.length === 0) return html`<p class="muted" data-test="experiments-empty">No experiments.</p>`;
        // The running experiment's report is open (else the newest one's) unless another was chosen.
        const shown = open ?? (rows.find((e) => e.status === 'RUNNING') ?? rows[0]).name;
        return html`<table class="versions">
            <thead>
              <tr>
                <th>name</th>
                <th>status</th>
                <th>variants (share · model · rule set · diversity · candidates)</th>
                <th>started</th>
                <th>stopped</th>
                <th>ended</th>
                <th></th>
              </tr>
            </thead>
            <tbody>
              ${rows.map(
                (e) =>
                  html`<tr data-test="experiment-row" data-experiment=${e.name} data-status=${e.status}>
                    <td>
                      <button type="button" class="link" data-test="open-report" onClick=${() => setOpen(e.name)}>
                        ${e.name}
                      </button>
                    </td>
                    <td><span class="badge" data-test="experiment-status">${e.status}</span></td>
                    <td class="small">
                      ${e.variants.map(
                        (v) =>
                          html`<div data-test="variant">
                            <b>${v.name}</b>${' '}
                            ${[
                              percent(v.share),
                              v.modelVersion ?? 'live model',
                              v.ruleSet ?? 'default',
                              v.diversity ?? '–',
                              v.candidateCount ?? '–',
                            ].join(' · ')}
                          </div>`,
                      )}
                    </td>
                    <td>${formatTime(e.startedAt)}</td>
                    <td>${formatTime(e.stoppedAt)}</td>
                    <td>${formatTime(e.endedAt)}</td>
                    <td class="buttons">
                      ${TRANSITIONS[e.status].map(
                        (step) =>
                          html`<button
                            type="button"
                            class="small"
                            data-test=${`${step}-experiment`}
                            disabled=${busy}
                            onClick=${() => transition(e.name, step)}
                          >
                            ${step}
                          </button>`,
                      )}
                    </td>
                  </tr>`,
              )}
            </tbody>
          </table>
          ${shown ? html`<${ReportTable} key=${`${shown}:${reportTick}`} name=${shown} />` : null}`;
      }}
    <//>
  </section>`;
}

const UNFINISHED = new Set<Job['state']>(['QUEUED', 'RUNNING']);

function TrainingSection() {
  const [jobs, reload] = useLoad(() => api().trainingJobs(20), []);
  const [notice, busy, act] = useAction(reload);
  // While a job is queued or running, the list is asked for again every 2 s to follow its progress.
  const unfinished = jobs.state === 'ok' && jobs.value.some((job) => UNFINISHED.has(job.state));
  useEffect(() => {
    if (!unfinished) return;
    const timer = setInterval(reload, 2000);
    return () => clearInterval(timer);
  }, [unfinished]);
  return html`<section data-test="training-section">
    <h2>Training jobs</h2>
    <div class="toolbar">
      <button
        type="button"
        data-test="train-now"
        disabled=${busy}
        onClick=${() =>
          act(async () => {
            const { job, started } = await api().trainModel();
            return started ? `Queued training job ${job.id}.` : `Job ${job.id} is already ${job.state.toLowerCase()}.`;
          })}
      >
        Train now
      </button>
    </div>
    <${NoticeLine} notice=${notice} />
    <${Show} loaded=${jobs}>
      ${(rows: Job[]) =>
        rows.length === 0
          ? html`<p class="muted" data-test="jobs-empty">No training jobs yet.</p>`
          : html`<table class="versions">
              <thead>
                <tr>
                  <th>id</th>
                  <th>state</th>
                  <th>trigger</th>
                  <th>progress</th>
                  <th>stage</th>
                  <th>created</th>
                  <th>started</th>
                  <th>finished</th>
                  <th>seconds</th>
                  <th>version</th>
                  <th>promoted</th>
                  <th>gate</th>
                </tr>
              </thead>
              <tbody>
                ${rows.map(
                  (job) =>
                    html`<tr data-test="job-row" data-job-id=${job.id} data-state=${job.state}>
                      <td><code>${job.id}</code></td>
                      <td><span class="badge">${job.state}</span></td>
                      <td>${job.trigger}</td>
                      <td>${Math.round(job.progress * 100)} %</td>
                      <td>${job.stage ?? '–'}</td>
                      <td>${formatTime(job.createdAt)}</td>
                      <td>${formatTime(job.startedAt)}</td>
                      <td>${formatTime(job.finishedAt)}</td>
                      <td>${job.seconds != null ? job.seconds.toFixed(1) : '–'}</td>
                      <td>${job.version ? html`<code>${job.version}</code>` : '–'}</td>
                      <td>${job.promoted == null ? '–' : job.promoted ? 'yes' : 'no'}</td>
                      <td class="small">
                        ${job.error ? html`<span class="error">${job.error}</span>` : (job.gateReason ?? '–')}
                      </td>
                    </tr>`,
                )}
              </tbody>
            </table>`}
    <//>
  </section>`;
}

export function OperationsPage() {
  return html`<section data-test="page-operations">
    <h1>Operations</h1>
    <${RulesSection} />
    <${ExperimentsSection} />
    <${TrainingSection} />
  </section>`;
}
