// `recgraph enrich` against a real Postgres and a local stand-in for the chat-completions endpoint
// (tests/helpers/chat-stand-in.ts: no real LLM endpoint is reachable from this machine or CI). The stand-in answers
// slowly, with 429 + Retry-After, with 503, with a body that is not JSON, with content that is not JSON and with an
// entry that breaks the schema; the run must retry what is retryable, store only validated answers, report every
// failed item with its reason, resume where it stopped, hold its caps, and feed the clustered labels to the items.
import { setTimeout as delay } from 'node:timers/promises';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { itemFilterSql } from '../../src/db/item-filter-sql.js';
import { itemText } from '../../src/embedding/item-text.js';
import { enrichCatalogue, type EnrichPipelineOptions } from '../../training/enrich/pipeline.js';
import { ENRICH_FIELDS, parseFields } from '../../training/enrich/fields.js';
import { itemsLacking } from '../../training/enrich/store.js';
import { formatEnrichReport } from '../../training/enrich/report-format.js';
import { startChatStandIn, type StandInReply, type StandInRequest } from '../helpers/chat-stand-in.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';

interface Answer {
  summary: string;
  genre: string;
  theme: string;
  tone: string;
  audience: string;
}

const SF = (genre: string, tone: string): Answer => ({
  summary: 'A crew travels between stars.',
  genre,
  theme: 'space exploration',
  tone,
  audience: 'adults',
});
const MYSTERY = (genre: string, tone: string): Answer => ({
  summary: 'A detective untangles a crime.',
  genre,
  theme: 'justice',
  tone,
  audience: 'young adults',
});

/** What the stand-in model says about each catalogue item, by title. */
const ANSWERS: Record<string, Answer> = {
  'Star Sailors': SF('science fiction', 'dark'),
  'Galaxy Road': SF('Science Fiction', 'Dark'),
  'Orbit Tales': SF('science fiction novel', 'dark'),
  'Murder at Noon': MYSTERY('mystery', 'light-hearted'),
  'The Quiet Detective': MYSTERY('Mystery ', 'light hearted'),
  'Last Alibi': MYSTERY('murder mystery', 'light-hearted'),
  'Slow Comet': SF('space science fiction', 'dark'),
  'Invalid Entry': MYSTERY('mystery novel', 'light-hearted'),
  'Has Everything': SF('science fiction', 'dark'),
  'Malformed One': MYSTERY('mystery', 'light-hearted'),
  'Malformed Two': SF('science fiction', 'dark'),
};

const answerFor = (items: StandInRequest['items'], tweak?: (id: string, a: Answer) => unknown) =>
  JSON.stringify({
    items: items.map((it) => tweak?.(it.id, ANSWERS[it.title]) ?? { id: it.id, ...ANSWERS[it.title] }),
  });

let db: TestDatabase;
let pool: pg.Pool;
const idByTitle = new Map<string, number>();
const waits: number[] = [];

const LLM = (url: string) => ({ url, model: 'stand-in-model', apiKey: 'sk-test' });
const options = (extra: Partial<EnrichPipelineOptions> = {}): EnrichPipelineOptions => ({
  fields: parseFields('summary,genre,theme,tone,audience'),
  maxItems: 100,
  maxTokens: 1_000_000,
  batchSize: 3,
  concurrency: 2,
  vocabularySize: 2,
  seed: 7,
  client: {
    timeoutMs: 400,
    baseDelayMs: 20,
    maxDelayMs: 100,
    maxRetries: 4,
    sleep: async (ms) => {
      waits.push(ms);
      await delay(ms);
    },
  },
  ...extra,
});

beforeAll(async () => {
  db = await createTestDatabase();
  pool = new pg.Pool({ connectionString: db.url, max: 4 });
  for (const title of Object.keys(ANSWERS)) {
    const full = title === 'Has Everything';
    const { rows } = await pool.query<{ id: number }>(
      `INSERT INTO items (external_id, title, description, genres) VALUES ($1, $2, $3, $4) RETURNING id`,
      [`ext-${title}`, title, full ? 'Its own description.' : null, full ? ['Poetry'] : []],
    );
    idByTitle.set(title, rows[0].id);
  }
});
afterAll(async () => {
  await pool?.end();
  await db?.drop();
});

describe('recgraph enrich', () => {
  it('retries 429/5xx/timeouts/non-JSON bodies, stores validated answers, reports each bad item', async () => {
    let slowSeen = false;
    const server = await startChatStandIn((request): StandInReply => {
      const titles = request.items.map((it) => it.title);
      if (request.seq === 1) return { kind: 'status', status: 429, retryAfter: '1' };
      if (request.seq === 2) return { kind: 'status', status: 503 };
      if (request.seq === 3) return { kind: 'raw', body: '<html>bad gateway</html>' };
      if (titles.includes('Slow Comet') && !slowSeen) {
        slowSeen = true;
        return { kind: 'answer', content: answerFor(request.items), delayMs: 1_500 };
      }
      if (titles.some((t) => t.startsWith('Malformed'))) return { kind: 'answer', content: '{"items": [{"id": ' };
      return {
        kind: 'answer',
        totalTokens: 500,
        content: answerFor(request.items, (id, a) =>
          ANSWERS['Invalid Entry'] === a
            ? { id, summary: a.summary, genre: 42, theme: a.theme, tone: a.tone }
            : undefined,
        ),
      };
    });
    try {
      const report = await enrichCatalogue(pool, LLM(server.url), options());
      const r = report.requests;
      expect(r.selected).toBe(11);
      expect(r.status).toBe('done');
      // Invalid Entry broke the schema alone; both Malformed items shared the batch whose content was not JSON.
      const failed = new Map(r.failed.map((f) => [f.itemId, f.reason]));
      expect([...failed.keys()].sort()).toEqual(
        ['Invalid Entry', 'Malformed One', 'Malformed Two'].map((t) => idByTitle.get(t)!).sort(),
      );
      expect(failed.get(idByTitle.get('Invalid Entry')!)).toMatch(/^schema: .*genre must be string/);
      expect(failed.get(idByTitle.get('Malformed One')!)).toMatch(/not JSON/);
      expect(r.enriched).toBe(8);
      // Retry-After: 1 was honoured: the wait after the 429 was at least a second.
      expect(Math.max(...waits)).toBeGreaterThanOrEqual(1_000);
      expect(server.requests.every((q) => q.authorization === 'Bearer sk-test' && q.model === 'stand-in-model')).toBe(
        true,
      );
      // The slow answer timed out and was asked again.
      expect(server.requests.filter((q) => q.items.some((it) => it.title === 'Slow Comet')).length).toBe(2);
      // Nothing of a failed item was stored; its failure is, with the reason.
      const { rows: stored } = await pool.query<{ item_id: number }>(
        `SELECT DISTINCT item_id FROM item_enrichments WHERE item_id = ANY($1::int[])`,
        [[...failed.keys()]],
      );
      expect(stored).toEqual([]);
      const { rows: failures } = await pool.query(`SELECT item_id, reason FROM enrichment_failures ORDER BY item_id`);
      expect(failures.map((f) => f.item_id).sort()).toEqual([...failed.keys()].sort());
      // Has Everything had its own description and genre: only the three label fields were stored for it.
      const { rows: own } = await pool.query<{ field: string }>(
        `SELECT field FROM item_enrichments WHERE item_id = $1 ORDER BY field`,
        [idByTitle.get('Has Everything')],
      );
      expect(own.map((row) => row.field)).toEqual(['audience', 'theme', 'tone']);
      const lines = formatEnrichReport(report).join('\n');
      expect(lines).toContain(`item ${idByTitle.get('Invalid Entry')}: schema:`);
      const { rows: runs } = await pool.query(`SELECT status, items_done, items_failed FROM enrichment_runs`);
      expect(runs).toEqual([{ status: 'done', items_done: 8, items_failed: 3 }]);
    } finally {
      await server.close();
    }
  });

  it('resumes: a second run asks only about what is still lacking, then clusters and applies', async () => {
    const server = await startChatStandIn((request) => ({ kind: 'answer', content: answerFor(request.items) }));
    try {
      const report = await enrichCatalogue(pool, LLM(server.url), options());
      const asked = server.requests.flatMap((q) => q.items.map((it) => it.title)).sort();
      expect(asked).toEqual(['Invalid Entry', 'Malformed One', 'Malformed Two']);
      expect(report.requests).toMatchObject({ selected: 3, enriched: 3, failed: [] });
      expect((await pool.query(`SELECT count(*)::int AS n FROM enrichment_failures`)).rows[0].n).toBe(0);
      expect(await itemsLacking(pool, ENRICH_FIELDS, 100)).toEqual([]);

      // Two names per field: every science-fiction spelling got one, every mystery spelling the other.
      const genre = report.vocabularies.find((v) => v.field === 'genre')!;
      expect(genre.distinct).toBe(6);
      expect(genre.names.map((n) => n.name).sort()).toEqual(['mystery', 'science fiction']);
      const { rows } = await pool.query<{
        title: string;
        description: string | null;
        genres: string[];
        tags: string[];
        creators: string[];
      }>(`SELECT title, description, genres, tags, creators FROM items ORDER BY id`);
      const byTitle = new Map(rows.map((row) => [row.title, row]));
      for (const [title, answer] of Object.entries(ANSWERS)) {
        const row = byTitle.get(title)!;
        const family = answer.summary.startsWith('A crew') ? 'science fiction' : 'mystery';
        if (title === 'Has Everything') {
          expect(row.description).toBe('Its own description.');
          expect(row.genres).toEqual(['Poetry']);
        } else {
          expect(row.description).toBe(answer.summary);
          expect(row.genres).toEqual([family]);
        }
        expect(row.tags.filter((t) => t.startsWith('audience:'))).toHaveLength(1);
        expect(row.tags.filter((t) => t.startsWith('tone:'))).toHaveLength(1);
        // What the text encoder reads of the item now carries the enrichment.
        const text = itemText(row);
        expect(text).toContain(row.description!);
        expect(text).toContain(row.tags.find((t) => t.startsWith('theme:'))!);
      }
      // "dark"/"Dark" and "light-hearted"/"light hearted" each became one tone.
      const tones = new Set(rows.map((row) => row.tags.find((t) => t.startsWith('tone:'))));
      expect(tones.size).toBe(2);

      // The filters see the labels (the Postgres side of ItemFilter; Qdrant payloads are built from the same columns).
      const params: unknown[] = [];
      const where = itemFilterSql({ genres: ['science fiction'], tags: ['audience:adults'] }, params);
      const { rows: filtered } = await pool.query<{ title: string }>(
        `SELECT title FROM items it WHERE ${where} ORDER BY title`,
        params,
      );
      expect(filtered.map((row) => row.title)).toEqual([
        'Galaxy Road',
        'Malformed Two',
        'Orbit Tales',
        'Slow Comet',
        'Star Sailors',
      ]);

      // Nothing left to ask, and applying again changes nothing.
      const again = await enrichCatalogue(pool, LLM(server.url), options());
      expect(again.requests).toMatchObject({ selected: 0, requests: 0 });
      expect(Object.values(again.applied).every((n) => n === 0)).toBe(true);
    } finally {
      await server.close();
    }
  });

  it('holds the item and token caps', async () => {
    for (let i = 0; i < 8; i++)
      await pool.query(`INSERT INTO items (external_id, title) VALUES ($1, 'Star Sailors')`, [`capped-${i}`]);
    const server = await startChatStandIn((request) => ({
      kind: 'answer',
      totalTokens: 400,
      content: answerFor(request.items),
    }));
    try {
      const items = await enrichCatalogue(pool, LLM(server.url), options({ fields: ['tone'], maxItems: 3 }));
      expect(items.requests.selected).toBe(3);
      expect(server.requests.flatMap((q) => q.items)).toHaveLength(3);

      const tokens = await enrichCatalogue(
        pool,
        LLM(server.url),
        options({ fields: ['summary', 'genre', 'theme'], maxTokens: 1_500, batchSize: 2, concurrency: 1 }),
      );
      const t = tokens.requests;
      expect(t.status).toBe('capped');
      expect(t.selected).toBe(8);
      expect(t.requests).toBeGreaterThan(0);
      expect(t.tokens).toBeLessThanOrEqual(1_500);
      expect(t.enriched).toBe(2 * t.requests);
      expect(t.skippedByTokenCap).toBe(8 - 2 * t.requests);
      expect((await itemsLacking(pool, ['summary'], 100)).length).toBe(t.skippedByTokenCap);
    } finally {
      await server.close();
    }
  });

  it('refuses to start without an endpoint, and stops at once on 401', async () => {
    await expect(enrichCatalogue(pool, { url: undefined, model: 'm', apiKey: undefined }, options())).rejects.toThrow(
      /RECGRAPH_LLM_URL/,
    );
    const server = await startChatStandIn(() => ({ kind: 'status', status: 401 }));
    try {
      const report = await enrichCatalogue(pool, LLM(server.url), options({ fields: ['summary'], concurrency: 1 }));
      expect(report.requests.status).toBe('failed');
      expect(report.requests.fatal).toMatch(/HTTP 401/);
      expect(server.requests).toHaveLength(1);
    } finally {
      await server.close();
    }
  });
});
