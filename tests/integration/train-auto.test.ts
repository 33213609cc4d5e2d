// `recgraph train` with no --model: the model is chosen on a validation split carved from the Postgres data, and
// the choice (each candidate's validation score, the chosen hyperparameters, the time used) is in the version's
// metrics — what modelInfo.metrics shows.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type pg from 'pg';
import { createPool } from '../../src/db/pool.js';
import { generateDemoDataset } from '../../training/demo/generate.js';
import { loadDemoDataset } from '../../training/demo/seed.js';
import { trainModel } from '../../training/train-job/train.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';

describe('train chooses its model on validation', () => {
  let db: TestDatabase;
  let pool: pg.Pool;

  beforeAll(async () => {
    db = await createTestDatabase();
    pool = createPool(db.url);
    await loadDemoDataset(pool, generateDemoDataset({ seed: 3, items: 400, users: 300, eventsPerUser: 25 }));
  });

  afterAll(async () => {
    await pool?.end();
    await db?.drop();
  });

  it('publishes the candidate that scored best and reports every candidate', async () => {
    // The demo catalogue groups editions into works, and a catalogue with works trains the blend per work without a
    // choice (train.ts): the choice is what is tested here, so works are off.
    const model = await trainModel(pool, {
      works: 'off',
      tuneBudgetSeconds: 60,
      params: { factors: 16, iterations: 4 },
      pipeline: { lowpassDims: 32 },
      graphFilter: { svdDims: 32, neighbors: 50 },
    });
    const selection = model.metrics.selection as {
      chosen: string;
      by: string;
      candidates: { model: string; status: string; recall: number }[];
      params: Record<string, unknown>;
      seconds: number;
      budgetSeconds: number;
    };
    expect(selection.by).toBe('validation');
    expect(selection.candidates.map((c) => c.status)).toEqual(['scored', 'scored']);
    const best = selection.candidates.reduce((a, b) => (b.recall > a.recall ? b : a));
    expect(selection.chosen).toBe(best.model);
    expect(model.kind).toBe(best.model);
    const { foldIn: _foldIn, ...published } = model.params;
    expect(selection.params).toEqual(published);
    expect(selection.budgetSeconds).toBe(60);
    // The graph filter publishes its rerank stage; the blend its iALS Gram matrix for fold-in.
    if (model.kind === 'graphfilter') expect(model.rerank).toBeDefined();
    else expect(model.gram.length).toBe(16 * 16);
  });

  it('--no-tune: a density prior picks, reported as such', async () => {
    const model = await trainModel(pool, {
      works: 'off',
      tuneBudgetSeconds: false,
      params: { factors: 16, iterations: 4 },
      pipeline: { lowpassDims: 32 },
      graphFilter: { svdDims: 32, neighbors: 50 },
    });
    expect(model.metrics.selection).toMatchObject({ by: 'prior', candidates: [] });
  });

  it('a catalogue with works trains the blend per work, without a choice', async () => {
    const model = await trainModel(pool, {
      works: 'auto',
      tuneBudgetSeconds: 60,
      params: { factors: 16, iterations: 4 },
      pipeline: { lowpassDims: 32 },
    });
    expect(model.kind).toBe('blend');
    expect(model.metrics).toMatchObject({ trainedOn: 'works' });
    expect(model.metrics.selection).toBeUndefined();
  });
});
