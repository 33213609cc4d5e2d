// Property-based fuzzing over real HTTP (fast-check, seeded): ≥ 10,000 requests across request lines and targets,
// headers, bodies, GraphQL documents, variables and Unicode, sent as raw bytes to the app running in production mode
// in a process of its own. Invariants, per answer: there is one; it is well-formed (JSON with a documented
// extensions.code on every error, or one of the few non-GraphQL answers: health, metrics, landing page, preflight);
// no 5xx (only 503 while Postgres is made unreachable, in the second phase); no stack trace. And the process stays up.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ERROR_CODES, isErrorCode } from '../../src/graphql/error-codes.js';
import { sendRaw, type RawResponse } from '../helpers/raw-http.js';
import { startTcpProxy, type TcpProxy } from '../helpers/tcp-proxy.js';
import { startChildApp, type ChildApp } from './helpers/child-app.js';
import { API_KEY, prepareFixture, type FaultFixture } from './helpers/fixture.js';
import { recordResults } from './helpers/results.js';

const SEED = Number(process.env.FUZZ_SEED ?? 20261201);
const REQUESTS = Number(process.env.FUZZ_REQUESTS ?? 10_000);
const OUTAGE_REQUESTS = Number(process.env.FUZZ_OUTAGE_REQUESTS ?? 1_000);
const CONCURRENCY = 8;

interface FuzzRequest {
  kind: string;
  method: string;
  raw: string;
}

// ---- values ----------------------------------------------------------------------------------------------------------

/** Any UTF-16 code unit, lone surrogates and U+0000 included. */
const codeUnit = fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c));
const NASTY = [
  '',
  ' ',
  '\u0000',
  'x\u0000',
  '\ud800',
  '\udc00x',
  'a\ud83d',
  '🙂🙃',
  '\u202eevil',
  '%00',
  '../../etc/passwd',
  "'; DROP TABLE items; --",
  'null',
  'undefined',
  '0',
  '-1',
  '1e309',
  'x'.repeat(257),
  'y'.repeat(5000),
  '$',
  '{',
  '\\',
  '"',
];

function valuesFor(fixture: FaultFixture) {
  const realItem = fc.constantFrom(...fixture.dataset.items.slice(0, 50).map((i) => i.externalId));
  const realUser = fc.constantFrom(...fixture.dataset.users.slice(0, 50).map((u) => u.externalId));
  const text = fc.oneof(
    { weight: 3, arbitrary: fc.string({ unit: codeUnit, maxLength: 40 }) },
    { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 30 }) },
    { weight: 2, arbitrary: fc.constantFrom(...NASTY) },
    { weight: 1, arbitrary: fc.string({ maxLength: 20 }) },
  );
  const id = fc.oneof(
    { weight: 3, arbitrary: realItem },
    { weight: 2, arbitrary: realUser },
    { weight: 3, arbitrary: text },
  );
  const number = fc.oneof(
    fc.integer({ min: -5, max: 150 }),
    fc.constantFrom(0, -1, 101, 500, 2 ** 31, -(2 ** 53), 1e300),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
  );
  const time = fc.oneof(
    fc
      .date({ min: new Date('1960-01-01'), max: new Date('2100-01-01'), noInvalidDate: true })
      .map((d) => d.toISOString()),
    fc.constantFrom(
      '2024-02-30',
      '2024-05-01',
      '0',
      '12/25/2024',
      'Wed, 01 May 2024 10:00:00 GMT',
      '2024-05-01T10:00:00',
    ),
    text,
  );
  const list = <T>(a: fc.Arbitrary<T>) => fc.array(a, { maxLength: 6 });
  const filter = fc.record(
    {
      genres: list(fc.oneof(fc.constantFrom('fantasy', 'history', 'science'), text)),
      tags: list(text),
      creators: list(text),
      yearFrom: number,
      yearTo: number,
      excludeIds: list(id),
    },
    { requiredKeys: [] },
  );
  const event = fc.record(
    {
      userId: id,
      itemId: id,
      kind: fc.oneof(fc.constantFrom('click', 'view', 'like'), text),
      value: number,
      occurredAt: time,
    },
    { requiredKeys: ['userId', 'itemId'] },
  );
  const itemInput = fc.record(
    { id: fc.oneof(text, fc.constant('fuzz-item')), title: text, genres: list(text), year: number, description: text },
    { requiredKeys: ['id', 'title'] },
  );
  return { id, text, number, time, filter, event, itemInput, list, realItem, realUser };
}

// ---- GraphQL documents -----------------------------------------------------------------------------------------------

const LIST =
  'strategy reason modelVersion items { score source item { id title genres } explanation { text } } pageInfo { endCursor hasNextPage }';

function operationsFor(v: ReturnType<typeof valuesFor>) {
  const { id, text, number, filter, event, itemInput, list } = v;
  const anyValue = fc.oneof(
    id,
    number,
    fc.boolean(),
    fc.constant(null),
    list(id),
    filter,
    fc.jsonValue({ maxDepth: 3 }),
  );
  // Each: a document with variables, and variables shaped for it — or anything at all in their place.
  const shaped: Array<fc.Arbitrary<{ query: string; variables: unknown }>> = [
    fc.record({
      query: fc.constant(
        `query R($u: ID!, $n: Int, $a: String, $f: ItemFilter, $d: Float, $e: Boolean) { recommendations(userId: $u, first: $n, after: $a, filter: $f, diversity: $d, explain: $e) { ${LIST} } }`,
      ),
      variables: fc.record(
        {
          u: id,
          n: number,
          a: fc.oneof(text, fc.constantFrom('bzo', 'bzoy', 'bzoxMDA')),
          f: filter,
          d: number,
          e: fc.boolean(),
        },
        { requiredKeys: [] },
      ),
    }),
    fc.record({
      query: fc.constant(
        `query S($i: ID!, $m: SimilarityMode, $n: Int, $f: ItemFilter) { similarItems(itemId: $i, mode: $m, first: $n, filter: $f) { ${LIST} } }`,
      ),
      variables: fc.record(
        { i: id, m: fc.constantFrom('COLLABORATIVE', 'SEMANTIC', 'HYBRID', 'IMAGE', 'NOPE'), n: number, f: filter },
        { requiredKeys: [] },
      ),
    }),
    fc.record({
      query: fc.constant(
        `query Q($q: String!, $m: SearchMode, $n: Int, $f: ItemFilter) { search(query: $q, mode: $m, first: $n, filter: $f) { ${LIST} } }`,
      ),
      variables: fc.record(
        { q: text, m: fc.constantFrom('SEMANTIC', 'KEYWORD', 'HYBRID'), n: number, f: filter },
        { requiredKeys: [] },
      ),
    }),
    fc.record({
      query: fc.constant(
        `query X($ids: [ID!]!, $n: Int, $f: ItemFilter) { recommendForSession(itemIds: $ids, first: $n, filter: $f) { ${LIST} } }`,
      ),
      variables: fc.record({ ids: list(id), n: number, f: filter }, { requiredKeys: [] }),
    }),
    fc.record({
      query: fc.constant(
        `query P($n: Int, $w: PopularWindow, $f: ItemFilter) { popular(first: $n, window: $w, filter: $f) { ${LIST} } }`,
      ),
      variables: fc.record(
        { n: number, w: fc.constantFrom('ALL_TIME', 'LAST_7_DAYS', 'LAST_30_DAYS'), f: filter },
        { requiredKeys: [] },
      ),
    }),
    fc.record({
      query: fc.constant(
        `query I($id: ID!, $ids: [ID!]!) { item(id: $id) { id title } items(ids: $ids) { id } modelInfo { version kind } }`,
      ),
      variables: fc.record({ id, ids: list(id) }, { requiredKeys: [] }),
    }),
    fc.record({
      query: fc.constant(
        `query U($id: ID!, $n: Int, $a: String) { user(id: $id) { id history(first: $n, after: $a) { events { kind value occurredAt item { id } } pageInfo { endCursor } } } }`,
      ),
      variables: fc.record({ id, n: number, a: text }, { requiredKeys: [] }),
    }),
    fc.record({
      query: fc.constant(
        `mutation W($input: [InteractionInput!]!) { recordInteractions(input: $input) { recorded rejected { index reason } duplicates } }`,
      ),
      variables: fc.record({ input: fc.array(event, { maxLength: 12 }) }, { requiredKeys: [] }),
    }),
    fc.record({
      query: fc.constant(
        `mutation Up($input: [ItemInput!]!) { upsertItems(input: $input) { created updated items { id } } }`,
      ),
      variables: fc.record({ input: fc.array(itemInput, { maxLength: 3 }) }, { requiredKeys: [] }),
    }),
    fc.record({
      query: fc.constant(`mutation D($ids: [ID!]!) { deleteItems(ids: $ids) { deleted notFound } }`),
      // Never the catalog's own ids: later requests should still find items to recommend.
      variables: fc.record({ ids: list(text) }, { requiredKeys: [] }),
    }),
  ];
  const real = fc.oneof(...shaped);
  const withAnyVariables = fc.record({
    query: real.map((r) => r.query),
    variables: fc.oneof(fc.dictionary(fc.string({ maxLength: 5 }), anyValue, { maxKeys: 6 }), anyValue),
  });
  // Literal arguments instead of variables: the parser's string, number and list paths.
  const literal = fc
    .tuple(
      fc.constantFrom(
        'item(id: $)',
        'items(ids: [$, $])',
        'popular(first: $)',
        'search(query: $)',
        'recommendations(userId: $)',
      ),
      fc.array(
        fc.oneof(
          id.map((s) => JSON.stringify(s)),
          number.map(String),
          text,
        ),
        { minLength: 2, maxLength: 2 },
      ),
    )
    .map(([field, [a, b]]) => {
      const body = field.replace('$', a).replace('$', b);
      return { query: `{ ${body} { ${field.startsWith('item') ? 'id' : 'strategy'} } }`, variables: undefined };
    });
  // Valid documents with a few characters changed: near-misses of the grammar.
  const mutated = fc
    .tuple(
      real,
      fc.array(fc.tuple(fc.nat(), fc.constantFrom('insert', 'delete', 'replace'), codeUnit), {
        minLength: 1,
        maxLength: 4,
      }),
    )
    .map(([{ query, variables }, edits]) => {
      let q = query;
      for (const [at, op, ch] of edits) {
        const i = at % (q.length + 1);
        q =
          op === 'insert'
            ? q.slice(0, i) + ch + q.slice(i)
            : op === 'delete'
              ? q.slice(0, i) + q.slice(i + 1)
              : q.slice(0, i) + ch + q.slice(i + 1);
      }
      return { query: q, variables };
    });
  const hostileShape = fc.constantFrom(
    { query: `{ ${Array.from({ length: 600 }, (_, i) => `a${i}: __typename`).join(' ')} }`, variables: undefined },
    { query: `{ ${'popular { items { item { id } } } '.repeat(60)} }`, variables: undefined },
    {
      query: `{ user(id: "reader-00001") { history { events { item { id } } } } }`.replace(/history/g, 'history'),
      variables: undefined,
    },
    { query: 'query A { popular { strategy } } query B { popular { strategy } }', variables: undefined },
    { query: '{ __schema { types { name } } }', variables: undefined },
    { query: 'subscription { popular { strategy } }', variables: undefined },
    { query: `fragment F on Query { ...F } { ...F }`, variables: undefined },
  );
  const garbage = fc.record({ query: fc.string({ unit: codeUnit, maxLength: 80 }), variables: fc.constant(undefined) });
  return { shaped: real, withAnyVariables, literal, mutated, hostileShape, garbage };
}

// ---- HTTP requests ---------------------------------------------------------------------------------------------------

function rawRequest(method: string, target: string, headers: Array<[string, string]>, body = ''): string {
  const lines = [`${method} ${target} HTTP/1.1`, 'Host: 127.0.0.1', ...headers.map(([k, v]) => `${k}: ${v}`)];
  if (body || method === 'POST') lines.push(`Content-Length: ${Buffer.byteLength(body)}`);
  lines.push('Connection: close');
  return `${lines.join('\r\n')}\r\n\r\n${body}`;
}

function requestsFor(fixture: FaultFixture): fc.Arbitrary<FuzzRequest> {
  const v = valuesFor(fixture);
  const ops = operationsFor(v);
  const auth = fc.constantFrom<Array<[string, string]>>(
    [],
    [['x-api-key', API_KEY]],
    [['authorization', `Bearer ${API_KEY}`]],
    [['x-api-key', 'wrong']],
  );
  const post = (
    kind: string,
    body: fc.Arbitrary<string>,
    extraHeaders: fc.Arbitrary<Array<[string, string]>> = fc.constant([]),
  ) =>
    fc.tuple(body, auth, extraHeaders).map(([b, a, extra]) => ({
      kind,
      method: 'POST',
      raw: rawRequest('POST', '/graphql', [['Content-Type', 'application/json'], ...a, ...extra], b),
    }));
  const document = fc
    .oneof(ops.shaped, ops.literal, ops.mutated, ops.hostileShape, ops.garbage)
    .map((d) => JSON.stringify(d));

  const methods = fc.constantFrom(
    'GET',
    'POST',
    'HEAD',
    'OPTIONS',
    'PUT',
    'DELETE',
    'PATCH',
    'BREW',
    'get',
    'CONNECT',
    'TRACE',
  );
  const paths = fc.constantFrom(
    '/',
    '/graphql',
    '/health/live',
    '/health/ready',
    '/metrics',
    '/graphql/',
    '/nope',
    '//graphql',
    '/graphql?query=%7Bpopular%7Bstrategy%7D%7D',
  );
  const target = fc.oneof(
    paths,
    fc.tuple(paths, fc.string({ maxLength: 30 })).map(([p, q]) => `${p}?${encodeURIComponent(q)}`),
    fc
      .tuple(
        fc.constantFrom('http://', 'https://', 'ftp://', 'HTTP://', 'http:'),
        fc.string({ unit: codeUnit, maxLength: 20 }),
        paths,
      )
      .map(([s, h, p]) => `${s}${h}${p}`),
    fc.constantFrom(
      '*',
      'http://[::1/graphql',
      'http://a:99999/',
      'http://%zz/',
      'http://a:b/',
      'https://x:-1/',
      'http://[/',
      'http://127.0.0.1:1/graphql',
    ),
    fc.webPath(),
    fc.string({ unit: codeUnit, minLength: 1, maxLength: 30 }),
  );
  const requestLine = fc
    .tuple(
      methods,
      target,
      fc.constantFrom('HTTP/1.1', 'HTTP/1.1', 'HTTP/1.0', 'HTTP/2.0', 'HTTP/1.1x', 'http/1.1', ''),
    )
    .map(([method, t, version]) => ({
      kind: 'request-line',
      method,
      raw: `${method} ${t} ${version}\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`,
    }));

  const headerName = fc.oneof(
    fc.constantFrom(
      'Content-Type',
      'Accept',
      'X-Request-Id',
      'Origin',
      'Apollo-Require-Preflight',
      'Idempotency-Key',
      'Authorization',
      'X-Api-Key',
      'Transfer-Encoding',
      'Expect',
      'Content-Encoding',
    ),
    fc.stringMatching(/^[A-Za-z][A-Za-z0-9-]{0,20}$/),
  );
  const headerValue = fc.oneof(
    fc.constantFrom(
      'application/json',
      'APPLICATION/JSON; charset=utf-8',
      'application/jsonx',
      'text/plain',
      'application/graphql-response+json',
      '*/*',
      'text/html',
      'gzip',
      'chunked',
      '100-continue',
      'https://evil.example',
      'x'.repeat(9000),
      '',
    ),
    fc.string({ unit: 'binary-ascii', maxLength: 40 }),
    fc.string({ maxLength: 40 }),
  );
  const headers = fc
    .tuple(fc.array(fc.tuple(headerName, headerValue), { maxLength: 5 }), document, auth)
    .map(([extra, body, a]) => ({
      kind: 'headers',
      method: 'POST',
      raw: rawRequest(
        'POST',
        '/graphql',
        [...(extra.length % 2 ? [['Content-Type', 'application/json'] as [string, string]] : []), ...a, ...extra],
        body,
      ),
    }));

  const bodies = post(
    'body',
    fc.oneof(
      fc.jsonValue({ maxDepth: 4 }).map((j) => JSON.stringify(j)),
      fc.string({ unit: codeUnit, maxLength: 200 }),
      fc.constantFrom(
        '',
        '{',
        '{"query": ',
        '[]',
        '[{"query":"{ popular { strategy } }"}]',
        'null',
        '{"query": 5}',
        '{"query":"{ popular { strategy } }","variables":"{}"}',
        '{"query":"{ popular { strategy } }","extensions":{"persistedQuery":{"version":1,"sha256Hash":"00"}}}',
        '{"extensions":{"persistedQuery":{"version":1,"sha256Hash":"abc"}}}',
        '{"query":"{ popular { strategy } }","extensions":{"persistedQuery":{"version":2}}}',
      ),
      fc.constant(`{"query":"{ popular { strategy } }","pad":"${'p'.repeat(270_000)}"}`),
    ),
  );
  const documents = post('document', document);
  const variables = post(
    'variables',
    ops.withAnyVariables.map((d) => JSON.stringify(d)),
  );
  const unicode = post(
    'unicode',
    fc.tuple(ops.shaped, fc.string({ unit: codeUnit, maxLength: 50 })).map(([d, noise]) => {
      // Unicode wherever a string goes: the shaped variables already carry it; add it to the operation name too.
      const named = d.query.replace(/^(query|mutation) (\w+)/, `$1 $2`);
      return JSON.stringify({ ...d, query: named, operationName: noise.length % 3 === 0 ? noise : undefined });
    }),
  );
  const get = fc.tuple(fc.oneof(ops.shaped, ops.garbage), fc.boolean()).map(([d, preflight]) => {
    const search = new URLSearchParams({
      query: d.query,
      ...(d.variables !== undefined ? { variables: JSON.stringify(d.variables) } : {}),
    });
    return {
      kind: 'get',
      method: 'GET',
      raw: rawRequest(
        'GET',
        `/graphql?${search}`,
        preflight ? [['Apollo-Require-Preflight', 'true']] : [['Accept', 'text/html']],
      ),
    };
  });

  return fc.oneof(
    { weight: 2, arbitrary: requestLine },
    { weight: 2, arbitrary: headers },
    { weight: 2, arbitrary: bodies },
    { weight: 3, arbitrary: documents },
    { weight: 2, arbitrary: variables },
    { weight: 2, arbitrary: unicode },
    { weight: 1, arbitrary: get },
  );
}

// ---- invariants ------------------------------------------------------------------------------------------------------

const STACK_TRACE = /"stacktrace"|\n\s+at \S|\.ts:\d+:\d+|node_modules\//;

/** Why this answer breaks an invariant, or undefined. */
function judge(request: FuzzRequest, response: RawResponse, dependencyDown: boolean): string | undefined {
  if (response.status === 0) return 'no HTTP answer';
  if (response.status >= 500 && !(dependencyDown && response.status === 503)) return `HTTP ${response.status}`;
  if (STACK_TRACE.test(response.body)) return 'stack trace in the answer';
  const type = response.headers['content-type'] ?? '';
  if (request.method.toUpperCase() === 'HEAD' || response.status === 204 || response.status === 304) return undefined;
  if (type.startsWith('text/html')) return response.status === 200 ? undefined : `HTML with HTTP ${response.status}`;
  if (type.startsWith('text/plain') && response.status === 200) return undefined; // /metrics
  let body: { errors?: Array<{ extensions?: { code?: unknown } }>; data?: unknown; status?: unknown };
  try {
    body = JSON.parse(response.body);
  } catch {
    return `not JSON (${type || 'no content-type'}, HTTP ${response.status}): ${response.body.slice(0, 80)}`;
  }
  if (body === null || typeof body !== 'object') return 'JSON that is not an object';
  if (typeof body.status === 'string') return undefined; // /health/*
  if (!('data' in body) && !body.errors?.length) return 'neither data nor errors';
  for (const error of body.errors ?? []) {
    if (!isErrorCode(error.extensions?.code)) return `undocumented code ${String(error.extensions?.code)}`;
    const code = error.extensions.code;
    if (code === 'INTERNAL_SERVER_ERROR') return 'INTERNAL_SERVER_ERROR';
    if (!dependencyDown && (code === 'SERVICE_UNAVAILABLE' || code === 'SERVICE_DEGRADED'))
      return `${code} with every dependency up`;
  }
  return undefined;
}

interface PhaseStats {
  requests: number;
  failures: number;
  byKind: Record<
    string,
    { requests: number; statuses: Record<string, number>; codes: Record<string, number>; failures: number }
  >;
  firstFailures: Array<{ kind: string; reason: string; request: string }>;
  seconds: number;
}

async function runPhase(port: number, requests: FuzzRequest[], dependencyDown: boolean): Promise<PhaseStats> {
  const stats: PhaseStats = { requests: 0, failures: 0, byKind: {}, firstFailures: [], seconds: 0 };
  const started = performance.now();
  let next = 0;
  const worker = async () => {
    while (next < requests.length) {
      const request = requests[next++];
      let response: RawResponse;
      try {
        response = await sendRaw(port, request.raw, 15_000);
      } catch (error) {
        response = { status: 0, headers: {}, body: (error as Error).message };
      }
      const kind = (stats.byKind[request.kind] ??= { requests: 0, statuses: {}, codes: {}, failures: 0 });
      kind.requests++;
      stats.requests++;
      kind.statuses[response.status] = (kind.statuses[response.status] ?? 0) + 1;
      try {
        for (const error of (JSON.parse(response.body) as { errors?: Array<{ extensions?: { code?: string } }> })
          .errors ?? []) {
          const code = String(error.extensions?.code);
          kind.codes[code] = (kind.codes[code] ?? 0) + 1;
        }
      } catch {
        // not JSON: judged below
      }
      const reason = judge(request, response, dependencyDown);
      if (reason) {
        kind.failures++;
        stats.failures++;
        if (stats.firstFailures.length < 20)
          stats.firstFailures.push({ kind: request.kind, reason, request: request.raw.slice(0, 400) });
      }
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  stats.seconds = Math.round((performance.now() - started) / 100) / 10;
  return stats;
}

describe('fuzzing over HTTP', () => {
  let fixture: FaultFixture;
  let proxy: TcpProxy;
  let app: ChildApp;

  beforeAll(async () => {
    fixture = await prepareFixture(inject('qdrantUrl'));
    const postgres = new URL(inject('postgresAdminUrl'));
    proxy = await startTcpProxy({ host: postgres.hostname, port: Number(postgres.port || 5432) });
    const viaProxy = new URL(fixture.db.url);
    viaProxy.port = String(proxy.port);
    app = await startChildApp(fixture.env({ databaseUrl: viaProxy.toString() }));
  });
  afterAll(async () => {
    await app?.stop();
    await proxy?.heal().catch(() => undefined);
    await fixture?.drop();
  });

  it(`${REQUESTS} seeded requests with every dependency up, then ${OUTAGE_REQUESTS} with Postgres refused: all answered, well-formed, the process up`, async () => {
    const arbitrary = requestsFor(fixture);
    const requests = fc.sample(arbitrary, { seed: SEED, numRuns: REQUESTS });
    const healthy = await runPhase(app.port, requests, false);
    expect(app.alive()).toBe(true);

    await proxy.refuse();
    const outageRequests = fc.sample(arbitrary, { seed: SEED + 1, numRuns: OUTAGE_REQUESTS });
    const outage = await runPhase(app.port, outageRequests, true);
    await proxy.heal();
    expect(app.alive()).toBe(true);
    const live = await fetch(`${app.origin}/health/live`);
    const errorLog = app.errorLines();

    recordResults('fuzz', {
      seed: SEED,
      concurrency: CONCURRENCY,
      healthy,
      postgresRefused: outage,
      processStayedUp: app.alive(),
      errorLevelLogLines: errorLog.count,
      documentedCodes: Object.keys(ERROR_CODES),
    });
    expect(live.status).toBe(200);
    expect(healthy.requests + outage.requests).toBeGreaterThanOrEqual(10_000);
    expect(healthy.firstFailures).toEqual([]);
    expect(outage.firstFailures).toEqual([]);
    expect(errorLog.last).toEqual([]);
  });
});
