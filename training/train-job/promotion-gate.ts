// The promotion gate: a newly trained version goes live only if its configuration ranks no worse than the live
// version's on one validation split, by more than a tolerance. The split is carved from the data being trained on
// (seeded 20 % per-user holdout; the test data of README § Evaluation protocol is never touched), both
// configurations are fitted on its train part and score the full catalogue for every validation user
// (Recall@20, training items excluded). A version's own artifacts cannot be compared fairly on today's data —
// the live one has seen the validation events, the candidate must not — so the gate compares what was trained
// the same way on the same split: it catches a bad model kind or parameters, not data drift.
import type pg from 'pg';
import { activeVersion, publishedVersion } from '../../src/db/model-versions.js';
import { buildInteractionMatrix } from '../data/interactions.js';
import { evaluateModel } from '../eval/evaluate.js';
import { randomHoldout } from '../eval/splits.js';
import type { Recommender } from '../models/contract.js';
import { MODEL_FACTORIES } from '../models/registry.js';
import { noopProgress, type ProgressSink } from '../progress.js';
import { ialsOverrides, type TrainedModelKind } from './train.js';
import { readTrainingData } from './training-data.js';

export const GATE_METRIC = 'recall@20' as const;
export const GATE_SPLIT = { fraction: 0.2, seed: 2026 } as const;

export interface GateDecision {
  promoted: boolean;
  reason: string;
  metric: typeof GATE_METRIC;
  /** Relative: the candidate may be at most this fraction below the live configuration. */
  tolerance: number;
  candidate?: number;
  live?: number;
  liveVersion?: string;
  validationUsers?: number;
  split: { fraction: number; seed: number; cutoff: string };
  seconds: number;
}

export interface GateCandidate {
  model: TrainedModelKind;
  params?: Record<string, number>;
}

/** The registry model a candidate trains (the CF part the gate compares; the text encoder is not ranked). */
function candidateModel(candidate: GateCandidate): Recommender {
  if (candidate.model === 'graphfilter') return MODEL_FACTORIES.graphfilter({ tuneBudget: 0 });
  if (candidate.model === 'fusion') return MODEL_FACTORIES.fusion({ tuneBudget: 0 });
  // `auto` without its search (budget 0 picks by catalogue density): the gate compares configurations, it does not
  // re-run the training's validation search.
  if (candidate.model === 'auto') return MODEL_FACTORIES.default({ tuneBudget: 0 });
  return MODEL_FACTORIES.blend(ialsOverrides(candidate.params) as Record<string, number>);
}

/** The live version's configuration, rebuilt from its recorded kind and parameters. */
function liveModel(kind: string, params: Record<string, unknown>): Recommender | undefined {
  // Versions record the fitted model's name: 'blend' or 'graphfilter…'; versions trained before the blend had its own
  // name recorded it as 'default'.
  const name = kind.split('/')[0]!;
  const factory = MODEL_FACTORIES[name === 'default' ? 'blend' : name];
  if (!factory) return undefined;
  const { foldIn: _foldIn, ...rest } = params;
  const recorded = Object.fromEntries(
    Object.entries(rest).filter(([, v]) => ['number', 'string', 'boolean'].includes(typeof v)),
  ) as Record<string, number | string | boolean>;
  // The recorded weights are the chosen ones: no search again.
  return factory(kind.startsWith('graphfilter') || name === 'fusion' ? { ...recorded, tuneBudget: 0 } : recorded);
}

async function validationRecall(model: Recommender, split: ReturnType<typeof randomHoldout>, progress: ProgressSink) {
  await model.fit(split.train, progress);
  const result = await evaluateModel(model, split.train, split.test, { ks: [20], diversity: null, progress });
  return { recall: result.metrics[GATE_METRIC], users: result.users };
}

export async function promotionGate(
  pool: pg.Pool,
  candidate: GateCandidate,
  options: { tolerance: number; cutoff: Date; progress?: ProgressSink },
): Promise<GateDecision> {
  const started = performance.now();
  const progress = options.progress ?? noopProgress;
  const base = {
    metric: GATE_METRIC,
    tolerance: options.tolerance,
    split: { ...GATE_SPLIT, cutoff: options.cutoff.toISOString() },
  };
  const seconds = () => Math.round((performance.now() - started) / 100) / 10;
  const liveName = await activeVersion(pool);
  const liveRow = liveName ? await publishedVersion(pool, liveName) : undefined;
  if (!liveRow) return { ...base, promoted: true, reason: 'no live version to compare with', seconds: seconds() };
  const { rows } = await pool.query<{ params: Record<string, unknown> }>(
    'SELECT params FROM model_versions WHERE version = $1',
    [liveName],
  );
  const live = liveModel(liveRow.kind, rows[0]?.params ?? {});
  if (!live) {
    return {
      ...base,
      promoted: true,
      liveVersion: liveName,
      reason: `live version ${liveName} is a ${liveRow.kind} model the gate cannot refit`,
      seconds: seconds(),
    };
  }

  const data = await readTrainingData(pool, options.cutoff);
  const matrix = buildInteractionMatrix(data.userIds.length, data.itemIds.length, data.users, data.items, data.weights);
  const split = randomHoldout(matrix, GATE_SPLIT.fraction, GATE_SPLIT.seed);
  const challenger = candidateModel(candidate);
  const same = challenger.name === live.name && JSON.stringify(challenger.params) === JSON.stringify(live.params);
  const scoredCandidate = await validationRecall(challenger, split, progress);
  // The same configuration fits the same model on the same split: one fit serves both sides.
  const scoredLive = same ? scoredCandidate : await validationRecall(live, split, progress);
  const floor = scoredLive.recall * (1 - options.tolerance);
  const promoted = scoredCandidate.recall >= floor;
  const figures = `${GATE_METRIC} ${scoredCandidate.recall.toFixed(4)} vs live ${liveName} ${scoredLive.recall.toFixed(4)}`;
  return {
    ...base,
    promoted,
    candidate: scoredCandidate.recall,
    live: scoredLive.recall,
    liveVersion: liveName,
    validationUsers: scoredCandidate.users,
    reason: promoted
      ? `${figures}${same ? ' (same configuration)' : ''}: within the ${(options.tolerance * 100).toFixed(1)} % tolerance`
      : `${figures}: more than ${(options.tolerance * 100).toFixed(1)} % worse, kept inactive`,
    seconds: seconds(),
  };
}
