// One item per work in every list. The serving facade (service.ts) runs each use case through `onePerWork`: the
// filter's exclusions are widened to every edition of their works (seen items, the item asked about, the session's
// items, excludeIds), the use case is asked for more candidates than the page, the candidates are collapsed to one
// per work, and if collapsing left the page short while more candidates exist, it asks again with a wider reach —
// so lists stay full. A catalogue without multi-edition works skips all of this (no over-fetch, no copy).
//
// Which edition a work shows (documented in README § Editions and works):
//   1. the edition the user interacted with (when a user is known),
//   2. else the edition with the most events,
//   3. else the newest (year, then the newest id).
// The work keeps the rank and score of its best-ranked edition. Only editions the list could hold are chosen: not
// excluded, and — when the filter restricts payload fields (genres, years …) — among the candidates that passed it.
import type { WorkMap } from '../db/works.js';
import type { ItemFilter, PageRequest, RecommendationResult, ScoredItemId } from './types.js';

export interface EditionChoice {
  /** Items the list must not show (already widened to whole works). */
  excluded: ReadonlySet<number>;
  /** The user's items: an edition among them is preferred. */
  interacted?: ReadonlySet<number>;
  /** The filter restricts payload fields: only editions that came back as candidates are known to pass it. */
  payloadFiltered: boolean;
}

/** The edition of `workId` a list shows, given the candidates the list holds. */
export function chooseEdition(works: WorkMap, workId: number, candidates: ReadonlySet<number>, choice: EditionChoice) {
  const eligible = works
    .editionsOf(workId)
    .filter((e) => !choice.excluded.has(e.id) && (!choice.payloadFiltered || candidates.has(e.id)));
  return (eligible.find((e) => choice.interacted?.has(e.id)) ?? eligible[0])?.id;
}

/** Collapses ranked items to the first of each work, shown as the edition the rule picks. */
export function collapseToWorks(items: readonly ScoredItemId[], works: WorkMap, choice: EditionChoice): ScoredItemId[] {
  const candidates = new Set(items.map((item) => item.itemId));
  const shownWorks = new Set<number>();
  const out: ScoredItemId[] = [];
  for (const item of items) {
    const work = works.workOf(item.itemId);
    if (work === undefined) {
      out.push(item);
      continue;
    }
    if (shownWorks.has(work)) continue;
    shownWorks.add(work);
    out.push({ ...item, itemId: chooseEdition(works, work, candidates, choice) ?? item.itemId });
  }
  return out;
}

function hasPayloadFilter(filter: ItemFilter): boolean {
  return !!(
    filter.genres?.length ||
    filter.tags?.length ||
    filter.creators?.length ||
    filter.yearFrom !== undefined ||
    filter.yearTo !== undefined
  );
}

/** Most candidates one list asks for while collapsing editions. */
const MAX_REACH = 1000;
/** Asks after the first: each widens the reach by the collapse ratio seen so far. */
const MAX_ATTEMPTS = 3;

/**
 * Runs a list-making use case so that its page holds one item per work. `run` gets the (widened) page and the
 * filter with exclusions covering whole works; `alsoExclude` are ids the use case excludes on its own (seen items,
 * the item asked about), `interacted` the user's items for the edition rule.
 */
export async function onePerWork(
  works: WorkMap | undefined,
  page: PageRequest,
  filter: ItemFilter,
  run: (page: PageRequest, filter: ItemFilter) => Promise<RecommendationResult>,
  options: { alsoExclude?: readonly number[]; interacted?: readonly number[] } = {},
): Promise<RecommendationResult> {
  // A `workId` filter asks for the editions of one work: shown as they are, not collapsed into one.
  if (!works?.hasWorks || filter.onlyIds) return run(page, filter);
  const excludeIds = works.withAllEditions([...(filter.excludeIds ?? []), ...(options.alsoExclude ?? [])]);
  const widened: ItemFilter = excludeIds.length ? { ...filter, excludeIds } : filter;
  const choice: EditionChoice = {
    excluded: new Set(excludeIds),
    interacted: options.interacted?.length ? new Set(options.interacted) : undefined,
    payloadFiltered: hasPayloadFilter(filter),
  };
  const end = page.offset + page.first;
  // A first reach of 1.5× the page absorbs the usual few collapsed editions in one ask.
  let reach = Math.min(MAX_REACH, Math.max(end + 5, Math.ceil(end * 1.5)));
  for (let attempt = 1; ; attempt++) {
    const result = await run({ first: reach, offset: 0 }, widened);
    const collapsed = collapseToWorks(result.items, works, choice);
    if (collapsed.length >= end || !result.hasMore || attempt === MAX_ATTEMPTS || reach >= MAX_REACH) {
      return { ...result, items: collapsed.slice(page.offset, end), hasMore: collapsed.length > end || result.hasMore };
    }
    const keptShare = Math.max(collapsed.length, 1) / Math.max(result.items.length, 1);
    reach = Math.min(MAX_REACH, Math.ceil(((end + 1) / keptShare) * 1.2));
  }
}
