// The business-rules stage of every list (recommendations, similar items, search, session, popular): the one place
// RecommendationService hands each use case through. Exclusions go into the use case's filter (lists stay full);
// when boost, bury or cap rules are active the use case is asked for a wider list, which the engine (apply.ts)
// reorders before the page is cut; pins are placed last. Without active rules the use case runs as asked.
import type { ItemReader } from '../db/item-cache.js';
import type { ItemFilter, PageRequest, RecommendationResult } from '../recommend/types.js';
import {
  activeRules,
  passesFilter,
  pinsOf,
  rankByRules,
  reasonWithRules,
  reorders,
  withRuleExclusions,
  type ItemFacts,
} from './apply.js';
import type { RuleSource } from './types.js';

export interface RuleStageDeps {
  rules?: RuleSource;
  /** Item metadata (the server's item cache) for matching and pin checks. */
  items?: Pick<ItemReader, 'byIds'>;
}

export interface RuledListRequest {
  ruleSet?: string;
  page: PageRequest;
  filter: ItemFilter;
  /** Items this list excludes besides the filter (the user's history, the item asked about …): never pinned. */
  excluded?: () => Promise<readonly number[]>;
}

/** The widest list a use case is asked for (pagination stops at the 500th result too). */
const WIDEST = 500;

export async function withBusinessRules(
  deps: RuleStageDeps,
  request: RuledListRequest,
  makeList: (page: PageRequest, filter: ItemFilter) => Promise<RecommendationResult>,
): Promise<RecommendationResult> {
  const all = deps.rules ? await deps.rules.rules() : [];
  const rules = activeRules(all, request.ruleSet, Date.now());
  if (!rules.length) return makeList(request.page, request.filter);
  const filter = withRuleExclusions(request.filter, rules);
  const excluding = rules.filter((rule) => rule.kind === 'EXCLUDE');
  const pins = pinsOf(rules);
  const { page } = request;
  const end = page.offset + page.first;
  if (!reorders(rules) && !pins.length) {
    const result = await makeList(page, filter);
    return { ...result, reason: reasonWithRules(result.reason, new Map(), rules, excluding) };
  }
  // Room for what boost/bury bring up and caps drop, and for the items pins push down past the page.
  const wide = reorders(rules) ? Math.min(WIDEST, Math.max(2 * end, end + 20)) : end;
  const result = await makeList({ first: Math.min(WIDEST, wide + pins.length), offset: 0 }, filter);
  const [rows, excluded] = await Promise.all([
    deps.items
      ? deps.items.byIds([...new Set([...result.items.map((e) => e.itemId), ...pins.map((p) => p.itemId)])])
      : [],
    pins.length && request.excluded ? request.excluded() : [],
  ]);
  const facts = new Map<number, ItemFacts>();
  const live = new Set<number>();
  for (const row of rows) {
    if (!row) continue;
    facts.set(row.id, row);
    if (!row.deletedAt) live.add(row.id);
  }
  const excludedIds = new Set(excluded);
  const pinnable = new Set(
    pins
      .map((pin) => pin.itemId)
      .filter((id) => live.has(id) && !excludedIds.has(id) && passesFilter(filter, facts.get(id)!)),
  );
  const { items, touched } = rankByRules(result.items, rules, facts, pinnable);
  return {
    ...result,
    items: items.slice(page.offset, end),
    hasMore: items.length > end || result.hasMore,
    reason: reasonWithRules(result.reason, touched, rules, excluding),
  };
}
