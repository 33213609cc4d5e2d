import { ApolloServer, HeaderMap } from '@apollo/server';
import { describe, expect, it } from 'vitest';
import { parseApiKeys } from '../../src/config.js';
import {
  apiKeyPlugin,
  isAcceptedApiKey,
  presentedApiKey,
  type ApiKeyOptions,
} from '../../src/graphql/plugins/api-key.js';

const typeDefs = 'type Query { items: [String!]! } type Mutation { deleteItems(ids: [ID!]!): Int! }';
const resolvers = {
  Query: { items: () => ['a'] },
  Mutation: { deleteItems: (_p: unknown, args: { ids: string[] }) => args.ids.length },
};
const MUTATION = 'mutation { deleteItems(ids: ["a", "b"]) }';

async function run(options: Omit<ApiKeyOptions, 'logger'>, query: string, headers: Array<[string, string]> = []) {
  const warnings: string[] = [];
  const apollo = new ApolloServer({
    typeDefs,
    resolvers,
    plugins: [apiKeyPlugin({ ...options, logger: { warn: ((message: string) => warnings.push(message)) as never } })],
  });
  await apollo.start();
  try {
    const response = await apollo.executeOperation({
      query,
      http: { method: 'POST', headers: new HeaderMap(headers), search: '', body: {} },
    });
    const result = response.body.kind === 'single' ? response.body.singleResult : undefined;
    return { status: response.http.status ?? 200, headers: response.http.headers, result, warnings };
  } finally {
    await apollo.stop();
  }
}

describe('api key helpers', () => {
  it('parses a comma-separated key list', () => {
    expect(parseApiKeys(' k1 , ,k2,')).toEqual(['k1', 'k2']);
    expect(parseApiKeys(undefined)).toEqual([]);
  });

  it('reads x-api-key first, else a Bearer token', () => {
    expect(
      presentedApiKey(
        new HeaderMap([
          ['x-api-key', 'direct'],
          ['authorization', 'Bearer other'],
        ]),
      ),
    ).toBe('direct');
    expect(presentedApiKey(new HeaderMap([['authorization', 'bearer tok-1']]))).toBe('tok-1');
    expect(presentedApiKey(new HeaderMap([['authorization', 'Basic dXNlcjpwYXNz']]))).toBeUndefined();
    expect(presentedApiKey(undefined)).toBeUndefined();
  });

  it('accepts any configured key and nothing else, whatever the lengths', () => {
    expect(isAcceptedApiKey('new-key', ['old-key', 'new-key'])).toBe(true);
    expect(isAcceptedApiKey('new-ke', ['old-key', 'new-key'])).toBe(false);
    expect(isAcceptedApiKey('new-key-longer', ['new-key'])).toBe(false);
    expect(isAcceptedApiKey(undefined, ['new-key'])).toBe(false);
    expect(isAcceptedApiKey('', [])).toBe(false);
  });
});

describe('apiKeyPlugin with a key configured', () => {
  const options = { apiKeys: ['s3cret-key'], production: true };

  it('runs a mutation carrying the key in either header', async () => {
    for (const headers of [[['x-api-key', 's3cret-key']], [['authorization', 'Bearer s3cret-key']]] as Array<
      Array<[string, string]>
    >) {
      const { status, result } = await run(options, MUTATION, headers);
      expect(status).toBe(200);
      expect(result).toEqual({ data: { deleteItems: 2 } });
    }
  });

  it('refuses a mutation without a key or with a wrong one: UNAUTHENTICATED, HTTP 401, WWW-Authenticate', async () => {
    const missing = await run(options, MUTATION);
    expect(missing.status).toBe(401);
    expect(missing.headers.get('www-authenticate')).toBe('Bearer realm="recgraph"');
    expect(missing.result?.data).toBeUndefined();
    expect(missing.result?.errors?.[0]).toMatchObject({
      extensions: { code: 'UNAUTHENTICATED' },
      message: expect.stringContaining('requires an API key'),
    });

    const wrong = await run(options, MUTATION, [['x-api-key', 's3cret-kez']]);
    expect(wrong.status).toBe(401);
    expect(wrong.result?.errors?.[0]).toMatchObject({
      extensions: { code: 'UNAUTHENTICATED' },
      message: 'The API key is not valid',
    });
  });

  it('leaves queries open', async () => {
    const { status, result } = await run(options, '{ items }');
    expect(status).toBe(200);
    expect(result).toEqual({ data: { items: ['a'] } });
  });
});

describe('apiKeyPlugin without a key', () => {
  it('in production disables mutations (FORBIDDEN, 403) but serves queries, and warns at startup', async () => {
    const mutation = await run({ apiKeys: [], production: true }, MUTATION, [['x-api-key', 'anything']]);
    expect(mutation.status).toBe(403);
    expect(mutation.result?.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect(mutation.warnings).toEqual([expect.stringContaining('mutations are disabled')]);
    const query = await run({ apiKeys: [], production: true }, '{ items }');
    expect(query.result).toEqual({ data: { items: ['a'] } });
  });

  it('in development lets mutations through, with a warning at startup', async () => {
    const { status, result, warnings } = await run({ apiKeys: [], production: false }, MUTATION);
    expect(status).toBe(200);
    expect(result).toEqual({ data: { deleteItems: 2 } });
    expect(warnings).toEqual([expect.stringContaining('open to anyone')]);
  });
});
