/**
 * The two-stage pipeline that was the default before serving existed ("twostage" in the registry): kept as an
 * offline reference, because its reranker (the full GF-CF blend) cannot be served per request — GF-CF's
 * item-item filter is items² floats. ials-lowpass-blend.ts (the served default) keeps the part of it that carries the
 * gain, the low-pass term, as a second block of the retrieval vectors; bench/rerank-variants.ts and
 * bench/lowpass-variants.ts hold the measurements behind that choice.
 *
 *
 *   1. retrieval: top-`candidates` items by dot product between user and item vectors (Qdrant in production;
 *      exact search offline). Vectors come from iALS (new users: exact fold-in, ials-foldin.ts) or, optionally,
 *      GF-CF's ideal low-pass filter (a user vector is a plain sum of per-item basis rows: no solve at all).
 *   2. rerank: a blend of iALS (factors), GF-CF (graph filter) and optionally EASE (item-item), each divided by
 *      its global score scale (see blend.ts). The components see different structure and their errors are
 *      weakly correlated, which is where the gain over the best single model comes from.
 *
 * Defaults were chosen on the ml-1m validation split (fit on train, score on valid), never on test.
 * EASE needs a dense items² inverse: above its maxItems the blend runs without it (GF-CF then uses its sparse
 * item-item term), so the pipeline still scales to large catalogues.
 */
import type { InteractionMatrix } from '../data/interactions.js';
import type { ProgressSink } from '../progress.js';
import { Blend, type BlendComponent } from './blend.js';
import { mergeParams, type Recommender } from './contract.js';
import { EASE, EASE_DEFAULTS } from './ease.js';
import { GFCF, GFCF_DEFAULTS } from './gfcf.js';
import { IALS_DEFAULTS, ialsFromPrefixed } from './ials.js';
import { DotProductScorer, TwoStage } from './two-stage.js';

export const TWO_STAGE_DEFAULTS = {
  /**
   * Which stages run — to measure what each adds: "both" (the served pipeline), "retrieval" (rank by the
   * retriever's dot products alone), "rerank" (the blend over the full catalogue, no retrieval cut).
   */
  stage: 'both',
  /** Candidates retrieved per user before reranking. */
  candidates: 300,
  /** Which model's vectors feed retrieval: "ials" or "gfcf". */
  retriever: 'ials',
  /**
   * Blend weights (on globally scaled scores). Chosen on ml-1m valid: iALS 1 + GF-CF 0.5 gave recall@20 0.2691
   * vs 0.2652 for iALS alone; adding EASE (0.5 or 1) or user-kNN did not help, so EASE is off by default —
   * which also keeps the pipeline free of the dense items² inverse on large catalogues.
   */
  easeWeight: 0,
  gfcfWeight: 0.5,
  ialsWeight: 1,
  easeLambda: EASE_DEFAULTS.lambda,
  ialsFactors: IALS_DEFAULTS.factors,
  ialsIterations: IALS_DEFAULTS.iterations,
  ialsRegularization: IALS_DEFAULTS.regularization,
  ialsAlpha: IALS_DEFAULTS.alpha,
  ialsRegExponent: IALS_DEFAULTS.regExponent,
  gfcfSvdDims: GFCF_DEFAULTS.svdDims,
  gfcfAlpha: GFCF_DEFAULTS.alpha,
};
export type TwoStageParams = typeof TWO_STAGE_DEFAULTS;

/**
 * The pipeline as one Recommender. The blend is built at fit time because whether EASE takes part depends on
 * the catalogue size.
 */
export class IalsGfcfRerank implements Recommender {
  readonly name: string;
  readonly params: TwoStageParams;
  private inner?: TwoStage;

  constructor(params: Partial<TwoStageParams> = {}) {
    this.params = mergeParams('twostage', TWO_STAGE_DEFAULTS, params);
    if (this.params.retriever !== 'gfcf' && this.params.retriever !== 'ials') {
      throw new Error(`twostage: retriever must be "gfcf" or "ials", got "${this.params.retriever}"`);
    }
    if (!['both', 'retrieval', 'rerank'].includes(this.params.stage)) {
      throw new Error(`twostage: stage must be "both", "retrieval" or "rerank", got "${this.params.stage}"`);
    }
    this.name = this.params.stage === 'both' ? 'twostage' : `twostage/${this.params.stage}`;
  }

  async fit(data: InteractionMatrix, progress?: ProgressSink): Promise<void> {
    const p = this.params;
    const gfcf = new GFCF({ svdDims: p.gfcfSvdDims, alpha: p.gfcfAlpha });
    const ials = ialsFromPrefixed(p);
    const components: BlendComponent[] = [
      { model: gfcf, weight: p.gfcfWeight },
      { model: ials, weight: p.ialsWeight },
    ];
    if (data.numItems <= EASE_DEFAULTS.maxItems && p.easeWeight > 0) {
      components.unshift({ model: new EASE({ lambda: p.easeLambda }), weight: p.easeWeight });
    }
    // Zero-weight components stay in: the retriever is fitted through the blend either way.
    const retriever = p.retriever === 'gfcf' ? gfcf : ials;
    // stage=retrieval: the "reranker" is the retriever's dot product, so the order is the retrieval order.
    const reranker = p.stage === 'retrieval' ? new DotProductScorer(retriever) : new Blend(components);
    const candidates = p.stage === 'rerank' ? data.numItems : p.candidates;
    this.inner = new TwoStage(retriever, reranker, candidates);
    await this.inner.fit(data, progress);
  }

  private get pipeline(): TwoStage {
    if (!this.inner) throw new Error('twostage: call fit() first');
    return this.inner;
  }

  /** Reranker scores for retrieved candidates, −∞ elsewhere (see two-stage.ts). */
  scoreUsers(users: Int32Array): Float32Array {
    return this.pipeline.scoreUsers(users);
  }

  /** The reranking blend over a history (for serving-side rerank of candidates). */
  scoreHistory(items: Int32Array, values?: Float32Array): Float32Array {
    const r = this.pipeline.reranker;
    if (!r.scoreHistory) throw new Error(`${this.name}: the ${r.name} stage cannot score a history`);
    return r.scoreHistory(items, values);
  }

  /** The retrieval stage's vectors (what goes into Qdrant). */
  itemVectors() {
    return this.pipeline.retriever.itemVectors!();
  }

  userVectors() {
    return this.pipeline.retriever.userVectors!();
  }

  foldIn(items: Int32Array, values?: Float32Array): Float32Array {
    return this.pipeline.retriever.foldIn!(items, values);
  }

  /** The fitted stages, for exporters: retriever vectors → Qdrant, blend components → reranker artifacts. */
  stages(): { retriever: Recommender; reranker: Recommender; candidates: number } {
    const p = this.pipeline;
    return { retriever: p.retriever, reranker: p.reranker, candidates: p.candidates };
  }

  /** Dot products of the exported vectors rank retrieval candidates only, not the final order. */
  readonly vectorsScoreExactly = false;
}
