// What every resolver receives: the shared services, this request's loaders, and what the request learned
// along the way (whether the caller may write, whether an answer came from a fallback).
import type { CachedItemReader } from '../db/item-cache.js';
import type { ItemSearchRepository } from '../db/items.js';
import type { UserRepository } from '../db/users.js';
import type { RecommendationService } from '../recommend/service.js';
import type { ModelVersionAdmin } from '../recommend/model-versions-admin.js';
import type { ServingModelSource } from '../recommend/serving-model.js';
import { createLoaders, type Loaders } from './loaders.js';

export interface Services {
  /** Item metadata by id, cached in process (writes through the API invalidate their rows). */
  items: CachedItemReader;
  itemSearch: ItemSearchRepository;
  users: UserRepository;
  recommender: RecommendationService;
  models: ServingModelSource;
  /** The recorded model versions, activate and rollback (the console's Models page). */
  modelVersions: ModelVersionAdmin;
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
