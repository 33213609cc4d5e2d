// The rules every list applies, kept compiled in memory. Freshness across replicas: at most once per
// RECGRAPH_RULES_REFRESH_MS (default 1 s) a request checks the table's fingerprint (one aggregate over a small table,
// see src/db/business-rules.ts) and reloads only when it changed — so a rule written through any replica applies on
// every replica within that bound, and on the replica that wrote it at once (invalidate). Start and end times are
// compared at request time, so a scheduled rule starts and stops on the second. If Postgres cannot answer a check,
// the rules already loaded keep applying (a first load fails the request like any other Postgres read).
import type { BusinessRuleStore } from '../db/business-rules.js';
import { compileRules, itemIdsNamed } from './compile.js';
import type { CompiledRule, RuleSource } from './types.js';

export class RuleCache implements RuleSource {
  private compiled: readonly CompiledRule[] | undefined;
  private fingerprint: string | undefined;
  private checkedAt = -Infinity;
  private pending: Promise<readonly CompiledRule[]> | undefined;

  constructor(
    private readonly store: Pick<BusinessRuleStore, 'list' | 'fingerprint' | 'itemIds'>,
    private readonly options: { refreshMs: number; now?: () => number },
  ) {}

  private now(): number {
    return this.options.now?.() ?? Date.now();
  }

  async rules(): Promise<readonly CompiledRule[]> {
    if (this.compiled && this.now() - this.checkedAt < this.options.refreshMs) return this.compiled;
    // One check at a time: concurrent requests share it.
    this.pending ??= this.refresh().finally(() => (this.pending = undefined));
    return this.pending;
  }

  /** After a write on this replica: the next request re-checks. */
  invalidate(): void {
    this.checkedAt = -Infinity;
  }

  private async refresh(): Promise<readonly CompiledRule[]> {
    try {
      const fingerprint = await this.store.fingerprint();
      if (!this.compiled || fingerprint !== this.fingerprint) {
        const rules = await this.store.list();
        const ids = await this.store.itemIds(itemIdsNamed(rules));
        this.compiled = compileRules(rules, ids);
        this.fingerprint = fingerprint;
      }
      this.checkedAt = this.now();
      return this.compiled;
    } catch (error) {
      if (this.compiled) return this.compiled;
      throw error;
    }
  }
}
