// Validation of client input at the boundary, all of it: every limit a hostile or careless query could push, text
// that Postgres or Qdrant cannot store (U+0000, lone UTF-16 surrogates), strict ISO-8601 times and our own cursors.
// A single bad value answers BAD_USER_INPUT naming the argument; in a list, a bad element is rejected alone, with its
// index and reason, and the rest proceed (see rejectedInput and README § Errors).
import { decodeCursor, encodeCursor } from './cursor.js';
import type { ItemFilter, PageRequest } from '../recommend/types.js';
import type { ItemWrite } from '../db/items.js';
import type { RuleWrite } from '../db/business-rules.js';
import { DEFAULT_RULE_SET, type RuleSpec } from '../rules/types.js';
import type {
  BusinessRuleInput,
  ExperimentInput,
  InteractionInput,
  ItemFilter as ItemFilterArg,
  ItemInput,
} from './__generated__/resolvers.js';
import type { Variant } from '../experiments/types.js';
import type { RequestContext } from './context.js';
import { apiError, badUserInput } from './errors.js';
import { rejectInput } from './plugins/rejected-inputs.js';

export const LIMITS = {
  first: 100,
  idLength: 256,
  filterValues: 50,
  filterValueLength: 200,
  queryLength: 500,
  sessionItems: 50,
  itemsById: 100,
  interactionsPerCall: 1000,
  itemsPerUpsert: 500,
  deletesPerCall: 1000,
  textLength: 20_000,
  /** How much of a bad value a rejection reason quotes. */
  quotedLength: 40,
  idempotencyKeyLength: 200,
  rulesPerCall: 100,
  ruleItems: 1000,
  rulePins: 20,
  ruleSetLength: 64,
} as const;

/** A list element rejected alone. */
export interface ElementRejection {
  index: number;
  reason: string;
}

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Why Postgres (text columns refuse U+0000) or Qdrant (JSON without lone surrogates) could not store this text. */
export function textProblem(value: string): string | undefined {
  if (value.includes('\u0000')) return 'contains U+0000 (NUL)';
  if (LONE_SURROGATE.test(value)) return 'contains a lone UTF-16 surrogate (not valid Unicode)';
  return undefined;
}

/** A value quoted in a reason, cut so a 10,000-character input is not echoed back whole. */
export function quote(value: string): string {
  const cut = value.length > LIMITS.quotedLength ? `${value.slice(0, LIMITS.quotedLength)}…` : value;
  return JSON.stringify(cut);
}

export function checkFirst(first: number | null | undefined, argumentName = 'first'): number {
  const value = first ?? 20;
  if (!Number.isInteger(value) || value < 1 || value > LIMITS.first) {
    throw badUserInput(`${argumentName} must be between 1 and ${LIMITS.first}, got ${value}`, argumentName);
  }
  return value;
}

/** The offset of a cursor this API returned, or undefined: only the exact text encodeCursor makes is accepted. */
function cursorOffset(after: string): number | undefined {
  if (after.length > 64) return undefined;
  const offset = decodeCursor(after);
  // Base64 decoding ignores what it does not know ("b z o 1"), and Number() reads "0x10": round-trip instead.
  return offset !== undefined && encodeCursor(offset) === after ? offset : undefined;
}

export function checkPage(first: number | null | undefined, after: string | null | undefined): PageRequest {
  const page = { first: checkFirst(first), offset: 0 };
  if (after != null) {
    const offset = cursorOffset(after);
    if (offset === undefined)
      throw badUserInput('after is not a cursor this API returned (use pageInfo.endCursor)', 'after');
    page.offset = offset;
  }
  if (page.offset + page.first > 500) throw badUserInput('pagination reaches past the 500th result', 'after');
  return page;
}

/** Why an id cannot be one (empty, too long, not storable text), or undefined when it can. */
export function idProblem(id: string): string | undefined {
  if (id.length === 0 || id.length > LIMITS.idLength) return `must be 1 to ${LIMITS.idLength} characters`;
  return textProblem(id);
}

export function checkId(id: string, argumentName: string): string {
  const problem = idProblem(id);
  if (problem) throw badUserInput(`${argumentName} ${problem}`, argumentName);
  return id;
}

/** Refuses a list longer than `max` as a whole (that is the caller's loop, not one bad element). */
export function checkListLength(length: number, max: number, argumentName: string, noun = 'ids'): void {
  if (length > max) throw badUserInput(`${argumentName} takes at most ${max} ${noun}, got ${length}`, argumentName);
}

/** Every id of the list checked alone: the good ones with their positions, and the rejected ones. */
export function splitIds(
  ids: readonly string[],
  max: number,
  argumentName: string,
): { valid: Array<{ id: string; index: number }>; rejected: ElementRejection[] } {
  checkListLength(ids.length, max, argumentName);
  const valid: Array<{ id: string; index: number }> = [];
  const rejected: ElementRejection[] = [];
  ids.forEach((id, index) => {
    const problem = idProblem(id);
    if (problem) rejected.push({ index, reason: `${argumentName}[${index}] ${problem}` });
    else valid.push({ id, index });
  });
  return { valid, rejected };
}

/** The list's good ids; each bad one is left out and reported in extensions.rejectedInputs. */
export function idsOrReport(
  context: RequestContext,
  ids: readonly string[],
  max: number,
  argumentName: string,
): string[] {
  const { valid, rejected } = splitIds(ids, max, argumentName);
  for (const rejection of rejected) rejectInput(context, { argument: argumentName, ...rejection });
  return valid.map(({ id }) => id);
}

export function checkRange(
  value: number | null | undefined,
  fallback: number,
  min: number,
  max: number,
  argumentName: string,
): number {
  const v = value ?? fallback;
  if (!Number.isFinite(v) || v < min || v > max)
    throw badUserInput(`${argumentName} must be between ${min} and ${max}, got ${v}`, argumentName);
  return v;
}

export function checkText(text: string, max: number, argumentName: string): string {
  const trimmed = text.trim();
  if (!trimmed) throw badUserInput(`${argumentName} must not be empty`, argumentName);
  if (trimmed.length > max) throw badUserInput(`${argumentName} must be at most ${max} characters`, argumentName);
  const problem = textProblem(trimmed);
  if (problem) throw badUserInput(`${argumentName} ${problem}`, argumentName);
  return trimmed;
}

// ---- filters -------------------------------------------------------------------------------------------------------

function filterValues(
  values: readonly string[] | null | undefined,
  name: string,
  context: RequestContext,
): string[] | undefined {
  if (values == null) return undefined;
  const argument = `filter.${name}`;
  checkListLength(values.length, LIMITS.filterValues, argument, 'values');
  const kept = values.filter((value, index) => {
    const problem =
      value.length > LIMITS.filterValueLength
        ? `must be at most ${LIMITS.filterValueLength} characters`
        : textProblem(value);
    if (problem) rejectInput(context, { argument, index, reason: `${argument}[${index}] ${problem}` });
    return !problem;
  });
  return kept.length ? kept : undefined;
}

function checkYear(value: number | null | undefined, name: string): number | undefined {
  if (value == null) return undefined;
  if (!Number.isInteger(value) || value < -10_000 || value > 10_000)
    throw badUserInput(`filter.${name} must be a year, got ${value}`, `filter.${name}`);
  return value;
}

/**
 * The GraphQL filter as the pipelines want it: validated, excluded external ids mapped to internal ids. A bad value
 * in a list (a genre with U+0000, an excluded id too long to exist) is left out and reported; the rest still apply.
 * A value list whose every element was bad is dropped: the filter then does not restrict by it.
 */
export async function resolveFilter(
  arg: ItemFilterArg | null | undefined,
  context: RequestContext,
): Promise<ItemFilter> {
  if (!arg) return {};
  const filter: ItemFilter = {
    genres: filterValues(arg.genres, 'genres', context),
    tags: filterValues(arg.tags, 'tags', context),
    creators: filterValues(arg.creators, 'creators', context),
    yearFrom: checkYear(arg.yearFrom, 'yearFrom'),
    yearTo: checkYear(arg.yearTo, 'yearTo'),
  };
  if (filter.yearFrom !== undefined && filter.yearTo !== undefined && filter.yearFrom > filter.yearTo) {
    throw badUserInput(
      `filter.yearFrom (${filter.yearFrom}) is after filter.yearTo (${filter.yearTo})`,
      'filter.yearFrom',
    );
  }
  if (arg.excludeIds?.length) {
    const ids = idsOrReport(context, arg.excludeIds, LIMITS.itemsPerUpsert, 'filter.excludeIds');
    // Unknown ids cannot be returned anyway, so they need no exclusion.
    const rows = loadedOrThrow(await context.loaders.itemByExternalId.loadMany(ids));
    filter.excludeIds = rows.flatMap((row) => (row ? [row.id] : []));
  }
  return filter;
}

/**
 * DataLoader.loadMany gives an Error in place of each row it could not load (Postgres unreachable). That is not an
 * unknown id: rethrow it, so the request fails as SERVICE_UNAVAILABLE instead of answering as if the row were absent.
 */
export function loadedOrThrow<T>(results: ReadonlyArray<T | Error>): T[] {
  for (const result of results) if (result instanceof Error) throw result;
  return results as T[];
}

// ---- times ---------------------------------------------------------------------------------------------------------

// RFC 3339 / ISO-8601 extended: a date, or a date and time with seconds optional and a zone (Z or ±hh:mm).
const ISO_TIME = /^(\d{4})-(\d{2})-(\d{2})(?:[Tt](\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?([Zz]|[+-]\d{2}:\d{2}))?$/;

/** The instant of a strict ISO-8601 date or date-time with zone, or the reason it is not one. */
export function parseIsoTime(text: string): Date | string {
  const match = ISO_TIME.exec(text);
  const notIso = `${quote(text)} is not an ISO-8601 date or date-time with a zone (e.g. 2024-05-01T12:30:00Z)`;
  if (!match) return notIso;
  const [, y, mo, d, h = '00', mi = '00', s = '00', fraction = '', zone = 'Z'] = match;
  const [year, month, day, hour, minute, second] = [y, mo, d, h, mi, s].map(Number);
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth) return `${quote(text)} is not a calendar date`;
  if (hour > 23 || minute > 59 || second > 59) return `${quote(text)} is not a time of day`;
  let offsetMinutes = 0;
  if (zone !== 'Z' && zone !== 'z') {
    const [oh, om] = zone.slice(1).split(':').map(Number);
    if (oh > 23 || om > 59) return `${quote(text)} has no valid zone offset`;
    offsetMinutes = (zone[0] === '-' ? -1 : 1) * (oh * 60 + om);
  }
  const millis = fraction ? Math.floor(Number(`0${fraction}`) * 1000) : 0;
  const utc = Date.UTC(year, month - 1, day, hour, minute, second, millis) - offsetMinutes * 60_000;
  // Date.UTC maps years 0–99 to 1900–1999; such years are rejected by the 1970 bound anyway.
  return new Date(utc);
}

// ---- writes --------------------------------------------------------------------------------------------------------

/** An event ready to store, with the user's external id (users are created on write). */
export interface CheckedInteraction {
  userExternalId: string;
  itemExternalId: string;
  kind: string;
  value: number;
  /** Undefined: the time the call is recorded. */
  occurredAt: Date | undefined;
  /** The list the item was shown in (experiment attribution). */
  recommendationId?: string;
}

/** The event as it will be stored, or the reason it cannot be. */
export function checkInteraction(input: InteractionInput, now: number): CheckedInteraction | string {
  const userProblem = idProblem(input.userId);
  if (userProblem) return `userId ${userProblem}`;
  const itemProblem = idProblem(input.itemId);
  if (itemProblem) return `itemId ${itemProblem}`;
  if (input.kind != null && !/^[A-Za-z][A-Za-z0-9_-]{0,63}$/.test(input.kind))
    return 'kind must be a word of at most 64 letters, digits, - or _';
  if (input.value != null && (!Number.isFinite(input.value) || Math.abs(input.value) > 1e6))
    return 'value must be a finite number within ±1e6';
  let occurredAt: Date | undefined;
  if (input.occurredAt != null) {
    const parsed = parseIsoTime(input.occurredAt);
    if (typeof parsed === 'string') return `occurredAt ${parsed}`;
    if (parsed.getTime() > now + 24 * 3600 * 1000) return 'occurredAt is more than a day in the future';
    if (parsed.getTime() < Date.UTC(1970, 0, 1)) return 'occurredAt is before 1970';
    occurredAt = parsed;
  }
  if (input.recommendationId != null && !RECOMMENDATION_ID.test(input.recommendationId))
    return `recommendationId must be a recommendationId this API returned, got ${quote(input.recommendationId)}`;
  return {
    userExternalId: input.userId,
    itemExternalId: input.itemId,
    kind: input.kind ?? 'interaction',
    value: input.value ?? 1,
    occurredAt,
    ...(input.recommendationId != null ? { recommendationId: input.recommendationId.toLowerCase() } : {}),
  };
}

/** Lists' ids are UUIDs (crypto.randomUUID). */
const RECOMMENDATION_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

// ---- experiments ---------------------------------------------------------------------------------------------------

const EXPERIMENT_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$/;

/** An experiment or variant name, or BAD_USER_INPUT. */
export function checkExperimentName(name: string, argumentName = 'name'): string {
  if (!EXPERIMENT_NAME.test(name))
    throw badUserInput(`${argumentName} must be 1–100 letters, digits, -, _ or . (got ${quote(name)})`, argumentName);
  return name;
}

/** A whole experiment definition: names, shares in (0, 1] summing to at most 1, settings in range. */
export function checkExperimentInput(input: ExperimentInput): {
  name: string;
  salt: string;
  variants: Variant[];
} {
  const name = checkExperimentName(input.name);
  const salt = input.salt ?? name;
  if (!salt.length || salt.length > LIMITS.idLength || textProblem(salt))
    throw badUserInput(`salt must be 1–${LIMITS.idLength} characters of valid text`, 'salt');
  if (!input.variants.length || input.variants.length > 20)
    throw badUserInput('an experiment has 1–20 variants', 'variants');
  const seen = new Set<string>();
  let total = 0;
  const variants = input.variants.map((v, index): Variant => {
    const where = `variants[${index}]`;
    checkExperimentName(v.name, `${where}.name`);
    if (seen.has(v.name)) throw badUserInput(`${where}.name repeats "${v.name}"`, 'variants');
    seen.add(v.name);
    if (!(v.share > 0 && v.share <= 1))
      throw badUserInput(`${where}.share must be in (0, 1], got ${v.share}`, 'variants');
    total += v.share;
    if (v.diversity != null && !(v.diversity >= 0 && v.diversity <= 1))
      throw badUserInput(`${where}.diversity must be within 0–1, got ${v.diversity}`, 'variants');
    if (
      v.candidateCount != null &&
      !(Number.isInteger(v.candidateCount) && v.candidateCount >= 1 && v.candidateCount <= 1000)
    )
      throw badUserInput(
        `${where}.candidateCount must be an integer within 1–1000, got ${v.candidateCount}`,
        'variants',
      );
    for (const [key, text] of [
      ['modelVersion', v.modelVersion],
      ['ruleSet', v.ruleSet],
    ] as const)
      if (text != null && idProblem(text)) throw badUserInput(`${where}.${key} ${idProblem(text)}`, 'variants');
    return {
      name: v.name,
      share: v.share,
      ...(v.modelVersion != null ? { modelVersion: v.modelVersion } : {}),
      ...(v.ruleSet != null ? { ruleSet: v.ruleSet } : {}),
      ...(v.diversity != null ? { diversity: v.diversity } : {}),
      ...(v.candidateCount != null ? { candidateCount: v.candidateCount } : {}),
    };
  });
  if (total > 1 + 1e-9)
    throw badUserInput(`variants' shares sum to ${Number(total.toFixed(6))}, more than 1`, 'variants');
  return { name, salt, variants };
}

/** An Idempotency-Key header value: 1–200 visible ASCII characters (a UUID fits), or BAD_USER_INPUT. */
export function checkIdempotencyKey(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (!/^[\x21-\x7e]+$/.test(value) || value.length > LIMITS.idempotencyKeyLength) {
    throw badUserInput(
      `Idempotency-Key must be 1 to ${LIMITS.idempotencyKeyLength} visible ASCII characters`,
      'Idempotency-Key',
    );
  }
  return value;
}

export function toItemWrite(input: ItemInput, index: number): ItemWrite {
  const where = `input[${index}]`;
  const storable = (value: string, name: string) => {
    const problem = textProblem(value);
    if (problem) throw badUserInput(`${where}.${name} ${problem}`, `${where}.${name}`);
    return value;
  };
  const list = (values: readonly string[] | null | undefined, name: string) => {
    const out = values ?? [];
    if (out.length > LIMITS.filterValues || out.some((v) => v.length > LIMITS.filterValueLength)) {
      throw badUserInput(
        `${where}.${name}: at most ${LIMITS.filterValues} values of ${LIMITS.filterValueLength} characters`,
        `${where}.${name}`,
      );
    }
    return out.map((value, i) => storable(value, `${name}[${i}]`));
  };
  const text = (value: string | null | undefined, name: string) => {
    if (value != null && value.length > LIMITS.textLength)
      throw badUserInput(`${where}.${name} must be at most ${LIMITS.textLength} characters`, `${where}.${name}`);
    return value == null ? null : storable(value, name);
  };
  if (input.year != null && (!Number.isInteger(input.year) || Math.abs(input.year) > 10_000))
    throw badUserInput(`${where}.year must be a year`, `${where}.year`);
  return {
    externalId: checkId(input.id, `${where}.id`),
    title: checkText(input.title, 1000, `${where}.title`),
    creators: list(input.creators, 'creators'),
    genres: list(input.genres, 'genres'),
    tags: list(input.tags, 'tags'),
    year: input.year ?? null,
    publisher: text(input.publisher, 'publisher'),
    description: text(input.description, 'description'),
    imageUrl: text(input.imageUrl, 'imageUrl'),
    language: text(input.language, 'language'),
  };
}

// ---- business rules ------------------------------------------------------------------------------------------------

/**
 * A rule ready to store, or BAD_USER_INPUT naming the rule's index (extensions.index), the field and the reason.
 * Item ids are checked for shape here; that they name live items, by the resolver (one batched lookup).
 */
export function toRuleWrite(input: BusinessRuleInput, index: number, now = Date.now()): RuleWrite {
  const where = `input[${index}]`;
  const fail = (field: string, reason: string): never => {
    throw apiError('BAD_USER_INPUT', `${where}.${field} ${reason}`, { argumentName: `${where}.${field}`, index });
  };
  const idProblemOf = (id: string, field: string) => {
    const problem = idProblem(id);
    if (problem) fail(field, problem);
    return id;
  };
  const { kind } = input;
  idProblemOf(input.id, 'id');
  const ruleSet = input.ruleSet ?? DEFAULT_RULE_SET;
  if (!/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(ruleSet) || ruleSet.length > LIMITS.ruleSetLength) {
    fail('ruleSet', `must be 1 to ${LIMITS.ruleSetLength} letters, digits, ., - or _`);
  }
  const wants = { match: ['BOOST', 'BURY', 'EXCLUDE'], factor: ['BOOST', 'BURY'], pins: ['PIN'], cap: ['CAP'] };
  for (const [field, kinds] of Object.entries(wants)) {
    const given = input[field as keyof typeof wants] != null;
    if (given && !kinds.includes(kind)) fail(field, `is not taken by a ${kind} rule (only ${kinds.join(', ')})`);
    if (!given && kinds.includes(kind)) fail(field, `is required for a ${kind} rule`);
  }
  const spec: RuleSpec = {};
  if (input.match) {
    const { itemIds, filter } = input.match;
    if (itemIds != null) {
      if (!itemIds.length || itemIds.length > LIMITS.ruleItems)
        fail('match.itemIds', `must hold 1 to ${LIMITS.ruleItems} ids`);
      itemIds.forEach((id, k) => idProblemOf(id, `match.itemIds[${k}]`));
    }
    const values = (list: readonly string[] | null | undefined, name: string) => {
      if (list == null) return undefined;
      if (!list.length || list.length > LIMITS.filterValues)
        fail(`match.filter.${name}`, `must hold 1 to ${LIMITS.filterValues} values`);
      list.forEach((value, k) => {
        const problem =
          value.length > LIMITS.filterValueLength
            ? `must be at most ${LIMITS.filterValueLength} characters`
            : textProblem(value);
        if (problem) fail(`match.filter.${name}[${k}]`, problem);
      });
      return [...list];
    };
    const year = (value: number | null | undefined, name: string) => {
      if (value == null) return undefined;
      if (!Number.isInteger(value) || Math.abs(value) > 10_000)
        fail(`match.filter.${name}`, `must be a year, got ${value}`);
      return value;
    };
    if (filter?.excludeIds != null) fail('match.filter.excludeIds', 'is not taken by a rule (use an EXCLUDE rule)');
    const ruleFilter = Object.fromEntries(
      Object.entries({
        genres: values(filter?.genres, 'genres'),
        tags: values(filter?.tags, 'tags'),
        creators: values(filter?.creators, 'creators'),
        yearFrom: year(filter?.yearFrom, 'yearFrom'),
        yearTo: year(filter?.yearTo, 'yearTo'),
      }).filter(([, value]) => value !== undefined),
    );
    if (
      ruleFilter.yearFrom !== undefined &&
      ruleFilter.yearTo !== undefined &&
      ruleFilter.yearFrom > ruleFilter.yearTo
    ) {
      fail('match.filter.yearFrom', `(${String(ruleFilter.yearFrom)}) is after yearTo (${String(ruleFilter.yearTo)})`);
    }
    if (!itemIds && !Object.keys(ruleFilter).length)
      fail('match', 'must name item ids or a filter with at least one constraint');
    spec.match = {
      ...(itemIds ? { itemIds: [...itemIds] } : {}),
      ...(Object.keys(ruleFilter).length ? { filter: ruleFilter } : {}),
    };
  }
  if (input.factor != null) {
    const f = input.factor;
    if (kind === 'BOOST' && !(Number.isFinite(f) && f >= 1 && f <= 100))
      fail('factor', `must be between 1 and 100 for BOOST, got ${f}`);
    if (kind === 'BURY' && !(Number.isFinite(f) && f > 0 && f <= 1))
      fail('factor', `must be in (0, 1] for BURY, got ${f}`);
    spec.factor = f;
  }
  if (input.pins) {
    if (!input.pins.length || input.pins.length > LIMITS.rulePins)
      fail('pins', `must hold 1 to ${LIMITS.rulePins} pins`);
    const items = new Set<string>();
    const positions = new Set<number>();
    input.pins.forEach((pin, k) => {
      idProblemOf(pin.itemId, `pins[${k}].itemId`);
      if (!Number.isInteger(pin.position) || pin.position < 1 || pin.position > 500) {
        fail(`pins[${k}].position`, `must be between 1 and 500, got ${pin.position}`);
      }
      if (items.has(pin.itemId)) fail(`pins[${k}].itemId`, `repeats ${quote(pin.itemId)}`);
      if (positions.has(pin.position)) fail(`pins[${k}].position`, `repeats position ${pin.position}`);
      items.add(pin.itemId);
      positions.add(pin.position);
    });
    spec.pins = input.pins.map((pin) => ({ itemId: pin.itemId, position: pin.position }));
  }
  if (input.cap) {
    if (!Number.isInteger(input.cap.max) || input.cap.max < 1 || input.cap.max > 100) {
      fail('cap.max', `must be between 1 and 100, got ${input.cap.max}`);
    }
    spec.cap = { by: input.cap.by, max: input.cap.max };
  }
  const time = (value: string | null | undefined, field: string) => {
    if (value == null) return null;
    const parsed = parseIsoTime(value);
    if (typeof parsed === 'string') return fail(field, parsed);
    return parsed;
  };
  const startsAt = time(input.startsAt, 'startsAt');
  const endsAt = time(input.endsAt, 'endsAt');
  if (startsAt && endsAt && endsAt <= startsAt) fail('endsAt', 'must be after startsAt');
  if (endsAt && endsAt.getTime() <= now) fail('endsAt', 'is in the past: the rule would never apply');
  return { id: input.id, ruleSet, kind, spec, startsAt, endsAt };
}

/** Every catalogue item id a rule names, with the field it came from (to report an unknown one). */
export function ruleItemRefs(rule: RuleWrite): Array<{ id: string; field: string }> {
  return [
    ...(rule.spec.match?.itemIds ?? []).map((id, k) => ({ id, field: `match.itemIds[${k}]` })),
    ...(rule.spec.pins ?? []).map((pin, k) => ({ id: pin.itemId, field: `pins[${k}].itemId` })),
  ];
}
