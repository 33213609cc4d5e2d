// Resolvers of the model-version fields (the console's Models page): list, activate, rollback. Mutations need the
// API key like every other (plugins/api-key.ts); a version that cannot be made live is the caller's BAD_USER_INPUT.
import type { ListedVersion } from '../recommend/model-versions-admin.js';
import { ModelSwitchRefused } from '../recommend/model-switch.js';
import type { ModelVersion, ModelVersionStatus, Resolvers } from './__generated__/resolvers.js';
import type { RequestContext } from './context.js';
import { badUserInput } from './errors.js';
import { checkId } from './inputs.js';

const iso = (value: Date | string | null) => (value === null ? null : new Date(value).toISOString());

async function toModelVersion(row: ListedVersion, context: RequestContext): Promise<ModelVersion> {
  return {
    version: row.version,
    kind: row.kind,
    status: row.status.toUpperCase() as ModelVersionStatus,
    live: row.live,
    trainedAt: iso(row.createdAt)!,
    activatedAt: iso(row.activatedAt),
    dataCutoff: iso(row.dataCutoff),
    dimension: row.dimension,
    params: JSON.stringify(row.params ?? {}),
    metrics: JSON.stringify(row.metrics ?? {}),
    evaluationReport: (await context.services.modelVersions.evaluationReport(row.version)) ?? null,
  };
}

async function refusedAsInput<T>(switching: Promise<T>, argumentName?: string): Promise<T> {
  try {
    return await switching;
  } catch (error) {
    if (error instanceof ModelSwitchRefused) throw badUserInput(error.message, argumentName);
    throw error;
  }
}

export const modelVersionResolvers = {
  Query: {
    async modelVersions(_parent, _args, context) {
      const rows = await context.services.modelVersions.list();
      return Promise.all(rows.map((row) => toModelVersion(row, context)));
    },
  },
  Mutation: {
    async activateModelVersion(_parent, args, context) {
      const version = checkId(args.version, 'version');
      const { from, to } = await refusedAsInput(context.services.modelVersions.activate(version), 'version');
      return { from: from ?? null, to };
    },
    async rollbackModelVersion(_parent, _args, context) {
      const { from, to } = await refusedAsInput(context.services.modelVersions.rollback());
      return { from: from ?? null, to };
    },
  },
} satisfies Resolvers;
