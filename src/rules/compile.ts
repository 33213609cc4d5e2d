// From stored rules (catalogue ids) to what the serving path applies (internal ids). An id that no longer names a
// live item drops out; a rule left matching nothing (all its ids gone) is dropped, never widened to "every item".
import type { ItemMatch } from '../catalogue.js';
import type { BusinessRule, CompiledRule } from './types.js';

export function compileRules(rules: readonly BusinessRule[], idOf: ReadonlyMap<string, number>): CompiledRule[] {
  return rules.flatMap((rule): CompiledRule[] => {
    const { match, factor, pins, cap } = rule.spec;
    let compiledMatch: ItemMatch | undefined;
    if (match) {
      const ids = match.itemIds?.flatMap((id) => (idOf.has(id) ? [idOf.get(id)!] : []));
      if (match.itemIds?.length && !ids?.length) return [];
      compiledMatch = { ...(match.filter ?? {}), ...(ids?.length ? { ids } : {}) };
    }
    const compiledPins = pins?.flatMap((pin) =>
      idOf.has(pin.itemId) ? [{ itemId: idOf.get(pin.itemId)!, position: pin.position }] : [],
    );
    if (rule.kind === 'PIN' && !compiledPins?.length) return [];
    return [
      {
        id: rule.id,
        ruleSet: rule.ruleSet,
        kind: rule.kind,
        ...(compiledMatch ? { match: compiledMatch } : {}),
        ...(factor !== undefined ? { factor } : {}),
        ...(compiledPins ? { pins: compiledPins } : {}),
        ...(cap ? { cap } : {}),
        ...(rule.startsAt ? { startsAt: rule.startsAt.getTime() } : {}),
        ...(rule.endsAt ? { endsAt: rule.endsAt.getTime() } : {}),
      },
    ];
  });
}

/** Every catalogue id a rule names (for resolving them in one query). */
export function itemIdsNamed(rules: readonly BusinessRule[]): string[] {
  const ids = new Set<string>();
  for (const rule of rules) {
    for (const id of rule.spec.match?.itemIds ?? []) ids.add(id);
    for (const pin of rule.spec.pins ?? []) ids.add(pin.itemId);
  }
  return [...ids];
}
