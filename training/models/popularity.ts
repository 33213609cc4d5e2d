/**
 * Popularity baselines — shown in every report so other numbers read as ratios.
 *
 * - global: number of distinct training users per item (values are ignored: one enthusiastic user should not
 *   outweigh many).
 * - recent window: only events within `windowDays` before the latest event count (needs event times); ties and
 *   items without recent events fall back to the global count, scaled far below one recent user.
 * - per segment: p(i | segment) smoothed towards the global share with `segmentSmoothing` pseudo-users, so
 *   small segments do not get noisy lists: (n_seg,i + m·n_i/N) / (N_seg + m).
 *
 * It also exports 1-d vectors (item = [score], user = [1]) so even the baseline can be served from the
 * dot-product index like every other model.
 */
import type { InteractionMatrix } from '../data/interactions.js';
import { noopProgress, type ProgressSink } from '../progress.js';
import { assertFitted, mergeParams, type DenseVectors, type Recommender } from './contract.js';

export const POPULARITY_DEFAULTS = {
  /** 0 = all time; otherwise only the last `windowDays` before the latest event count. */
  windowDays: 0,
  /** Pseudo-users pulling a segment's distribution towards the global one. */
  segmentSmoothing: 50,
};
export type PopularityParams = typeof POPULARITY_DEFAULTS;

export interface PopularityContext {
  /**
   * Event time in seconds for every stored entry of the training matrix, aligned with `data.indices`. Build it
   * with buildInteractionMatrix(sameUsers, sameItems, timestamps, 'max') from the same events: the structure
   * then matches the training matrix entry for entry.
   */
  entryTimes?: Float64Array | Float32Array;
  /** Segment id per user (e.g. age band or country), −1 = unknown. Unknown users get the global list. */
  userSegments?: Int32Array;
}

export class Popularity implements Recommender {
  readonly name: string;
  readonly params: PopularityParams;
  private scores?: Float32Array;
  private segmentScores = new Map<number, Float32Array>();
  private numItems = 0;

  constructor(
    params: Partial<PopularityParams> = {},
    private readonly context: PopularityContext = {},
  ) {
    this.params = mergeParams('popularity', POPULARITY_DEFAULTS, params);
    this.name =
      this.params.windowDays > 0 ? 'popularity-recent' : context.userSegments ? 'popularity-segment' : 'popularity';
  }

  async fit(data: InteractionMatrix, progress: ProgressSink = noopProgress): Promise<void> {
    progress.start(1, 'popularity');
    this.numItems = data.numItems;
    const total = data.indptr[data.numUsers];
    const global = new Float64Array(data.numItems);
    for (let p = 0; p < total; p++) global[data.indices[p]]++;

    const { entryTimes, userSegments } = this.context;
    let base = global;
    if (this.params.windowDays > 0) {
      if (!entryTimes || entryTimes.length !== total) {
        throw new Error('popularity: windowDays > 0 needs context.entryTimes aligned with the training matrix');
      }
      let latest = -Infinity;
      for (let p = 0; p < total; p++) latest = Math.max(latest, entryTimes[p]);
      const since = latest - this.params.windowDays * 86400;
      const recent = new Float64Array(data.numItems);
      for (let p = 0; p < total; p++) if (entryTimes[p] >= since) recent[data.indices[p]]++;
      // Global count breaks ties but never beats one more recent user.
      const maxGlobal = Math.max(1, ...global);
      base = new Float64Array(data.numItems);
      for (let i = 0; i < data.numItems; i++) base[i] = recent[i] + (0.5 * global[i]) / maxGlobal;
    }
    this.scores = Float32Array.from(base);

    this.segmentScores.clear();
    if (userSegments) {
      const numUsersWithData = countUsersWithData(data);
      const bySegment = new Map<number, { counts: Float64Array; users: number }>();
      for (let u = 0; u < data.numUsers; u++) {
        const s = userSegments[u] ?? -1;
        if (s < 0 || data.indptr[u + 1] === data.indptr[u]) continue;
        let entry = bySegment.get(s);
        if (!entry) bySegment.set(s, (entry = { counts: new Float64Array(data.numItems), users: 0 }));
        entry.users++;
        for (let p = data.indptr[u]; p < data.indptr[u + 1]; p++) entry.counts[data.indices[p]]++;
      }
      const m = this.params.segmentSmoothing;
      for (const [segment, { counts, users }] of bySegment) {
        const out = new Float32Array(data.numItems);
        for (let i = 0; i < data.numItems; i++) out[i] = (counts[i] + (m * global[i]) / numUsersWithData) / (users + m);
        this.segmentScores.set(segment, out);
      }
    }
    progress.tick();
    progress.stop();
  }

  /** The item scores a user gets (segment list if the user has a known segment, else the global one). */
  private listFor(user: number): Float32Array {
    const seg = this.context.userSegments?.[user];
    return (seg !== undefined && this.segmentScores.get(seg)) || assertFitted(this.scores, this.name);
  }

  scoreUsers(users: Int32Array): Float32Array {
    const out = new Float32Array(users.length * this.numItems);
    for (let b = 0; b < users.length; b++) out.set(this.listFor(users[b]), b * this.numItems);
    return out;
  }

  scoreHistory(): Float32Array {
    return Float32Array.from(assertFitted(this.scores, this.name));
  }

  itemVectors(): DenseVectors {
    return { count: this.numItems, dim: 1, data: Float32Array.from(assertFitted(this.scores, this.name)) };
  }

  foldIn(): Float32Array {
    return Float32Array.of(1);
  }
}

function countUsersWithData(m: InteractionMatrix): number {
  let n = 0;
  for (let u = 0; u < m.numUsers; u++) if (m.indptr[u + 1] > m.indptr[u]) n++;
  return Math.max(n, 1);
}
