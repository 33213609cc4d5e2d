/**
 * Chooses the graph filter's term weights (graph-filter.ts) on a validation split carved from the data it will
 * be trained on — never on a test split. One fit on the carved train part (the SVD and the neighbour lists are
 * the expensive parts). The filter's score is linear in its weights, so each batch of sampled validation users
 * has every term scored once (GraphFilter.termScorer(): the spectral terms' item matrices are built once per
 * search, the neighbour-list terms are sparse sums), and every weight setting of a pass is ranked from those
 * rows: a pass of dozens of settings costs about one evaluation, and the search reaches thousands of users. Each
 * setting is ranked the way it is served — the top-`candidates` items by the vector terms (what Qdrant
 * retrieves), reordered by adding the neighbour-list terms — so the choice accounts for what the retrieval cut
 * loses (tests/unit/graph-filter-tune.test.ts checks it equals the served ranking of the model fitted with
 * those weights).
 *
 * Three passes over the same users: the base grid (alpha × sharpen × linearTop); around its best, the
 * item-degree re-weighting γ, the history weighting β with γ (ChebyCF's degree normalisation) and the exact
 * second-order weight c₂; then pass 2's winners combined and the continuous weights nudged.
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
  type GraphFilterTermScorer,
  type GraphFilterWeights,
} from '../models/graph-filter.js';
import { Rng } from '../../src/random.js';
import { noopProgress, type ProgressSink } from '../progress.js';
import { testUsers } from './evaluate.js';
import { randomHoldout } from './splits.js';
import { topKRow } from '../models/linalg/topk.js';

export const GRAPH_FILTER_GRID = {
  alpha: [0, 0.1, 0.2, 0.3, 0.45, 0.6],
  sharpen: [0, -0.25, -0.5, -1],
  linearTop: [-0.5, 0, 1],
};

/**
 * Second pass, around the first pass's best (β = 0, γ = 0, c₂ = 0 there): γ of the final score's d_i^γ
 * re-weighting alone (free: no new term scores), γ with the history items weighted by d_j^β (input- and
 * output-side degree normalisation as ChebyCF pairs them, β = −γ-ish; each β costs one scoring of the spectral
 * terms), and the exact second-order weight c₂ (from its own neighbour lists).
 */
export const DEGREE_POWER_GRID = [-0.2, -0.1, 0.1, 0.2, 0.3, 0.4];
export const HISTORY_POWER_GRID: Array<{ historyPower: number; degreePower: number[] }> = [
  { historyPower: -0.3, degreePower: [0, 0.15, 0.3, 0.45] },
  { historyPower: 0.2, degreePower: [-0.1, 0, 0.1] },
];
export const SECOND_ORDER_GRID = [-0.25, -0.5, -1];

export interface GraphFilterTrial {
  weights: GraphFilterWeights;
  recall: number;
  ndcg: number;
  /** 1 = base grid, 2 = refinement around its best (scored on the users pass 1 reached). */
  pass?: number;
  /** Users a refinement trial was scored on when its pass stopped before reaching all of pass 1's. */
  users?: number;
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
  /**
   * Receives the filter fitted on the split's train part (unit term weights, γ = β = 0), which is then the
   * caller's to dispose: model selection reuses it for the fusion's search (tune-fusion.ts) instead of refitting.
   */
  onModel?: (model: GraphFilter) => void;
}

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
    secondOrder: options.params?.secondOrder ?? GRAPH_FILTER_DEFAULTS.secondOrder,
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
    secondOrder: 0,
    tuneBudget: 0,
  });
  await model.fit(train, progress);
  options.onModel?.(model);
  let users = options.users ?? testUsers(valid);
  const sample = options.sampleUsers ?? 3000;
  if (!options.users && users.length > sample)
    // Kept in shuffled order: a deadline scores a prefix, which must be a random sample (sorted by id, it was
    // yelp2018's heaviest users).
    users = new Rng(seed).shuffle(Int32Array.from(users)).subarray(0, sample);
  const grid = { ...GRAPH_FILTER_GRID, ...options.grid };
  const fixed = options.params ?? {};
  const base: GraphFilterWeights[] = [];
  const pin = (key: 'alpha' | 'sharpen' | 'linearTop', values: number[]) =>
    fixed[key] !== undefined ? [fixed[key]] : values;
  for (const alpha of pin('alpha', grid.alpha))
    for (const sharpen of pin('sharpen', grid.sharpen))
      for (const linearTop of pin('linearTop', grid.linearTop))
        base.push({ ...defaults, alpha, sharpen, linearTop, linearWeight: 1 });
  const scorer = new ServedStyleScorer(model, train, valid, k);
  // Pass 1 may use 40 % of what is left, pass 2 two thirds of the rest: the refinements must reach enough of
  // pass 1's users to be compared.
  const pass1Deadline = performance.now() + (deadline - performance.now()) * 0.4;
  let first = scorer.score(dedupe(base), users, pass1Deadline, progress, 'tune graph filter (grid)');
  // A base choice on too few users is noise: when the fit left little time (a loaded machine), pass 1 keeps
  // scoring up to the deadline before any refinement is tried.
  if (first.users < Math.min(users.length, MIN_GRID_USERS) && performance.now() < deadline) {
    const more = scorer.score(
      dedupe(base),
      users.subarray(first.users),
      deadline,
      progress,
      'tune graph filter (grid)',
    );
    first = mergeRuns(first, more);
  }
  const scored = users.subarray(0, first.users);
  let trials: GraphFilterTrial[] = first.trials.map((t) => ({ ...t, pass: 1 }));
  let best = pickBest(trials);
  let stoppedEarly = first.users < users.length;
  if (first.users > 0 && performance.now() < deadline) {
    const w0 = best.weights;
    const around: GraphFilterWeights[] = [w0];
    const pruned = model.params.linear === 'pruned';
    if (fixed.degreePower === undefined)
      for (const degreePower of DEGREE_POWER_GRID) around.push({ ...w0, degreePower });
    if (fixed.secondOrder === undefined && pruned)
      for (const secondOrder of SECOND_ORDER_GRID) around.push({ ...w0, secondOrder });
    if (fixed.historyPower === undefined && pruned)
      for (const { historyPower, degreePower } of HISTORY_POWER_GRID)
        for (const g of fixed.degreePower === undefined ? degreePower : [fixed.degreePower])
          around.push({ ...w0, historyPower, degreePower: g });
    const maxAlpha = Math.max(...grid.alpha);
    if (fixed.alpha === undefined && w0.alpha === maxAlpha && maxAlpha > 0)
      for (const f of [1.5, 2.25]) around.push({ ...w0, alpha: maxAlpha * f });
    // Each refinement pass re-scores the best so far first and compares against it on the same users; a pass
    // cut short by the deadline still compares fairly on the users it reached (every setting sees the same
    // users), if enough.
    const refine = (settings: GraphFilterWeights[], pass: number, share: number): GraphFilterTrial[] | undefined => {
      if (performance.now() > deadline) return undefined;
      const until = performance.now() + (deadline - performance.now()) * share;
      const run = scorer.score(dedupe(settings), scored, until, progress, `tune graph filter (refine ${pass})`);
      if (run.users < scored.length) stoppedEarly = true;
      if (run.users < Math.min(scored.length, MIN_REFINE_USERS) || run.users === 0) return undefined;
      const refined = run.trials.map((t) => ({
        ...t,
        pass,
        ...(run.users < scored.length ? { users: run.users } : {}),
      }));
      trials = [...trials, ...refined.slice(1)];
      const winner = pickBest(refined);
      if (winner !== refined[0]) best = winner;
      return refined;
    };
    const second = refine(around, 2, 2 / 3);
    if (second) {
      // Pass 3: the degree re-weighting and the second-order weight that won pass 2 combined (their gains add on
      // ml-1m's and yelp2018's validation splits), and the continuous weights nudged around that combination.
      const byDegree = pickBest(second.filter((t) => (t.weights.secondOrder ?? 0) === (w0.secondOrder ?? 0)));
      const byOrder = pickBest(
        second.filter(
          (t) =>
            (t.weights.historyPower ?? 0) === (w0.historyPower ?? 0) &&
            (t.weights.degreePower ?? 0) === (w0.degreePower ?? 0),
        ),
      );
      const c: GraphFilterWeights = { ...byDegree.weights, secondOrder: byOrder.weights.secondOrder ?? 0 };
      const third: GraphFilterWeights[] = [best.weights, c];
      const round = (v: number) => Math.round(v * 1000) / 1000;
      if (fixed.alpha === undefined) for (const f of [0.7, 1.4]) third.push({ ...c, alpha: round(c.alpha * f) });
      if (fixed.sharpen === undefined)
        for (const d of [-0.25, 0.25]) third.push({ ...c, sharpen: Math.min(0, c.sharpen + d) });
      if (fixed.secondOrder === undefined && model.params.linear === 'pruned') {
        const c2 = c.secondOrder ?? 0;
        for (const v of c2 === 0 ? [-0.25] : [c2 * 0.6, c2 * 1.5]) third.push({ ...c, secondOrder: round(v) });
      }
      if (fixed.degreePower === undefined)
        for (const d of [-0.05, 0.05]) third.push({ ...c, degreePower: round((c.degreePower ?? 0) + d) });
      refine(third, 3, 1);
    }
  }
  scorer.dispose();
  if (!options.onModel) model.dispose();
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

/** Pass 1 scores at least this many users (when the budget allows) before refinements get any time. */
const MIN_GRID_USERS = 1500;

/** Two runs of the same settings on consecutive user ranges, as one (means weighted by users). */
function mergeRuns(
  a: { trials: GraphFilterTrial[]; users: number },
  b: { trials: GraphFilterTrial[]; users: number },
): { trials: GraphFilterTrial[]; users: number } {
  const users = a.users + b.users;
  if (users === 0) return a;
  const mean = (x: number, y: number) => (x * a.users + y * b.users) / users;
  const trials = a.trials.map((t, s) => ({
    ...t,
    recall: mean(t.recall, b.trials[s].recall),
    ndcg: mean(t.ndcg, b.trials[s].ndcg),
  }));
  return { trials, users };
}

/** A refinement pass cut short by the deadline counts when it reached at least this many users. */
const MIN_REFINE_USERS = 500;

function dedupe(settings: GraphFilterWeights[]): GraphFilterWeights[] {
  const seen = new Set<string>();
  return settings.filter((w) => {
    const key = JSON.stringify([
      w.alpha,
      w.sharpen,
      w.linearTop,
      w.linearWeight,
      w.degreePower ?? 0,
      w.historyPower ?? 0,
      w.secondOrder ?? 0,
    ]);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function pickBest(trials: GraphFilterTrial[]): GraphFilterTrial {
  return trials.reduce((a, b) => (b.recall > a.recall ? b : a));
}

/** Ranks validation users for many weight settings at once, as the served path would (retrieve → rerank). */
export class ServedStyleScorer {
  private readonly scorer: GraphFilterTermScorer;
  private readonly degrees: Float64Array;

  constructor(
    private readonly model: GraphFilter,
    private readonly train: InteractionMatrix,
    private readonly valid: InteractionMatrix,
    private readonly k: number,
  ) {
    this.scorer = model.termScorer();
    this.degrees = model.degrees();
  }

  dispose(): void {
    this.scorer.dispose();
  }

  /**
   * Scores `settings` on users in batches until the deadline; returns the means over the users reached. Each
   * batch scores every term once per history power β the settings use (the terms are linear in their weights),
   * then ranks each setting from those rows: the top-`candidates` by the vector terms, reranked by adding the
   * neighbour-list terms (linear, secondOrder), top k.
   */
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
    const degrees = this.degrees;
    // Small batches: the deadline is checked between them.
    const batch = Math.max(8, Math.min(32, Math.floor(4_000_000 / n)));
    const betas = [...new Set(settings.map((w) => w.historyPower ?? 0))];
    // Only the terms some setting weighs (a refinement pass around linearTop 0 never scores that term).
    const uses = (weight: (w: GraphFilterWeights) => number | undefined) =>
      settings.some((w) => (weight(w) ?? 0) !== 0);
    const terms: GraphFilterTerm[] = ['linear'];
    if (uses((w) => w.alpha)) terms.push('ideal');
    if (uses((w) => w.linearTop)) terms.push('linearTop');
    if (uses((w) => w.sharpen)) terms.push('sharpen');
    if (uses((w) => w.secondOrder)) terms.push('secondOrder');
    const top = new Int32Array(k);
    const hs = new Float64Array(k);
    const hi = new Int32Array(k);
    const candidates = Math.min(model.params.candidates, n);
    const cand = new Int32Array(candidates);
    const chs = new Float64Array(candidates);
    const chi = new Int32Array(candidates);
    const row = new Float32Array(n);
    const scales = new Map<number, Float32Array>();
    for (const w of settings) {
      const g = w.degreePower ?? 0;
      if (g !== 0 && !scales.has(g))
        scales.set(
          g,
          Float32Array.from(degrees, (d) => (d > 0 ? d ** g : 0)),
        );
    }
    let done = 0;
    progress.start(users.length, label);
    for (let b0 = 0; b0 < users.length; b0 += batch) {
      if (performance.now() > deadline) break;
      const ids = users.subarray(b0, Math.min(users.length, b0 + batch));
      const byBeta = new Map(betas.map((b) => [b, this.scorer.score(ids, terms, b)]));
      for (let r = 0; r < ids.length; r++) {
        const o = r * n;
        const seen = rowItems(train, ids[r]);
        const relevant = new Set(rowItems(valid, ids[r]));
        let idcg = 0;
        for (let p = 0; p < Math.min(k, relevant.size); p++) idcg += 1 / Math.log2(p + 2);
        settings.forEach((w, s) => {
          const t = byBeta.get(w.historyPower ?? 0)!;
          const lin = t.get('linear')!;
          const c2 = w.secondOrder ?? 0;
          const sq = c2 !== 0 ? t.get('secondOrder')! : undefined;
          const scale = w.degreePower ? scales.get(w.degreePower) : undefined;
          row.fill(0);
          for (const [term, weight] of [
            ['ideal', w.alpha],
            ['linearTop', w.linearTop],
            ['sharpen', w.sharpen],
          ] as const) {
            if (weight === 0) continue;
            const values = t.get(term)!;
            for (let i = 0; i < n; i++) row[i] += weight * values[o + i];
          }
          if (scale) for (let i = 0; i < n; i++) row[i] *= scale[i];
          topKRow(row, 0, n, candidates, seen, cand, 0, chs, chi);
          let size = 0;
          for (let c = 0; c < candidates; c++) {
            const i = cand[c];
            if (i < 0) break;
            cand[size++] = i;
            const list = w.linearWeight * lin[o + i] + (sq ? c2 * sq[o + i] : 0);
            row[i] += list * (scale ? scale[i] : 1);
          }
          topKRow(row, 0, n, k, seen, top, 0, hs, hi, cand.subarray(0, size));
          let hits = 0;
          let dcg = 0;
          for (let p = 0; p < k; p++) {
            if (relevant.has(top[p])) {
              hits++;
              dcg += 1 / Math.log2(p + 2);
            }
          }
          recall[s] += hits / relevant.size;
          ndcg[s] += dcg / idcg;
        });
      }
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
