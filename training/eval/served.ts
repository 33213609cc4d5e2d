/**
 * Served-path evaluation: the fitted default pipeline is exported into a real Qdrant (the bundled server, or
 * `qdrantUrl`), through the same collection writer, payloads and alias switch as `recgraph train`, and every
 * test user is ranked by the serving code itself (src/recommend/personalized.ts: the user's vector read back
 * from the users collection, one Qdrant search with the user's training items excluded in the filter). The
 * metrics are those of the lists users get: float32 storage, Qdrant's index (HNSW once a collection is large
 * enough to be indexed) and all.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { personalizedPage, SEARCH_TUNING, type SearchTuning } from '../../src/recommend/personalized.js';
import { VectorStore } from '../../src/vector/client.js';
import { aliasName, aliasSwitchActions, versionedCollectionName } from '../../src/vector/collections.js';
import { startEmbeddedQdrant } from '../../src/vector/embedded-qdrant.js';
import { rowItems, type InteractionMatrix } from '../data/interactions.js';
import { withDegrees, writeCollection } from '../export/write-collection.js';
import { GraphReranker } from '../../src/recommend/graph-rerank.js';
import type { PublishedModel, Recommender } from '../models/contract.js';
import { noopProgress } from '../progress.js';
import { evaluateRanker, type EvaluateOptions, type EvaluationResult, type TopKRanker } from './evaluate.js';

export interface ServedEvaluationOptions extends EvaluateOptions {
  /** An existing Qdrant; default: start the bundled server in a temp directory for this run. */
  qdrantUrl?: string;
  /** Requests in flight at once (the server answers concurrent users the same way). */
  concurrency?: number;
  /**
   * Search settings to measure, first = the reported result (default: the serving default, SEARCH_TUNING);
   * the others are ranked against the same export (e.g. HNSW beam widths vs exact) and returned in `variants`.
   */
  searches?: SearchTuning[];
}

export interface ServedEvaluationResult extends EvaluationResult {
  /** Writing the collections (vectors + payloads) and switching the aliases. */
  exportSeconds: number;
  /** Waiting for Qdrant to finish indexing the items collection afterwards (HNSW on large collections). */
  indexSeconds: number;
  /** One entry per `searches` setting, the first being this result. */
  variants: Array<EvaluationResult & { search: SearchTuning }>;
  /**
   * Two-stage models, what each stage gives (first search setting): recall of the retrieved candidates
   * (recall@candidates) and recall@20 of Qdrant's order alone (no rerank).
   */
  stages?: { candidates: number; retrievalRecall: number; retrievalOnlyRecall20: number };
}

const VERSION = 'eval';

/** What the served-path evaluation exports: the model contract's PublishedModel. */
export type ServedExport = PublishedModel;

/** servedExport, failing with a clear message for offline-only models. */
export function requireServedExport(model: { name: string }): ServedExport {
  const exported = servedExport(model);
  if (!exported) throw new Error(`${model.name} cannot be served (no exported vectors for Qdrant)`);
  return exported;
}

/** The export of a model that can be served, or undefined (offline-only models). */
export function servedExport(model: Recommender | { name: string }): ServedExport | undefined {
  return 'published' in model && typeof model.published === 'function' ? model.published() : undefined;
}

/** Exports a fitted pipeline, evaluates the served lists, and removes everything it created. */
export async function evaluateServed(
  model: ServedExport,
  train: InteractionMatrix,
  test: InteractionMatrix,
  options: ServedEvaluationOptions = {},
): Promise<ServedEvaluationResult> {
  let storageDir: string | undefined;
  let stopQdrant = async () => {};
  let url = options.qdrantUrl;
  if (!url) {
    storageDir = await mkdtemp(path.join(os.tmpdir(), 'recgraph-eval-qdrant-'));
    const qdrant = await startEmbeddedQdrant({ storageDir }).catch(async (error: Error) => {
      await rm(storageDir!, { recursive: true, force: true });
      throw new Error(
        `the served-path row needs a Qdrant: ${error.message} (pass --qdrant-url, or --no-served to skip the row)`,
      );
    });
    url = qdrant.url;
    stopQdrant = () => qdrant.stop();
  }
  const store = new VectorStore({ url, timeoutMs: 120_000 });
  const prefix = `eval_${randomBytes(4).toString('hex')}_`;
  const itemsAlias = aliasName('items_collaborative', prefix);
  const usersAlias = aliasName('users_collaborative', prefix);
  try {
    const t0 = performance.now();
    const { items, users } = model;
    const reranker = model.rerank ? new GraphReranker(model.rerank) : undefined;
    // Point ids are the dense indices of the split files (serving uses Postgres ids; the layout is the same).
    const itemIds = Int32Array.from({ length: items.count }, (_, i) => i);
    const userIds = Int32Array.from({ length: users.count }, (_, u) => u);
    const { degrees } = model;
    const payloads = withDegrees(
      Array.from(degrees, (d) => ({ popularity: d })),
      degrees,
    );
    const progress = options.progress ?? noopProgress;
    progress.start(items.count + users.count, 'export to Qdrant');
    await writeCollection(store, {
      name: versionedCollectionName('items_collaborative', VERSION, prefix),
      dimension: items.dim,
      distance: 'Dot',
      rows: { ids: itemIds, vectors: items.data, payloads },
      itemIndexes: true,
    });
    progress.tick(items.count);
    await writeCollection(store, {
      name: versionedCollectionName('users_collaborative', VERSION, prefix),
      dimension: users.dim,
      distance: 'Dot',
      rows: { ids: userIds, vectors: users.data },
      itemIndexes: false,
      lookupOnly: true,
    });
    progress.tick(users.count);
    progress.stop();
    await store.switchAliases(
      aliasSwitchActions(VERSION, { prefix, roles: ['items_collaborative', 'users_collaborative'] }),
    );
    const exportSeconds = (performance.now() - t0) / 1000;
    // Rank against the steady state users get: once Qdrant has built its index (HNSW when the collection is
    // above the indexing threshold), not the brute-force search it falls back to while indexing.
    const t1 = performance.now();
    await store.waitForIndexing(versionedCollectionName('items_collaborative', VERSION, prefix), {
      timeoutMs: 900_000,
    });
    const indexSeconds = (performance.now() - t1) / 1000;

    const concurrency = Math.max(1, options.concurrency ?? 8);
    const stageSums = { users: 0, retrieval: 0, retrievalOnly20: 0 };
    let measureStages = true;
    const rankerFor =
      (search: SearchTuning): TopKRanker =>
      async (batch, k) => {
        const out = new Int32Array(batch.length * k).fill(-1);
        let next = 0;
        const worker = async () => {
          while (next < batch.length) {
            const b = next++;
            const u = batch[b];
            // As the server does for a user in the model: the stored user vector, the history from the events.
            const [point] = await store.retrieve(usersAlias, [u], { withVector: true });
            if (!point?.vector) throw new Error(`served evaluation: user ${u} has no vector in ${usersAlias}`);
            const history = Array.from(rowItems(train, u));
            const page = await personalizedPage(store, itemsAlias, {
              vector: point.vector,
              filter: { excludeIds: history },
              page: { first: k, offset: 0 },
              diversity: 0,
              withVectors: false,
              search,
              ...(reranker ? { rerank: { reranker, history } } : {}),
            });
            page.items.forEach((hit, r) => (out[b * k + r] = hit.id));
            if (measureStages && page.retrieved) {
              const relevant = new Set(rowItems(test, u));
              if (relevant.size > 0) {
                const hits = (ids: number[]) => ids.filter((id) => relevant.has(id)).length / relevant.size;
                stageSums.users++;
                stageSums.retrieval += hits(page.retrieved);
                stageSums.retrievalOnly20 += hits(page.retrieved.slice(0, 20));
              }
            }
          }
        };
        await Promise.all(Array.from({ length: Math.min(concurrency, batch.length) }, worker));
        return out;
      };
    const variants: ServedEvaluationResult['variants'] = [];
    for (const search of options.searches ?? [SEARCH_TUNING]) {
      const result = await evaluateRanker(rankerFor(search), train, test, {
        label: 'eval default (served)',
        batchSize: 256,
        ...options,
      });
      variants.push({ ...result, search });
      measureStages = false;
    }
    const stages =
      reranker && stageSums.users > 0
        ? {
            candidates: reranker.state.candidates,
            retrievalRecall: stageSums.retrieval / stageSums.users,
            retrievalOnlyRecall20: stageSums.retrievalOnly20 / stageSums.users,
          }
        : undefined;
    return { ...variants[0], exportSeconds, indexSeconds, variants, ...(stages ? { stages } : {}) };
  } finally {
    const aliases = (await store.listAliases().catch(() => [])).filter((a) => a.aliasName.startsWith(prefix));
    await store.switchAliases(aliases.map((a) => ({ delete_alias: { alias_name: a.aliasName } }))).catch(() => {});
    for (const name of await store.listCollections().catch(() => [] as string[])) {
      if (name.startsWith(prefix)) await store.deleteCollection(name).catch(() => false);
    }
    store.close();
    await stopQdrant();
    if (storageDir) await rm(storageDir, { recursive: true, force: true });
  }
}
