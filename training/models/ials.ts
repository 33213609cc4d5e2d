/**
 * Implicit ALS (Hu, Koren & Volinsky 2008) with the conjugate-gradient solver of Takács et al. 2011 (as in
 * the `implicit` library): each half-iteration runs a few warm-started CG steps per row instead of an exact
 * dim³ solve, so a full pass costs O(nnz·dim + rows·dim²).
 *
 * Confidence c_ui = 1 + alpha·v_ui, preference 1 for observed pairs; every unobserved pair has weight 1.
 * Optional frequency-scaled regularisation (Rendle et al. 2021, "Revisiting the Performance of iALS"):
 * With ν > 0 the penalty is scale-free: λ_u = λ·(numItems + alpha·Σ_i v_ui)^ν, i.e. proportional to the row's
 * total confidence weight, so one λ suits catalogues of any size (symmetrically λ_i = λ·(numUsers + α·Σ_u v_ui)^ν).
 * ials-foldin.ts (shared with serving) writes the same thing as λ_eff·((numItems + α·Σv)/numItems)^ν; the
 * model passes λ_eff = λ·numItems^ν there (see foldInParams()).
 *
 * Exports: item vectors Y, user vectors X (score = x_u·y_i), the Gram matrix YᵀY for serving-time fold-in.
 */
import { type InteractionMatrix, transpose } from '../data/interactions.js';
import { noopProgress, type ProgressSink } from '../progress.js';
import { assertFitted, mergeParams, type DenseVectors, type Recommender } from './contract.js';
import { foldInUser, userRegularization, type IalsFoldInParams } from './ials-foldin.js';
import { gram } from './linalg/dense.js';
import { takeDataSync } from './linalg/gemm.js';
import { tensorflow } from './linalg/tf-backend.js';
import { Rng } from '../../src/random.js';
import { gatherRows, ItemVectorIndex, scoreAllItems } from './linalg/scoring.js';

/**
 * Defaults chosen on the ml-1m validation split (`recgraph tune`, fit on train, scored on valid; ~30 trials):
 * frequency-scaled regularisation (ν = 1) with a strong λ is what makes iALS competitive (Rendle et al. 2021):
 * recall@20 on valid 0.2657 vs 0.2281 for the classic (ν = 0, λ = 3, α = 4) setting.
 */
export const IALS_DEFAULTS = {
  factors: 128,
  iterations: 8,
  /** λ; with regExponent ν > 0 it multiplies (catalogue size + α·row weight)^ν (scale-free, see above). */
  regularization: 0.0125,
  alpha: 6,
  regExponent: 1,
  cgSteps: 3,
  /**
   * Density scaling s (0 = off): the fit uses λ·(ρ/ρ_ref)^s and α·(ρ_ref/ρ)^s, ρ the training density
   * (pairs / users·items). λ = 0.0125, α = 6 were chosen on ml-1m (ρ_ref = its train density 0.0273); on sparse
   * catalogues the same λ, α rank below popularity. Validation splits carved (seeded, 20 % per user) from
   * ml-1m-split and yelp2018-split train.txt (bench/ials-sparse-valid.ts, 3000 users, recall@20):
   * ml-1m (λ, α) = (0.0125, 6) 0.2343 · (0.0125, 30) 0.2259 · (0.003, 6) 0.2032 · (0.003, 30) 0.1964;
   * yelp2018 (0.0125, 6) 0.0158 (popularity 0.0161) · (0.0125, 30) 0.0697 · (0.003, 6) 0.0809 · (0.003, 30) 0.1032
   * · (0.001, 60) 0.1002. Both optima sit ≈ a factor √(ρ_ref/ρ) apart in λ and α (√26.6 ≈ 5.2): s = 1/2.
   */
  densityScaling: 0.5,
  referenceDensity: 0.0273,
  /** Std-dev of the random normal initialisation, divided by sqrt(factors). */
  initScale: 0.1,
  seed: 42,
};
export type IalsParams = typeof IALS_DEFAULTS;

export class IALS implements Recommender {
  readonly name = 'ials';
  /** After fit also the effective λ and α used (density scaling applied). */
  readonly params: IalsParams & { effectiveRegularization?: number; effectiveAlpha?: number };
  private effective = { regularization: IALS_DEFAULTS.regularization, alpha: IALS_DEFAULTS.alpha };
  private userFactors?: Float32Array;
  private itemFactors?: Float32Array;
  private numUsers = 0;
  private numItems = 0;
  private index?: ItemVectorIndex;

  constructor(params: Partial<IalsParams> = {}) {
    this.params = mergeParams('ials', IALS_DEFAULTS, params);
  }

  async fit(data: InteractionMatrix, progress: ProgressSink = noopProgress): Promise<void> {
    const { factors: d, iterations, seed, initScale, densityScaling, referenceDensity } = this.params;
    const density = data.indptr[data.numUsers] / Math.max(1, data.numUsers * data.numItems);
    const f = densityScaling > 0 && density > 0 ? (density / referenceDensity) ** densityScaling : 1;
    this.effective = { regularization: this.params.regularization * f, alpha: this.params.alpha / f };
    this.params.effectiveRegularization = this.effective.regularization;
    this.params.effectiveAlpha = this.effective.alpha;
    this.numUsers = data.numUsers;
    this.numItems = data.numItems;
    this.index?.dispose();
    this.index = undefined;
    const byItem = transpose(data);
    const rng = new Rng(seed);
    const scale = initScale / Math.sqrt(d);
    const x = new Float32Array(data.numUsers * d);
    const y = new Float32Array(data.numItems * d);
    for (let k = 0; k < y.length; k++) y[k] = rng.normal() * scale;
    // Users are solved first, so their random start only affects the first CG warm start.
    for (let k = 0; k < x.length; k++) x[k] = rng.normal() * scale;
    this.userFactors = x;
    this.itemFactors = y;

    progress.start(iterations, `ials d=${d}`);
    for (let it = 0; it < iterations; it++) {
      await this.halfStep(data, x, y, data.numItems);
      await this.halfStep(byItem, y, x, data.numUsers);
      progress.tick();
      // Yield to the event loop so progress bars / signals stay responsive during long fits.
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    // A final user pass against the final item factors: trained user vectors are then (up to CG accuracy) what
    // serving-time fold-in computes from the exported items, so known and folded-in users are ranked alike.
    await this.halfStep(data, x, y, data.numItems);
    progress.stop();
  }

  /**
   * One ALS half-step: updates every row of `rows` (rows × d) given the fixed `cols` factors, with `m` the
   * sparse matrix whose rows index `rows`. CG warm-started from the current rows, run for all rows in lock
   * step so the dense part of A·p — (YᵀY)p for every row — is one GEMM per CG step on the wasm backend; only
   * the sparse part Σ_i (c_ui − 1)(y_i·p) y_i runs in JS.
   */
  private async halfStep(m: InteractionMatrix, rows: Float32Array, cols: Float32Array, numCols: number): Promise<void> {
    const { factors: d, cgSteps, regExponent } = this.params;
    const { alpha, regularization } = this.effective;
    const n = m.numUsers;
    const tf = await tensorflow();
    const yty = tf.tensor2d(Float32Array.from(gram(cols, numCols, d)), [d, d]);
    const denseTimes = (v: Float32Array): Float32Array =>
      takeDataSync(tf.tidy(() => tf.matMul(tf.tensor2d(v, [n, d]), yty)));
    const regParams: IalsFoldInParams = {
      regularization: effectiveLambda(regularization, regExponent, numCols),
      alpha,
      regExponent,
      numItems: numCols,
    };
    const lambda = new Float64Array(n);
    for (let u = 0; u < n; u++) {
      let valueSum = 0;
      for (let q = m.indptr[u]; q < m.indptr[u + 1]; q++) valueSum += m.values[q];
      lambda[u] = userRegularization(regParams, valueSum);
    }
    const r = new Float32Array(n * d);
    const p = new Float32Array(n * d);
    const rsOld = new Float64Array(n);

    // r = b − A x with b = Σ c y:  r_u = −(YᵀY x_u) − λ_u x_u + Σ_i (c − (c − 1) y_i·x_u) y_i
    const ax = denseTimes(rows);
    for (let u = 0; u < n; u++) {
      const off = u * d;
      for (let k = 0; k < d; k++) r[off + k] = -ax[off + k] - lambda[u] * rows[off + k];
      sparseAccumulate(m, u, cols, rows, r, d, alpha, true);
      let rs = 0;
      for (let k = 0; k < d; k++) {
        p[off + k] = r[off + k];
        rs += r[off + k] * r[off + k];
      }
      rsOld[u] = rs;
    }
    for (let step = 0; step < cgSteps; step++) {
      const ap = denseTimes(p);
      for (let u = 0; u < n; u++) {
        if (rsOld[u] < 1e-20) continue;
        const off = u * d;
        for (let k = 0; k < d; k++) ap[off + k] += lambda[u] * p[off + k];
        sparseAccumulate(m, u, cols, p, ap, d, alpha, false);
        let pAp = 0;
        for (let k = 0; k < d; k++) pAp += p[off + k] * ap[off + k];
        const stepSize = rsOld[u] / pAp;
        let rsNew = 0;
        for (let k = 0; k < d; k++) {
          rows[off + k] += stepSize * p[off + k];
          const rk = (r[off + k] -= stepSize * ap[off + k]);
          rsNew += rk * rk;
        }
        const beta = rsNew / rsOld[u];
        for (let k = 0; k < d; k++) p[off + k] = r[off + k] + beta * p[off + k];
        rsOld[u] = rsNew;
      }
    }
    yty.dispose();
  }

  scoreUsers(users: Int32Array): Float32Array {
    const x = assertFitted(this.userFactors, this.name);
    this.index ??= new ItemVectorIndex(assertFitted(this.itemFactors, this.name), this.numItems, this.params.factors);
    return this.index.score(gatherRows(x, users, this.params.factors), users.length);
  }

  scoreHistory(items: Int32Array, values?: Float32Array): Float32Array {
    const xu = this.foldIn(items, values);
    return scoreAllItems(
      xu,
      Int32Array.of(0),
      assertFitted(this.itemFactors, this.name),
      this.numItems,
      this.params.factors,
    );
  }

  itemVectors(): DenseVectors {
    return { count: this.numItems, dim: this.params.factors, data: assertFitted(this.itemFactors, this.name) };
  }

  userVectors(): DenseVectors {
    return { count: this.numUsers, dim: this.params.factors, data: assertFitted(this.userFactors, this.name) };
  }

  /** YᵀY (dim × dim, row-major) — export it with the item vectors so serving can fold users in. */
  itemGram(): Float64Array {
    return gram(assertFitted(this.itemFactors, this.name), this.numItems, this.params.factors);
  }

  /** The parameters ials-foldin.ts needs, besides the Gram matrix and the item vectors. */
  foldInParams(): IalsFoldInParams {
    const { regExponent } = this.params;
    const { regularization, alpha } = this.effective;
    return {
      regularization: effectiveLambda(regularization, regExponent, this.numItems),
      alpha,
      regExponent,
      numItems: this.numItems,
    };
  }

  foldIn(items: Int32Array, values?: Float32Array): Float32Array {
    return foldInUser(this.itemGram(), this.itemVectors(), items, values, this.foldInParams());
  }

  /**
   * The full weighted objective (all user–item pairs, computed in O(nnz·d + users·d²) through YᵀY); used by
   * tests to check that training descends.
   */
  loss(data: InteractionMatrix): number {
    const x = assertFitted(this.userFactors, this.name);
    const y = assertFitted(this.itemFactors, this.name);
    const { factors: d, regExponent } = this.params;
    const { alpha, regularization } = this.effective;
    const yty = gram(y, this.numItems, d);
    let total = 0;
    for (let u = 0; u < data.numUsers; u++) {
      const off = u * d;
      let quad = 0;
      for (let a = 0; a < d; a++) {
        let s = 0;
        for (let b = 0; b < d; b++) s += yty[a * d + b] * x[off + b];
        quad += x[off + a] * s;
      }
      total += quad; // Σ_i (x·y_i)² over all items, i.e. the loss if nothing were observed
      let valueSum = 0;
      for (let q = data.indptr[u]; q < data.indptr[u + 1]; q++) {
        const c = 1 + alpha * data.values[q];
        valueSum += data.values[q];
        const io = data.indices[q] * d;
        let s = 0;
        for (let k = 0; k < d; k++) s += x[off + k] * y[io + k];
        total += c * (1 - s) * (1 - s) - s * s;
      }
      let norm = 0;
      for (let k = 0; k < d; k++) norm += x[off + k] * x[off + k];
      total += userRegularization(this.foldInParams(), valueSum) * norm;
    }
    const byItem = transpose(data);
    for (let i = 0; i < this.numItems; i++) {
      let valueSum = 0;
      for (let q = byItem.indptr[i]; q < byItem.indptr[i + 1]; q++) valueSum += byItem.values[q];
      const io = i * d;
      let norm = 0;
      for (let k = 0; k < d; k++) norm += y[io + k] * y[io + k];
      const itemParams = {
        regularization: effectiveLambda(regularization, regExponent, this.numUsers),
        alpha,
        regExponent,
        numItems: this.numUsers,
      };
      total += userRegularization(itemParams, valueSum) * norm;
    }
    return total;
  }
}

/**
 * The sparse part of A·v for row u, added into out[u]:  Σ_i w_i y_i  with, for the product,
 * w_i = (c_ui − 1)(y_i·v_u) and, for the initial residual (`residual`), w_i = c_ui − (c_ui − 1)(y_i·v_u)
 * (which folds in b = Σ c y). Unrolled by 4: V8 does not vectorise, and this loop is most of the fit time.
 */
function sparseAccumulate(
  m: InteractionMatrix,
  u: number,
  cols: Float32Array,
  v: Float32Array,
  out: Float32Array,
  d: number,
  alpha: number,
  residual: boolean,
): void {
  const off = u * d;
  const d4 = d & ~3;
  for (let q = m.indptr[u]; q < m.indptr[u + 1]; q++) {
    const c1 = alpha * m.values[q];
    const io = m.indices[q] * d;
    let a0 = 0;
    let a1 = 0;
    let a2 = 0;
    let a3 = 0;
    let k = 0;
    for (; k < d4; k += 4) {
      a0 += cols[io + k] * v[off + k];
      a1 += cols[io + k + 1] * v[off + k + 1];
      a2 += cols[io + k + 2] * v[off + k + 2];
      a3 += cols[io + k + 3] * v[off + k + 3];
    }
    for (; k < d; k++) a0 += cols[io + k] * v[off + k];
    const yv = a0 + a1 + a2 + a3;
    const w = residual ? 1 + c1 - c1 * yv : c1 * yv;
    k = 0;
    for (; k < d4; k += 4) {
      out[off + k] += w * cols[io + k];
      out[off + k + 1] += w * cols[io + k + 1];
      out[off + k + 2] += w * cols[io + k + 2];
      out[off + k + 3] += w * cols[io + k + 3];
    }
    for (; k < d; k++) out[off + k] += w * cols[io + k];
  }
}

/** λ_eff for ials-foldin.ts's normalised form, so that λ_eff·((n + αS)/n)^ν = λ·(n + αS)^ν. */
function effectiveLambda(lambda: number, regExponent: number, n: number): number {
  return regExponent === 0 ? lambda : lambda * Math.pow(n, regExponent);
}

/** The iALS settings a composite model carries under `ials*` keys (ials-lowpass-blend.ts, ials-gfcf-rerank.ts). */
export interface PrefixedIalsParams {
  ialsFactors: number;
  ialsIterations: number;
  ialsRegularization: number;
  ialsAlpha: number;
  ialsRegExponent: number;
}

export function ialsFromPrefixed(p: PrefixedIalsParams): IALS {
  return new IALS({
    factors: p.ialsFactors,
    iterations: p.ialsIterations,
    regularization: p.ialsRegularization,
    alpha: p.ialsAlpha,
    regExponent: p.ialsRegExponent,
  });
}
