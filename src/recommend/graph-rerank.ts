// The rerank stage of a two-stage served model: Qdrant retrieves a few hundred candidates by dot product (the
// model's spectral terms), then each candidate gains what a dot-product vector cannot hold — the normalised
// item-item filter r_u P̃ (GF-CF's linear term, training/models/graph-filter.ts), read from sparse neighbour
// lists built at train time: row j holds item j's strongest normalised co-occurrences. A user's (or session's)
// history is all it needs, so known users, users with fresh events and anonymous sessions rerank alike.
// Cost: Σ over the history of its rows (≤ HISTORY_FOR_RERANK × neighbours additions into a typed array) plus
// one lookup per candidate — measured by bench/rerank-cost.ts.
import type { ScoredHit } from '../vector/client.js';

/** Sparse item-item rows by internal item id (CSR over `rows`, the model's items in training order). */
export interface NeighborLists {
  /** Item id of row r. */
  itemIds: Int32Array;
  /** Row pointers (length rows + 1) into `neighbors` / `weights`. */
  indptr: Int32Array;
  /** Neighbour rows (indices into itemIds, so scoring needs no id lookups). */
  neighbors: Int32Array;
  weights: Float32Array;
}

export interface RerankState {
  lists: NeighborLists;
  /** Weight of the item-item term against the retrieval score. */
  linearWeight: number;
  /** Candidates retrieved per request before reranking. */
  candidates: number;
}

/**
 * At most this many history items (the most recent first) feed the item-item term: the cost is linear in it
 * (bench/rerank-cost.ts), and the most recent items carry most of the signal.
 */
export const HISTORY_FOR_RERANK = 100;

/** A RerankState with its id → row index, built once per decoded model version. */
export class GraphReranker {
  private readonly rowOf = new Map<number, number>();
  /** Scratch accumulator, one float per row, zeroed after each request. */
  private readonly acc: Float32Array;

  /**
   * `observe` receives each rerank's CPU seconds (the /metrics series recgraph_rerank_seconds, so a benchmark can
   * say what the stage costs under load).
   */
  constructor(
    readonly state: RerankState,
    private readonly observe?: (seconds: number) => void,
  ) {
    const { itemIds, indptr, neighbors, weights } = state.lists;
    if (
      indptr.length !== itemIds.length + 1 ||
      neighbors.length !== weights.length ||
      indptr[itemIds.length] !== neighbors.length
    ) {
      throw new Error('rerank state: neighbour lists are inconsistent (indptr, ids and weights disagree)');
    }
    itemIds.forEach((id, row) => this.rowOf.set(id, row));
    this.acc = new Float32Array(itemIds.length);
  }

  /** How many candidates to ask Qdrant for when the page needs `needed`. */
  candidateCount(needed: number): number {
    return Math.max(needed, this.state.candidates);
  }

  /**
   * Candidates re-scored by retrieval score + w · Σ_{j ∈ history} P̃_j,candidate, best first (ties: lower id).
   * `history` are item ids, most recent first; ids outside the model are ignored.
   */
  rerank(hits: readonly ScoredHit[], history: readonly number[]): ScoredHit[] {
    if (!this.observe) return this.score(hits, history);
    const started = performance.now();
    const out = this.score(hits, history);
    this.observe((performance.now() - started) / 1000);
    return out;
  }

  private score(hits: readonly ScoredHit[], history: readonly number[]): ScoredHit[] {
    const { indptr, neighbors, weights } = this.state.lists;
    const acc = this.acc;
    const rows: number[] = [];
    const seen = new Set<number>();
    for (const id of history) {
      if (rows.length >= HISTORY_FOR_RERANK) break;
      const row = this.rowOf.get(id);
      if (row === undefined || seen.has(row)) continue;
      seen.add(row);
      rows.push(row);
    }
    for (const row of rows) {
      for (let p = indptr[row], end = indptr[row + 1]; p < end; p++) acc[neighbors[p]] += weights[p];
    }
    const w = this.state.linearWeight;
    const out = hits.map((hit) => {
      const slot = this.rowOf.get(hit.id);
      return { ...hit, score: hit.score + (slot === undefined ? 0 : w * acc[slot]) };
    });
    // Zero what was written (the same entries, now in cache) for the next request.
    for (const row of rows) {
      for (let p = indptr[row], end = indptr[row + 1]; p < end; p++) acc[neighbors[p]] = 0;
    }
    return out.sort((a, b) => b.score - a.score || a.id - b.id);
  }
}
