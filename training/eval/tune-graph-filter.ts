/**
 * Chooses the graph filter's term weights (graph-filter.ts) on a validation split carved from the data it will
 * be trained on — never on a test split. One fit on the carved train part (the SVD and the neighbour lists are
 * the expensive parts), each term scored once per sampled validation user, then every weight combination of the
 * grid ranked from those terms: a grid of dozens of settings costs about one evaluation. Each setting is ranked
 * the way it is served — the top-`candidates` items by the vector terms (what Qdrant retrieves), reordered by the
 * full score — so the choice accounts for what the retrieval cut loses.
 *
 * Two passes over the same users: the base grid (alpha × sharpen × linearTop), then around its best setting the
 * item-degree re-weighting γ (degreePower) and, when the best alpha sits on the grid's edge, larger alphas.
 *
 * The time budget is enforced, not only used for sizing: the fit is skipped when its estimated cost exceeds the
 * budget (the defaults are then used, and the report says so), and the scoring loops stop at the deadline with
 * the users scored so far (each pass compares its settings on the same users).
 */
import { estimateGraphFilterFitSeconds } from '../models/graph-filter-bounds.js';
import { rowItems, type InteractionMatrix } from '../data/interactions.js';
import {
  GraphFilter,
  GRAPH_FILTER_DEFAULTS,
  type GraphFilterParams,
  type GraphFilterTerm,
  type GraphFilterWeights,
} from '../models/graph-filter.js';
import { Rng } from '../../src/random.js';
import { noopProgress, type ProgressSink } from '../progress.js';
import { testUsers } from './evaluate.js';
import { randomHoldout } from './splits.js';
import { topKRow } from '../models/linalg/topk.js';

export const GRAPH_FILTER_GRID = {
  alpha: [0, 0.1, 0.3, 0.6],
  sharpen: [0, -0.5, -1, -2],
  linearTop: [0, 1],
};

/**
 * Second pass, around the first pass's best: γ of the final score's d_i^γ re-weighting × β of the history items'
 * d_j^β weighting (input- and output-side degree normalisation; both servable at no cost).
 */
export const DEGREE_POWER_GRID = [-0.2, -0.1, 0, 0.1, 0.2];
export const HISTORY_POWER_GRID = [-0.2, 0, 0.2];

export interface GraphFilterTrial {
  weights: GraphFilterWeights;
  recall: number;
  ndcg: number;
  /** 1 = base grid, 2 = refinement around its best (scored on the users pass 1 reached). */
  pass?: number;
}

export interface GraphFilterTuning {
  best: GraphFilterWeights;
  trials: GraphFilterTrial[];
  /** Validation users scored (pass 1), seconds spent (fit included). */
  users: number;
  seconds: number;
  k: number;
  /** The budget and whether a deadline cut a pass short or skipped the search. */
  budgetSeconds?: number;
  stoppedEarly?: boolean;
  skipped?: string;
  /** Best validation recall@k / ndcg@k (served-style ranking), for model selection. */
  bestRecall?: number;
  bestNdcg?: number;
}

export interface TuneGraphFilterOptions {
  /** Fixed (not tuned) parameters of the fitted filter: svdDims, neighbors, linear mode. */
  params?: Partial<GraphFilterParams>;
  /** Share of each user's items held out for validation. */
  fraction?: number;
  seed?: number;
  /** A split already carved by the caller (model selection scores every candidate on the same one). */
  split?: { train: InteractionMatrix; valid: InteractionMatrix };
  /** Validation users to score (default: a seeded sample of ≤ sampleUsers). */
  users?: Int32Array;
  /** Validation users scored at most (a seeded sample; default 3000). */
  sampleUsers?: number;
  /** Time budget (s), enforced: default 60. */
  budgetSeconds?: number;
  k?: number;
  grid?: Partial<typeof GRAPH_FILTER_GRID>;
  progress?: ProgressSink;
}

const TERMS: GraphFilterTerm[] = ['linear', 'ideal', 'linearTop', 'sharpen'];

/** Seconds one fit is expected to take: defined beside the filter's other bounds. */
export { estimateGraphFilterFitSeconds };

export async function tuneGraphFilter(
  data: InteractionMatrix,
  options: TuneGraphFilterOptions = {},
): Promise<GraphFilterTuning> {
  const t0 = performance.now();
  const budget = options.budgetSeconds ?? 60;
  const deadline = t0 + budget * 1000;
  const progress = options.progress ?? noopProgress;
  const k = options.k ?? 20;
  const seed = options.seed ?? 11;
  const defaults: GraphFilterWeights = {
    alpha: options.params?.alpha ?? GRAPH_FILTER_DEFAULTS.alpha,
    sharpen: options.params?.sharpen ?? GRAPH_FILTER_DEFAULTS.sharpen,
    linearTop: options.params?.linearTop ?? GRAPH_FILTER_DEFAULTS.linearTop,
    linearWeight: 1,
    degreePower: options.params?.degreePower ?? GRAPH_FILTER_DEFAULTS.degreePower,
    historyPower: options.params?.historyPower ?? GRAPH_FILTER_DEFAULTS.historyPower,
  };
  const { train, valid } = options.split ?? renameTest(randomHoldout(data, options.fraction ?? 0.2, seed));
  const estimate = estimateGraphFilterFitSeconds(train, options.params);
  // The fit alone must leave room for scoring a useful number of users (a quarter of the budget).
  if (estimate > 0.75 * budget) {
    return {
      best: defaults,
      trials: [],
      users: 0,
      seconds: (performance.now() - t0) / 1000,
      k,
      budgetSeconds: budget,
      skipped: `estimated fit ${estimate.toFixed(0)} s > 75 % of the ${budget} s budget: defaults used`,
    };
  }
  const model = new GraphFilter({
    ...options.params,
    linearWeight: 1,
    degreePower: 0,
    historyPower: 0,
    tuneBudget: 0,
  });
  await model.fit(train, progress);
  let users = options.users ?? testUsers(valid);
  const sample = options.sampleUsers ?? 3000;
  if (!options.users && users.length > sample)
    users = new Rng(seed).shuffle(Int32Array.from(users)).subarray(0, sample).sort();
  const grid = { ...GRAPH_FILTER_GRID, ...options.grid };
  const base: GraphFilterWeights[] = [];
  for (const alpha of grid.alpha) {
    for (const sharpen of grid.sharpen)
      for (const linearTop of grid.linearTop)
        base.push({ alpha, sharpen, linearTop, linearWeight: 1, degreePower: 0, historyPower: 0 });
  }
  const scorer = new ServedStyleScorer(model, train, valid, k);
  // Pass 1 may use 60 % of what is left: the refinement (about half as many settings) must finish on its users.
  const pass1Deadline = performance.now() + (deadline - performance.now()) * 0.6;
  const first = scorer.score(base, users, pass1Deadline, progress, 'tune graph filter (grid)');
  const scored = users.subarray(0, first.users);
  let trials: GraphFilterTrial[] = first.trials.map((t) => ({ ...t, pass: 1 }));
  let best = pickBest(trials);
  let stoppedEarly = first.users < users.length;
  if (first.users > 0 && performance.now() < deadline) {
    const around: GraphFilterWeights[] = [best.weights];
    const fixed = options.params ?? {};
    const gammas = fixed.degreePower === undefined ? DEGREE_POWER_GRID : [fixed.degreePower];
    const betas = fixed.historyPower === undefined && model.params.linear === 'pruned' ? HISTORY_POWER_GRID : [0];
    for (const historyPower of betas)
      for (const degreePower of gammas)
        if (historyPower !== 0 || degreePower !== 0) around.push({ ...best.weights, degreePower, historyPower });
    const maxAlpha = Math.max(...grid.alpha);
    if (fixed.alpha === undefined && best.weights.alpha === maxAlpha && maxAlpha > 0)
      for (const f of [1.6, 2.5]) around.push({ ...best.weights, alpha: maxAlpha * f });
    // The pass-1 best is re-scored first: pass 2 compares against it on the same users.
    const second = scorer.score(around, scored, deadline, progress, 'tune graph filter (refine)');
    // Only a complete second pass is comparable (same users as its own baseline, the pass-1 best re-scored).
    if (second.users === scored.length) {
      const refined = second.trials.map((t) => ({ ...t, pass: 2 }));
      trials = [...trials, ...refined.slice(1)];
      const winner = pickBest(refined);
      if (winner !== refined[0]) best = winner;
    } else stoppedEarly = true;
  }
  model.dispose();
  if (first.users === 0) {
    return {
      best: defaults,
      trials: [],
      users: 0,
      seconds: (performance.now() - t0) / 1000,
      k,
      budgetSeconds: budget,
      stoppedEarly: true,
      skipped: 'the fit used the whole budget: defaults used',
    };
  }
  return {
    best: best.weights,
    trials,
    users: first.users,
    seconds: (performance.now() - t0) / 1000,
    k,
    budgetSeconds: budget,
    stoppedEarly,
    bestRecall: best.recall,
    bestNdcg: best.ndcg,
  };
}

function renameTest(split: { train: InteractionMatrix; test: InteractionMatrix }) {
  return { train: split.train, valid: split.test };
}

function pickBest(trials: GraphFilterTrial[]): GraphFilterTrial {
  return trials.reduce((a, b) => (b.recall > a.recall ? b : a));
}

/** Ranks validation users for many weight settings at once, as the served path would (retrieve → rerank). */
class ServedStyleScorer {
  constructor(
    private readonly model: GraphFilter,
    private readonly train: InteractionMatrix,
    private readonly valid: InteractionMatrix,
    private readonly k: number,
  ) {}

  /** Scores `settings` on users in batches until the deadline; returns the means over the users reached. */
  score(
    settings: GraphFilterWeights[],
    users: Int32Array,
    deadline: number,
    progress: ProgressSink,
    label: string,
  ): { trials: GraphFilterTrial[]; users: number } {
    const { model, train, valid, k } = this;
    const recall = new Float64Array(settings.length);
    const ndcg = new Float64Array(settings.length);
    const n = train.numItems;
    const degrees = model.degrees();
    // Small batches: the deadline is checked between them (a batch of 32 users × 32 settings is a few seconds).
    const batch = Math.max(8, Math.min(32, Math.floor(4_000_000 / n)));
    const betas = [...new Set(settings.map((w) => w.historyPower ?? 0))];
    const top = new Int32Array(k);
    const hs = new Float64Array(k);
    const hi = new Int32Array(k);
    const candidates = Math.min(model.params.candidates, n);
    const cand = new Int32Array(candidates);
    const chs = new Float64Array(candidates);
    const chi = new Int32Array(candidates);
    const row = new Float32Array(n);
    const scales = settings.map((w) =>
      w.degreePower ? Float32Array.from(degrees, (d) => (d > 0 ? d ** w.degreePower! : 0)) : undefined,
    );
    let done = 0;
    progress.start(users.length, label);
    for (let b0 = 0; b0 < users.length; b0 += batch) {
      if (performance.now() > deadline) break;
      const ids = users.subarray(b0, Math.min(users.length, b0 + batch));
      const termsByBeta = new Map(betas.map((b) => [b, TERMS.map((t) => model.termScores(ids, t, b))]));
      settings.forEach((w, s) => {
        const terms = termsByBeta.get(w.historyPower ?? 0)!;
        const scale = scales[s];
        for (let r = 0; r < ids.length; r++) {
          const o = r * n;
          const seen = rowItems(train, ids[r]);
          for (let i = 0; i < n; i++)
            row[i] = w.alpha * terms[1][o + i] + w.linearTop * terms[2][o + i] + w.sharpen * terms[3][o + i];
          if (scale) for (let i = 0; i < n; i++) row[i] *= scale[i];
          topKRow(row, 0, n, candidates, seen, cand, 0, chs, chi);
          for (const i of cand) if (i >= 0) row[i] += w.linearWeight * terms[0][o + i] * (scale ? scale[i] : 1);
          topKRow(
            row,
            0,
            n,
            k,
            seen,
            top,
            0,
            hs,
            hi,
            cand.filter((i) => i >= 0),
          );
          const relevant = new Set(rowItems(valid, ids[r]));
          let hits = 0;
          let dcg = 0;
          let idcg = 0;
          for (let p = 0; p < k; p++) {
            if (p < relevant.size) idcg += 1 / Math.log2(p + 2);
            if (relevant.has(top[p])) {
              hits++;
              dcg += 1 / Math.log2(p + 2);
            }
          }
          recall[s] += hits / relevant.size;
          ndcg[s] += dcg / idcg;
        }
      });
      done += ids.length;
      progress.tick(ids.length);
    }
    progress.stop();
    const trials = settings.map((weights, s) => ({
      weights,
      recall: done > 0 ? recall[s] / done : 0,
      ndcg: done > 0 ? ndcg[s] / done : 0,
    }));
    return { trials, users: done };
  }
}
