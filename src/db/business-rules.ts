// Business rules in Postgres (table business_rules): upserted and soft-deleted through the API, read whole by each
// replica's rule cache when the table's fingerprint changes. Every write takes a fresh value of the id sequence as
// the row's revision, so the sum of revisions changes with every committed write, whatever order concurrent writes
// commit in: the fingerprint (count, sum) is exact, and reading it is one aggregate over a small table.
import type pg from 'pg';
import type { BusinessRule } from '../rules/types.js';
import { withTransaction } from './transaction.js';

/** A rule as the API writes it: everything but the timestamps the table keeps. */
export type RuleWrite = Omit<BusinessRule, 'createdAt' | 'updatedAt'>;

const NEXT_REVISION = `nextval(pg_get_serial_sequence('business_rules', 'id'))`;

const COLUMNS = `external_id AS id, rule_set AS "ruleSet", kind, spec, starts_at AS "startsAt", ends_at AS "endsAt",
                 created_at AS "createdAt", updated_at AS "updatedAt"`;

export class BusinessRuleStore {
  constructor(private readonly pool: pg.Pool) {}

  /** The live rules, oldest first. */
  async list(): Promise<BusinessRule[]> {
    const { rows } = await this.pool.query<BusinessRule>(
      `SELECT ${COLUMNS} FROM business_rules WHERE deleted_at IS NULL ORDER BY created_at, id`,
    );
    return rows;
  }

  /** Changes whenever any rule is written (see the header). */
  async fingerprint(): Promise<string> {
    const { rows } = await this.pool.query<{ n: number; s: string }>(
      `SELECT count(*)::int AS n, coalesce(sum(revision), 0)::text AS s FROM business_rules`,
    );
    return `${rows[0].n}:${rows[0].s}`;
  }

  /** Live items by catalogue id (rules name items by it). */
  async itemIds(externalIds: readonly string[]): Promise<Map<string, number>> {
    if (!externalIds.length) return new Map();
    const { rows } = await this.pool.query<{ id: number; externalId: string }>(
      `SELECT id, external_id AS "externalId" FROM items WHERE external_id = ANY($1::text[]) AND deleted_at IS NULL`,
      [externalIds],
    );
    return new Map(rows.map((row) => [row.externalId, row.id]));
  }

  /** Creates or replaces rules by id, all in one transaction; a deleted rule written again comes back. */
  async upsert(rules: readonly RuleWrite[]): Promise<Array<BusinessRule & { created: boolean }>> {
    return withTransaction(this.pool, async (client) => {
      const saved: Array<BusinessRule & { created: boolean }> = [];
      for (const rule of rules) {
        const { rows } = await client.query<BusinessRule & { created: boolean }>(
          `INSERT INTO business_rules (external_id, rule_set, kind, spec, starts_at, ends_at, revision)
           VALUES ($1, $2, $3, $4, $5, $6, ${NEXT_REVISION})
           ON CONFLICT (external_id) DO UPDATE
              SET rule_set = EXCLUDED.rule_set, kind = EXCLUDED.kind, spec = EXCLUDED.spec,
                  starts_at = EXCLUDED.starts_at, ends_at = EXCLUDED.ends_at, revision = ${NEXT_REVISION},
                  updated_at = now(), deleted_at = NULL,
                  created_at = CASE WHEN business_rules.deleted_at IS NULL THEN business_rules.created_at ELSE now() END
           RETURNING ${COLUMNS}, (xmax = 0) AS created`,
          [rule.id, rule.ruleSet, rule.kind, JSON.stringify(rule.spec), rule.startsAt, rule.endsAt],
        );
        saved.push(rows[0]);
      }
      return saved;
    });
  }

  /** Soft-deletes rules by id; returns the ids that were live. */
  async delete(ids: readonly string[]): Promise<string[]> {
    if (!ids.length) return [];
    const { rows } = await this.pool.query<{ id: string }>(
      `UPDATE business_rules SET deleted_at = now(), updated_at = now(), revision = ${NEXT_REVISION}
        WHERE external_id = ANY($1::text[]) AND deleted_at IS NULL RETURNING external_id AS id`,
      [ids],
    );
    return rows.map((row) => row.id);
  }
}
