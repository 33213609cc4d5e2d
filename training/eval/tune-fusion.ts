/**
 * Chooses the fusion's weights (training/models/fusion.ts: w for iALS, α / a / c / λ for the filter's terms) on a
 * validation split carved from the data it will be trained on — never on a test split. iALS and the filter are
 * fitted once on the carved train part; for each batch of sampled validation users every term is scored once and
 * every weighting of the grid is ranked from those scores the way it is served (weight-search.ts: top-`candidates`
 * by the vector terms, reordered with the rerank term), so nothing is refitted per trial.
 *
 * Two passes over the same users: the grid, then each weight of its best moved one step up and down (the best
 * re-scored first, so the refinement compares on equal terms). The grid holds iALS alone (the filter's weights 0)
 * and the filter alone (w = 0), so the choice is never worse on validation than either component.
 *
 * The budget is enforced: the fits are skipped when their estimated cost exceeds 75 % of it (the given weights are
 * then kept and the report says so), and scoring stops at the deadline with the users reached.
 */
import { nnz, type InteractionMatrix } from '../data/interactions.js';
import { Rng } from '../../src/random.js';
import { noopProgress, type ProgressSink } from '../progress.js';
import { testUsers } from './evaluate.js';
import { randomHoldout } from './splits.js';
import { estimateGraphFilterFitSeconds } from './tune-graph-filter.js';
import { searchWeights, type TermBatch, type TermWeights } from './weight-search.js';
import {
  FUSION_DEFAULTS,
  FUSION_WEIGHT_KEYS,
  fusionFilter,
  ialsUnit,
  type FusionParams,
  type FusionWeights,
} from '../models/fusion.js';
import { ialsFromPrefixed, type IALS } from '../models/ials.js';
import type { GraphFilter } from '../models/graph-filter.js';

/**
 * Pass 1 (unless a `grid` is given): iALS alone; the filter's weights as they start (model selection: the ones the
 * filter's own search chose) with the iALS weight w along `ialsWeights` (w = 0 is the filter alone); and the blend's
 * shape, iALS ⊕ the low-pass term alone, at the (w, α) of `lowpass`. About a dozen settings, so the search costs
 * about a dozen evaluations' ranking on the same cached term scores, even at yelp2018's 38k items. Chosen from the
 * full grids on ml-1m and yelp2018 validation splits (bench/fusion-valid.ts --full-grid): on ml-1m every top setting
 * had w ≈ 4 and α ≈ 0.3 and the filter's other terms moved recall@20 by < 0.0005.
 */
export const FUSION_SEARCH = {
  ialsWeights: [0, 0.5, 1, 2, 4, 8],
  lowpass: [
    [2, 0.3],
    [4, 0.15],
    [4, 0.3],
    [4, 0.6],
    [8, 0.3],
  ] as [number, number][],
};

/** The full grid bench/fusion-valid.ts --full-grid scores (every combination, ≈ 180 settings). */
export const FUSION_GRID: Record<keyof FusionWeights, number[]> = {
  ialsWeight: [0, 0.5, 1, 2, 4],
  alpha: [0, 0.3, 0.6],
  linearTop: [0, 1],
  sharpen: [0, -0.5],
  linearWeight: [0, 0.5, 1],
};

/** Pass 2: each weight of the best multiplied by these (0 stays 0 apart from this step). */
const REFINE_FACTORS = [0.6, 1.6];
const REFINE_FROM_ZERO: Partial<Record<keyof FusionWeights, number>> = {
  sharpen: -0.25,
  alpha: 0.15,
  ialsWeight: 0.25,
};

export interface FusionTrial {
  weights: FusionWeights;
  recall: number;
  ndcg: number;
  pass: number;
}

export interface FusionTuning {
  best: FusionWeights;
  trials: FusionTrial[];
  /** Validation users scored in pass 1. */
  users: number;
  seconds: number;
  fitSeconds: number;
  budgetSeconds: number;
  k: number;
  stoppedEarly?: boolean;
  skipped?: string;
  bestRecall?: number;
  bestNdcg?: number;
  /** iALS alone and the filter alone (the filter with its default weights) on the same users, for reports. */
  ialsAlone?: number;
}

export interface TuneFusionOptions {
  /** Fixed parameters (the iALS settings, svdDims, neighbours, candidates, and weights not to tune). */
  params?: Partial<FusionParams>;
  fraction?: number;
  seed?: number;
  split?: { train: InteractionMatrix; valid: InteractionMatrix };
  users?: Int32Array;
  sampleUsers?: number;
  budgetSeconds?: number;
  k?: number;
  /** Score every combination of this grid in pass 1 instead of FUSION_SEARCH's lines (missing axes: FUSION_GRID). */
  grid?: Partial<Record<keyof FusionWeights, number[]>>;
  /** Where the lines of pass 1 start (not fixed: model selection passes the filter's tuned weights). */
  start?: Partial<FusionWeights>;
  progress?: ProgressSink;
  /**
   * Components already fitted on `split.train` (model selection hands over the graph filter its own search
   * fitted — unit term weights, γ = β = 0 — so it is not fitted twice); the search disposes of neither.
   */
  fitted?: { filter?: GraphFilter; ials?: IALS };
}

/**
 * Seconds an iALS fit is expected to take (one core): its CG half-steps' sparse nnz·d and dense (U+I)·d² parts;
 * the constant is the blend's (auto-select.ts, from yelp2018 fits).
 */
export function estimateIalsFitSeconds(data: InteractionMatrix, params: Partial<FusionParams> = {}): number {
  const p = { ...FUSION_DEFAULTS, ...params };
  const d = p.ialsFactors;
  const perStep = nnz(data) * d * 4 + (data.numUsers + data.numItems) * d * d * 2;
  return 1.4e-9 * (p.ialsIterations + 0.5) * 3 * perStep;
}

/** Seconds the fusion's two fits are expected to take (one core). */
export function estimateFusionFitSeconds(data: InteractionMatrix, params: Partial<FusionParams> = {}): number {
  const p = { ...FUSION_DEFAULTS, ...params };
  return (
    estimateIalsFitSeconds(data, p) + estimateGraphFilterFitSeconds(data, { svdDims: p.svdDims, powerIterations: 4 })
  );
}

export async function tuneFusion(data: InteractionMatrix, options: TuneFusionOptions = {}): Promise<FusionTuning> {
  const t0 = performance.now();
  const budget = options.budgetSeconds ?? 120;
  const deadline = t0 + budget * 1000;
  const progress = options.progress ?? noopProgress;
  const k = options.k ?? 20;
  const seed = options.seed ?? 11;
  const p: FusionParams = { ...FUSION_DEFAULTS, ...options.params };
  const given = Object.fromEntries(FUSION_WEIGHT_KEYS.map((key) => [key, p[key]])) as FusionWeights;
  const fixed = new Set(FUSION_WEIGHT_KEYS.filter((key) => options.params?.[key] !== undefined));
  const split =
    options.split ??
    (({ train, test }) => ({ train, valid: test }))(randomHoldout(data, options.fraction ?? 0.2, seed));
  const { train, valid } = split;
  const report = (extra: Partial<FusionTuning>): FusionTuning => ({
    best: given,
    trials: [],
    users: 0,
    seconds: (performance.now() - t0) / 1000,
    fitSeconds: 0,
    budgetSeconds: budget,
    k,
    ...extra,
  });
  const estimate =
    (options.fitted?.ials ? 0 : estimateIalsFitSeconds(train, p)) +
    (options.fitted?.filter ? 0 : estimateGraphFilterFitSeconds(train, { svdDims: p.svdDims, powerIterations: 4 }));
  if (estimate > 0.75 * budget)
    return report({
      skipped: `estimated fits ${estimate.toFixed(0)} s > 75 % of the ${budget} s budget: weights as given`,
    });

  const ials = options.fitted?.ials ?? ialsFromPrefixed(p);
  if (!options.fitted?.ials) await ials.fit(train, progress);
  // Unit term weights: termScores scores each term alone; the search recombines them.
  const filter = options.fitted?.filter ?? fusionFilter({ ...p, alpha: 1, linearTop: 1, sharpen: 0, linearWeight: 1 });
  if (!options.fitted?.filter) await filter.fit(train, progress);
  const release = () => {
    if (!options.fitted?.filter) filter.dispose();
  };
  const fitSeconds = (performance.now() - t0) / 1000;
  const unit = ialsUnit(ials, filter, train);

  let users = options.users ?? testUsers(valid);
  const sample = options.sampleUsers ?? 3000;
  if (!options.users && users.length > sample)
    // Shuffled order, so the prefix a deadline leaves is a random sample (auto-select.ts).
    users = new Rng(seed).shuffle(Int32Array.from(users)).subarray(0, sample);

  const termsOf = (ids: Int32Array): TermBatch => {
    const ialsScores = ials.scoreUsers(ids);
    for (let i = 0; i < ialsScores.length; i++) ialsScores[i] *= unit;
    return {
      vector: [
        ialsScores,
        filter.termScores(ids, 'ideal'),
        filter.termScores(ids, 'linearTop'),
        filter.termScores(ids, 'sharpen'),
      ],
      rerank: filter.termScores(ids, 'linear'),
    };
  };
  const toTerms = (w: FusionWeights): TermWeights => ({
    vector: [w.ialsWeight, w.alpha, w.linearTop, w.sharpen],
    rerank: w.linearWeight,
  });
  const candidates = Math.min(p.candidates, train.numItems);
  const run = (settings: FusionWeights[], on: Int32Array, until: number, label: string) => {
    const r = searchWeights(termsOf, settings.map(toTerms), on, train, valid, {
      k,
      candidates,
      deadline: until,
      progress,
      label,
    });
    return {
      users: r.users,
      trials: settings.map((weights, s) => ({ weights, recall: r.recall[s], ndcg: r.ndcg[s] })),
    };
  };

  const pin = (w: FusionWeights): FusionWeights => {
    const out = { ...w };
    for (const key of fixed) out[key] = given[key];
    return out;
  };
  const iAlsAlone = { ialsWeight: 1, alpha: 0, linearTop: 0, sharpen: 0, linearWeight: 0 };
  let pass1: FusionWeights[];
  if (options.grid) {
    const grid = { ...FUSION_GRID, ...options.grid };
    pass1 = [iAlsAlone, ...cartesian((key) => grid[key])];
  } else {
    const start = { ...given, ...options.start };
    pass1 = [
      iAlsAlone,
      ...FUSION_SEARCH.ialsWeights.map((ialsWeight) => ({ ...start, ialsWeight })),
      ...FUSION_SEARCH.lowpass.map(([ialsWeight, alpha]) => ({ ...iAlsAlone, ialsWeight, alpha })),
    ];
  }
  const base = dedupe(pass1.map(pin)).filter(servable);
  const pass1Deadline = performance.now() + (deadline - performance.now()) * 0.6;
  const first = run(base, users, pass1Deadline, 'tune fusion (grid)');
  if (first.users === 0) {
    filter.dispose();
    return report({ fitSeconds, stoppedEarly: true, skipped: 'the fits used the whole budget: weights as given' });
  }
  const scored = users.subarray(0, first.users);
  let trials: FusionTrial[] = first.trials.map((t) => ({ ...t, pass: 1 }));
  let best = pickBest(trials);
  let stoppedEarly = first.users < users.length;
  const ialsAlone = trials.find(
    (t) =>
      t.weights.alpha === 0 && t.weights.linearTop === 0 && t.weights.sharpen === 0 && t.weights.linearWeight === 0,
  )?.recall;

  if (performance.now() < deadline) {
    const around: FusionWeights[] = [best.weights];
    for (const key of FUSION_WEIGHT_KEYS) {
      if (fixed.has(key)) continue;
      const v = best.weights[key];
      const steps =
        v === 0
          ? REFINE_FROM_ZERO[key] !== undefined
            ? [REFINE_FROM_ZERO[key]!]
            : []
          : REFINE_FACTORS.map((f) => v * f);
      for (const s of steps) around.push({ ...best.weights, [key]: s });
    }
    const second = run(dedupe(around).filter(servable), scored, deadline, 'tune fusion (refine)');
    if (second.users === scored.length) {
      const refined = second.trials.map((t) => ({ ...t, pass: 2 }));
      trials = [...trials, ...refined.slice(1)];
      const winner = pickBest(refined);
      if (winner !== refined[0]) best = winner;
    } else stoppedEarly = true;
  }
  release();
  return report({
    best: best.weights,
    trials,
    users: first.users,
    fitSeconds,
    stoppedEarly,
    bestRecall: best.recall,
    bestNdcg: best.ndcg,
    ialsAlone,
  });
}

/** A setting with some score to rank by (all weights 0 ranks nothing). */
function servable(w: FusionWeights): boolean {
  return w.ialsWeight > 0 || w.alpha > 0 || w.linearTop !== 0 || w.sharpen !== 0 || w.linearWeight > 0;
}

function cartesian(axis: (key: keyof FusionWeights) => readonly number[]): FusionWeights[] {
  let out: Partial<FusionWeights>[] = [{}];
  for (const key of FUSION_WEIGHT_KEYS) out = out.flatMap((w) => axis(key).map((v) => ({ ...w, [key]: v })));
  return out as FusionWeights[];
}

function dedupe(settings: FusionWeights[]): FusionWeights[] {
  const seen = new Set<string>();
  return settings.filter((w) => {
    const key = FUSION_WEIGHT_KEYS.map((k) => w[k]).join(',');
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function pickBest(trials: FusionTrial[]): FusionTrial {
  return trials.reduce((a, b) => (b.recall > a.recall ? b : a));
}
