// Writes under faults, against the app in a process of its own: kill -9 while recordInteractions calls are in flight
// (every acknowledged event is in Postgres after the restart; retrying the unanswered calls with their
// Idempotency-Key records each event exactly once), and write accounting under concurrency with duplicates and bad
// elements (recorded + rejected + duplicates = events sent, and Postgres holds exactly the recorded rows).
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startChildApp, type ChildApp } from './helpers/child-app.js';
import { API_KEY, prepareFixture, type FaultFixture } from './helpers/fixture.js';
import { sleep } from './helpers/load.js';
import { recordResults } from './helpers/results.js';

const RECORD = `mutation($input: [InteractionInput!]!) { recordInteractions(input: $input) { recorded rejected { index reason } duplicates } }`;

interface Event {
  userId: string;
  itemId: string;
  kind?: string;
  occurredAt?: string;
}
interface Answer {
  recorded: number;
  rejected: Array<{ index: number; reason: string }>;
  duplicates: number[];
}

async function record(origin: string, input: Event[], idempotencyKey?: string): Promise<Answer | undefined> {
  try {
    const response = await fetch(`${origin}/graphql`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-api-key': API_KEY,
        ...(idempotencyKey ? { 'idempotency-key': idempotencyKey } : {}),
      },
      body: JSON.stringify({ query: RECORD, variables: { input } }),
      signal: AbortSignal.timeout(20_000),
    });
    const body = (await response.json()) as { data?: { recordInteractions: Answer } };
    return response.status === 200 ? body.data?.recordInteractions : undefined;
  } catch {
    return undefined; // no answer: the connection died with the process
  }
}

const keyOf = (e: { userId: string; itemId: string; occurredAt?: string | Date }) =>
  `${e.userId}|${e.itemId}|${e.occurredAt === undefined ? 'now' : new Date(e.occurredAt).toISOString()}`;

describe('writes under faults', () => {
  let fixture: FaultFixture;
  let app: ChildApp;

  beforeAll(async () => {
    fixture = await prepareFixture(inject('qdrantUrl'), { seed: 83, items: 200, users: 80, eventsPerUser: 10 });
    app = await startChildApp(fixture.env());
  });
  afterAll(async () => {
    await app?.stop();
    await fixture?.drop();
  });

  const rowsOf = async (userPrefix: string) => {
    const { rows } = await fixture.pool.query<{ userId: string; itemId: string; occurredAt: Date }>(
      `SELECT u.external_id AS "userId", i.external_id AS "itemId", x.occurred_at AS "occurredAt"
         FROM interactions x JOIN users u ON u.id = x.user_id JOIN items i ON i.id = x.item_id
        WHERE starts_with(u.external_id, $1)`,
      [userPrefix],
    );
    return rows.map(keyOf);
  };

  it('kill -9 mid-write: every acknowledged event survives, and idempotent retries record each event once', async () => {
    const items = fixture.dataset.items.map((i) => i.externalId);
    const base = Date.UTC(2025, 0, 1);
    const calls = Array.from({ length: 4_000 }, (_, i) => ({
      key: `k9-${i}`,
      input: Array.from({ length: 1 + (i % 3) }, (_, j) => ({
        userId: `k9-user-${i % 40}`,
        itemId: items[(i * 3 + j) % items.length],
        kind: 'purchase',
        occurredAt: new Date(base + i * 10 + j).toISOString(),
      })),
    }));
    const answers = new Map<number, Answer>();
    let next = 0;
    let stopAt = Infinity;
    const writers = Array.from({ length: 16 }, async () => {
      while (next < Math.min(calls.length, stopAt)) {
        const i = next++;
        const answer = await record(app.origin, calls[i].input, calls[i].key);
        if (answer) answers.set(i, answer);
      }
    });
    while (answers.size < 300) await sleep(20);
    await app.kill9();
    stopAt = next; // calls not yet sent stay unsent
    await Promise.all(writers);
    const sent = next;
    const killed = await app.exited;

    app = await startChildApp(fixture.env());
    const stored = new Set(await rowsOf('k9-user-'));
    const acknowledged = [...answers.keys()];
    const acknowledgedEvents = acknowledged.flatMap((i) => calls[i].input);
    const missing = acknowledgedEvents.filter((e) => !stored.has(keyOf(e)));
    const unanswered = Array.from({ length: sent }, (_, i) => i).filter((i) => !answers.has(i));
    const committedUnanswered = unanswered.filter((i) => calls[i].input.every((e) => stored.has(keyOf(e)))).length;

    // The client's retry: every unanswered call again, with its key; and a few answered ones, which must not write.
    const retried = await Promise.all(unanswered.map((i) => record(app.origin, calls[i].input, calls[i].key)));
    const replays = await Promise.all(
      acknowledged.slice(0, 20).map((i) => record(app.origin, calls[i].input, calls[i].key)),
    );
    const after = await rowsOf('k9-user-');
    const sentEvents = calls.slice(0, sent).flatMap((c) => c.input);
    const distinctAfter = new Set(after);

    const results = {
      callsSent: sent,
      acknowledgedCalls: acknowledged.length,
      acknowledgedEvents: acknowledgedEvents.length,
      killedWith: killed.signal,
      unansweredAtKill: unanswered.length,
      unansweredButCommitted: committedUnanswered,
      acknowledgedMissingAfterRestart: missing.length,
      retriesAnswered: retried.filter(Boolean).length,
      replaysEqualFirstAnswer: replays.filter(
        (r, k) => JSON.stringify(r) === JSON.stringify(answers.get(acknowledged[k])),
      ).length,
      eventsSent: sentEvents.length,
      rowsAfterRetries: after.length,
      duplicateRowsAfterRetries: after.length - distinctAfter.size,
    };
    recordResults('kill9', results);
    expect(killed.signal).toBe('SIGKILL');
    expect(missing).toEqual([]);
    expect(retried.every(Boolean)).toBe(true);
    expect(results.replaysEqualFirstAnswer).toBe(Math.min(20, acknowledged.length));
    expect(after.length).toBe(sentEvents.length);
    expect(distinctAfter.size).toBe(sentEvents.length);
  });

  it('accounts for every event under concurrency, with duplicates and bad elements; rows match', async () => {
    const items = fixture.dataset.items.map((i) => i.externalId);
    const base = Date.UTC(2025, 5, 1);
    const N = 2_000;
    const events: Event[] = [];
    for (let n = 0; n < N; n++) {
      const user = `acct-user-${n % 25}`;
      const item = items[n % items.length];
      const kind = n % 20;
      if (kind < 12)
        events.push({ userId: user, itemId: item, kind: 'view', occurredAt: new Date(base + n).toISOString() });
      else if (kind < 15) {
        // Identical to an earlier valid event, possibly in another call.
        const earlier = events[Math.max(0, n - 40 - (n % 7))];
        events.push(
          earlier.kind === 'view'
            ? { ...earlier }
            : { userId: user, itemId: item, kind: 'view', occurredAt: new Date(base + n).toISOString() },
        );
      } else if (kind === 15) events.push({ userId: user, itemId: `no-such-${n}` });
      else if (kind === 16) events.push({ userId: user, itemId: `book-\u0000${n}` });
      else if (kind === 17) events.push({ userId: `bad\ud800${n}`, itemId: item });
      else if (kind === 18) events.push({ userId: user, itemId: item, occurredAt: '2024-02-30' });
      else events.push({ userId: user, itemId: item, kind: 'click' }); // default time: shares its call's instant
    }
    const calls = Array.from({ length: N / 20 }, (_, c) => events.slice(c * 20, c * 20 + 20));
    let next = 0;
    const answers: Answer[] = [];
    await Promise.all(
      Array.from({ length: 20 }, async () => {
        while (next < calls.length) {
          const answer = await record(app.origin, calls[next++]);
          if (answer) answers.push(answer);
        }
      }),
    );
    const recorded = answers.reduce((n, a) => n + a.recorded, 0);
    const rejected = answers.reduce((n, a) => n + a.rejected.length, 0);
    const duplicates = answers.reduce((n, a) => n + a.duplicates.length, 0);
    const rows = await rowsOf('acct-user-');
    const explicit = new Set(events.filter((e) => e.kind === 'view').map(keyOf));
    const { rows: viewRows } = await fixture.pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM interactions x JOIN users u ON u.id = x.user_id WHERE starts_with(u.external_id, 'acct-user-') AND x.kind = 'view'`,
    );
    const { rows: strays } = await fixture.pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM users WHERE external_id LIKE 'bad%'`,
    );
    const results = {
      events: N,
      calls: calls.length,
      answeredCalls: answers.length,
      recorded,
      rejected,
      duplicates,
      accountedFor: recorded + rejected + duplicates,
      rowsInPostgres: rows.length,
      distinctExplicitEvents: explicit.size,
      explicitRowsInPostgres: viewRows[0].n,
      strayUsers: strays[0].n,
    };
    recordResults('writeAccounting', results);
    expect(answers).toHaveLength(calls.length);
    expect(results.accountedFor).toBe(N);
    expect(rows.length).toBe(recorded);
    expect(viewRows[0].n).toBe(explicit.size);
    expect(strays[0].n).toBe(0);
  });
});
