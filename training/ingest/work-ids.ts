// Assigns items.work_id over the whole stored catalog (see clean/editions.ts for the rule), in bounded memory:
// keys are computed in JS while streaming the catalog through a cursor, written back to a temp table with COPY,
// read again sorted by block so one block at a time is in memory, and the result is applied with one UPDATE.
// Only the union-find array (4 bytes per item id) is proportional to the catalog.
// Runs inside the caller's transaction (the loader's), so works are never half-assigned.
import type pg from 'pg';
import { stageRows, type StageColumn, type StagingMode } from './staging.js';
import { cursorBatches, cursorRows } from './pg-cursor.js';
import { editionKeys, linkBlock, WorkUnion, type BlockMember, type EditionOptions } from '../clean/editions.js';

export type WorkGroupingOptions = EditionOptions;

export interface WorkGroupingSummary {
  /** Items considered (placeholders and untitled items stay their own work). */
  items: number;
  works: number;
  /** Works with two or more editions, and how many items they hold. */
  multiEditionWorks: number;
  itemsInMultiEditionWorks: number;
  /** Rows whose work_id changed in this run. */
  changed: number;
}

const KEY_COLUMNS: StageColumn<BlockMember>[] = [
  { name: 'id', type: 'int', value: (r) => String(r.id), plain: true },
  { name: 'block', type: 'text', value: (r) => r.block },
  { name: 'match', type: 'text', value: (r) => r.match },
  { name: 'numbers', type: 'text', value: (r) => r.numbers },
];
const ASSIGNMENT_COLUMNS: StageColumn<[number, number]>[] = [
  { name: 'id', type: 'int', value: (r) => String(r[0]), plain: true },
  { name: 'work_id', type: 'int', value: (r) => String(r[1]), plain: true },
];

async function* numbered<T>(rows: T[]): AsyncGenerator<[T, number]> {
  for (let i = 0; i < rows.length; i++) yield [rows[i], i];
}

/** `mode`: how rows are written back (COPY, or batched inserts on the embedded PGlite). */
export async function assignWorkIds(
  client: pg.PoolClient,
  options: WorkGroupingOptions = {},
  mode: StagingMode = 'copy',
): Promise<WorkGroupingSummary> {
  const max = await client.query<{ max: number | null }>('SELECT max(id) AS max FROM items');
  const maxId = max.rows[0].max ?? 0;
  if (maxId === 0) return { items: 0, works: 0, multiEditionWorks: 0, itemsInMultiEditionWorks: 0, changed: 0 };

  await client.query(`CREATE TEMP TABLE work_keys (id int, block text, match text, numbers text) ON COMMIT DROP`);
  // Batches, not one COPY around the cursor: the connection cannot FETCH while a COPY is streaming.
  for await (const batch of cursorBatches<{ id: number; title: string; creators: string[]; year: number | null }>(
    client,
    `SELECT id, title, creators, year FROM items WHERE NOT (attributes ? 'placeholder')`,
  )) {
    const rows: BlockMember[] = [];
    for (const row of batch) {
      const keys = editionKeys(row);
      if (keys) rows.push({ id: row.id, ...keys });
    }
    await stageRows(client, 'work_keys', KEY_COLUMNS, numbered(rows), mode);
  }

  const union = new WorkUnion(maxId);
  let block: BlockMember[] = [];
  for await (const row of cursorRows<BlockMember>(
    client,
    `SELECT id, block, match, numbers FROM work_keys ORDER BY block, id`,
  )) {
    if (block.length > 0 && block[0].block !== row.block) {
      linkBlock(block, union, options);
      block = [];
    }
    block.push(row);
  }
  linkBlock(block, union, options);

  // Every item gets a work id (its own when alone), so consumers never have to special-case null.
  await client.query(`CREATE TEMP TABLE work_assignment (id int PRIMARY KEY, work_id int) ON COMMIT DROP`);
  const componentSize = new Int32Array(maxId + 1);
  let items = 0;
  for await (const batch of cursorBatches<{ id: number }>(client, 'SELECT id FROM items ORDER BY id')) {
    const rows: [number, number][] = [];
    for (const row of batch) {
      const root = union.find(row.id);
      items++;
      componentSize[root]++;
      rows.push([row.id, root]);
    }
    await stageRows(client, 'work_assignment', ASSIGNMENT_COLUMNS, numbered(rows), mode);
  }
  const changed = await client.query(`
    UPDATE items t SET work_id = w.work_id FROM work_assignment w
    WHERE t.id = w.id AND t.work_id IS DISTINCT FROM w.work_id`);

  let works = 0;
  let multiEditionWorks = 0;
  let itemsInMultiEditionWorks = 0;
  for (const size of componentSize) {
    if (size > 0) works++;
    if (size > 1) {
      multiEditionWorks++;
      itemsInMultiEditionWorks += size;
    }
  }
  return { items, works, multiEditionWorks, itemsInMultiEditionWorks, changed: changed.rowCount ?? 0 };
}
