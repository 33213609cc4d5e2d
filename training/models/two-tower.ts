/**
 * Two-tower retrieval network in TensorFlow.js (wasm backend), as in the YouTube / Google retrieval papers
 * (Covington et al. 2016; Yi et al. 2019; Yang et al. 2020 "mixed negative sampling").
 *
 * Item tower:  e_i = ID embedding (zero when dropped or when the item had no training events)
 *              c_i = Σ_fields mean(token embeddings) + W_t·text_i + b_c          (only when features are given)
 *              g_i = σ(W_ge·e_i + W_gc·c_i + b_g)                                  (a learned per-dimension gate)
 *              item_i = g_i ⊙ e_i + (1 − g_i) ⊙ c_i        — or just e_i for id-only data (split files)
 *   ID dropout (prob `idDropout` per candidate and step) trains the content path to stand in for the ID, so
 *   an item with no events (cold) still gets a useful vector from its features.
 * User tower:  p_u = weighted mean of the ID embeddings of the user's history (the item tower's table),
 *              user_u = p_u + W_2·relu(W_1·p_u + b_1) + b_2      — so any history, also of a user unseen at
 *              training time, maps to a vector (foldIn).
 * Score:       user_u · item_i (what Qdrant retrieves; the exported vectors reproduce scoreUsers exactly).
 *
 * Training. A "unit" is a user with a chunk of ≈ targetFraction of their history as targets and the rest
 * (minus `historyDropout`) as input, so targets never appear in their own input; every training pair is a target
 * once per epoch. Per step, the candidates are the batch's targets (in-batch negatives for the other users) plus
 * `sampledNegatives` items drawn ∝ count^negativePower. Loss per (user, target): sampled softmax
 * softplus(logsumexp(negatives) − logit_target), where the user's own positives are masked out of the negatives
 * and every logit is corrected by −log π_i, π_i = the probability that item i is among the step's candidates
 * (logQ correction), which makes the sampled softmax an estimate of the full one instead of one biased against
 * popular items.
 *
 * Where the work runs: tfjs does the dense maths and its gradients (towers, logits, loss); the embedding tables
 * live in JS typed arrays, are gathered / pooled in JS and updated with lazy Adam on the rows a step touched.
 * That sidesteps tf.gather's gradient (UnsortedSegmentSum is missing on wasm) and full-table optimizer steps.
 */
import type * as tfTypes from '@tensorflow/tfjs';
import { itemDegrees, type InteractionMatrix } from '../data/interactions.js';
import { noopProgress, type ProgressSink } from '../progress.js';
import { assertFitted, mergeParams, type DenseVectors, type Recommender } from './contract.js';
import { AdamTable } from './linalg/adam.js';
import { tensorflow, tensorflowIfReady } from './linalg/tf-backend.js';
import { Rng } from '../../src/random.js';
import { gatherRows, ItemVectorIndex, scoreAllItems } from './linalg/scoring.js';
import { TWO_TOWER_DEFAULTS, type TwoTowerParams } from './two-tower-config.js';
import { sampledSoftmaxLoss } from './two-tower-loss.js';
import { compileFeatures, type CompiledFeatures, type ItemSideFeatures } from './two-tower-features.js';

export { TWO_TOWER_DEFAULTS, type TwoTowerParams } from './two-tower-config.js';

type TF = typeof tfTypes;
type Tensor = tfTypes.Tensor;

/** The dense (non-embedding) weights: the user tower's, then the content tower's. */
type WeightName = 'w1' | 'b1' | 'w2' | 'b2' | 'wt' | 'bc' | 'wge' | 'wgc' | 'bg';
type WeightTensors = Partial<Record<WeightName, Tensor>>;

export interface TrainingCurvePoint {
  epoch: number;
  /** Mean sampled-softmax loss per target pair over the epoch. */
  loss: number;
  seconds: number;
}

export class TwoTower implements Recommender {
  readonly name = 'two-tower';
  readonly params: TwoTowerParams;
  /** Loss per epoch of the last fit (for reports and tests). */
  trainingCurve: TrainingCurvePoint[] = [];

  private features?: CompiledFeatures;
  private numItems = 0;
  private numUsers = 0;
  private idTable?: Float32Array;
  /** Token (side feature) embeddings, vocabulary × dim; undefined without categorical features. */
  private tokenTable?: Float32Array;
  private dense = new Map<WeightName, { data: Float32Array; shape: number[] }>();
  private itemVecs?: Float32Array;
  private userVecs?: Float32Array;
  private index?: ItemVectorIndex;

  /**
   * @param sideFeatures optional item features (categorical tokens and/or text vectors, indexed by dense item
   *   id); without them the item tower is the ID embedding alone.
   */
  constructor(
    params: Partial<TwoTowerParams> = {},
    private readonly sideFeatures?: ItemSideFeatures,
  ) {
    this.params = mergeParams('two-tower', TWO_TOWER_DEFAULTS, params);
    const p = this.params;
    for (const key of ['dim', 'userHidden', 'epochs', 'batchUsers'] as const) {
      if (!(Number.isInteger(p[key]) && p[key] >= 1)) throw new Error(`two-tower: ${key} must be a positive integer`);
    }
    for (const key of ['idDropout', 'historyDropout'] as const) {
      if (!(p[key] >= 0 && p[key] < 1)) throw new Error(`two-tower: ${key} must be in [0, 1)`);
    }
    if (!(p.targetFraction > 0 && p.targetFraction < 1)) throw new Error('two-tower: targetFraction must be in (0, 1)');
    if (!(p.learningRate > 0)) throw new Error('two-tower: learningRate must be > 0');
    if (!(p.learningRateEnd > 0 && p.learningRateEnd <= 1))
      throw new Error('two-tower: learningRateEnd must be in (0, 1]');
    if (!(Number.isInteger(p.sampledNegatives) && p.sampledNegatives >= 0))
      throw new Error('two-tower: sampledNegatives must be an integer ≥ 0');
  }

  /** True when the item tower has a content path (side tokens and/or text). */
  get hasContent(): boolean {
    return this.features !== undefined;
  }

  async fit(data: InteractionMatrix, progress: ProgressSink = noopProgress): Promise<void> {
    const tf = await tensorflow();
    const p = this.params;
    const d = p.dim;
    const rng = new Rng(p.seed);
    this.numItems = data.numItems;
    this.numUsers = data.numUsers;
    this.index?.dispose();
    this.index = undefined;
    this.trainingCurve = [];
    const features = (this.features = compileFeatures(this.sideFeatures, data.numItems));

    const counts = itemDegrees(data);
    const total = data.indptr[data.numUsers];
    if (total === 0) throw new Error('two-tower: no interactions to train on');

    // Parameters. ID rows of items without events stay zero: they are never trained, and such items are served
    // through the content path exactly like an ID-dropped item.
    const idTable = new Float32Array(data.numItems * d);
    for (let i = 0; i < data.numItems; i++) {
      if (counts[i] === 0) continue;
      for (let k = 0; k < d; k++) idTable[i * d + k] = rng.normal() * p.initScale;
    }
    this.idTable = idTable;
    const ids = new AdamTable(idTable, data.numItems, d, p.l2);
    // Token rows start at zero: their gradient does not depend on their value, and tokens no trained item
    // carries then add nothing instead of noise.
    const tokens =
      features && features.vocabulary.length > 0
        ? new AdamTable(new Float32Array(features.vocabulary.length * d), features.vocabulary.length, d, p.l2)
        : undefined;
    this.tokenTable = tokens?.weights;
    this.dense = new Map();
    const h = p.userHidden;
    const init = (name: WeightName, shape: number[], scale: number) => {
      const size = shape.reduce((a, b) => a * b, 1);
      const w = new Float32Array(size);
      if (scale > 0) for (let k = 0; k < size; k++) w[k] = rng.normal() * scale;
      this.dense.set(name, { data: w, shape });
    };
    init('w1', [d, h], Math.sqrt(2 / d));
    init('b1', [h], 0);
    init('w2', [h, d], 0.1 / Math.sqrt(h));
    init('b2', [d], 0);
    const textDim = features?.text?.dim ?? 0;
    if (features) {
      if (textDim > 0) init('wt', [textDim, d], p.initScale);
      init('bc', [d], 0);
      init('wge', [d, d], 0);
      init('wgc', [d, d], 0);
      init('bg', [d], 0);
    }
    const denseNames = [...this.dense.keys()];
    const denseTables = new Map(
      denseNames.map((n) => [n, new AdamTable(this.dense.get(n)!.data, 1, this.dense.get(n)!.data.length)]),
    );

    // Samplers: negatives ∝ count^β; the probability that a target pair is item i is count_i / total.
    const negWeight = new Float64Array(data.numItems);
    let negSum = 0;
    for (let i = 0; i < data.numItems; i++)
      negSum += negWeight[i] = counts[i] > 0 ? Math.pow(counts[i], p.negativePower) : 0;
    const negCdf = new Float64Array(data.numItems);
    let acc = 0;
    for (let i = 0; i < data.numItems; i++) negCdf[i] = acc += negWeight[i] / negSum;
    const sampleNegative = () => {
      const x = rng.next() * acc;
      let lo = 0;
      let hi = data.numItems - 1;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (negCdf[mid] <= x) lo = mid + 1;
        else hi = mid;
      }
      return lo;
    };

    // Units: (user, chunk of their shuffled history) — rebuilt every epoch with a fresh shuffle.
    const perm = new Int32Array(total);
    const unitUser: number[] = [];
    const unitLo: number[] = [];
    const unitHi: number[] = [];
    const buildUnits = () => {
      unitUser.length = unitLo.length = unitHi.length = 0;
      for (let u = 0; u < data.numUsers; u++) {
        const lo = data.indptr[u];
        const hi = data.indptr[u + 1];
        const n = hi - lo;
        if (n === 0) continue;
        for (let q = lo; q < hi; q++) perm[q] = q;
        rng.shuffle(perm.subarray(lo, hi));
        const chunk = Math.max(1, Math.round(p.targetFraction * n));
        for (let s = lo; s < hi; s += chunk) {
          unitUser.push(u);
          unitLo.push(s);
          unitHi.push(Math.min(hi, s + chunk));
        }
      }
      const order = rng.shuffle(Int32Array.from(unitUser.keys()));
      return order;
    };
    buildUnits(); // sizes only, for the progress total
    const stepsPerEpoch = Math.ceil(unitUser.length / p.batchUsers);

    // Per-step scratch.
    const slotOf = new Int32Array(data.numItems).fill(-1);
    const isTarget = new Uint8Array(total);
    const B = p.batchUsers;
    const pooled = new Float32Array(B * d);
    const inputItems: number[] = [];
    const inputWeights: number[] = [];
    const inputPtr = new Int32Array(B + 1);
    const positiveSlots: number[] = [];
    const targetSlots: number[] = [];
    const positivePtr = new Int32Array(B + 1);
    const targetPtr = new Int32Array(B + 1);
    let scratchMask = new Uint8Array(1024);
    const dotTransposed = transposedDot(tf);

    progress.start(p.epochs * stepsPerEpoch, `two-tower d=${d}${features ? '+content' : ''}`);
    let t = 0;
    const t0 = performance.now();
    for (let epoch = 0; epoch < p.epochs; epoch++) {
      const order = buildUnits();
      let lossSum = 0;
      let pairSum = 0;
      for (let start = 0; start < order.length; start += B) {
        const batch = order.subarray(start, Math.min(order.length, start + B));
        const nb = batch.length;

        // Candidates: targets (in-batch) ∪ sampled negatives, deduplicated.
        const cand: number[] = [];
        let numTargets = 0;
        for (const unit of batch) {
          for (let q = unitLo[unit]; q < unitHi[unit]; q++) {
            const item = data.indices[perm[q]];
            numTargets++;
            if (slotOf[item] < 0) {
              slotOf[item] = cand.length;
              cand.push(item);
            }
          }
        }
        for (let s = 0; s < p.sampledNegatives; s++) {
          const item = sampleNegative();
          if (slotOf[item] < 0) {
            slotOf[item] = cand.length;
            cand.push(item);
          }
        }
        const K = cand.length;

        // Item-tower inputs: ID rows (zero when dropped / cold), pooled side tokens, text rows; logQ.
        const candIds = new Float32Array(K * d);
        const dropped = new Uint8Array(K);
        const candSide = features ? new Float32Array(K * d) : undefined;
        const candText = textDim > 0 ? new Float32Array(K * textDim) : undefined;
        const logQ = new Float32Array(K);
        for (let k = 0; k < K; k++) {
          const item = cand[k];
          dropped[k] = counts[item] === 0 || (features !== undefined && rng.next() < p.idDropout) ? 1 : 0;
          if (!dropped[k]) candIds.set(idTable.subarray(item * d, (item + 1) * d), k * d);
          if (candSide && tokens) addTokens(features!, tokens.weights, item, candSide, k * d, d);
          if (candText) candText.set(features!.text!.data.subarray(item * textDim, (item + 1) * textDim), k * textDim);
          if (p.logQ) {
            const expected = (numTargets * counts[item]) / total + p.sampledNegatives * (negWeight[item] / negSum);
            logQ[k] = Math.log(Math.max(-Math.expm1(-expected), 1e-12));
          }
        }

        // User-tower inputs: weighted mean of the input history's ID rows. Per row, the candidates that are the
        // user's positives (masked from the negatives) and the row's targets.
        pooled.fill(0, 0, nb * d);
        inputItems.length = inputWeights.length = 0;
        positiveSlots.length = targetSlots.length = 0;
        for (let b = 0; b < nb; b++) {
          const unit = batch[b];
          const u = unitUser[unit];
          // Marked per unit: a user may have two units (chunks) in one batch, each with its own targets.
          for (let q = unitLo[unit]; q < unitHi[unit]; q++) isTarget[perm[q]] = 1;
          let wsum = 0;
          const first = inputItems.length;
          for (let q = data.indptr[u]; q < data.indptr[u + 1]; q++) {
            const item = data.indices[q];
            const slot = slotOf[item];
            if (slot >= 0) {
              positiveSlots.push(slot);
              if (isTarget[q]) targetSlots.push(slot);
            }
            if (isTarget[q] || (p.historyDropout > 0 && rng.next() < p.historyDropout)) continue;
            inputItems.push(item);
            inputWeights.push(data.values[q]);
            wsum += data.values[q];
          }
          for (let n = first; n < inputItems.length; n++) {
            const w = (inputWeights[n] /= wsum);
            const io = inputItems[n] * d;
            for (let k = 0; k < d; k++) pooled[b * d + k] += w * idTable[io + k];
          }
          inputPtr[b + 1] = inputItems.length;
          positivePtr[b + 1] = positiveSlots.length;
          targetPtr[b + 1] = targetSlots.length;
          for (let q = unitLo[unit]; q < unitHi[unit]; q++) isTarget[perm[q]] = 0;
        }

        // Forward in tfjs → logits; loss and dLoss/dlogits in JS; backward in tfjs from that upstream gradient.
        const P = tf.tensor2d(pooled.subarray(0, nb * d), [nb, d]);
        const E = tf.tensor2d(candIds, [K, d]);
        const S = candSide ? tf.tensor2d(candSide, [K, d]) : undefined;
        const T = candText ? tf.tensor2d(candText, [K, textDim]) : undefined;
        const args: Tensor[] = [P, E, ...(S ? [S] : []), ...denseNames.map((n) => tensorOf(tf, this.dense.get(n)!))];
        const logitsOf = (...xs: Tensor[]): Tensor => {
          let a = 0;
          const uP = xs[a++];
          const iE = xs[a++];
          const iS = S ? xs[a++] : undefined;
          const w: WeightTensors = {};
          for (const n of denseNames) w[n] = xs[a++];
          return dotTransposed(userTower(tf, uP, w), itemTower(tf, iE, iS, T, w));
        };
        // One forward pass: inside the taped function the logits are read back, the loss and its gradient are
        // computed in JS, and Σ logits ⊙ G (G held constant) is returned, whose gradient is G backpropagated.
        if (scratchMask.length < K) scratchMask = new Uint8Array(K * 2);
        const rows = {
          positivePtr,
          positiveSlots: Int32Array.from(positiveSlots),
          targetPtr,
          targetSlots: Int32Array.from(targetSlots),
        };
        let loss = 0;
        const gradTensors = tf.tidy(() =>
          tf.grads((...xs: Tensor[]) => {
            const logits = logitsOf(...xs);
            const gradLogits = new Float32Array(nb * K);
            loss = sampledSoftmaxLoss(logits.dataSync() as Float32Array, nb, K, logQ, rows, gradLogits, scratchMask);
            return tf.sum(tf.mul(logits, tf.tensor2d(gradLogits, [nb, K])));
          })(args),
        );
        const grads = await Promise.all(gradTensors.map((g) => g.data() as Promise<Float32Array>));
        gradTensors.forEach((g) => g.dispose());
        args.forEach((a) => a.dispose());
        T?.dispose();

        // Scatter gradients into the tables and step.
        let gi = 0;
        const gP = grads[gi++];
        const gE = grads[gi++];
        const gS = candSide ? grads[gi++] : undefined;
        for (let b = 0; b < nb; b++) {
          for (let n = inputPtr[b]; n < inputPtr[b + 1]; n++) ids.addRow(inputItems[n], gP, b * d, inputWeights[n]);
        }
        for (let k = 0; k < K; k++) {
          if (!dropped[k]) ids.addRow(cand[k], gE, k * d);
          if (gS && tokens) {
            const item = cand[k];
            for (let q = features!.ptr[item]; q < features!.ptr[item + 1]; q++)
              tokens.addRow(features!.tokenIds[q], gS, k * d, features!.tokenWeights[q]);
          }
        }
        t++;
        const lr =
          p.learningRate * (1 - (1 - p.learningRateEnd) * ((t - 1) / Math.max(1, p.epochs * stepsPerEpoch - 1)));
        ids.step(t, lr);
        tokens?.step(t, lr);
        for (const n of denseNames) {
          const table = denseTables.get(n)!;
          table.setDense(grads[gi++]);
          table.step(t, lr);
        }
        for (const item of cand) slotOf[item] = -1;

        if (!Number.isFinite(loss))
          throw new Error(`two-tower: loss became ${loss} at epoch ${epoch + 1}; lower learningRate`);
        lossSum += loss * numTargets;
        pairSum += numTargets;
        progress.tick();
        if (t % 8 === 0) await new Promise<void>((resolve) => setImmediate(resolve));
      }
      this.trainingCurve.push({ epoch: epoch + 1, loss: lossSum / pairSum, seconds: (performance.now() - t0) / 1000 });
    }
    progress.stop();

    this.itemVecs = this.computeItemVectors(tf, counts);
    const userVecs = new Float32Array(data.numUsers * d);
    const block = 1024;
    for (let u0 = 0; u0 < data.numUsers; u0 += block) {
      const u1 = Math.min(data.numUsers, u0 + block);
      const pool = new Float32Array((u1 - u0) * d);
      for (let u = u0; u < u1; u++) {
        poolHistory(
          idTable,
          d,
          data.indices.subarray(data.indptr[u], data.indptr[u + 1]),
          data.values.subarray(data.indptr[u], data.indptr[u + 1]),
          pool,
          (u - u0) * d,
        );
      }
      userVecs.set(this.runUserTower(tf, pool, u1 - u0), u0 * d);
    }
    this.userVecs = userVecs;
  }

  /** Item tower over the whole catalogue (no dropout); items without training events use content only. */
  private computeItemVectors(tf: TF, counts: Float64Array): Float32Array {
    const d = this.params.dim;
    const idTable = assertFitted(this.idTable, this.name);
    const features = this.features;
    const textDim = features?.text?.dim ?? 0;
    const out = new Float32Array(this.numItems * d);
    const tokenWeights = this.tokenTable;
    const block = 4096;
    for (let i0 = 0; i0 < this.numItems; i0 += block) {
      const i1 = Math.min(this.numItems, i0 + block);
      const n = i1 - i0;
      const e = new Float32Array(n * d);
      const s = features ? new Float32Array(n * d) : undefined;
      for (let i = i0; i < i1; i++) {
        if (counts[i] > 0) e.set(idTable.subarray(i * d, (i + 1) * d), (i - i0) * d);
        if (s && tokenWeights) addTokens(features!, tokenWeights, i, s, (i - i0) * d, d);
      }
      const vecs = tf.tidy(() => {
        const w = this.weightTensors(tf);
        const T =
          textDim > 0
            ? tf.tensor2d(features!.text!.data.subarray(i0 * textDim, i1 * textDim), [n, textDim])
            : undefined;
        return itemTower(tf, tf.tensor2d(e, [n, d]), s ? tf.tensor2d(s, [n, d]) : undefined, T, w);
      });
      out.set(vecs.dataSync() as Float32Array, i0 * d);
      vecs.dispose();
    }
    return out;
  }

  private weightTensors(tf: TF): WeightTensors {
    const w: WeightTensors = {};
    for (const [n, v] of this.dense) w[n] = tensorOf(tf, v);
    return w;
  }

  private runUserTower(tf: TF, pooledRows: Float32Array, n: number): Float32Array {
    const d = this.params.dim;
    const t = tf.tidy(() => userTower(tf, tf.tensor2d(pooledRows, [n, d]), this.weightTensors(tf)));
    const out = t.dataSync() as Float32Array;
    t.dispose();
    return out;
  }

  scoreUsers(users: Int32Array): Float32Array {
    const x = assertFitted(this.userVecs, this.name);
    for (const u of users)
      if (!(u >= 0 && u < this.numUsers)) throw new Error(`two-tower: user ${u} outside [0, ${this.numUsers})`);
    this.index ??= new ItemVectorIndex(assertFitted(this.itemVecs, this.name), this.numItems, this.params.dim);
    return this.index.score(gatherRows(x, users, this.params.dim), users.length);
  }

  scoreHistory(items: Int32Array, values?: Float32Array): Float32Array {
    const xu = this.foldIn(items, values);
    return scoreAllItems(xu, Int32Array.of(0), assertFitted(this.itemVecs, this.name), this.numItems, this.params.dim);
  }

  /** The user tower applied to any history (a user unseen at training time, or fresh events). */
  foldIn(items: Int32Array, values?: Float32Array): Float32Array {
    const idTable = assertFitted(this.idTable, this.name);
    if (values && values.length !== items.length)
      throw new Error('two-tower: foldIn values and items differ in length');
    for (const i of items)
      if (!(i >= 0 && i < this.numItems)) throw new Error(`two-tower: item ${i} outside [0, ${this.numItems})`);
    const tf = tensorflowIfReady();
    if (!tf) throw new Error('two-tower: call fit() first');
    const d = this.params.dim;
    const pool = new Float32Array(d);
    poolHistory(idTable, d, items, values, pool, 0);
    return this.runUserTower(tf, pool, 1);
  }

  itemVectors(): DenseVectors {
    return { count: this.numItems, dim: this.params.dim, data: assertFitted(this.itemVecs, this.name) };
  }

  userVectors(): DenseVectors {
    return { count: this.numUsers, dim: this.params.dim, data: assertFitted(this.userVecs, this.name) };
  }
}

/**
 * user · itemᵀ with a hand-written gradient: tfjs-wasm's matMul with a transpose flag (what autodiff emits for
 * both gradients) runs an order of magnitude slower than transposing the small d-wide operand explicitly.
 */
function transposedDot(tf: TF): (user: Tensor, item: Tensor) => Tensor {
  return tf.customGrad((...xs: (Tensor | tfTypes.GradSaveFunc)[]) => {
    const [user, item, save] = xs as [Tensor, Tensor, tfTypes.GradSaveFunc];
    save([user, item]);
    return {
      value: tf.matMul(user as tfTypes.Tensor2D, (item as tfTypes.Tensor2D).transpose()),
      gradFunc: (dy, saved) => {
        const [u, i] = saved as tfTypes.Tensor2D[];
        const g = dy as tfTypes.Tensor2D;
        return [tf.matMul(g, i), tf.matMul(u.transpose(), g).transpose()];
      },
    };
  }) as (user: Tensor, item: Tensor) => Tensor;
}

function tensorOf(tf: TF, v: { data: Float32Array; shape: number[] }): Tensor {
  return tf.tensor(v.data, v.shape);
}

function userTower(tf: TF, pooled: Tensor, w: WeightTensors): Tensor {
  const hidden = tf.relu(tf.matMul(pooled as tfTypes.Tensor2D, w.w1! as tfTypes.Tensor2D).add(w.b1!));
  return pooled.add(tf.matMul(hidden as tfTypes.Tensor2D, w.w2! as tfTypes.Tensor2D)).add(w.b2!);
}

function itemTower(tf: TF, ids: Tensor, side: Tensor | undefined, text: Tensor | undefined, w: WeightTensors): Tensor {
  if (!w.bc) return ids;
  let content: Tensor = side ? side.add(w.bc) : w.bc.reshape([1, -1]);
  if (text && w.wt) content = content.add(tf.matMul(text as tfTypes.Tensor2D, w.wt as tfTypes.Tensor2D));
  if (content.shape[0] !== ids.shape[0]) content = content.tile([ids.shape[0] as number, 1]);
  const gate = tf.sigmoid(
    tf
      .matMul(ids as tfTypes.Tensor2D, w.wge! as tfTypes.Tensor2D)
      .add(tf.matMul(content as tfTypes.Tensor2D, w.wgc! as tfTypes.Tensor2D))
      .add(w.bg!),
  );
  return gate.mul(ids).add(tf.scalar(1).sub(gate).mul(content));
}

/** out[off..off+d) = Σ weight·token embedding over the item's tokens (each field already a mean). */
function addTokens(
  features: CompiledFeatures,
  table: Float32Array,
  item: number,
  out: Float32Array,
  off: number,
  d: number,
): void {
  for (let q = features.ptr[item]; q < features.ptr[item + 1]; q++) {
    const w = features.tokenWeights[q];
    const to = features.tokenIds[q] * d;
    for (let k = 0; k < d; k++) out[off + k] += w * table[to + k];
  }
}

/** Weighted mean of the ID rows of a history into out[off..off+d) (zeros for an empty history). */
function poolHistory(
  idTable: Float32Array,
  d: number,
  items: ArrayLike<number>,
  values: ArrayLike<number> | undefined,
  out: Float32Array,
  off: number,
): void {
  let wsum = 0;
  for (let n = 0; n < items.length; n++) wsum += values ? values[n] : 1;
  if (wsum <= 0) return;
  for (let n = 0; n < items.length; n++) {
    const w = (values ? values[n] : 1) / wsum;
    const io = items[n] * d;
    for (let k = 0; k < d; k++) out[off + k] += w * idTable[io + k];
  }
}
