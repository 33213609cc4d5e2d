// Which experiment is running, as the serving path sees it: re-read from Postgres on a short TTL (so a start, stop or
// end reaches every replica within it) in the background — a request never waits for the refresh and never fails
// because of it: until the first read lands, and while Postgres cannot answer, the last answer stands.
import type { Logger } from '../logger.js';
import type { Experiment } from './types.js';

export class RunningExperimentSource {
  private current: Experiment | undefined;
  private readAt = 0;
  private refreshing: Promise<void> | undefined;

  constructor(
    private readonly read: () => Promise<Experiment | undefined>,
    private readonly options: { ttlMs?: number; log?: Pick<Logger, 'warn'> } = {},
  ) {}

  /** The running experiment as last read; starts a background refresh when that read is older than the TTL. */
  get(): Experiment | undefined {
    if (Date.now() - this.readAt >= (this.options.ttlMs ?? 2_000)) void this.refresh();
    return this.current;
  }

  /** Reads now (after a change made through this replica, and at startup); never throws. */
  refresh(): Promise<void> {
    this.refreshing ??= this.read()
      .then((experiment) => {
        this.current = experiment;
        this.readAt = Date.now();
      })
      .catch((error: Error) => {
        this.readAt = Date.now(); // try again after a TTL, not on every request
        this.options.log?.warn(`experiments: could not read the running experiment: ${error.message}`);
      })
      .finally(() => (this.refreshing = undefined));
    return this.refreshing;
  }
}
