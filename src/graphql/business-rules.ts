// Resolvers of the business-rules API (schema.graphql § Business rules): list, upsert (all or nothing), delete.
// The mutations sit behind the API key like every mutation (plugins/api-key.ts); a write invalidates this
// replica's rule cache at once, the others see it within RECGRAPH_RULES_REFRESH_MS (src/rules/rule-cache.ts).
import type { BusinessRule } from '../rules/types.js';
import type { MutationResolvers, QueryResolvers } from './__generated__/resolvers.js';
import { apiError } from './errors.js';
import { checkListLength, LIMITS, loadedOrThrow, ruleItemRefs, splitIds, toRuleWrite } from './inputs.js';

function ruleView(rule: BusinessRule, now = Date.now()) {
  const { match, factor, pins, cap } = rule.spec;
  return {
    id: rule.id,
    kind: rule.kind,
    ruleSet: rule.ruleSet,
    match: match
      ? {
          itemIds: match.itemIds ?? [],
          genres: match.filter?.genres ?? [],
          tags: match.filter?.tags ?? [],
          creators: match.filter?.creators ?? [],
          yearFrom: match.filter?.yearFrom ?? null,
          yearTo: match.filter?.yearTo ?? null,
        }
      : null,
    factor: factor ?? null,
    pins: pins ?? [],
    cap: cap ?? null,
    startsAt: rule.startsAt?.toISOString() ?? null,
    endsAt: rule.endsAt?.toISOString() ?? null,
    active: (!rule.startsAt || rule.startsAt.getTime() <= now) && (!rule.endsAt || now < rule.endsAt.getTime()),
    createdAt: rule.createdAt.toISOString(),
    updatedAt: rule.updatedAt.toISOString(),
  };
}

export const businessRuleQueries: Pick<QueryResolvers, 'businessRules'> = {
  async businessRules(_parent, args, context) {
    const rules = await context.services.rules.store.list();
    return rules.filter((rule) => args.ruleSet == null || rule.ruleSet === args.ruleSet).map((rule) => ruleView(rule));
  },
};

export const businessRuleMutations: Pick<MutationResolvers, 'upsertBusinessRules' | 'deleteBusinessRules'> = {
  async upsertBusinessRules(_parent, args, context) {
    checkListLength(args.input.length, LIMITS.rulesPerCall, 'input', 'rules per call');
    const writes = args.input.map((input, index) => toRuleWrite(input, index));
    const seen = new Map<string, number>();
    writes.forEach((write, index) => {
      const first = seen.get(write.id);
      if (first !== undefined) {
        throw apiError('BAD_USER_INPUT', `input[${index}].id repeats the id of input[${first}]`, {
          argumentName: `input[${index}].id`,
          index,
        });
      }
      seen.set(write.id, index);
    });
    // Every item a rule names must exist now (one batched lookup for the whole call).
    const refs = writes.flatMap((write, index) => ruleItemRefs(write).map((ref) => ({ ...ref, index })));
    const rows = loadedOrThrow(await context.loaders.itemByExternalId.loadMany(refs.map((ref) => ref.id)));
    refs.forEach((ref, k) => {
      if (!rows[k] || rows[k].deletedAt) {
        throw apiError('BAD_USER_INPUT', `input[${ref.index}].${ref.field} names no item (${JSON.stringify(ref.id)})`, {
          argumentName: `input[${ref.index}].${ref.field}`,
          index: ref.index,
        });
      }
    });
    const saved = await context.services.rules.store.upsert(writes);
    context.services.rules.cache.invalidate();
    return {
      created: saved.filter((rule) => rule.created).length,
      updated: saved.filter((rule) => !rule.created).length,
      rules: saved.map((rule) => ruleView(rule)),
    };
  },
  async deleteBusinessRules(_parent, args, context) {
    const { valid, rejected } = splitIds(args.ids, LIMITS.rulesPerCall, 'ids');
    if (rejected.length) {
      const [first] = rejected;
      throw apiError('BAD_USER_INPUT', first.reason, { argumentName: 'ids', index: first.index });
    }
    const ids = valid.map(({ id }) => id);
    const deleted = new Set(await context.services.rules.store.delete(ids));
    context.services.rules.cache.invalidate();
    return { deleted: deleted.size, notFound: ids.filter((id) => !deleted.has(id)) };
  },
};
