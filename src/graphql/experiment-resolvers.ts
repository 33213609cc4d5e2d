// Resolvers of the experiments part of schema.graphql: definitions, start/stop/end, the report; and the list options
// a variant contributes to `recommendations`.
import { ExperimentConflict, ExperimentNotFound } from '../db/experiments.js';
import type { UserOptions } from '../recommend/service.js';
import type { Assignment, Experiment } from '../experiments/types.js';
import type { MutationResolvers, QueryResolvers } from './__generated__/resolvers.js';
import { badUserInput, notFound } from './errors.js';
import { checkExperimentInput, checkExperimentName, checkText, LIMITS } from './inputs.js';

/** What a variant changes about a user's list (unset settings keep the request's). */
export function listOptionsOf(assignment: Assignment | undefined): Partial<UserOptions> {
  const variant = assignment?.variant;
  if (!variant) return {};
  return {
    ...(variant.modelVersion !== undefined ? { modelVersion: variant.modelVersion } : {}),
    ...(variant.ruleSet !== undefined ? { ruleSet: variant.ruleSet } : {}),
    ...(variant.diversity !== undefined ? { diversity: variant.diversity } : {}),
    ...(variant.candidateCount !== undefined ? { candidateCount: variant.candidateCount } : {}),
  };
}

function toGraphQL(e: Experiment) {
  return {
    name: e.name,
    status: e.status.toUpperCase() as 'DRAFT' | 'RUNNING' | 'STOPPED' | 'ENDED',
    salt: e.salt,
    variants: e.variants.map((v) => ({
      name: v.name,
      share: v.share,
      modelVersion: v.modelVersion ?? null,
      ruleSet: v.ruleSet ?? null,
      diversity: v.diversity ?? null,
      candidateCount: v.candidateCount ?? null,
    })),
    createdAt: e.createdAt.toISOString(),
    startedAt: e.startedAt?.toISOString() ?? null,
    stoppedAt: e.stoppedAt?.toISOString() ?? null,
    endedAt: e.endedAt?.toISOString() ?? null,
  };
}

/** Repository errors a client caused, as API errors. */
async function asApiErrors<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof ExperimentNotFound) throw notFound(error.message);
    if (error instanceof ExperimentConflict) throw badUserInput(error.message, 'name');
    throw error;
  }
}

export const experimentQueries: Pick<QueryResolvers, 'experiments' | 'experimentReport'> = {
  async experiments(_parent, _args, context) {
    return (await context.services.experiments.list()).map(toGraphQL);
  },
  async experimentReport(_parent, args, context) {
    const name = checkExperimentName(args.name);
    const k = args.k ?? 10;
    if (!Number.isInteger(k) || k < 1 || k > LIMITS.first)
      throw badUserInput(`k must be within 1–${LIMITS.first}`, 'k');
    const clickKind = checkText(args.clickKind ?? 'click', 64, 'clickKind');
    const report = await context.services.experiments.report(name, k, clickKind);
    if (!report) throw notFound(`no experiment named "${name}"`);
    return { ...report, status: report.status.toUpperCase() as 'DRAFT' | 'RUNNING' | 'STOPPED' | 'ENDED' };
  },
};

export const experimentMutations: Pick<
  MutationResolvers,
  'createExperiment' | 'startExperiment' | 'stopExperiment' | 'endExperiment'
> = {
  async createExperiment(_parent, args, context) {
    const input = checkExperimentInput(args.input);
    return toGraphQL(await asApiErrors(() => context.services.experiments.create(input)));
  },
  async startExperiment(_parent, args, context) {
    const name = checkExperimentName(args.name);
    return toGraphQL(await asApiErrors(() => context.services.experiments.changeStatus(name, 'start')));
  },
  async stopExperiment(_parent, args, context) {
    const name = checkExperimentName(args.name);
    return toGraphQL(await asApiErrors(() => context.services.experiments.changeStatus(name, 'stop')));
  },
  async endExperiment(_parent, args, context) {
    const name = checkExperimentName(args.name);
    return toGraphQL(await asApiErrors(() => context.services.experiments.changeStatus(name, 'end')));
  },
};
