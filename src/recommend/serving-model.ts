// The active model as the serving path needs it: decoded once per version (Gram matrix, fold-in parameters, text
// model, text→collaborative map) and re-read on a short TTL so an activation reaches every replica.
import type pg from 'pg';
import { activeVersion, publishedVersion, versionStatus, type PublishedVersionRow } from '../db/model-versions.js';
import { openTextEncoder } from '../embedding/encoder-artifact.js';
import type { IalsFoldInParams } from '../embedding/ials-foldin.js';
import type { LinearMap } from '../embedding/linear-map.js';
import type { VectorLayout } from '../embedding/blended-foldin.js';
import type { SentenceEncoder } from '../embedding/sentence-encoder.js';
import { withTransaction } from '../db/transaction.js';
import { GraphReranker } from './graph-rerank.js';
import { decodeArtifacts } from './model-artifacts.js';

/** The version's bookkeeping (src/db/model-versions.ts) and its decoded artifacts. */
export interface ServingModel extends Omit<PublishedVersionRow, 'artifacts'> {
  gram: Float64Array;
  foldIn: IalsFoldInParams;
  /** The version's text encoder (one onnxruntime session per live version); undefined when it cannot be opened here. */
  text: SentenceEncoder | undefined;
  /** Why `text` is missing: semantic answers say so instead of failing. */
  textUnavailable?: string;
  textToCf: LinearMap | undefined;
  /**
   * Block layout of the collaborative vectors (iALS ⊕ low-pass, see blended-foldin.ts); undefined for a model
   * whose vectors are plain iALS factors.
   */
  layout: VectorLayout | undefined;
  /** The version's rerank stage (two-stage models); undefined when the vectors carry the whole score. */
  reranker: GraphReranker | undefined;
}

export interface ServingModelOptions {
  ttlMs?: number;
  /** The sentence-transformers model configured for this process (RECGRAPH_TEXT_MODEL), loaded once at startup. */
  externalEncoder?: Promise<SentenceEncoder | undefined>;
  /** Use a two-stage version's rerank stage (RECGRAPH_RERANK; default true). */
  rerank?: boolean;
  /** Receives each rerank's seconds (recgraph_rerank_seconds in /metrics). */
  onRerank?: (seconds: number) => void;
  /**
   * The pool's connections share one Postgres session (the embedded PGlite behind pglite-socket): the artifacts
   * are then read without the transaction that scopes their statement timeout, since a transaction on one pooled
   * connection of such a session breaks the other connections' concurrent statements (pglite-socket interleaves
   * their extended-protocol messages). The embedded catalogue is small and its pool's timeout is already 10 s.
   */
  sharedSession?: boolean;
}

/** What serving reads the live model through: the facade's use cases only ever call `get`. */
export interface ModelSource {
  get(): Promise<ServingModel | undefined>;
}

/** Versions an experiment variant may serve: exported and not pruned (their collections exist). */
const SERVABLE: ReadonlySet<string> = new Set(['active', 'retired', 'exported']);
/** Non-live versions kept decoded at once (experiment variants rarely need more). */
const MAX_PINNED = 4;

/** Statement timeout of the once-per-version artifacts read (see build()). */
const ARTIFACTS_READ_TIMEOUT_MS = 120_000;

export class ServingModelSource implements ModelSource {
  private pinnedModels = new Map<string, { at: number; model: Promise<ServingModel | undefined> }>();
  private cache: { at: number; model: ServingModel | undefined } | undefined;
  private decoded = new Map<string, ServingModel>();
  private pending = new Map<string, Promise<ServingModel | undefined>>();

  private readonly ttlMs: number;
  private readonly externalEncoder: Promise<SentenceEncoder | undefined>;
  private readonly rerank: boolean;
  private readonly onRerank: ((seconds: number) => void) | undefined;
  private readonly sharedSession: boolean;

  constructor(
    private readonly pool: pg.Pool,
    options: ServingModelOptions = {},
  ) {
    this.ttlMs = options.ttlMs ?? 5_000;
    this.externalEncoder = options.externalEncoder ?? Promise.resolve(undefined);
    this.rerank = options.rerank ?? true;
    this.onRerank = options.onRerank;
    this.sharedSession = options.sharedSession ?? false;
  }

  async get(): Promise<ServingModel | undefined> {
    if (this.cache && Date.now() - this.cache.at < this.ttlMs) return this.cache.model;
    // Only the version is read on every refresh; the (large) artifacts once per version.
    const version = await activeVersion(this.pool);
    const model = version === undefined ? undefined : (this.decoded.get(version) ?? (await this.decodeOnce(version)));
    this.cache = { at: Date.now(), model };
    return model;
  }

  /** Forgets the cached live version: the next request reads it again (this process just switched it). */
  refresh(): void {
    this.cache = undefined;
  }

  /**
   * Loads what serving needs before the first request: the configured external encoder (a load failure is a
   * startup error, not a slow first search) and the active version with its encoder session.
   */
  async warmUp(): Promise<void> {
    await this.externalEncoder;
    const model = await this.get().catch(() => undefined);
    if (!model) this.cache = undefined; // no model yet (training may be about to publish one): ask again on the first request
  }

  async close(): Promise<void> {
    const external = await this.externalEncoder.catch(() => undefined);
    for (const model of this.decoded.values())
      if (model.text && model.text !== external) await model.text.close?.()?.catch(() => undefined);
    for (const { model: pinned } of this.pinnedModels.values()) {
      const model = await pinned;
      if (model?.text && model.text !== external) await model.text.close?.()?.catch(() => undefined);
    }
    this.pinnedModels.clear();
    await external?.close?.()?.catch(() => undefined);
    this.decoded.clear();
    this.cache = undefined;
  }

  invalidate(): void {
    this.cache = undefined;
  }

  /**
   * A published version other than (or equal to) the live one, for an experiment variant: decoded once and kept
   * apart from the live version's cache; its status is re-read on the TTL, so a pruned or failed version stops
   * being served (undefined: the caller serves the live model instead).
   */
  async pinned(version: string): Promise<ServingModel | undefined> {
    const entry = this.pinnedModels.get(version);
    if (entry && Date.now() - entry.at < this.ttlMs) return entry.model;
    const status = await versionStatus(this.pool, version);
    if (!status || !SERVABLE.has(status)) {
      this.pinnedModels.delete(version);
      return undefined;
    }
    const model = entry?.model ?? this.build(version).catch(() => undefined);
    if (!entry && this.pinnedModels.size >= MAX_PINNED) {
      const oldest = this.pinnedModels.keys().next().value!;
      const evicted = this.pinnedModels.get(oldest)!.model;
      this.pinnedModels.delete(oldest);
      void Promise.all([evicted, this.externalEncoder.catch(() => undefined)]).then(([old, external]) => {
        if (old?.text && old.text !== external)
          setTimeout(() => void old.text?.close?.()?.catch(() => undefined), 30_000).unref();
      });
    }
    this.pinnedModels.set(version, { at: Date.now(), model });
    return model;
  }

  /** Concurrent first requests for a new version share one decode (and one encoder session). */
  private decodeOnce(version: string): Promise<ServingModel | undefined> {
    let pending = this.pending.get(version);
    if (!pending) {
      pending = this.decode(version).finally(() => this.pending.delete(version));
      this.pending.set(version, pending);
    }
    return pending;
  }

  private async decode(version: string): Promise<ServingModel | undefined> {
    const model = await this.build(version);
    if (!model) return undefined;
    // Keep only the live version's decoded matrices and encoder session (the configured external one stays open).
    const external = await this.externalEncoder.catch(() => undefined);
    for (const old of this.decoded.values()) {
      // Requests that picked up the old version a moment ago may still be encoding with it: close it later.
      if (old.text && old.text !== external)
        setTimeout(() => void old.text?.close?.()?.catch(() => undefined), 30_000).unref();
    }
    this.decoded.clear();
    this.decoded.set(version, model);
    return model;
  }

  /** Decodes one published version (artifacts, encoder session); undefined when it has no usable artifacts. */
  private async build(version: string): Promise<ServingModel | undefined> {
    // The artifacts are one large jsonb value (the rerank lists: ≈ 170 MB at a million items): read once per
    // version, with a statement timeout of its own rather than the request path's 1.5 s, which a large catalogue's
    // read exceeds on every retry (the server would then answer SERVICE_UNAVAILABLE until restarted).
    const row = this.sharedSession
      ? await publishedVersion(this.pool, version)
      : await withTransaction(
          this.pool,
          async (client) => {
            await client.query(`SET LOCAL statement_timeout = ${ARTIFACTS_READ_TIMEOUT_MS}`);
            return publishedVersion(client, version, ARTIFACTS_READ_TIMEOUT_MS + 250);
          },
          { begin: 'BEGIN READ ONLY' },
        );
    const artifacts = row ? decodeArtifacts(row.artifacts) : undefined;
    if (!row || !artifacts) return undefined;
    let text: SentenceEncoder | undefined;
    let textUnavailable: string | undefined;
    try {
      text = await openTextEncoder(artifacts.text, await this.externalEncoder.catch(() => undefined));
    } catch (error) {
      textUnavailable = `text encoder unavailable: ${(error as Error).message}`;
    }
    const model: ServingModel = {
      version: row.version,
      kind: row.kind,
      dimension: row.dimension,
      dataCutoff: row.dataCutoff,
      createdAt: row.createdAt,
      activatedAt: row.activatedAt,
      metrics: row.metrics,
      collections: row.collections ?? {},
      gram: artifacts.gram,
      foldIn: artifacts.foldIn,
      text,
      ...(textUnavailable ? { textUnavailable } : {}),
      textToCf: artifacts.textToCf,
      layout: artifacts.layout,
      reranker: artifacts.rerank && this.rerank ? new GraphReranker(artifacts.rerank, this.onRerank) : undefined,
    };
    return model;
  }
}
