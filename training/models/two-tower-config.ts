/**
 * Hyperparameters of the two-tower network (two-tower.ts), with the reasons for each default.
 *
 * Defaults were picked on the ml-1m validation split (fit on train.txt, scored on valid.txt, full catalogue;
 * never on test) under a bound on training time of about two minutes on 2 shared cores. Trials, 12 epochs each,
 * recall@20 / ndcg@20 on valid (2026-11-30):
 *   lr 0.003, history dropout 0.1, constant lr ........ 0.2383 / 0.1959
 *   lr 0.01 ............................................ 0.2489 / 0.2012   (lr 0.02: 0.2414; l2 0: 0.2451; l2 1e-4: 0.2435)
 *   lr 0.01, dim 128, userHidden 256 ................... 0.2397 / 0.1925   (and 3× slower)
 *   lr 0.01, history dropout 0.3 ....................... 0.2498 / 0.2025
 *   … + linear decay to 10% (the defaults below) ....... 0.2549 / 0.2069
 *   … with 20 epochs ................................... 0.2578 / 0.2095   (+0.003 for 1.7× the time: kept 12)
 * For reference iALS's defaults reach 0.2657 recall@20 on the same split. `recgraph tune --model two-tower`
 * searches the space declared in training/eval/tune.ts.
 */
export const TWO_TOWER_DEFAULTS = {
  /** Width of every tower output (= exported vector dimension). */
  dim: 64,
  /** Hidden width of the user tower's residual MLP. */
  userHidden: 128,
  /** Passes over all training pairs (every pair is a target once per epoch). */
  epochs: 12,
  /** Users (each with a chunk of targets) per step. */
  batchUsers: 256,
  /**
   * Share of a user's history used as targets in one unit; the rest is the tower's input (the targets are
   * never in the input, so the model cannot learn "an item predicts itself"). 0.2 → each user yields ≈ 5 units
   * per epoch.
   */
  targetFraction: 0.2,
  /** Extra negatives per step sampled ∝ count^negativePower (popularity-based), on top of in-batch negatives. */
  sampledNegatives: 1024,
  negativePower: 0.75,
  /** Adam learning rate (sparse rows are updated lazily, only when a batch touches them). */
  learningRate: 0.01,
  /** Learning rate at the last step as a share of `learningRate` (linear decay; 1 = constant). */
  learningRateEnd: 0.1,
  /** L2 penalty on the embedding rows a step touches. */
  l2: 1e-5,
  /**
   * Probability of dropping an item's ID embedding in the item tower during training, so the gate learns to
   * lean on content; ignored when the model has no side/text features (nothing to fall back on).
   */
  idDropout: 0.25,
  /** Share of each input history dropped at random (denoising, as in Mult-DAE). */
  historyDropout: 0.3,
  /** Std-dev of the ID-embedding initialisation. */
  initScale: 0.1,
  /** Subtract log(inclusion probability) from every logit (Yi et al. 2019, "sampling-bias-corrected"). */
  logQ: true,
  seed: 42,
};

export type TwoTowerParams = typeof TWO_TOWER_DEFAULTS;
