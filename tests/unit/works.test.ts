// Editions as one work, the pure parts: the work map and its edition rule, the one-per-work collapse the serving
// facade runs every list through, and the work columns training and evaluation use.
import { describe, expect, it } from 'vitest';
import { WorkMap } from '../../src/db/works.js';
import { collapseToWorks, onePerWork } from '../../src/recommend/one-per-work.js';
import type { PageRequest, RecommendationResult, ScoredItemId } from '../../src/recommend/types.js';
import { buildInteractionMatrix, rowItems } from '../../training/data/interactions.js';
import { runEvaluationOnMatrices } from '../../training/eval/runner.js';
import { collapsedToWorks, matrixOnWorks, parseWorksFile } from '../../training/eval/works.js';
import { expandToEditions, expandValues, pairsOnWorks, workColumns } from '../../training/train-job/works.js';

// Work 1 = items 1, 2, 3 (item 2 most read); work 10 = items 10, 11 (same events: the newer year wins); 5 is alone.
const map = new WorkMap([
  { id: 1, workId: 1, events: 3, year: 1990 },
  { id: 2, workId: 1, events: 9, year: 1980 },
  { id: 3, workId: 1, events: 0, year: 2020 },
  { id: 10, workId: 10, events: 4, year: 2001 },
  { id: 11, workId: 10, events: 4, year: 2005 },
  { id: 5, workId: 5, events: 7, year: 2000 },
]);

const scored = (ids: number[]): ScoredItemId[] =>
  ids.map((itemId, rank) => ({ itemId, score: 1 - rank / 100, source: 'COLLABORATIVE' }));

describe('WorkMap', () => {
  it('orders editions most events first, then newest, and leaves single editions out', () => {
    expect(map.editionsOf(1).map((e) => e.id)).toEqual([2, 1, 3]);
    expect(map.editionsOf(10).map((e) => e.id)).toEqual([11, 10]);
    expect(map.workOf(5)).toBeUndefined();
    expect(map.multiEditionWorks).toBe(2);
    expect(map.withAllEditions([3, 5]).sort((a, b) => a - b)).toEqual([1, 2, 3, 5]);
  });
});

describe('collapseToWorks', () => {
  const none = { excluded: new Set<number>(), payloadFiltered: false };

  it('keeps one item per work at its best rank, shown as the preferred edition', () => {
    const out = collapseToWorks(scored([3, 5, 1, 10, 2, 11]), map, none);
    expect(out.map((e) => e.itemId)).toEqual([2, 5, 11]);
    expect(out[0].score).toBe(1); // the work keeps its best edition's score
  });

  it('prefers the edition the user interacted with, and never an excluded one', () => {
    expect(collapseToWorks(scored([1]), map, { ...none, interacted: new Set([3]) })[0].itemId).toBe(3);
    expect(collapseToWorks(scored([1]), map, { ...none, excluded: new Set([2]) })[0].itemId).toBe(1);
  });

  it('under a payload filter, chooses only among editions that came back as candidates', () => {
    expect(collapseToWorks(scored([3, 1]), map, { ...none, payloadFiltered: true })[0].itemId).toBe(1);
  });
});

describe('onePerWork', () => {
  // A ranked catalogue where each work's editions sit next to each other (as work-trained vectors make them).
  const catalogue = [1, 2, 3, 5, 10, 11, 20, 21, 22, 23, 30, 31, 40];
  const big = new WorkMap([
    ...[1, 2, 3].map((id) => ({ id, workId: 1, events: 0, year: 2000 })),
    ...[10, 11].map((id) => ({ id, workId: 10, events: 0, year: 2000 })),
    ...[20, 21, 22, 23].map((id) => ({ id, workId: 20, events: 0, year: 2000 })),
    ...[30, 31].map((id) => ({ id, workId: 30, events: 0, year: 2000 })),
  ]);
  const asks: PageRequest[] = [];
  const run = async (page: PageRequest, filter: { excludeIds?: readonly number[] }): Promise<RecommendationResult> => {
    asks.push(page);
    const excluded = new Set(filter.excludeIds ?? []);
    const ranked = catalogue.filter((id) => !excluded.has(id));
    return {
      items: scored(ranked.slice(page.offset, page.offset + page.first)),
      strategy: 'MODEL',
      reason: null,
      modelVersion: 'v',
      hasMore: ranked.length > page.offset + page.first,
    };
  };

  it('fills the page with one item per work, asking wider when collapsing left it short', async () => {
    asks.length = 0;
    const first = await onePerWork(big, { first: 5, offset: 0 }, {}, run);
    expect(first.items.map((e) => e.itemId)).toEqual([3, 5, 11, 23, 31]); // newest id wins among equals
    expect(first.hasMore).toBe(true);
    expect(asks).toEqual([
      { first: 10, offset: 0 },
      { first: 18, offset: 0 },
    ]);
    const second = await onePerWork(big, { first: 5, offset: 5 }, {}, run);
    expect(second.items.map((e) => e.itemId)).toEqual([40]);
    expect(second.hasMore).toBe(false);
  });

  it('excludes every edition of an excluded item', async () => {
    const result = await onePerWork(big, { first: 10, offset: 0 }, {}, run, { alsoExclude: [21] });
    expect(result.items.map((e) => e.itemId)).toEqual([3, 5, 11, 31, 40]);
  });

  it('passes the request through untouched when no work has two editions', async () => {
    asks.length = 0;
    await onePerWork(new WorkMap([]), { first: 4, offset: 2 }, {}, run);
    expect(asks).toEqual([{ first: 4, offset: 2 }]);
  });
});

describe('work columns', () => {
  it('maps editions to work columns, sums a user’s editions of one work, and copies vectors back', () => {
    const works = workColumns([7, 7, 9, 4])!;
    expect(Array.from(works.columnOf)).toEqual([0, 0, 1, 2]);
    expect(works.multiEditionWorks).toBe(1);
    expect(workColumns([1, 2, 3])).toBeUndefined(); // auto: nothing to group
    expect(workColumns([1, 2, 3], 'on')?.columns).toBe(3);
    expect(workColumns([7, 7], 'off')).toBeUndefined();
    const m = buildInteractionMatrix(
      1,
      works.columns,
      [0, 0, 0],
      pairsOnWorks(Int32Array.from([0, 1, 3]), works),
      [1, 2, 1],
    );
    expect(Array.from(m.values)).toEqual([3, 1]);
    const expanded = expandToEditions({ count: 3, dim: 2, data: Float32Array.from([1, 2, 3, 4, 5, 6]) }, works);
    expect(Array.from(expanded.data)).toEqual([1, 2, 1, 2, 3, 4, 5, 6]);
    expect(Array.from(expandValues([10, 20, 30], works))).toEqual([10, 10, 20, 30]);
  });

  it('evaluates an edition ranker per work: first edition of each work, training works excluded', async () => {
    const works = workColumns([1, 1, 2, 3, 3])!;
    const train = buildInteractionMatrix(1, 5, [0], [3]); // the user read work 3 (edition 3)
    const trainW = matrixOnWorks(train, works);
    expect(Array.from(rowItems(trainW, 0))).toEqual([2]);
    const ranker = collapsedToWorks(async () => Int32Array.from([4, 0, 1, 2, -1, -1]), works, trainW);
    expect(Array.from(await ranker(Int32Array.from([0]), 2))).toEqual([0, 1]);
  });
});

describe('evaluation per work', () => {
  it('reads an "item work" file and reports every model per edition, per work and fitted on works', async () => {
    expect(Array.from(parseWorksFile('0 0\n1 0\n\n3 2\n', 4))).toEqual([0, 0, 2, 2]);
    expect(() => parseWorksFile('0 zero\n', 2)).toThrow(/line 1/);
    // Items 0 and 1 are one work; users read it in either edition, and item 2 / 3.
    const users = [0, 0, 1, 1, 2, 2, 3, 3];
    const items = [0, 2, 1, 2, 0, 3, 1, 3];
    const train = buildInteractionMatrix(4, 4, users.slice(0, 6), items.slice(0, 6));
    const test = buildInteractionMatrix(4, 4, [3], [1]);
    const report = await runEvaluationOnMatrices({
      train,
      test,
      models: ['popularity'],
      noBaselines: true,
      served: false,
      works: workColumns(parseWorksFile('0 0\n1 0\n', 4), 'on'),
      dataset: { train: 'memory', test: 'memory' },
    });
    expect(report.results.map((r) => r.model)).toEqual([
      'popularity',
      'popularity · per work',
      'popularity on works · per work',
      'popularity on works · per edition',
    ]);
    // On works, the one work (read 4 times across its editions) is the most popular: a hit at rank 1.
    expect(report.results[2].metrics['hitrate@10']).toBe(1);
  });
});
