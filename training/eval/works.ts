// Evaluation per work (editions grouped, see training/train-job/works.ts): a split's items mapped through their works,
// so a list is scored the way it is served — one item per work, a hit when the held-out book is recommended in any
// edition. Two rankers make models trained either way comparable on both levels:
//   - an edition-trained model, ranked per work: its edition list collapsed to the first edition of each work, the
//     user's training works excluded (what the served dedup does);
//   - a work-trained model, ranked per edition: every edition scored with its work's score (how it is served).
import { buildInteractionMatrix, rowItems, type InteractionMatrix } from '../data/interactions.js';
import type { Recommender } from '../models/contract.js';
import { topKRow } from '../models/linalg/topk.js';
import type { WorkColumns } from '../train-job/works.js';
import type { ProgressSink } from '../progress.js';
import { evaluateRanker, fullCatalogRanker, type TopKRanker } from './evaluate.js';
import type { ModelResult } from './report.js';

/** The matrix with its items replaced by their works (a user's strengths on several editions summed). */
export function matrixOnWorks(m: InteractionMatrix, works: WorkColumns): InteractionMatrix {
  const users = new Int32Array(m.indices.length);
  for (let u = 0; u < m.numUsers; u++) users.fill(u, m.indptr[u], m.indptr[u + 1]);
  const items = Int32Array.from(m.indices, (item) => works.columnOf[item]);
  return buildInteractionMatrix(m.numUsers, works.columns, users, items, m.values);
}

/**
 * Per-work lists from an edition ranker: asks it for `reach` × k editions, keeps the first edition of each work
 * that is not among the user's training works, up to k (−1 padded).
 */
export function collapsedToWorks(
  editions: TopKRanker,
  works: WorkColumns,
  trainOnWorks: InteractionMatrix,
  reach = 3,
): TopKRanker {
  return async (users, k) => {
    const wide = k * reach;
    const lists = await editions(users, wide);
    const out = new Int32Array(users.length * k).fill(-1);
    for (let b = 0; b < users.length; b++) {
      const trained = new Set(rowItems(trainOnWorks, users[b]));
      const shown = new Set<number>();
      let n = 0;
      for (let r = 0; r < wide && n < k; r++) {
        const edition = lists[b * wide + r];
        if (edition < 0) break;
        const work = works.columnOf[edition];
        if (trained.has(work) || shown.has(work)) continue;
        shown.add(work);
        out[b * k + n++] = work;
      }
    }
    return out;
  };
}

/** Per-edition lists from a model fitted on works: each edition carries its work's score. */
export function expandedToEditions(
  model: Recommender,
  works: WorkColumns,
  trainOnEditions: InteractionMatrix,
): TopKRanker {
  return (users, k) => {
    const scores = model.scoreUsers(users);
    const numEditions = works.columnOf.length;
    const expanded = new Float32Array(users.length * numEditions);
    for (let b = 0; b < users.length; b++) {
      const row = b * works.columns;
      for (let e = 0; e < numEditions; e++) expanded[b * numEditions + e] = scores[row + works.columnOf[e]];
    }
    const out = new Int32Array(users.length * k);
    for (let b = 0; b < users.length; b++) {
      topKRow(expanded, b * numEditions, numEditions, k, rowItems(trainOnEditions, users[b]), out, b * k);
    }
    return out;
  };
}

/** Work ids of a split's items from a "item work" file (one pair a line; unlisted items are their own work). */
export function parseWorksFile(text: string, numItems: number): Int32Array {
  const workIds = Int32Array.from({ length: numItems }, (_, item) => item);
  text.split('\n').forEach((line, index) => {
    const fields = line.trim().split(/\s+/);
    if (fields.length === 1 && fields[0] === '') return;
    const [item, work] = fields.map(Number);
    if (fields.length !== 2 || !Number.isInteger(item) || !Number.isInteger(work) || item < 0 || work < 0) {
      throw new Error(`works file line ${index + 1}: expected "item work" (two non-negative integers), got "${line}"`);
    }
    if (item < numItems) workIds[item] = work;
  });
  return workIds;
}

/**
 * The per-work rows of an evaluation (README § Editions and works): the edition-trained model's lists collapsed to
 * one item per work, and the same model fitted on works, scored per work and per edition.
 */
export async function perWorkResults(
  spec: string,
  fitted: Recommender,
  train: InteractionMatrix,
  test: InteractionMatrix,
  works: WorkColumns,
  options: { ks: readonly number[]; progress?: ProgressSink; fresh: (spec: string) => Recommender },
): Promise<ModelResult[]> {
  const trainW = matrixOnWorks(train, works);
  const testW = matrixOnWorks(test, works);
  const eval_ = { ks: options.ks, progress: options.progress, diversity: null };
  const row = (model: string, r: { metrics: Record<string, number>; users: number; seconds: number }, fit = 0) => ({
    model,
    params: { ...fitted.params },
    metrics: r.metrics,
    trainSeconds: fit,
    evalSeconds: r.seconds,
    users: r.users,
    pipeline: 'full catalogue, editions grouped into works',
  });
  const collapsed = await evaluateRanker(
    collapsedToWorks(fullCatalogRanker(fitted, train), works, trainW),
    trainW,
    testW,
    eval_,
  );
  const onWorks = options.fresh(spec);
  const t0 = performance.now();
  await onWorks.fit(trainW, options.progress);
  const fit = (performance.now() - t0) / 1000;
  const perWork = await evaluateRanker(fullCatalogRanker(onWorks, trainW), trainW, testW, eval_);
  const perEdition = await evaluateRanker(expandedToEditions(onWorks, works, train), train, test, eval_);
  return [
    row(`${fitted.name} · per work`, collapsed),
    row(`${fitted.name} on works · per work`, perWork, fit),
    row(`${fitted.name} on works · per edition`, perEdition, fit),
  ];
}
