import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloServer, HeaderMap } from '@apollo/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCorsOrigins } from '../../src/config.js';
import { corsHeaders, handlePreflight, type CorsConfig } from '../../src/http/cors.js';

describe('parseCorsOrigins', () => {
  it('defaults to no origin in production and any origin in development', () => {
    expect(parseCorsOrigins(undefined, true)).toEqual([]);
    expect(parseCorsOrigins('  ', true)).toEqual([]);
    expect(parseCorsOrigins(undefined, false)).toBe('*');
    expect(parseCorsOrigins('*', true)).toBe('*');
  });

  it('normalises a comma-separated list and rejects entries that are not origins', () => {
    expect(parseCorsOrigins('https://App.Example.com, http://localhost:3000,https://x.org:443', true)).toEqual([
      'https://app.example.com',
      'http://localhost:3000',
      'https://x.org',
    ]);
    expect(() => parseCorsOrigins('app.example.com', true)).toThrow('not an origin');
    expect(() => parseCorsOrigins('https://app.example.com/', true)).toThrow('no path');
    expect(() => parseCorsOrigins('https://app.example.com/graphql', true)).toThrow('no path');
  });
});

// A miniature of the real front door: preflight, CORS headers, then Apollo with csrfPrevention on.
describe('CORS in front of Apollo with CSRF prevention', () => {
  let server: http.Server;
  let apollo: ApolloServer;
  let base: string;
  let config: CorsConfig = { origins: ['https://app.example.com'] };

  beforeAll(async () => {
    apollo = new ApolloServer({
      typeDefs: 'type Query { hello: String! }',
      resolvers: { Query: { hello: () => 'world' } },
      csrfPrevention: true,
    });
    await apollo.start();
    server = http.createServer(async (req, res) => {
      if (handlePreflight(config, req, res)) return;
      for (const [name, value] of Object.entries(corsHeaders(config, req))) res.setHeader(name, value);
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const raw = Buffer.concat(chunks).toString('utf8');
      const headers = new HeaderMap();
      for (const [key, value] of Object.entries(req.headers)) if (typeof value === 'string') headers.set(key, value);
      const isJson = (req.headers['content-type'] ?? '').includes('application/json');
      const response = await apollo.executeHTTPGraphQLRequest({
        httpGraphQLRequest: {
          method: req.method ?? 'GET',
          headers,
          search: new URL(req.url ?? '/', 'http://x').search,
          body: isJson && raw ? JSON.parse(raw) : raw,
        },
        context: async () => ({}),
      });
      for (const [key, value] of response.headers) res.setHeader(key, value);
      res.statusCode = response.status ?? 200;
      res.end(response.body.kind === 'complete' ? response.body.string : '');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    await apollo.stop();
  });

  const preflight = (origin: string) =>
    fetch(base, {
      method: 'OPTIONS',
      headers: {
        origin,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type, x-api-key',
      },
    });

  it('answers the preflight of an allowed origin with the headers Apollo and our plugins need', async () => {
    const response = await preflight('https://app.example.com');
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe('https://app.example.com');
    expect(response.headers.get('access-control-allow-methods')).toBe('GET, POST, OPTIONS');
    const allowed = response.headers.get('access-control-allow-headers')!.split(', ');
    expect(allowed).toEqual(
      expect.arrayContaining([
        'content-type',
        'x-api-key',
        'authorization',
        'apollo-require-preflight',
        'x-request-id',
      ]),
    );
    expect(response.headers.get('access-control-max-age')).toBe('600');
  });

  it('answers the preflight of another origin without any allow header (the browser then refuses)', async () => {
    const response = await preflight('https://evil.example.net');
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
    expect(response.headers.get('access-control-allow-headers')).toBeNull();
  });

  it('marks the JSON response for an allowed origin, and not for another one', async () => {
    const post = (origin: string) =>
      fetch(base, {
        method: 'POST',
        headers: { origin, 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ hello }' }),
      });
    const allowed = await post('https://app.example.com');
    expect(await allowed.json()).toEqual({ data: { hello: 'world' } });
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://app.example.com');
    expect(allowed.headers.get('access-control-expose-headers')).toBe('x-request-id');
    expect(allowed.headers.get('vary')).toContain('Origin');
    const other = await post('https://evil.example.net');
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('leaves CSRF to Apollo: a simple cross-site request (no preflight) is refused before execution', async () => {
    const response = await fetch(base, {
      method: 'POST',
      headers: { origin: 'https://evil.example.net', 'content-type': 'text/plain' },
      body: '{"query":"{ hello }"}',
    });
    expect(response.status).toBe(400);
    expect(await response.text()).toContain('CSRF');
    const get = await fetch(`${base}?query=${encodeURIComponent('{ hello }')}`, {
      headers: { origin: 'https://evil.example.net' },
    });
    expect(get.status).toBe(400);
    const withPreflightHeader = await fetch(`${base}?query=${encodeURIComponent('{ hello }')}`, {
      headers: { 'apollo-require-preflight': 'true' },
    });
    expect(await withPreflightHeader.json()).toEqual({ data: { hello: 'world' } });
  });

  it('adds nothing for requests without Origin, and "*" for any origin when so configured', async () => {
    const noOrigin = await fetch(base, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ hello }' }),
    });
    expect(noOrigin.headers.get('access-control-allow-origin')).toBeNull();

    config = { origins: '*' };
    try {
      const any = await preflight('https://anyone.example.org');
      expect(any.headers.get('access-control-allow-origin')).toBe('*');
      const response = await fetch(base, {
        method: 'POST',
        headers: { origin: 'https://anyone.example.org', 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ hello }' }),
      });
      expect(response.headers.get('access-control-allow-origin')).toBe('*');
    } finally {
      config = { origins: ['https://app.example.com'] };
    }
  });

  it('does not treat a plain OPTIONS request as a preflight', () => {
    const req = { method: 'OPTIONS', headers: {} } as http.IncomingMessage;
    expect(handlePreflight(config, req, {} as http.ServerResponse)).toBe(false);
  });
});
