// The experiments facade the GraphQL layer calls: definitions and their state changes (src/db/experiments.ts), the
// running experiment as serving sees it (running-source.ts), assignment (assignment.ts), the lists served under it
// and the report.
import type pg from 'pg';
import { ExperimentRepository } from '../db/experiments.js';
import { catalogueSize, recordImpression, variantCounts, type Impression } from '../db/impressions.js';
import type { Logger } from '../logger.js';
import { assign } from './assignment.js';
import { buildReport, type ExperimentReport } from './report.js';
import { RunningExperimentSource } from './running-source.js';
import type { Assignment, Experiment, Variant } from './types.js';

export class Experiments {
  readonly repository: ExperimentRepository;
  private readonly running: RunningExperimentSource;

  constructor(
    private readonly pool: pg.Pool,
    private readonly options: { ttlMs?: number; log?: Pick<Logger, 'warn'> } = {},
  ) {
    this.repository = new ExperimentRepository(pool);
    this.running = new RunningExperimentSource(() => this.repository.running(), options);
  }

  /** Reads the running experiment before the first request. */
  warmUp(): Promise<void> {
    return this.running.refresh();
  }

  /** The user's variant in the running experiment (from memory: no query on the request path). */
  assign(userKey: string): Assignment | undefined {
    return assign(this.running.get(), userKey);
  }

  /**
   * Records the list a user was shown under an experiment. A failure is logged, not thrown: the user still gets the
   * list (it just does not count in the report).
   */
  async recordImpression(impression: Impression): Promise<void> {
    await recordImpression(this.pool, impression).catch((error: Error) =>
      this.options.log?.warn(`experiments: impression ${impression.recommendationId} not stored: ${error.message}`),
    );
  }

  create(input: { name: string; salt: string; variants: Variant[] }): Promise<Experiment> {
    return this.repository.create(input);
  }

  async changeStatus(name: string, change: 'start' | 'stop' | 'end'): Promise<Experiment> {
    const experiment = await this.repository[change](name);
    await this.running.refresh(); // this replica follows at once; the others within the TTL
    return experiment;
  }

  list(): Promise<Experiment[]> {
    return this.repository.list();
  }

  async report(name: string, k: number, clickKind: string): Promise<ExperimentReport | undefined> {
    const experiment = await this.repository.byName(name);
    if (!experiment) return undefined;
    const [counts, size] = await Promise.all([
      variantCounts(this.pool, experiment.id, k, clickKind),
      catalogueSize(this.pool),
    ]);
    return buildReport(experiment, counts, size, k, clickKind);
  }
}
