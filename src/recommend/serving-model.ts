// The active model as the serving path needs it: decoded once per version (Gram matrix, fold-in parameters, text
// model, text→collaborative map) and re-read on a short TTL so an activation reaches every replica.
import type pg from 'pg';
import type { HashedTextModel } from '../embedding/hashed-text.js';
import type { IalsFoldInParams } from '../embedding/ials-foldin.js';
import type { LinearMap } from '../embedding/linear-map.js';
import type { VectorLayout } from '../embedding/blended-foldin.js';

export interface ServingModel {
  version: string;
  kind: string;
  dimension: number;
  dataCutoff: Date;
  createdAt: Date;
  activatedAt: Date | null;
  metrics: Record<string, unknown>;
  gram: Float64Array;
  foldIn: IalsFoldInParams;
  text: HashedTextModel;
  textToCf: LinearMap | undefined;
  /**
   * Block layout of the collaborative vectors (iALS ⊕ low-pass, see blended-foldin.ts); undefined for a model
   * whose vectors are plain iALS factors.
   */
  layout: VectorLayout | undefined;
}

interface Row {
  version: string;
  kind: string;
  dimension: number;
  dataCutoff: Date;
  createdAt: Date;
  activatedAt: Date | null;
  metrics: Record<string, unknown>;
  artifacts: { gram?: number[]; foldIn?: IalsFoldInParams; text?: HashedTextModel; textToCf?: LinearMap; layout?: VectorLayout };
}

export class ServingModelSource {
  private cache: { at: number; model: ServingModel | undefined } | undefined;
  private decoded = new Map<string, ServingModel>();

  constructor(
    private readonly pool: pg.Pool,
    private readonly ttlMs = 5_000,
  ) {}

  async get(): Promise<ServingModel | undefined> {
    if (this.cache && Date.now() - this.cache.at < this.ttlMs) return this.cache.model;
    // Only the version is read on every refresh; the (large) artifacts once per version.
    const { rows } = await this.pool.query<{ version: string }>(
      `SELECT version FROM model_versions WHERE status = 'active' ORDER BY activated_at DESC NULLS LAST LIMIT 1`,
    );
    const version = rows[0]?.version;
    const model = version === undefined ? undefined : (this.decoded.get(version) ?? (await this.decode(version)));
    this.cache = { at: Date.now(), model };
    return model;
  }

  invalidate(): void {
    this.cache = undefined;
  }

  private async decode(version: string): Promise<ServingModel | undefined> {
    const { rows } = await this.pool.query<Row>(
      `SELECT version, kind, dimension, data_cutoff AS "dataCutoff", created_at AS "createdAt", activated_at AS "activatedAt",
              metrics, artifacts
         FROM model_versions WHERE version = $1`,
      [version],
    );
    const row = rows[0];
    if (!row?.artifacts.gram || !row.artifacts.foldIn || !row.artifacts.text) return undefined;
    const model: ServingModel = {
      version: row.version,
      kind: row.kind,
      dimension: row.dimension,
      dataCutoff: row.dataCutoff,
      createdAt: row.createdAt,
      activatedAt: row.activatedAt,
      metrics: row.metrics,
      gram: Float64Array.from(row.artifacts.gram),
      foldIn: row.artifacts.foldIn,
      text: row.artifacts.text,
      textToCf: row.artifacts.textToCf,
      layout: row.artifacts.layout,
    };
    this.decoded.clear(); // keep only the live version's decoded matrices
    this.decoded.set(version, model);
    return model;
  }
}
