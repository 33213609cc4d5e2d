// The rules engine, pure: which rules are active for a list, what they exclude, and how they reorder a ranked
// list — boost/bury (scores × factor) → cap per creator/genre → pins at positions. Each touched item records the
// rules that touched it; the caller turns that into the item's explanation and the list's reason.
import type { ItemFilterInput, ItemMatch } from '../catalogue.js';
import type { ScoredItemId } from '../recommend/types.js';
import { DEFAULT_RULE_SET, type CompiledRule } from './types.js';

/** What the engine needs to know about an item. */
export interface ItemFacts {
  id: number;
  genres: readonly string[];
  tags: readonly string[];
  creators: readonly string[];
  year: number | null;
}

/**
 * The rules of `ruleSet` in force at `now`. EXCLUDE rules apply in every set: an out-of-stock item is out of stock
 * in every experiment's variant too.
 */
export function activeRules(rules: readonly CompiledRule[], ruleSet: string | undefined, now: number): CompiledRule[] {
  const set = ruleSet ?? DEFAULT_RULE_SET;
  return rules.filter(
    (rule) =>
      (rule.ruleSet === set || rule.kind === 'EXCLUDE') &&
      (rule.startsAt === undefined || rule.startsAt <= now) &&
      (rule.endsAt === undefined || now < rule.endsAt),
  );
}

/** The filter with the EXCLUDE rules added (ids go to excludeIds; the rest as excludeMatching), so lists stay full. */
export function withRuleExclusions(filter: ItemFilterInput, rules: readonly CompiledRule[]): ItemFilterInput {
  const ids: number[] = [];
  const matching: ItemMatch[] = [];
  for (const rule of rules) {
    if (rule.kind !== 'EXCLUDE' || !rule.match) continue;
    const { ids: matchIds, ...rest } = rule.match;
    if (matchIds?.length && !Object.values(rest).some((v) => v !== undefined)) ids.push(...matchIds);
    else matching.push(rule.match);
  }
  if (!ids.length && !matching.length) return filter;
  return {
    ...filter,
    ...(ids.length ? { excludeIds: [...(filter.excludeIds ?? []), ...ids] } : {}),
    ...(matching.length ? { excludeMatching: [...(filter.excludeMatching ?? []), ...matching] } : {}),
  };
}

const any = (wanted: readonly string[] | undefined, has: readonly string[]) =>
  !wanted?.length || wanted.some((value) => has.includes(value));

/** Whether the item meets every constraint of `match` (any-of within a list). */
export function matches(match: ItemMatch, item: ItemFacts): boolean {
  if (match.ids?.length && !match.ids.includes(item.id)) return false;
  if (!any(match.genres, item.genres) || !any(match.tags, item.tags) || !any(match.creators, item.creators)) {
    return false;
  }
  if (match.yearFrom !== undefined && (item.year === null || item.year < match.yearFrom)) return false;
  if (match.yearTo !== undefined && (item.year === null || item.year > match.yearTo)) return false;
  return true;
}

/** Whether a list under `filter` may hold the item (a pin must respect the request's filter and exclusions). */
export function passesFilter(filter: ItemFilterInput, item: ItemFacts): boolean {
  if (filter.excludeIds?.includes(item.id)) return false;
  if (filter.excludeMatching?.some((match) => matches(match, item))) return false;
  const { excludeIds: _ids, excludeMatching: _matching, ...constraints } = filter;
  return matches(constraints, item);
}

/** Whether the rules change the order of a list (so the list must be made wider than the page first). */
export function reorders(rules: readonly CompiledRule[]): boolean {
  return rules.some((rule) => rule.kind === 'BOOST' || rule.kind === 'BURY' || rule.kind === 'CAP');
}

/** The items the PIN rules place, by 1-based position (the first rule wins a position; an item is pinned once). */
export function pinsOf(rules: readonly CompiledRule[]): Array<{ itemId: number; position: number; rule: string }> {
  const taken = new Set<number>();
  const placed = new Set<number>();
  const pins: Array<{ itemId: number; position: number; rule: string }> = [];
  for (const rule of rules) {
    if (rule.kind !== 'PIN') continue;
    for (const pin of rule.pins ?? []) {
      if (taken.has(pin.position) || placed.has(pin.itemId)) continue;
      taken.add(pin.position);
      placed.add(pin.itemId);
      pins.push({ ...pin, rule: rule.id });
    }
  }
  return pins.sort((a, b) => a.position - b.position);
}

export interface RankedByRules {
  items: ScoredItemId[];
  /** Rule id → how many items of the list it touched (boosted, buried, capped out, pinned). */
  touched: Map<string, number>;
}

function scaled(score: number, factor: number): number {
  // A negative score (a dot product below zero) scaled up would sink: divide it instead.
  return score >= 0 ? score * factor : score / factor;
}

function withRule(entry: ScoredItemId, rule: string): ScoredItemId {
  return { ...entry, rules: [...(entry.rules ?? []), rule] };
}

/**
 * The list after the ranking rules. `facts` holds every listed and pinnable item; `pinnable` are the pinned items
 * the list may hold (live, passing the request's filter and exclusions). Items without facts are left alone.
 */
export function rankByRules(
  list: readonly ScoredItemId[],
  rules: readonly CompiledRule[],
  facts: ReadonlyMap<number, ItemFacts>,
  pinnable: ReadonlySet<number>,
): RankedByRules {
  const touched = new Map<string, number>();
  const touch = (rule: string) => touched.set(rule, (touched.get(rule) ?? 0) + 1);
  let items = [...list];

  const scoring = rules.filter((rule) => (rule.kind === 'BOOST' || rule.kind === 'BURY') && rule.match);
  if (scoring.length) {
    let moved = false;
    const rescored = items.map((entry) => {
      const item = facts.get(entry.itemId);
      if (!item) return entry;
      let next = entry;
      for (const rule of scoring) {
        if (!matches(rule.match!, item)) continue;
        next = withRule({ ...next, score: scaled(next.score, rule.factor ?? 1) }, rule.id);
        touch(rule.id);
        moved = true;
      }
      return next;
    });
    if (moved) {
      // Stable (Array.prototype.sort is): equal scores keep the list's own order.
      items = rescored.sort((a, b) => b.score - a.score);
    }
  }

  for (const rule of rules) {
    if (rule.kind !== 'CAP' || !rule.cap) continue;
    const { by, max } = rule.cap;
    const counts = new Map<string, number>();
    items = items.filter((entry) => {
      const item = facts.get(entry.itemId);
      const keys = item ? (by === 'CREATOR' ? item.creators : item.genres) : [];
      if (keys.some((key) => (counts.get(key) ?? 0) >= max)) {
        touch(rule.id);
        return false;
      }
      for (const key of keys) counts.set(key, (counts.get(key) ?? 0) + 1);
      return true;
    });
  }

  const pins = pinsOf(rules).filter((pin) => pinnable.has(pin.itemId));
  if (pins.length) {
    const pinned = new Set(pins.map((pin) => pin.itemId));
    const explained = items.some((entry) => entry.because !== undefined);
    items = items.filter((entry) => !pinned.has(entry.itemId));
    for (const pin of pins) {
      const at = Math.min(pin.position - 1, items.length);
      const score = items[at]?.score ?? items[at - 1]?.score ?? 0;
      items.splice(at, 0, {
        itemId: pin.itemId,
        score,
        source: 'PINNED',
        rules: [pin.rule],
        ...(explained ? { because: [] } : {}),
      });
      touch(pin.rule);
    }
  }
  return { items, touched };
}

/** The list's reason with what the rules did, e.g. "…; business rules: boost summer-sale (3 items), pin banner". */
export function reasonWithRules(
  reason: string | null,
  touched: ReadonlyMap<string, number>,
  rules: readonly CompiledRule[],
  excluding: readonly CompiledRule[],
): string | null {
  const kindOf = new Map(rules.map((rule) => [rule.id, rule.kind.toLowerCase()]));
  const parts = [...touched].map(([id, n]) => `${kindOf.get(id)} ${id} (${n} item${n === 1 ? '' : 's'})`);
  for (const rule of excluding) parts.push(`exclude ${rule.id}`);
  if (!parts.length) return reason;
  const note = `business rules: ${parts.join(', ')}`;
  return reason ? `${reason}; ${note}` : note;
}
