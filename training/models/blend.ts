/**
 * A weighted blend of several models' scores — the reranking stage of the default pipeline.
 *
 *     s_u = Σ_m w_m · s_m,u / σ_m
 * σ_m is one global scale per component (the standard deviation of its scores over a seeded sample of users'
 * non-history items), computed at fit time. A global scale (not a per-user z-score) keeps the blend
 * reproducible at serving time from the candidates alone: a per-user offset does not change a user's ranking,
 * and the scales ship with the model (`scales()`).
 */
import type { InteractionMatrix } from '../data/interactions.js';
import { noopProgress, type ProgressSink } from '../progress.js';
import { assertFitted, type Recommender } from './contract.js';
import { Rng } from '../../src/random.js';
import { scoreSpread } from './score-spread.js';

export interface BlendComponent {
  model: Recommender;
  weight: number;
}

export class Blend implements Recommender {
  readonly name: string;
  readonly params: Record<string, number | string | boolean>;
  private scaleValues?: Float64Array;
  private numItems = 0;

  constructor(
    readonly components: BlendComponent[],
    private readonly options: { sampleUsers?: number; seed?: number; name?: string } = {},
  ) {
    if (components.length === 0) throw new Error('blend: needs at least one component');
    this.name = options.name ?? `blend(${components.map((c) => `${c.model.name}×${c.weight}`).join('+')})`;
    const params: Record<string, number | string | boolean> = {};
    for (const { model, weight } of components) {
      params[`${model.name}.weight`] = weight;
      for (const [k, v] of Object.entries(model.params)) params[`${model.name}.${k}`] = v;
    }
    this.params = params;
  }

  async fit(data: InteractionMatrix, progress: ProgressSink = noopProgress): Promise<void> {
    this.numItems = data.numItems;
    for (const { model } of this.components) await model.fit(data, progress);
    // Global scale per component from a seeded user sample.
    const rng = new Rng(this.options.seed ?? 3);
    const active: number[] = [];
    for (let u = 0; u < data.numUsers; u++) if (data.indptr[u + 1] > data.indptr[u]) active.push(u);
    rng.shuffle(active);
    const sample = Int32Array.from(active.slice(0, this.options.sampleUsers ?? 256));
    this.scaleValues = Float64Array.from(this.components, ({ model }) =>
      scoreSpread(model.scoreUsers(sample), sample, data),
    );
  }

  /** σ_m per component, in component order (for serving-side reproduction). */
  scales(): Float64Array {
    return assertFitted(this.scaleValues, this.name);
  }

  scoreUsers(users: Int32Array): Float32Array {
    const scales = assertFitted(this.scaleValues, this.name);
    const out = new Float32Array(users.length * this.numItems);
    this.components.forEach(({ model, weight }, m) => {
      if (weight === 0) return;
      const s = model.scoreUsers(users);
      const f = weight / scales[m];
      for (let p = 0; p < out.length; p++) out[p] += f * s[p];
    });
    return out;
  }

  scoreHistory(items: Int32Array, values?: Float32Array): Float32Array {
    const scales = assertFitted(this.scaleValues, this.name);
    const out = new Float32Array(this.numItems);
    this.components.forEach(({ model, weight }, m) => {
      if (weight === 0) return;
      if (!model.scoreHistory) throw new Error(`blend: ${model.name} cannot score a history`);
      const s = model.scoreHistory(items, values);
      const f = weight / scales[m];
      for (let i = 0; i < out.length; i++) out[i] += f * s[i];
    });
    return out;
  }
}
