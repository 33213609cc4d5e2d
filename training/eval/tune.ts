/**
 * Seeded hyperparameter search on a validation split (README § Models, § Evaluation protocol): fit on train,
 * score on valid, never touch test. Random search over a declared space (log-uniform for scale parameters);
 * every trial is reported through `onTrial` so the CLI can log it (JSONL) as it happens.
 */
import type { InteractionMatrix } from '../data/interactions.js';
import { Rng } from '../../src/random.js';
import { MODEL_FACTORIES, type ParamValue } from '../models/registry.js';
import { noopProgress, type ProgressSink } from '../progress.js';
import { evaluateModel } from './evaluate.js';
import type { MetricRecord } from './metrics.js';

export type ParamSpec =
  | { type: 'float'; low: number; high: number; log?: boolean }
  | { type: 'int'; low: number; high: number; log?: boolean; step?: number }
  | { type: 'choice'; values: ParamValue[] };

export type SearchSpace = Record<string, ParamSpec>;

/** Default spaces per model: wide enough to contain the good region on the datasets we have seen. */
export const SEARCH_SPACES: Record<string, SearchSpace> = {
  // The region that won on ml-1m valid: frequency-scaled λ (ν = 1), strong λ, moderate α.
  ials: {
    factors: { type: 'choice', values: [64, 128, 192] },
    regularization: { type: 'float', low: 0.002, high: 0.1, log: true },
    alpha: { type: 'float', low: 1, high: 50, log: true },
    regExponent: { type: 'choice', values: [1] },
    iterations: { type: 'choice', values: [8, 12] },
  },
  ease: {
    lambda: { type: 'float', low: 20, high: 3000, log: true },
    dropout: { type: 'choice', values: [0, 0.1, 0.25] },
  },
  gfcf: {
    svdDims: { type: 'choice', values: [32, 64, 128, 256, 384] },
    alpha: { type: 'float', low: 0.05, high: 3, log: true },
  },
  'two-tower': {
    learningRate: { type: 'float', low: 0.002, high: 0.03, log: true },
    l2: { type: 'float', low: 1e-7, high: 1e-4, log: true },
    historyDropout: { type: 'choice', values: [0, 0.1, 0.3] },
    sampledNegatives: { type: 'choice', values: [512, 1024, 2048] },
  },
  popularity: {},
  // The default pipeline's own knobs (its iALS part is tuned as "ials"): how much low-pass, and how many dims.
  default: {
    lowpassWeight: { type: 'float', low: 0.05, high: 1, log: true },
    lowpassDims: { type: 'choice', values: [64, 128, 256] },
  },
};

export function sampleParams(space: SearchSpace, rng: Rng): Record<string, ParamValue> {
  const out: Record<string, ParamValue> = {};
  for (const [name, spec] of Object.entries(space)) {
    if (spec.type === 'choice') {
      out[name] = spec.values[rng.int(spec.values.length)];
      continue;
    }
    const u = rng.next();
    let v = spec.log
      ? Math.exp(Math.log(spec.low) + u * (Math.log(spec.high) - Math.log(spec.low)))
      : spec.low + u * (spec.high - spec.low);
    if (spec.type === 'int') {
      const step = spec.step ?? 1;
      v = Math.round(v / step) * step;
    } else {
      v = Number(v.toPrecision(4)); // readable logs, and reproducible from the printed value
    }
    out[name] = v;
  }
  return out;
}

export interface Trial {
  trial: number;
  params: Record<string, ParamValue>;
  score: number;
  metrics: MetricRecord;
  fitSeconds: number;
  evalSeconds: number;
}

export interface TuneOptions {
  model: string;
  train: InteractionMatrix;
  valid: InteractionMatrix;
  trials: number;
  seed: number;
  metric?: string;
  space?: SearchSpace;
  /** Fixed params applied to every trial (override sampled ones). */
  fixed?: Record<string, ParamValue>;
  /** The first trial uses the model's defaults (fixed params still apply), so "did tuning help?" is answered. */
  includeDefaults?: boolean;
  onTrial?: (trial: Trial, best: Trial) => void;
  progress?: ProgressSink;
}

export interface TuneResult {
  best: Trial;
  trials: Trial[];
  metric: string;
}

export async function tune(options: TuneOptions): Promise<TuneResult> {
  const factory = MODEL_FACTORIES[options.model];
  if (!factory) throw new Error(`tune: unknown model "${options.model}"`);
  const space = options.space ?? SEARCH_SPACES[options.model] ?? {};
  const metric = options.metric ?? 'recall@20';
  const k = Number(metric.split('@')[1]);
  if (!Number.isInteger(k) || k < 1) throw new Error(`tune: metric must look like "recall@20", got "${metric}"`);
  const rng = new Rng(options.seed);
  const progress = options.progress ?? noopProgress;
  const trials: Trial[] = [];
  let best: Trial | undefined;
  for (let t = 0; t < options.trials; t++) {
    // Sample even for the defaults trial so trial n's params do not depend on includeDefaults.
    const sampled = sampleParams(space, rng);
    const params = { ...(t === 0 && options.includeDefaults ? {} : sampled), ...options.fixed };
    const model = factory(params);
    const t0 = performance.now();
    await model.fit(options.train, progress);
    const fitSeconds = (performance.now() - t0) / 1000;
    const r = await evaluateModel(model, options.train, options.valid, { ks: [k], diversity: null, progress });
    const trial: Trial = {
      trial: t,
      params: { ...model.params },
      score: r.metrics[metric],
      metrics: r.metrics,
      fitSeconds,
      evalSeconds: r.seconds,
    };
    if (trial.score === undefined) throw new Error(`tune: metric ${metric} not computed`);
    trials.push(trial);
    if (!best || trial.score > best.score) best = trial;
    options.onTrial?.(trial, best);
  }
  if (!best) throw new Error('tune: no trials run');
  return { best, trials, metric };
}
