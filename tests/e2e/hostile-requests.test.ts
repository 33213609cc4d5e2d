// Requests no well-behaved client sends, over real HTTP against the real app: each one gets a clear, coded answer and
// the server keeps serving everyone else.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendRaw } from '../helpers/raw-http.js';
import { startServedApp, type ServedApp } from '../helpers/served-app.js';

describe('hostile request lines', () => {
  let served: ServedApp;
  let port: number;

  beforeAll(async () => {
    served = await startServedApp({ env: { NODE_ENV: 'production' }, dataset: { seed: 53, items: 120, users: 60, eventsPerUser: 10 } });
    port = served.app.server.port;
  });
  afterAll(async () => served?.stop());

  const get = (target: string) => sendRaw(port, `GET ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`);

  it('answers 400 BAD_REQUEST to malformed absolute-form targets instead of crashing', async () => {
    for (const target of ['http://[::1/graphql', 'http://a:99999/', 'http://%zz/', 'http://a:b/', 'https://x:-1/', 'http://[/', '*']) {
      const answer = await get(target);
      expect(answer.status, target).toBe(400);
      expect(JSON.parse(answer.body).errors[0].extensions.code, target).toBe('BAD_REQUEST');
    }
    // Still serving, and a well-formed absolute target is routed like its path.
    expect((await get('/health/live')).status).toBe(200);
    expect((await get('http://127.0.0.1/health/live')).status).toBe(200);
    expect((await served.graphql(`{ popular(first: 1) { strategy } }`)).data).toEqual({ popular: { strategy: 'POPULAR' } });
  });
});
