// Groups items written through the API (upsertItems) into works with the rule ingest uses (src/editions/matcher.ts):
// the written items and the stored items of their blocks (same creator family name + initial, or same title and
// year without creators) are linked by title similarity, and every connected component takes the smallest work id
// among its members — so a new edition joins its work under the work's existing id, and an edition that bridges
// two works merges them, as a full ingest pass would. Grouping only ever joins: an item whose title is edited
// keeps its work until the next `recgraph ingest` regroups the whole catalogue.
import type pg from 'pg';
import { editionKeys, linkBlock, WorkUnion, type BlockMember } from '../editions/matcher.js';
import type { ItemRow } from './items.js';
import { withTransaction } from './transaction.js';

/** Serialises API regroupings (two writes of editions of one work must not each miss the other). */
const REGROUP_LOCK = 0x5ec0_0001;

interface StoredItem {
  id: number;
  title: string;
  creators: string[];
  year: number | null;
  workId: number | null;
}

/** Assigns work ids to `rows` (and merges the works they bridge); returns each row's work id. */
export async function regroupEditions(pool: pg.Pool, rows: readonly ItemRow[]): Promise<Map<number, number>> {
  const written = rows.filter((row) => !row.deletedAt);
  if (!written.length) return new Map();
  return withTransaction(pool, async (client) => {
    await client.query('SELECT pg_advisory_xact_lock($1)', [REGROUP_LOCK]);
    const keyed = written.flatMap((row) => {
      const keys = editionKeys(row);
      return keys ? [{ id: row.id, ...keys }] : [];
    });
    // Candidates: live items that may share a block — a creator whose words include the family name, or no
    // creators and the same year. Their keys are computed here exactly as ingest computes them.
    const families = [
      ...new Set(keyed.filter((k) => k.block.startsWith('c:')).map((k) => k.block.slice(2).split(' ')[0])),
    ];
    const years = [
      ...new Set(written.filter((row) => !row.creators.length && row.year != null).map((row) => row.year!)),
    ];
    const { rows: stored } = await client.query<StoredItem>(
      `SELECT id, title, COALESCE(creators, '{}') AS creators, year, work_id AS "workId" FROM items
        WHERE deleted_at IS NULL AND NOT (attributes ? 'placeholder')
          AND (EXISTS (SELECT 1 FROM unnest(creators) c WHERE lower(c) LIKE ANY($1::text[]))
               OR (cardinality(COALESCE(creators, '{}')) = 0 AND year = ANY($2::int[])))`,
      [families.map((family) => `%${family.replace(/[\\%_]/g, '\\$&')}%`), years],
    );
    const blocks = new Map<string, BlockMember[]>();
    const workOf = new Map<number, number>();
    const add = (member: BlockMember) => {
      const block = blocks.get(member.block);
      if (!block) blocks.set(member.block, [member]);
      else if (!block.some((m) => m.id === member.id)) block.push(member);
    };
    const wanted = new Set(keyed.map((k) => k.block));
    for (const row of stored) {
      workOf.set(row.id, row.workId ?? row.id);
      const keys = editionKeys(row);
      if (keys && wanted.has(keys.block)) add({ id: row.id, ...keys });
    }
    for (const row of written) if (!workOf.has(row.id)) workOf.set(row.id, row.workId ?? row.id);
    for (const member of keyed) add(member);
    const maxId = Math.max(...workOf.keys(), ...written.map((row) => row.id));
    const union = new WorkUnion(maxId);
    for (const members of blocks.values()) linkBlock(members, union);

    // Each component of a written item: the smallest work id among its members becomes everyone's.
    const members = new Map<number, number[]>();
    for (const id of workOf.keys()) {
      const root = union.find(id);
      const list = members.get(root);
      if (list) list.push(id);
      else members.set(root, [id]);
    }
    const result = new Map<number, number>();
    for (const row of written) {
      const component = members.get(union.find(row.id)) ?? [row.id];
      const works = [...new Set(component.map((id) => workOf.get(id) ?? id))];
      const work = Math.min(...works);
      await client.query(
        `UPDATE items SET work_id = $1
          WHERE (id = ANY($2::int[]) OR work_id = ANY($3::int[])) AND work_id IS DISTINCT FROM $1`,
        [work, component, works],
      );
      for (const id of component) workOf.set(id, work);
      result.set(row.id, work);
    }
    return result;
  });
}
