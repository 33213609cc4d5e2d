// Queries of the experiments table and its state machine: draft → running ⇄ stopped → ended, at most one running.
import type pg from 'pg';
import type { Experiment, ExperimentStatus, Variant } from '../experiments/types.js';
import { withTransaction } from './transaction.js';

type Queryable = Pick<pg.ClientBase, 'query'>;

/** A state change the experiment's status does not allow (or a name taken): the caller's mistake. */
export class ExperimentConflict extends Error {}
export class ExperimentNotFound extends Error {}

const COLUMNS = `id, name, salt, status, variants, created_at AS "createdAt", started_at AS "startedAt",
  stopped_at AS "stoppedAt", ended_at AS "endedAt"`;

export class ExperimentRepository {
  constructor(private readonly pool: pg.Pool) {}

  async create(input: { name: string; salt: string; variants: Variant[] }): Promise<Experiment> {
    const { rows } = await this.pool.query<Experiment>(
      `INSERT INTO experiments (name, salt, variants) VALUES ($1, $2, $3)
       ON CONFLICT (name) DO NOTHING RETURNING ${COLUMNS}`,
      [input.name, input.salt, JSON.stringify(input.variants)],
    );
    if (!rows[0]) throw new ExperimentConflict(`an experiment named "${input.name}" already exists`);
    return rows[0];
  }

  async list(): Promise<Experiment[]> {
    const { rows } = await this.pool.query<Experiment>(`SELECT ${COLUMNS} FROM experiments ORDER BY id DESC`);
    return rows;
  }

  async byName(name: string, db: Queryable = this.pool): Promise<Experiment | undefined> {
    const { rows } = await db.query<Experiment>(`SELECT ${COLUMNS} FROM experiments WHERE name = $1`, [name]);
    return rows[0];
  }

  /** The running experiment, if any (at most one runs at a time). */
  async running(): Promise<Experiment | undefined> {
    const { rows } = await this.pool.query<Experiment>(
      `SELECT ${COLUMNS} FROM experiments WHERE status = 'running' ORDER BY started_at DESC LIMIT 1`,
    );
    return rows[0];
  }

  start(name: string): Promise<Experiment> {
    return this.transition(name, 'running', ['draft', 'stopped'], 'started_at = coalesce(started_at, now())');
  }

  stop(name: string): Promise<Experiment> {
    return this.transition(name, 'stopped', ['running'], 'stopped_at = now()');
  }

  end(name: string): Promise<Experiment> {
    return this.transition(name, 'ended', ['draft', 'running', 'stopped'], 'ended_at = now()');
  }

  private transition(
    name: string,
    to: ExperimentStatus,
    from: readonly ExperimentStatus[],
    stamp: string,
  ): Promise<Experiment> {
    return withTransaction(this.pool, async (client) => {
      // One writer at a time decides "is another one running?" (a transaction-scoped advisory lock).
      await client.query(`SELECT pg_advisory_xact_lock(hashtext('recgraph:experiments'))`);
      const current = await this.byName(name, client);
      if (!current) throw new ExperimentNotFound(`no experiment named "${name}"`);
      if (current.status === to) return current;
      if (!from.includes(current.status))
        throw new ExperimentConflict(`experiment "${name}" is ${current.status}: it cannot become ${to}`);
      if (to === 'running') {
        const { rows } = await client.query<{ name: string }>(
          `SELECT name FROM experiments WHERE status = 'running' AND name <> $1`,
          [name],
        );
        if (rows[0]) throw new ExperimentConflict(`experiment "${rows[0].name}" is running: stop or end it first`);
      }
      const { rows } = await client.query<Experiment>(
        `UPDATE experiments SET status = $2, ${stamp} WHERE name = $1 RETURNING ${COLUMNS}`,
        [name, to],
      );
      return rows[0];
    });
  }
}
