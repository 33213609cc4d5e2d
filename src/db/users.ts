// Users, their histories and new events on the serving path.
//
// Histories are cached in process and checked against a watermark instead of a TTL: the user lookup every request
// makes anyway also returns the user's newest event id and event count, and a cached history is used only when it
// was read at that same watermark. So an event recorded through any replica shows in the very next answer of every
// replica, and an unchanged history is not read again. (The count covers what the newest id alone would miss: two
// replicas inserting for one user at once, the lower id committing last.)
import DataLoader from 'dataloader';
import type pg from 'pg';
import { recordAttributions } from './impressions.js';
import {
  DEFAULT_FEEDBACK_POLICY,
  kindCountsOf,
  pairFeedback,
  ratingThresholdParam,
  type FeedbackPolicy,
} from '../feedback/event-weights.js';
import { withTransaction } from './transaction.js';

export interface UserRow {
  id: number;
  externalId: string;
  /** Id of the user's newest event (null without events): the version of their history. */
  lastEventId?: number | null;
  /**
   * The user's value of the segment attribute (RECGRAPH_SEGMENT_ATTRIBUTE), as text; null when absent or empty.
   * Read only by byExternalIdsWithHistory, in its one statement.
   */
  segment?: string | null;
}

export interface HistoryItem {
  itemId: number;
  /** The pair's confidence: its events weighed by kind, up to the cap (src/feedback/event-weights.ts); 0 if negative. */
  value: number;
  /** The user said no to the item (a negative kind, a low rating): never shown again, its neighbours pushed down. */
  negative: boolean;
  /** Creation time of the user's latest event on the item (compared with the model's data cutoff). */
  lastCreatedAt: Date;
}

export interface HistoryEventRow {
  itemId: number;
  kind: string;
  value: number;
  occurredAt: Date;
}

export interface NewInteraction {
  userId: number;
  itemId: number;
  kind: string;
  value: number;
  occurredAt: Date;
}

/** An event to record, for a user named by their external id (created on the fly). */
export interface EventWrite {
  userExternalId: string;
  itemId: number;
  kind: string;
  value: number;
  occurredAt: Date;
  /** The list the item was shown in: the stored event is attributed to it (recommendation_events). */
  recommendationId?: string;
}

/** What became of each event of a recordEvents call, by position in its list. */
export interface RecordOutcome {
  recorded: number[];
  /** Identical (user, item, kind, occurredAt to the millisecond) to an event stored before or earlier in the list. */
  duplicates: number[];
}

/** An Idempotency-Key and the hash of the request it came with. */
export interface IdempotentCall {
  key: string;
  requestHash: string;
}

/** Thrown when a key comes back with other events than the first time. */
export class IdempotencyKeyReused extends Error {
  constructor(readonly key: string) {
    super('this Idempotency-Key was already used for a different request');
  }
}

/** Keys are kept at least this long; older ones are deleted now and then by the writes themselves. */
const IDEMPOTENCY_RETENTION = '24 hours';
const PRUNE_EVERY_CALLS = 500;

/** A watermark seen by a user lookup is trusted this long: the lookup and the history read belong to one request. */
const WATERMARK_TRUST_MS = 5_000;
const MAX_CACHED_HISTORIES = 50_000;
/** Most distinct items of a history read (the most recent ones). */
const HISTORY_LIMIT = 5000;

interface CachedHistory {
  watermark: number | null;
  events: number | null;
  limit: number;
  items: PackedHistory;
}

/**
 * A history as three typed arrays: ≈ 20 bytes an item instead of ≈ 100 for an object with a Date (tens of MB for
 * a catalogue's worth of cached users). Unpacked into objects per request (a few dozen, cheap).
 */
interface PackedHistory {
  itemIds: Int32Array;
  values: Float64Array;
  negative: Uint8Array;
  lastCreatedAtMs: Float64Array;
}

function pack(items: ReadonlyArray<HistoryItem>): PackedHistory {
  return {
    itemIds: Int32Array.from(items, (h) => h.itemId),
    values: Float64Array.from(items, (h) => h.value),
    negative: Uint8Array.from(items, (h) => (h.negative ? 1 : 0)),
    lastCreatedAtMs: Float64Array.from(items, (h) => h.lastCreatedAt.getTime()),
  };
}

/** Per-kind counts of a user's events on one item, as the history statements aggregate them. */
type KindSummary = Record<string, [number, number]>;

/**
 * The history subquery's rows: one per item, with its per-kind event counts (weighed in TypeScript by the one
 * feedback function training uses too), the newest creation and occurrence times and newest event id.
 */
function historyByItemSql(userId: string, threshold: string, extraCondition = ''): string {
  return `SELECT k.item_id, jsonb_object_agg(k.kind, jsonb_build_array(k.n, k.below)) AS kinds,
                 max(k.last_created) AS last_created, max(k.last_occurred) AS last_occurred, max(k.last_id) AS last_id,
                 sum(k.n)::int AS n
            FROM (SELECT item_id, kind, count(*)::int AS n, count(*) FILTER (WHERE value < ${threshold})::int AS below,
                         max(created_at) AS last_created, max(occurred_at) AS last_occurred, max(id) AS last_id
                    FROM interactions WHERE user_id = ${userId} ${extraCondition}
                   GROUP BY item_id, kind) k
           GROUP BY k.item_id`;
}

function unpack(history: PackedHistory, limit: number): HistoryItem[] {
  const n = Math.min(limit, history.itemIds.length);
  const out: HistoryItem[] = new Array(n);
  for (let i = 0; i < n; i++) {
    out[i] = {
      itemId: history.itemIds[i],
      value: history.values[i],
      negative: history.negative[i] === 1,
      lastCreatedAt: new Date(history.lastCreatedAtMs[i]),
    };
  }
  return out;
}

export class UserRepository {
  private readonly histories = new Map<number, CachedHistory>();
  private readonly watermarks = new Map<number, { value: number | null; events: number | null; at: number }>();
  /** External → internal user id, as lookups found them (lets a lookup send the cached watermarks along). */
  private readonly internalIds = new Map<string, number>();
  private keyedCalls = 0;
  /**
   * The user lookups of concurrent requests, in one statement: every lookup asked for before the event loop's next
   * check phase (setImmediate) — e.g. all the requests read from sockets in one poll — joins one batch. Each lookup
   * is sent after its request arrived, so it sees every event committed before that: batching changes how many
   * statements run, not what they see. No cache: a batch is one read, never reused.
   */
  private readonly concurrentLookups = new DataLoader<string, UserRow | undefined>(
    (externalIds) => this.readWithHistory(externalIds),
    { cache: false, maxBatchSize: 100, batchScheduleFn: (dispatch) => setImmediate(dispatch) },
  );

  constructor(
    private readonly pool: pg.Pool,
    private readonly options: {
      onLookup?: (cache: string, hit: boolean) => void;
      segmentAttribute?: string;
      feedback?: FeedbackPolicy;
      /**
       * Send the per-request lookup as a named (prepared) statement (default on). Off for a Postgres whose pooled
       * connections share one session (the embedded PGlite), where two connections would prepare one name twice.
       */
      preparedStatements?: boolean;
    } = {},
  ) {}

  private get feedback(): FeedbackPolicy {
    return this.options.feedback ?? DEFAULT_FEEDBACK_POLICY;
  }

  private historyItem(itemId: number, kinds: KindSummary, lastCreatedAt: Date): HistoryItem {
    const { confidence, negative } = pairFeedback(kindCountsOf(kinds), this.feedback);
    return { itemId, value: confidence, negative, lastCreatedAt };
  }

  /** Users by internal id, in the order asked; undefined where none exists (similarUsers joins its hits here). */
  async byIds(ids: readonly number[]): Promise<(UserRow | undefined)[]> {
    const { rows } = await this.pool.query<UserRow>(
      `SELECT id, external_id AS "externalId" FROM users WHERE id = ANY($1::int[])`,
      [ids],
    );
    const byId = new Map(rows.map((row) => [row.id, row]));
    return ids.map((id) => byId.get(id));
  }

  /** One page of every user in id order, after `afterId` (keyset paging: batch jobs walk all users in bounded memory). */
  async pageAfter(afterId: number, limit: number): Promise<UserRow[]> {
    const { rows } = await this.pool.query<UserRow>(
      `SELECT id, external_id AS "externalId" FROM users WHERE id > $1 ORDER BY id LIMIT $2`,
      [afterId, limit],
    );
    return rows;
  }

  /** How many users there are (a batch job's progress total). */
  async count(): Promise<number> {
    const { rows } = await this.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM users`);
    return rows[0].n;
  }

  async byExternalIds(externalIds: readonly string[]): Promise<(UserRow | undefined)[]> {
    const { rows } = await this.pool.query<UserRow>({
      text: `SELECT u.id, u.external_id AS "externalId", w.last AS "lastEventId", w.events
               FROM users u
               -- GROUP BY keeps the planner off a backward walk of the whole primary key (min/max rewrite)
               LEFT JOIN LATERAL (SELECT max(x.id) AS last, count(*)::int AS events FROM interactions x
                                   WHERE x.user_id = u.id GROUP BY x.user_id) w ON true
              WHERE u.external_id = ANY($1::text[])`,
      values: [externalIds],
    });
    const now = Date.now();
    const byExternal = new Map<string, UserRow>();
    for (const { events, ...row } of rows as Array<UserRow & { events: number | null }>) {
      this.remember(this.watermarks, row.id, { value: row.lastEventId ?? null, events: events ?? null, at: now });
      this.remember(this.internalIds, row.externalId, row.id);
      byExternal.set(row.externalId, row);
    }
    return externalIds.map((id) => byExternal.get(id));
  }

  /**
   * Like byExternalIds, and brings each user's history into the cache in the same statement (one round trip on the
   * recommendations path): the next historyItems() for these users is answered from memory. A history already
   * cached at the user's current watermark is not read again — the statement sends the cached watermarks, and the
   * history subquery runs only where they differ (a one-time filter: no index scan at all for an unchanged user).
   * So a steady user costs the user lookup and the watermark; an event recorded through any replica changes the
   * watermark and the next answer, on every replica, reads the new history. Also reads the user's segment, which
   * decides the cold-start list of a user without events.
   */
  async byExternalIdsWithHistory(externalIds: readonly string[]): Promise<(UserRow | undefined)[]> {
    const rows = await this.concurrentLookups.loadMany(externalIds);
    const failed = rows.find((row): row is Error => row instanceof Error);
    if (failed) throw failed;
    return rows as (UserRow | undefined)[];
  }

  /** One statement for byExternalIdsWithHistory's batch (concurrent requests' ids, possibly repeated). */
  private async readWithHistory(asked: readonly string[]): Promise<(UserRow | undefined)[]> {
    const externalIds = [...new Set(asked)];
    const cachedIds: number[] = [];
    const cachedWatermarks: Array<number | null> = [];
    const cachedCounts: Array<number | null> = [];
    for (const externalId of externalIds) {
      const id = this.internalIds.get(externalId);
      const cached = id === undefined ? undefined : this.histories.get(id);
      if (id === undefined || !cached || cached.limit < HISTORY_LIMIT) continue;
      cachedIds.push(id);
      cachedWatermarks.push(cached.watermark);
      cachedCounts.push(cached.events);
    }
    const { rows } = await this.pool.query<
      UserRow & {
        events: number | null;
        fromCache: boolean;
        itemIds: number[] | null;
        kinds: KindSummary[] | null;
        lastCreatedAts: Date[] | null;
      }
    >({
      // Prepared once per connection (a named statement): planning this statement cost Postgres more than running
      // it for a user whose history is cached (bench:serve, README § Reading bench/results/serve.json).
      ...(this.options.preparedStatements !== false ? { name: 'users-with-history' } : {}),
      text: `SELECT u.id, u.external_id AS "externalId", w.last AS "lastEventId", w.events,
                    nullif(u.attributes ->> $3, '') AS segment,
                    (c.user_id IS NOT NULL AND c.watermark IS NOT DISTINCT FROM w.last AND c.events IS NOT DISTINCT FROM w.events)
                      AS "fromCache",
                    h.item_ids AS "itemIds", h.kinds, h.last_created AS "lastCreatedAts"
               FROM users u
               -- GROUP BY keeps the planner off a backward walk of the whole primary key (min/max rewrite)
               LEFT JOIN LATERAL (SELECT max(x.id) AS last, count(*)::int AS events FROM interactions x
                                   WHERE x.user_id = u.id GROUP BY x.user_id) w ON true
               LEFT JOIN unnest($4::int[], $5::bigint[], $6::int[]) AS c(user_id, watermark, events) ON c.user_id = u.id
               LEFT JOIN LATERAL (
                 SELECT array_agg(g.item_id ORDER BY g.last_occurred DESC, g.item_id) AS item_ids,
                        array_agg(g.kinds ORDER BY g.last_occurred DESC, g.item_id) AS kinds,
                        array_agg(g.last_created ORDER BY g.last_occurred DESC, g.item_id) AS last_created
                   FROM (${historyByItemSql(
                     'u.id',
                     '$7::float8',
                     `AND NOT (c.user_id IS NOT NULL AND c.watermark IS NOT DISTINCT FROM w.last
                               AND c.events IS NOT DISTINCT FROM w.events)`,
                   )} ORDER BY max(k.last_occurred) DESC LIMIT $2) g
               ) h ON true
              WHERE u.external_id = ANY($1::text[])`,
      values: [
        externalIds,
        HISTORY_LIMIT,
        this.options.segmentAttribute ?? 'segment',
        cachedIds,
        cachedWatermarks,
        cachedCounts,
        ratingThresholdParam(this.feedback),
      ],
    });
    const now = Date.now();
    const byExternal = new Map<string, UserRow>();
    for (const { itemIds, kinds, lastCreatedAts, fromCache, events, ...user } of rows) {
      const watermark = user.lastEventId ?? null;
      this.remember(this.watermarks, user.id, { value: watermark, events: events ?? null, at: now });
      this.remember(this.internalIds, user.externalId, user.id);
      if (!fromCache) {
        const items = (itemIds ?? []).map((itemId, i) => this.historyItem(itemId, kinds![i], lastCreatedAts![i]));
        this.remember(this.histories, user.id, {
          watermark,
          events: events ?? null,
          limit: HISTORY_LIMIT,
          items: pack(items),
        });
      }
      byExternal.set(user.externalId, user);
    }
    return asked.map((id) => byExternal.get(id));
  }

  /** Distinct items the user interacted with, most recent first: what lists exclude and what fold-in reads. */
  async historyItems(userId: number, limit = HISTORY_LIMIT): Promise<HistoryItem[]> {
    const seen = this.watermarks.get(userId);
    const cached = this.histories.get(userId);
    const trusted = seen !== undefined && Date.now() - seen.at < WATERMARK_TRUST_MS;
    if (
      trusted &&
      cached &&
      cached.watermark === seen.value &&
      cached.events === seen.events &&
      cached.limit >= limit
    ) {
      this.options.onLookup?.('history', true);
      return unpack(cached.items, limit);
    }
    this.options.onLookup?.('history', false);
    // The window max runs before LIMIT: the watermark covers all of the user's events, not just the rows returned.
    const { rows } = await this.pool.query<{
      itemId: number;
      kinds: KindSummary;
      lastCreatedAt: Date;
      watermark: number | null;
      events: number;
    }>({
      text: `SELECT h.item_id AS "itemId", h.kinds, h.last_created AS "lastCreatedAt",
                    max(h.last_id) OVER () AS watermark, (sum(h.n) OVER ())::int AS events
               FROM (${historyByItemSql('$1', '$3::float8')}) h
              ORDER BY h.last_occurred DESC LIMIT $2`,
      values: [userId, limit, ratingThresholdParam(this.feedback)],
    });
    const items = rows.map(({ itemId, kinds, lastCreatedAt }) => this.historyItem(itemId, kinds, lastCreatedAt));
    this.remember(this.histories, userId, {
      watermark: rows[0]?.watermark ?? null,
      events: rows[0]?.events ?? null,
      limit,
      items: pack(items),
    });
    return items;
  }

  private remember<K, V>(map: Map<K, V>, key: K, value: V): void {
    if (map.size >= MAX_CACHED_HISTORIES && !map.has(key)) {
      // Insertion order: drop the oldest tenth in one go.
      let drop = MAX_CACHED_HISTORIES / 10;
      for (const old of map.keys()) {
        map.delete(old);
        if (--drop === 0) break;
      }
    }
    map.set(key, value);
  }

  /** Raw events, newest first, for the `history` field. */
  async events(userId: number, limit: number, offset: number): Promise<HistoryEventRow[]> {
    const { rows } = await this.pool.query<HistoryEventRow>(
      `SELECT item_id AS "itemId", kind, value, occurred_at AS "occurredAt"
         FROM interactions WHERE user_id = $1 ORDER BY occurred_at DESC, id DESC LIMIT $2 OFFSET $3`,
      [userId, limit, offset],
    );
    return rows;
  }

  /**
   * Records events in one transaction: creates the users that do not exist yet, inserts the events (an event
   * identical to one already stored — same user, item, kind and occurredAt — is stored once and reported as a
   * duplicate), and with an idempotency key stores the answer in the same transaction. Nothing is written unless all
   * of it commits, and once it has, a retry with the same key returns the stored answer without writing again.
   * `answer` turns the outcome into what the caller returns (and what is stored with the key).
   */
  async recordEvents<R>(
    events: readonly EventWrite[],
    answer: (outcome: RecordOutcome) => R,
    idempotency?: IdempotentCall,
  ): Promise<R> {
    if (idempotency && ++this.keyedCalls % PRUNE_EVERY_CALLS === 0) {
      await this.pool.query(
        `DELETE FROM idempotency_keys WHERE created_at < now() - interval '${IDEMPOTENCY_RETENTION}'`,
      );
    }
    return withTransaction(this.pool, async (client) => {
      if (idempotency) {
        // A concurrent call with the same key waits here until the first one commits (or rolls back).
        const claimed = await client.query(
          `INSERT INTO idempotency_keys (key, request_hash, response) VALUES ($1, $2, 'null')
           ON CONFLICT (key) DO NOTHING`,
          [idempotency.key, idempotency.requestHash],
        );
        if (claimed.rowCount === 0) {
          const { rows } = await client.query<{ requestHash: string; response: R }>(
            `SELECT request_hash AS "requestHash", response FROM idempotency_keys WHERE key = $1`,
            [idempotency.key],
          );
          if (rows[0].requestHash !== idempotency.requestHash) throw new IdempotencyKeyReused(idempotency.key);
          return rows[0].response;
        }
      }
      const result = answer(await this.insertEvents(client, events));
      if (idempotency) {
        await client.query(`UPDATE idempotency_keys SET response = $2 WHERE key = $1`, [
          idempotency.key,
          JSON.stringify(result),
        ]);
      }
      return result;
    });
  }

  private async insertEvents(client: pg.PoolClient, events: readonly EventWrite[]): Promise<RecordOutcome> {
    if (!events.length) return { recorded: [], duplicates: [] };
    // Sorted, so concurrent calls take the unique-index locks of shared users in the same order (no deadlock).
    const externalIds = [...new Set(events.map((e) => e.userExternalId))].sort();
    await client.query(
      `INSERT INTO users (external_id) SELECT unnest($1::text[]) ON CONFLICT (external_id) DO NOTHING`,
      [externalIds],
    );
    const { rows: users } = await client.query<{ id: number; externalId: string }>(
      `SELECT id, external_id AS "externalId" FROM users WHERE external_id = ANY($1::text[])`,
      [externalIds],
    );
    const userIds = new Map(users.map((u) => [u.externalId, u.id]));
    const rows = events.map((e) => ({ ...e, userId: userIds.get(e.userExternalId)! }));
    // The watermark check would catch the change; dropping the entries frees them at once.
    for (const row of rows) this.histories.delete(row.userId);
    const inserted = await client.query<{ userId: number; itemId: number; kind: string; occurredAt: Date }>(
      `INSERT INTO interactions (user_id, item_id, kind, value, occurred_at)
       SELECT * FROM unnest($1::int[], $2::int[], $3::text[], $4::float8[], $5::timestamptz[])
        ORDER BY 1, 2, 3, 5
       ON CONFLICT (user_id, item_id, kind, occurred_at) DO NOTHING
       RETURNING user_id AS "userId", item_id AS "itemId", kind, occurred_at AS "occurredAt"`,
      [
        rows.map((e) => e.userId),
        rows.map((e) => e.itemId),
        rows.map((e) => e.kind),
        rows.map((e) => e.value),
        rows.map((e) => e.occurredAt.toISOString()),
      ],
    );
    const keyOf = (e: { userId: number; itemId: number; kind: string; occurredAt: Date }) =>
      `${e.userId}|${e.itemId}|${e.kind}|${e.occurredAt.getTime()}`;
    const fresh = new Set(inserted.rows.map(keyOf));
    const outcome: RecordOutcome = { recorded: [], duplicates: [] };
    rows.forEach((row, index) => {
      // The first event of the list with a newly inserted key is the one stored; any other is its duplicate.
      if (fresh.delete(keyOf(row))) outcome.recorded.push(index);
      else outcome.duplicates.push(index);
    });
    // Attribution of stored events to the list they were shown in, in the same transaction.
    await recordAttributions(
      client,
      outcome.recorded.flatMap((index) => {
        const { recommendationId, userId, itemId, kind, occurredAt } = rows[index];
        return recommendationId ? [{ recommendationId, userId, itemId, kind, occurredAt }] : [];
      }),
    );
    return outcome;
  }
}
