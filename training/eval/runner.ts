/**
 * The evaluation run behind `recgraph evaluate` and `npm run bench:quality`: load split files, make sure the
 * baselines are in the run (popularity + EASE, or iALS when the catalogue is too large for EASE), fit and
 * evaluate every model on the same data in the same process, and assemble the report.
 */
import os from 'node:os';
import { mergeMatrices, nnz, type InteractionMatrix } from '../data/interactions.js';
import { loadSplitFiles } from '../data/split-file.js';
import type { Recommender } from '../models/contract.js';
import { EASE_DEFAULTS } from '../models/ease.js';
import { Rng } from '../../src/random.js';
import { createModel } from '../models/registry.js';
import { noopProgress, type ProgressSink } from '../progress.js';
import { diversityEmbedding, evaluateModel, testUsers } from './evaluate.js';
import { DEFAULT_KS } from './metrics.js';
import type { EvaluationReport, ModelResult } from './report.js';
import { evaluateServed, servedExport } from './served.js';
import { parseWorksFile, perWorkResults } from './works.js';
import { workColumns, type WorkColumns } from '../train-job/works.js';
import { readFile } from 'node:fs/promises';

export interface RunEvaluationOptions {
  train: string;
  test: string;
  /** When given, valid interactions are added to the training data (the final fit of README § Evaluation protocol). */
  valid?: string;
  /** Model specs ("ials:factors=64"); baselines are added when missing. */
  models: string[];
  ks?: number[];
  progress?: ProgressSink;
  /** Called after each model with its result (for live CLI output). */
  onResult?: (result: ModelResult) => void;
  /** Skip adding the popularity / EASE-or-iALS baselines (tests only: reports must show them). */
  noBaselines?: boolean;
  /** Also measure the served default pipeline through a real Qdrant (default true; see served.ts). */
  served?: boolean;
  /** Qdrant for the served row; default: the bundled server, started for the run. */
  qdrantUrl?: string;
  /** "item work" lines mapping the split's items to works: also report every model per work (training/eval/works.ts). */
  works?: string;
}

/** Adds popularity and a strong simple baseline (EASE when it fits, else iALS) unless already requested. */
export function withBaselines(models: string[], numItems: number): string[] {
  const names = new Set(models.map((m) => m.split(':')[0]));
  const out = [...models];
  if (!names.has('popularity')) out.unshift('popularity');
  if (!names.has('ease') && !names.has('ials')) out.splice(1, 0, numItems <= EASE_DEFAULTS.maxItems ? 'ease' : 'ials');
  return out;
}

export async function fitAndEvaluate(
  model: Recommender,
  train: InteractionMatrix,
  test: InteractionMatrix,
  opts: {
    ks: readonly number[];
    progress: ProgressSink;
    diversity: ReturnType<typeof diversityEmbedding> | null;
    pipeline?: string;
    users?: Int32Array;
  },
): Promise<ModelResult> {
  const t0 = performance.now();
  await model.fit(train, opts.progress);
  const trainSeconds = (performance.now() - t0) / 1000;
  const r = await evaluateModel(model, train, test, {
    ks: opts.ks,
    progress: opts.progress,
    diversity: opts.diversity,
    users: opts.users,
  });
  return {
    model: model.name,
    params: { ...model.params },
    metrics: r.metrics,
    trainSeconds,
    evalSeconds: r.seconds,
    users: r.users,
    pipeline: opts.pipeline ?? describePipeline(model),
    ...(tuningOf(model) ? { tuning: tuningOf(model) } : {}),
    ...(trainingOf(model) ? { training: trainingOf(model) } : {}),
  };
}

export interface MatrixRunOptions {
  train: InteractionMatrix;
  test: InteractionMatrix;
  models: string[];
  ks?: number[];
  progress?: ProgressSink;
  onResult?: (result: ModelResult) => void;
  noBaselines?: boolean;
  /** Evaluate a seeded random sample of this many test users (bounded benchmark runs); default all. */
  sampleUsers?: number;
  seed?: number;
  /** Shown in the report. */
  dataset: { train: string; test: string; valid?: string };
  fitDescription?: string;
  /** Also measure the served default pipeline through a real Qdrant (default true; see served.ts). */
  served?: boolean;
  /** Serve only these models (registry names as reported, e.g. ["default"]); default: every servable model. */
  servedModels?: string[];
  qdrantUrl?: string;
  /** Items grouped into works: every model is also scored per work and fitted on works (training/eval/works.ts). */
  works?: WorkColumns;
}

/** A self-tuning model's validation search, summarised (choice, validation score, cost, every trial). */
function tuningOf(model: Recommender): Record<string, unknown> | undefined {
  const selection = (model as { selection?: Record<string, unknown> }).selection;
  if (selection) return { selection };
  const t = (
    model as {
      tuning?: {
        best: unknown;
        trials: { weights: unknown; recall: number; ndcg: number }[];
        users: number;
        seconds: number;
        budgetSeconds?: number;
        stoppedEarly?: boolean;
        skipped?: string;
      };
    }
  ).tuning;
  if (!t) return undefined;
  return {
    chosen: t.best,
    validationUsers: t.users,
    seconds: t.seconds,
    budgetSeconds: t.budgetSeconds,
    stoppedEarly: t.stoppedEarly ?? false,
    ...(t.skipped ? { skipped: t.skipped } : {}),
    trials: t.trials,
  };
}

function trainingOf(model: Recommender): Record<string, unknown> | undefined {
  const report = (model as { trainingReport?: object }).trainingReport;
  return report ? { ...report } : undefined;
}

function describePipeline(model: Recommender): string {
  const p = model.params;
  if (model.name === 'default') {
    const chosen = (model as { selection?: { chosen: string; by: string } }).selection;
    return `what recgraph train publishes: ${chosen?.chosen ?? '?'} (chosen by ${chosen?.by ?? '?'}), offline`;
  }
  if (model.name === 'blend')
    return 'iALS ⊕ GF-CF low-pass blended vectors, exact dot product over the catalogue (offline)';
  if (model.name === 'twostage')
    return `exact top-${p.candidates} by ${p.retriever} vectors → blended rerank (offline only)`;
  if (model.name === 'twostage/retrieval') return `${p.retriever} vectors, dot product only`;
  if (model.name === 'twostage/rerank') return 'blended reranker over the full catalogue (offline only)';
  if (model.name === 'graphfilter') return 'spectral terms + pruned item-item term over the full catalogue (offline)';
  if (model.name === 'graphfilter/exact')
    return 'spectral terms + exact item-item term (sparse products), offline only';
  return 'full catalogue';
}

/** The same run on matrices already in memory (generated datasets, tests). */
export async function runEvaluationOnMatrices(options: MatrixRunOptions): Promise<EvaluationReport> {
  const progress = options.progress ?? noopProgress;
  const ks = options.ks ?? [...DEFAULT_KS];
  const { train, test } = options;
  const specs = options.noBaselines ? options.models : withBaselines(options.models, train.numItems);
  const diversity = diversityEmbedding(train);
  let users = testUsers(test);
  if (options.sampleUsers !== undefined && options.sampleUsers < users.length) {
    const shuffled = new Rng(options.seed ?? 1).shuffle(Int32Array.from(users));
    users = shuffled.subarray(0, options.sampleUsers).sort();
  }
  const results: ModelResult[] = [];
  for (const spec of specs) {
    const model = createModel(spec);
    const result = await fitAndEvaluate(model, train, test, { ks, progress, diversity, users });
    results.push(result);
    options.onResult?.(result);
    if (options.works) {
      for (const row of await perWorkResults(spec, model, train, test, options.works, {
        ks,
        progress,
        fresh: createModel,
      })) {
        results.push(row);
        options.onResult?.(row);
      }
    }
    const serve = options.served !== false && (!options.servedModels || options.servedModels.includes(model.name));
    const exported = serve ? servedExport(model) : undefined;
    if (exported) {
      // The same fitted model, exported and ranked through the serving code: the number users get.
      const served = await evaluateServed(exported, train, test, {
        ks,
        progress,
        diversity,
        users,
        qdrantUrl: options.qdrantUrl,
      });
      const servedResult: ModelResult = {
        model: `${model.name} (served)`,
        params: { ...model.params },
        metrics: served.metrics,
        trainSeconds: result.trainSeconds,
        exportSeconds: served.exportSeconds,
        indexSeconds: served.indexSeconds,
        evalSeconds: served.seconds,
        users: served.users,
        ...(served.stages ? { stages: served.stages } : {}),
        pipeline: exported.rerank
          ? `Qdrant top-${exported.rerank.candidates} (bundled server) → item-item rerank (src/recommend/graph-rerank.ts), training items excluded in the search filter`
          : 'exported to Qdrant (bundled server); lists from src/recommend/personalized.ts, training items excluded in the search filter',
      };
      results.push(servedResult);
      options.onResult?.(servedResult);
    }
  }
  return {
    createdAt: new Date().toISOString(),
    dataset: {
      ...options.dataset,
      numUsers: train.numUsers,
      numItems: train.numItems,
      trainInteractions: nnz(train),
      testInteractions: nnz(test),
    },
    protocol:
      `Full catalogue ranked for each of ${users.length} test users${users.length < testUsers(test).length ? ' (seeded sample)' : ''}, ` +
      `training items excluded; binary relevance; recall = hits/|test items|, ndcg ideal over min(|test|, K); ` +
      `fit on ${options.fitDescription ?? 'train only'}. All models measured in this run.`,
    ks,
    results,
    environment: { node: process.version, cpus: os.cpus().length, platform: `${os.platform()}-${os.arch()}` },
  };
}

export async function runEvaluation(options: RunEvaluationOptions): Promise<EvaluationReport> {
  const split = await loadSplitFiles({ train: options.train, valid: options.valid, test: options.test });
  const train = split.valid ? mergeMatrices(split.train, split.valid) : split.train;
  const works = options.works
    ? workColumns(parseWorksFile(await readFile(options.works, 'utf8'), train.numItems), 'on')
    : undefined;
  return runEvaluationOnMatrices({
    ...options,
    works,
    train,
    test: split.test!,
    dataset: { train: options.train, test: options.test, valid: options.valid },
    fitDescription: options.valid ? 'train + valid' : 'train only',
  });
}
