// The experiment report: per variant, lists served, users, CTR@K and conversion per event kind with Wilson 95 %
// intervals (wilson.ts), and catalogue coverage, from the counts of src/db/impressions.ts.
import type { VariantCounts } from '../db/impressions.js';
import type { Experiment } from './types.js';
import { INTERVAL_METHOD, wilson, type Proportion } from './wilson.js';

export interface VariantReport {
  variant: string;
  impressions: number;
  users: number;
  ctrAtK: Proportion;
  conversions: Array<{ kind: string; lists: number; rate: Proportion }>;
  catalogueCoverage: number;
}

export interface ExperimentReport {
  name: string;
  status: Experiment['status'];
  k: number;
  clickKind: string;
  interval: string;
  variants: VariantReport[];
}

export function buildReport(
  experiment: Experiment,
  counts: readonly VariantCounts[],
  catalogueSize: number,
  k: number,
  clickKind: string,
): ExperimentReport {
  const byName = new Map(counts.map((c) => [c.variant, c]));
  // Every declared variant is reported, also one no user has reached yet (zeros, not a missing row).
  const variants = experiment.variants.map(({ name }): VariantReport => {
    const c = byName.get(name) ?? {
      variant: name,
      impressions: 0,
      users: 0,
      clickedLists: 0,
      itemsShown: 0,
      listsByKind: {},
    };
    return {
      variant: name,
      impressions: c.impressions,
      users: c.users,
      ctrAtK: wilson(c.clickedLists, c.impressions),
      conversions: Object.entries(c.listsByKind)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([kind, lists]) => ({ kind, lists, rate: wilson(lists, c.impressions) })),
      catalogueCoverage: catalogueSize ? c.itemsShown / catalogueSize : 0,
    };
  });
  return { name: experiment.name, status: experiment.status, k, clickKind, interval: INTERVAL_METHOD, variants };
}
