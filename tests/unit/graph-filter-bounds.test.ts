// The graph filter's bounds on a large catalogue: neighbour lists that stay storable, SVD blocks within memory,
// and a fit within its time budget — and the reasons reported.
import { describe, expect, it } from 'vitest';
import type { InteractionMatrix } from '../../training/data/interactions.js';
import {
  boundGraphFilter,
  boundedNeighbors,
  estimateGraphFilterFitSeconds,
  MAX_RERANK_ENTRIES,
} from '../../training/models/graph-filter-bounds.js';

/** Only the sizes matter to the bounds: a matrix of `pairs` entries (nnz reads indptr[numUsers]). */
function sized(numUsers: number, numItems: number, pairs: number): InteractionMatrix {
  const indptr = new Int32Array(numUsers + 1);
  indptr[numUsers] = pairs;
  return { numUsers, numItems, indptr, indices: new Int32Array(0), values: new Float32Array(0) };
}

describe('graph filter bounds', () => {
  it('leaves a catalogue the defaults fit alone', () => {
    const bounds = boundGraphFilter(sized(30_000, 40_000, 1_000_000), {}, 600);
    expect(bounds.reasons).toEqual([]);
    expect(bounds.params).toEqual({});
  });

  it('caps the published neighbour entries', () => {
    expect(boundedNeighbors(200, 40_000)).toBe(200);
    expect(boundedNeighbors(200, 1_000_000)).toBe(16);
    expect(boundedNeighbors(200, 100_000_000)).toBe(1);
    expect(1_000_000 * boundedNeighbors(200, 1_000_000)).toBeLessThanOrEqual(MAX_RERANK_ENTRIES);
  });

  it('lowers k at a million items × 20M events until memory and the fit budget hold, and says why', () => {
    const data = sized(1_000_000, 1_000_000, 20_000_000);
    const bounds = boundGraphFilter(data, {}, 600);
    expect(bounds.params.neighbors).toBe(16);
    expect(bounds.params.svdDims).toBeLessThan(256);
    expect(bounds.estimatedSeconds).toBeLessThanOrEqual(600);
    expect(4 * 2_000_000 * (bounds.params.svdDims! + 16) * 4).toBeLessThanOrEqual(2.5 * 2 ** 30);
    expect(bounds.reasons).toHaveLength(2);
    // Memory decides here: the next larger step (96) would fit the time budget but not the SVD blocks.
    expect(bounds.params.svdDims).toBe(64);
    expect(bounds.reasons[1]).toMatch(/^svdDims 256 → 64: its SVD blocks/);
    expect(estimateGraphFilterFitSeconds(data, { svdDims: 96 })).toBeLessThan(600);
    expect(boundGraphFilter(data, {}, 100).params.svdDims).toBeLessThan(64); // a tighter budget: smaller still
  });

  it('keeps explicit choices when they fit and lowers them when they do not', () => {
    const data = sized(100_000, 100_000, 2_000_000);
    expect(boundGraphFilter(data, { svdDims: 64 }, 600).params).toEqual({ svdDims: 64, neighbors: 160 });
    const tight = boundGraphFilter(data, { svdDims: 256 }, 20);
    expect(tight.params.svdDims).toBeLessThan(256);
    expect(tight.reasons.some((r) => r.includes('fit budget'))).toBe(true);
  });
});
