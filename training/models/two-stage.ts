/**
 * The served pipeline, simulated offline: retrieve the top-`candidates` items by dot product between the
 * retriever's user and item vectors (exact search stands in for Qdrant's ANN), then order those candidates by
 * the reranker. Items outside the candidate set score −∞, so the evaluator's top-K is the pipeline's output.
 *
 * The served path (a real Qdrant search) is measured with evaluate.ts's twoStageRanker + a RetrieveCandidates
 * callback; this class is the database-free version with the same semantics.
 */
import { rowItems, type InteractionMatrix } from '../data/interactions.js';
import { topKRow } from './linalg/topk.js';
import { noopProgress, type ProgressSink } from '../progress.js';
import { assertFitted, type DenseVectors, type Recommender } from './contract.js';
import { gatherRows, ItemVectorIndex } from './linalg/scoring.js';

export class TwoStage implements Recommender {
  readonly name: string;
  readonly params: Record<string, number | string | boolean>;
  private train?: InteractionMatrix;

  constructor(
    readonly retriever: Recommender,
    readonly reranker: Recommender,
    readonly candidates = 200,
    name?: string,
  ) {
    if (!retriever.userVectors || !retriever.itemVectors) {
      throw new Error(`two-stage: retriever ${retriever.name} exports no user/item vectors`);
    }
    this.name = name ?? `${retriever.name}@${candidates}→${reranker.name}`;
    this.params = { candidates, retriever: retriever.name, reranker: reranker.name };
  }

  /** Fits both stages; a model shared by both (or already fitted by a blend) is fitted once. */
  async fit(data: InteractionMatrix, progress: ProgressSink = noopProgress): Promise<void> {
    await this.reranker.fit(data, progress);
    if (!this.rerankerContains(this.retriever)) await this.retriever.fit(data, progress);
    this.train = data;
  }

  private rerankerContains(model: Recommender): boolean {
    if (this.reranker === model) return true;
    const parts = (this.reranker as { components?: { model: Recommender }[] }).components;
    return parts?.some((c) => c.model === model) ?? false;
  }

  /** users.length × candidates ids (−1 padded): the exact dot-product top-N, training items excluded. */
  retrieve(users: Int32Array): Int32Array {
    const train = assertFitted(this.train, this.name);
    const scores = dotProductScores(this.retriever, users);
    const n = train.numItems;
    const out = new Int32Array(users.length * this.candidates);
    const hs = new Float64Array(this.candidates);
    const hi = new Int32Array(this.candidates);
    for (let b = 0; b < users.length; b++) {
      topKRow(scores, b * n, n, this.candidates, rowItems(train, users[b]), out, b * this.candidates, hs, hi);
    }
    return out;
  }

  scoreUsers(users: Int32Array): Float32Array {
    const train = assertFitted(this.train, this.name);
    const n = train.numItems;
    if (this.candidates >= n) return this.reranker.scoreUsers(users); // no cut: the reranker alone
    const cand = this.retrieve(users);
    const rerank = this.reranker.scoreUsers(users);
    const out = new Float32Array(users.length * n).fill(-Infinity);
    for (let b = 0; b < users.length; b++) {
      for (let c = 0; c < this.candidates; c++) {
        const i = cand[b * this.candidates + c];
        if (i >= 0) out[b * n + i] = rerank[b * n + i];
      }
    }
    return out;
  }
}

/**
 * Ranks by the dot products of another (fitted) model's exported vectors: the retrieval stage on its own.
 * fit() is a no-op — the wrapped model is fitted by whoever owns it (e.g. TwoStage as its retriever).
 */
export class DotProductScorer implements Recommender {
  readonly name: string;
  readonly params: Record<string, number | string | boolean>;
  constructor(private readonly model: Recommender) {
    if (!model.userVectors || !model.itemVectors)
      throw new Error(`dot-product scorer: ${model.name} exports no vectors`);
    this.name = `${model.name}/vectors`;
    this.params = { ...model.params };
  }
  async fit(): Promise<void> {}
  scoreUsers(users: Int32Array): Float32Array {
    return dotProductScores(this.model, users);
  }
}

/** Dot products of a model's exported user vectors (rows `users`) with all its item vectors (batched GEMM). */
const indexes = new WeakMap<Float32Array, ItemVectorIndex>();
function dotProductScores(model: Recommender, users: Int32Array): Float32Array {
  const uv = model.userVectors!();
  const iv: DenseVectors = model.itemVectors!();
  let index = indexes.get(iv.data);
  if (!index) indexes.set(iv.data, (index = new ItemVectorIndex(iv.data, iv.count, iv.dim)));
  return index.score(gatherRows(uv.data, users, uv.dim), users.length);
}
