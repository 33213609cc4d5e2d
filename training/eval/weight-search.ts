/**
 * Ranks validation users for many weightings of a model's score terms at once, the way a two-stage model is
 * served: the `vector` terms (what the published dot product holds) give the top-`candidates` items — what Qdrant
 * retrieves — and the `rerank` term is added to those candidates only. A batch of users' term scores is computed
 * once and every setting is ranked from it, so a search over dozens of weightings costs about one evaluation, and
 * nothing is refitted per trial. Used by the fusion model's search (tune-fusion.ts).
 */
import { rowItems, type InteractionMatrix } from '../data/interactions.js';
import { topKRow } from '../models/linalg/topk.js';
import { noopProgress, type ProgressSink } from '../progress.js';

/** One batch of users' term scores, each batch × numItems row-major. */
export interface TermBatch {
  vector: Float32Array[];
  /** The rerank-stage term (added to the retrieved candidates only); absent: no rerank stage. */
  rerank?: Float32Array;
}

/** Weights of one setting: one per `vector` term, and the rerank term's. */
export interface TermWeights {
  vector: readonly number[];
  rerank: number;
}

export interface WeightSearchOptions {
  /** Cut-off of the metrics (recall@k, ndcg@k). */
  k: number;
  /** Candidates the retrieval stage returns (the rerank only reorders these). */
  candidates: number;
  /** performance.now() after which no further batch starts (the users reached so far are reported). */
  deadline?: number;
  /** Users per batch (memory: batch × numItems × terms floats). */
  batch?: number;
  progress?: ProgressSink;
  label?: string;
}

export interface WeightSearchResult {
  /** Mean recall@k / ndcg@k per setting, over the users reached. */
  recall: Float64Array;
  ndcg: Float64Array;
  users: number;
}

/** Recall@k and ndcg@k of one top-k list against a user's held-out items. */
export function listMetrics(top: Int32Array, relevant: ReadonlySet<number>): { recall: number; ndcg: number } {
  let hits = 0;
  let dcg = 0;
  let idcg = 0;
  for (let p = 0; p < top.length; p++) {
    if (p < relevant.size) idcg += 1 / Math.log2(p + 2);
    if (relevant.has(top[p])) {
      hits++;
      dcg += 1 / Math.log2(p + 2);
    }
  }
  return { recall: relevant.size > 0 ? hits / relevant.size : 0, ndcg: idcg > 0 ? dcg / idcg : 0 };
}

/**
 * The served-style top-k of one user for one setting: retrieve the top `candidates` by Σ w_t·vector_t (training
 * items excluded), add w_r·rerank to them, keep the best k. Written into `top`; `row` is scratch (numItems).
 */
export function servedStyleTopK(
  batch: TermBatch,
  r: number,
  numItems: number,
  w: TermWeights,
  seen: Int32Array,
  top: Int32Array,
  scratch: { row: Float32Array; cand: Int32Array },
): void {
  const n = numItems;
  const o = r * n;
  const row = scratch.row;
  row.fill(0);
  batch.vector.forEach((term, t) => {
    const weight = w.vector[t];
    if (weight !== 0) for (let i = 0; i < n; i++) row[i] += weight * term[o + i];
  });
  if (!batch.rerank || w.rerank === 0) {
    topKRow(row, 0, n, top.length, seen, top, 0);
    return;
  }
  const cand = scratch.cand;
  topKRow(row, 0, n, cand.length, seen, cand, 0);
  const retrieved = cand.filter((i) => i >= 0);
  for (const i of retrieved) row[i] += w.rerank * batch.rerank[o + i];
  topKRow(row, 0, n, top.length, seen, top, 0, undefined, undefined, retrieved);
}

/** Scores every setting on `users` (batch by batch until the deadline). */
export function searchWeights(
  termsOf: (ids: Int32Array) => TermBatch,
  settings: readonly TermWeights[],
  users: Int32Array,
  train: InteractionMatrix,
  valid: InteractionMatrix,
  options: WeightSearchOptions,
): WeightSearchResult {
  const n = train.numItems;
  const progress = options.progress ?? noopProgress;
  const batchSize = options.batch ?? Math.max(8, Math.min(64, Math.floor(4_000_000 / n)));
  const recall = new Float64Array(settings.length);
  const ndcg = new Float64Array(settings.length);
  const top = new Int32Array(options.k);
  const scratch = { row: new Float32Array(n), cand: new Int32Array(Math.min(options.candidates, n)) };
  let done = 0;
  progress.start(users.length, options.label ?? 'weight search');
  for (let b0 = 0; b0 < users.length; b0 += batchSize) {
    if (options.deadline !== undefined && performance.now() > options.deadline) break;
    const ids = users.subarray(b0, Math.min(users.length, b0 + batchSize));
    const batch = termsOf(ids);
    for (let r = 0; r < ids.length; r++) {
      const seen = rowItems(train, ids[r]);
      const relevant = new Set(rowItems(valid, ids[r]));
      settings.forEach((w, s) => {
        servedStyleTopK(batch, r, n, w, seen, top, scratch);
        const m = listMetrics(top, relevant);
        recall[s] += m.recall;
        ndcg[s] += m.ndcg;
      });
    }
    done += ids.length;
    progress.tick(ids.length);
  }
  progress.stop();
  if (done > 0)
    for (let s = 0; s < settings.length; s++) {
      recall[s] /= done;
      ndcg[s] /= done;
    }
  return { recall, ndcg, users: done };
}
