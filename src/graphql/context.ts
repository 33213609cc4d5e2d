// What every resolver receives: the shared services, this request's loaders, and what the request learned
// along the way (whether the caller may write, whether an answer came from a fallback).
import type { CachedItemReader } from '../db/item-cache.js';
import type { BusinessRuleStore } from '../db/business-rules.js';
import type { ItemSearchRepository } from '../db/items.js';
import type { UserRepository } from '../db/users.js';
import type { Experiments } from '../experiments/experiments.js';
import type { TrainingLauncher } from '../training-jobs/launcher.js';
import type { RecommendationService } from '../recommend/service.js';
import type { ServingModelSource } from '../recommend/serving-model.js';
import type { RuleCache } from '../rules/rule-cache.js';
import { createLoaders, type Loaders } from './loaders.js';

export interface Services {
  /** Item metadata by id, cached in process (writes through the API invalidate their rows). */
  items: CachedItemReader;
  itemSearch: ItemSearchRepository;
  users: UserRepository;
  recommender: RecommendationService;
  models: ServingModelSource;
  /** A/B experiments: assignment from memory, impressions, reports (src/experiments). */
  experiments: Experiments;
  /** Training jobs: queued here, run as child processes (src/training-jobs). */
  training: TrainingLauncher;
  /** Business rules: the table and this replica's compiled cache of it. */
  rules: { store: BusinessRuleStore; cache: RuleCache };
}

export interface RequestContext {
  services: Services;
  loaders: Loaders;
  /** The request's Idempotency-Key header, as sent (checked by the mutation that uses it). */
  idempotencyKey?: string;
}

export function createRequestContext(services: Services, request: { idempotencyKey?: string } = {}): RequestContext {
  return { services, loaders: createLoaders(services.items, services.users), idempotencyKey: request.idempotencyKey };
}
