/**
 * Chooses the graph filter's term weights (graph-filter.ts) on a validation split carved from the data it will
 * be trained on — never on a test split. One fit on the carved train part (the SVD and the neighbour lists are
 * the expensive parts), each term scored once per sampled validation user, then every weight combination of the
 * grid ranked from those terms: a grid of dozens of settings costs about one evaluation. Each setting is ranked
 * the way it is served — the top-`candidates` items by the vector terms (what Qdrant retrieves), reordered by the
 * full score — so the choice accounts for what the retrieval cut loses.
 *
 * The grid is small on purpose (few parameters, coarse steps) so that what it picks transfers from the carved
 * split to the full data and across datasets; `recgraph train` runs it within a time budget it reports.
 */
import { rowItems, type InteractionMatrix } from '../data/interactions.js';
import {
  GraphFilter,
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

export interface GraphFilterTrial {
  weights: GraphFilterWeights;
  recall: number;
  ndcg: number;
}

export interface GraphFilterTuning {
  best: GraphFilterWeights;
  trials: GraphFilterTrial[];
  /** Validation users scored, seconds spent (fit included). */
  users: number;
  seconds: number;
  k: number;
}

export interface TuneGraphFilterOptions {
  /** Fixed (not tuned) parameters of the fitted filter: svdDims, neighbors, linear mode. */
  params?: Partial<GraphFilterParams>;
  /** Share of each user's items held out for validation. */
  fraction?: number;
  seed?: number;
  /** Validation users scored (a seeded sample; default: as many as half of budgetSeconds allows, ≤ 3000). */
  sampleUsers?: number;
  /** Time budget (s): sizes the user sample (≈ 5 ns per user × item × setting on one core); default 60. */
  budgetSeconds?: number;
  k?: number;
  grid?: Partial<typeof GRAPH_FILTER_GRID>;
  progress?: ProgressSink;
}

const TERMS: GraphFilterTerm[] = ['linear', 'ideal', 'linearTop', 'sharpen'];

export async function tuneGraphFilter(
  data: InteractionMatrix,
  options: TuneGraphFilterOptions = {},
): Promise<GraphFilterTuning> {
  const t0 = performance.now();
  const progress = options.progress ?? noopProgress;
  const k = options.k ?? 20;
  const { train, test: valid } = randomHoldout(data, options.fraction ?? 0.2, options.seed ?? 11);
  const model = new GraphFilter({ ...options.params, linearWeight: 1, tuneBudget: 0 });
  await model.fit(train, progress);
  let users = testUsers(valid);
  const grid = { ...GRAPH_FILTER_GRID, ...options.grid };
  const settingCount = grid.alpha.length * grid.sharpen.length * grid.linearTop.length;
  const perUser = train.numItems * settingCount * 5e-9;
  const sample =
    options.sampleUsers ?? Math.max(200, Math.min(3000, Math.floor((0.5 * (options.budgetSeconds ?? 60)) / perUser)));
  if (users.length > sample)
    users = new Rng(options.seed ?? 11).shuffle(Int32Array.from(users)).subarray(0, sample).sort();
  const settings: GraphFilterWeights[] = [];
  for (const alpha of grid.alpha) {
    for (const sharpen of grid.sharpen)
      for (const linearTop of grid.linearTop) settings.push({ alpha, sharpen, linearTop, linearWeight: 1 });
  }
  const recall = new Float64Array(settings.length);
  const ndcg = new Float64Array(settings.length);
  const n = train.numItems;
  const batch = Math.max(16, Math.floor(4_000_000 / n));
  const top = new Int32Array(k);
  const hs = new Float64Array(k);
  const hi = new Int32Array(k);
  // Ranked as served: Qdrant's top-`candidates` by the vector terms, reordered by the full score.
  const candidates = Math.min(model.params.candidates, n);
  const cand = new Int32Array(candidates);
  const chs = new Float64Array(candidates);
  const chi = new Int32Array(candidates);
  progress.start(users.length, 'tune graph filter');
  for (let b0 = 0; b0 < users.length; b0 += batch) {
    const ids = users.subarray(b0, Math.min(users.length, b0 + batch));
    const terms = TERMS.map((t) => model.termScores(ids, t));
    const row = new Float32Array(n);
    settings.forEach((w, s) => {
      for (let r = 0; r < ids.length; r++) {
        const o = r * n;
        const seen = rowItems(train, ids[r]);
        for (let i = 0; i < n; i++)
          row[i] = w.alpha * terms[1][o + i] + w.linearTop * terms[2][o + i] + w.sharpen * terms[3][o + i];
        topKRow(row, 0, n, candidates, seen, cand, 0, chs, chi);
        for (const i of cand) if (i >= 0) row[i] += w.linearWeight * terms[0][o + i];
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
    progress.tick(ids.length);
  }
  progress.stop();
  model.dispose();
  const trials = settings.map((weights, s) => ({
    weights,
    recall: recall[s] / users.length,
    ndcg: ndcg[s] / users.length,
  }));
  const best = trials.reduce((a, b) => (b.recall > a.recall ? b : a)).weights;
  return { best, trials, users: users.length, seconds: (performance.now() - t0) / 1000, k };
}
