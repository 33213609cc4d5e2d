/**
 * What `recgraph train` publishes by default: the better, on a validation split carved from the data it trains
 * on, of
 *   - "blend": the iALS ⊕ GF-CF low-pass vectors (ials-lowpass-blend.ts; one dot product, strong on dense data),
 *   - "graphfilter": the two-stage graph filter (graph-filter.ts; Qdrant retrieval → item-item rerank, strong on
 *     sparse catalogues), its weights tuned on the same split (training/eval/tune-graph-filter.ts).
 * The split is a seeded 20 % per-user holdout of the fit data (never a test split); both candidates are scored on
 * the same seeded sample of validation users, ranked the way they are served (the filter: top-`candidates` by
 * its vectors, reranked). The winner is refitted on all the data with its chosen hyperparameters.
 *
 * The time budget (`tuneBudget`, seconds) is enforced: a candidate whose estimated fit cost does not fit in what
 * is left is skipped (and reported), a fit that runs past the deadline is stopped at its next progress tick, the
 * filter's search stops scoring at its deadline. With tuneBudget 0 nothing is measured and a prior on the
 * catalogue's density picks (reported as such). Everything — the choice, each candidate's validation scores and
 * cost, the chosen hyperparameters — is in `selection` (modelInfo.metrics, the evaluation JSON).
 */
import { nnz, type InteractionMatrix } from '../data/interactions.js';
import { AUTO_SELECT_DEFAULTS } from './auto-select-defaults.js';
import { Rng } from '../../src/random.js';
import { noopProgress, type ProgressSink } from '../progress.js';
import { evaluateModel, testUsers } from '../eval/evaluate.js';
import { randomHoldout } from '../eval/splits.js';
import { estimateGraphFilterFitSeconds, tuneGraphFilter, type GraphFilterTuning } from '../eval/tune-graph-filter.js';
import { boundGraphFilter } from './graph-filter-bounds.js';
import { assertFitted, mergeParams, type DenseVectors, type PublishedModel, type Recommender } from './contract.js';
import { GraphFilter, type GraphFilterParams } from './graph-filter.js';
import { IALS_LOWPASS_DEFAULTS, IalsLowpassBlend, type IalsLowpassParams } from './ials-lowpass-blend.js';

export type AutoSelectParams = typeof AUTO_SELECT_DEFAULTS;
export { AUTO_SELECT_DEFAULTS };

export type CandidateName = 'blend' | 'graphfilter';

export interface CandidateReport {
  model: CandidateName;
  status: 'scored' | 'skipped' | 'stopped';
  /** Validation recall@20 / ndcg@20 (served-style ranking), when scored. */
  recall?: number;
  ndcg?: number;
  seconds: number;
  /** Why a candidate was not scored (budget). */
  reason?: string;
  /** Hyperparameters it was scored with (the filter: the tuned weights). */
  params?: Record<string, unknown>;
}

export interface Selection {
  chosen: CandidateName;
  /** "validation" (scored) or "prior" (no budget / nothing scored). */
  by: 'validation' | 'prior';
  candidates: CandidateReport[];
  validationUsers: number;
  budgetSeconds: number;
  /** Seconds the selection took (the final refit excluded). */
  seconds: number;
  /** The chosen model's hyperparameters (final fit). */
  params?: Record<string, unknown>;
  graphFilterTuning?: GraphFilterTuning;
  /** Bounds the graph filter was fitted within on this catalogue (graph-filter-bounds.ts), one sentence each. */
  bounds?: string[];
}

/** Thrown from a progress tick when a trial fit runs past its deadline. */
class DeadlineExceeded extends Error {}

function withDeadline(progress: ProgressSink, deadline: number): ProgressSink {
  const check = () => {
    if (performance.now() > deadline) throw new DeadlineExceeded('fit ran past the selection deadline');
  };
  return {
    start: (total, label) => {
      check();
      progress.start(total, label);
    },
    tick: (n) => {
      progress.tick(n);
      check();
    },
    stop: () => progress.stop(),
  };
}

/**
 * Seconds a blend fit is expected to take (one core): iALS's CG half-steps (sparse nnz·d and dense (U+I)·d²
 * parts) plus the low-pass SVD; constant from yelp2018 fits (iALS d 128: ≈ 100 s with the other core busy).
 */
export function estimateBlendFitSeconds(data: InteractionMatrix, params: Partial<IalsLowpassParams> = {}): number {
  const p = { ...IALS_LOWPASS_DEFAULTS, ...params };
  const d = p.ialsFactors;
  const perStep = nnz(data) * d * 4 + (data.numUsers + data.numItems) * d * d * 2;
  return (
    1.4e-9 * (p.ialsIterations + 0.5) * 3 * perStep +
    estimateGraphFilterFitSeconds(data, { svdDims: p.lowpassDims, powerIterations: 4 })
  );
}

export class AutoSelect implements Recommender {
  readonly name = 'default';
  readonly params: AutoSelectParams;
  selection?: Selection;
  private chosenModel?: IalsLowpassBlend | GraphFilter;

  constructor(
    params: Partial<AutoSelectParams> = {},
    private readonly overrides: { blend?: Partial<IalsLowpassParams>; graphFilter?: Partial<GraphFilterParams> } = {},
  ) {
    this.params = mergeParams('default', AUTO_SELECT_DEFAULTS, params);
    if (!(this.params.tuneBudget >= 0)) throw new Error('default: tuneBudget must be ≥ 0 seconds');
  }

  get vectorsScoreExactly(): boolean {
    return this.chosen.vectorsScoreExactly;
  }

  /** The fitted winner (blend or graph filter). */
  get chosen(): IalsLowpassBlend | GraphFilter {
    return assertFitted(this.chosenModel, this.name);
  }

  async fit(data: InteractionMatrix, progress: ProgressSink = noopProgress): Promise<void> {
    this.chosenModel?.dispose?.();
    this.chosenModel = undefined;
    const t0 = performance.now();
    const p = this.params;
    // A catalogue too large for the filter's defaults (neighbour lists, SVD blocks, fit time) gets bounded ones,
    // for the validation search and the final fit alike.
    const bounds = boundGraphFilter(data, this.overrides.graphFilter ?? {}, p.fitBudget);
    const graphFilter = bounds.params;
    const selection = p.tuneBudget > 0 ? await this.select(data, graphFilter, progress) : this.prior(data);
    selection.seconds = (performance.now() - t0) / 1000;
    if (bounds.reasons.length > 0) selection.bounds = bounds.reasons;
    const chosen =
      selection.chosen === 'blend'
        ? new IalsLowpassBlend(this.overrides.blend)
        : new GraphFilter({ ...tunedWeights(selection), ...graphFilter, tuneBudget: 0 });
    await chosen.fit(data, progress);
    selection.params = { ...chosen.params };
    this.selection = selection;
    this.chosenModel = chosen;
  }

  private prior(data: InteractionMatrix): Selection {
    const density = nnz(data) / Math.max(1, data.numUsers * data.numItems);
    return {
      chosen: density >= this.params.priorDensity ? 'blend' : 'graphfilter',
      by: 'prior',
      candidates: [],
      validationUsers: 0,
      budgetSeconds: 0,
      seconds: 0,
    };
  }

  private async select(
    data: InteractionMatrix,
    graphFilter: Partial<GraphFilterParams>,
    progress: ProgressSink,
  ): Promise<Selection> {
    const p = this.params;
    const start = performance.now();
    const deadline = start + p.tuneBudget * 1000;
    const left = () => (deadline - performance.now()) / 1000;
    const { train, test: valid } = randomHoldout(data, p.fraction, p.seed);
    let users = testUsers(valid);
    if (users.length > p.validUsers)
      // Kept in shuffled order: a search its deadline stops scores a prefix, which must be a random sample too
      // (sorted, it would be the lowest ids — on yelp2018 the heaviest users, 51 items each against 39 overall).
      users = new Rng(p.seed).shuffle(Int32Array.from(users)).subarray(0, p.validUsers);
    const candidates: CandidateReport[] = [];

    // The filter first, with at most half the budget (its search stops scoring at its deadline; on a dense
    // catalogue it finishes early); the blend then runs when its estimated cost fits in what is left.
    const t1 = performance.now();
    const tuning = await tuneGraphFilter(data, {
      params: { ...graphFilter, tuneBudget: 0 },
      split: { train, valid },
      users,
      budgetSeconds: 0.5 * p.tuneBudget,
      progress,
    });
    const scored = tuning.users > 0 && tuning.bestRecall !== undefined;
    candidates.push({
      model: 'graphfilter',
      status: scored ? 'scored' : 'skipped',
      ...(scored ? { recall: tuning.bestRecall, ndcg: tuning.bestNdcg } : { reason: tuning.skipped }),
      seconds: (performance.now() - t1) / 1000,
      params: { ...tuning.best },
    });

    const blendEstimate = estimateBlendFitSeconds(train, this.overrides.blend);
    const t2 = performance.now();
    if (blendEstimate > left()) {
      candidates.push({
        model: 'blend',
        status: 'skipped',
        seconds: 0,
        reason: `estimated fit ${blendEstimate.toFixed(0)} s > the ${Math.max(0, left()).toFixed(0)} s left of the ${p.tuneBudget} s budget`,
      });
    } else {
      const blend = new IalsLowpassBlend(this.overrides.blend);
      try {
        await blend.fit(train, withDeadline(progress, deadline));
        // The same users the filter's search reached (it stops at its deadline): a paired comparison.
        const reached = tuning.users > 0 ? users.subarray(0, tuning.users) : users;
        const r = await evaluateModel(blend, train, valid, { ks: [20], users: reached, progress });
        candidates.push({
          model: 'blend',
          status: 'scored',
          recall: r.metrics['recall@20'],
          ndcg: r.metrics['ndcg@20'],
          seconds: (performance.now() - t2) / 1000,
          params: { ...blend.params },
        });
      } catch (error) {
        if (!(error instanceof DeadlineExceeded)) throw error;
        progress.stop();
        candidates.push({
          model: 'blend',
          status: 'stopped',
          seconds: (performance.now() - t2) / 1000,
          reason: 'its fit ran past the budget deadline',
        });
      } finally {
        blend.dispose();
      }
    }

    const measured = candidates.filter((c) => c.status === 'scored');
    if (measured.length === 0) return { ...this.prior(data), candidates, budgetSeconds: p.tuneBudget };
    const best = measured.reduce((a, b) => ((b.recall ?? 0) > (a.recall ?? 0) ? b : a));
    return {
      chosen: best.model,
      by: 'validation',
      candidates,
      validationUsers: tuning.users > 0 ? tuning.users : users.length,
      budgetSeconds: p.tuneBudget,
      seconds: 0,
      graphFilterTuning: tuning,
    };
  }

  scoreUsers(users: Int32Array): Float32Array {
    return this.chosen.scoreUsers(users);
  }

  scoreHistory(items: Int32Array, values?: Float32Array): Float32Array {
    return this.chosen.scoreHistory(items, values);
  }

  itemVectors(): DenseVectors {
    return this.chosen.itemVectors();
  }

  userVectors(): DenseVectors {
    return this.chosen.userVectors();
  }

  foldIn(items: Int32Array, values?: Float32Array): Float32Array {
    return this.chosen.foldIn(items, values);
  }

  published(itemIds?: Int32Array): PublishedModel {
    return this.chosen.published(itemIds);
  }

  dispose(): void {
    this.chosenModel?.dispose?.();
  }
}

/** The filter's tuned weights (only those the search chose; explicit overrides stay as given). */
function tunedWeights(selection: Selection): Partial<GraphFilterParams> {
  const report = selection.candidates.find((c) => c.model === 'graphfilter' && c.status === 'scored');
  if (!report?.params) return {};
  const w = report.params as Partial<GraphFilterParams>;
  return {
    alpha: w.alpha,
    sharpen: w.sharpen,
    linearTop: w.linearTop,
    ...(w.degreePower !== undefined ? { degreePower: w.degreePower } : {}),
    ...(w.historyPower !== undefined ? { historyPower: w.historyPower } : {}),
    ...(w.secondOrder !== undefined ? { secondOrder: w.secondOrder } : {}),
  };
}
