/**
 * What keeps the graph filter's fit and its published state bounded on a large catalogue (a million items and
 * users: bench/scale.ts), instead of a fit that runs for hours or a version that cannot be stored:
 *
 * - neighbour lists: `neighbors` entries per item are published with the version in Postgres
 *   (model_versions.artifacts, one jsonb value, which Postgres caps at 256 MB; base64 of 8 bytes per entry) and
 *   every API server holds them in memory. They are capped at MAX_RERANK_ENTRIES over the catalogue: 200 per item
 *   up to 80k items, 16 per item at a million.
 * - the randomized SVD: its dense blocks are (users + items) × (k + 16) floats, and its last products hold two of
 *   them plus their results in the tfjs wasm heap (32-bit: 4 GiB at most), so k is capped by SVD_MAX_BYTES; and
 *   k is lowered until the estimated fit (estimateGraphFilterFitSeconds) fits the fit budget.
 * Each bound that applies is reported (the model selection puts the reasons in modelInfo.metrics).
 */
import { nnz, type InteractionMatrix } from '../data/interactions.js';
import { GRAPH_FILTER_DEFAULTS, type GraphFilterParams } from './graph-filter.js';

/** Neighbour-list entries over the whole catalogue: 16M × 8 B = 128 MB in memory, ≈ 171 MB stored as base64. */
export const MAX_RERANK_ENTRIES = 16_000_000;

/** Bytes of the SVD's two largest dense blocks with their products (4 blocks of (users + items) × l floats). */
export const SVD_MAX_BYTES = 2.5 * 2 ** 30;

/** k values tried, largest first, when the requested one does not fit. */
const SVD_DIMS_STEPS = [256, 192, 128, 96, 64, 48, 32];

/**
 * Seconds a graph-filter fit is expected to take on `data` (one core): the randomized SVD's sparse passes
 * (≈ 2·(q + 1) products of nnz × (k + 10)) dominate; the constant is from fits on yelp2018 (1.24M pairs, k 256:
 * ≈ 65 s with the other core busy). Used to skip a search the budget cannot hold, and to lower k (above).
 */
export function estimateGraphFilterFitSeconds(
  data: InteractionMatrix,
  params: Partial<GraphFilterParams> = {},
): number {
  const k = params.svdDims ?? GRAPH_FILTER_DEFAULTS.svdDims;
  const q = params.powerIterations ?? GRAPH_FILTER_DEFAULTS.powerIterations;
  return 1.5e-8 * nnz(data) * (k + 10) * 2 * (q + 1) + 2e-7 * data.numItems * (k + 10);
}

/** Neighbours per item that keep the catalogue's lists under MAX_RERANK_ENTRIES (at least 1). */
export function boundedNeighbors(requested: number, numItems: number): number {
  return Math.max(1, Math.min(requested, Math.floor(MAX_RERANK_ENTRIES / Math.max(1, numItems))));
}

export interface GraphFilterBounds {
  /** Parameters to fit with: the requested ones, lowered where a bound applies. */
  params: Partial<GraphFilterParams>;
  /** One sentence per bound that applied (empty: none did). */
  reasons: string[];
  estimatedSeconds: number;
}

/**
 * The graph filter's parameters for `data` within `fitBudgetSeconds` (estimated) and the memory bounds above.
 * Explicitly requested svdDims / neighbors are lowered too (a fit that cannot finish or be stored is no choice),
 * and said so.
 */
export function boundGraphFilter(
  data: InteractionMatrix,
  requested: Partial<GraphFilterParams>,
  fitBudgetSeconds: number,
): GraphFilterBounds {
  const reasons: string[] = [];
  const neighborsAsked = requested.neighbors ?? GRAPH_FILTER_DEFAULTS.neighbors;
  const neighbors = boundedNeighbors(neighborsAsked, data.numItems);
  if (neighbors < neighborsAsked)
    reasons.push(
      `neighbors ${neighborsAsked} → ${neighbors}: ${data.numItems} items × ${neighborsAsked} exceeds the ${MAX_RERANK_ENTRIES} published entries`,
    );
  const kAsked = requested.svdDims ?? GRAPH_FILTER_DEFAULTS.svdDims;
  const rows = data.numUsers + data.numItems;
  const fitsMemory = (k: number) => 4 * rows * (k + 16) * 4 <= SVD_MAX_BYTES;
  const fitsTime = (k: number) => estimateGraphFilterFitSeconds(data, { ...requested, svdDims: k }) <= fitBudgetSeconds;
  let k = kAsked;
  if (!fitsMemory(k) || !fitsTime(k)) {
    const steps = SVD_DIMS_STEPS.filter((s) => s < kAsked);
    k = steps.find((s) => fitsMemory(s) && fitsTime(s)) ?? steps.at(-1) ?? kAsked;
    const why = !fitsMemory(kAsked)
      ? `its SVD blocks (${rows} × ${kAsked + 16} floats) exceed ${(SVD_MAX_BYTES / 2 ** 30).toFixed(1)} GiB`
      : `its estimated fit ${estimateGraphFilterFitSeconds(data, { ...requested, svdDims: kAsked }).toFixed(0)} s exceeds the ${fitBudgetSeconds} s fit budget`;
    reasons.push(`svdDims ${kAsked} → ${k}: ${why}`);
  }
  const params = {
    ...requested,
    ...(neighbors < neighborsAsked ? { neighbors } : {}),
    ...(k < kAsked ? { svdDims: k } : {}),
  };
  return { params, reasons, estimatedSeconds: estimateGraphFilterFitSeconds(data, params) };
}
