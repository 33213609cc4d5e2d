// A stand-in for an OpenAI-compatible chat-completions endpoint (POST /v1/chat/completions), on 127.0.0.1: no
// real LLM endpoint is reachable from this machine or CI, so the enrichment tests talk to this node:http server,
// which speaks the same wire protocol (request body with model/messages/max_tokens, answer with
// choices[0].message.content and usage.total_tokens). Each request is answered by `script`, which may misbehave:
// be slow, answer 429 with Retry-After, 5xx, a body that is not JSON, or content that breaks the schema.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface StandInRequest {
  /** 1-based count of requests the server received. */
  seq: number;
  model: string;
  maxTokens: number;
  /** The items the user message lists (recgraph's prompt sends {"items": [...]}). */
  items: Array<{ id: string; title: string }>;
  authorization: string | undefined;
}

export type StandInReply =
  | { kind: 'answer'; content: string; totalTokens?: number; delayMs?: number }
  | { kind: 'status'; status: number; retryAfter?: string; body?: string }
  | { kind: 'raw'; body: string };

export interface ChatStandIn {
  url: string;
  requests: StandInRequest[];
  close(): Promise<void>;
}

export async function startChatStandIn(script: (request: StandInRequest) => StandInReply): Promise<ChatStandIn> {
  const requests: StandInRequest[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      if (req.method !== 'POST' || req.url !== '/v1/chat/completions') {
        res.writeHead(404).end('not found');
        return;
      }
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
        model: string;
        max_tokens: number;
        messages: Array<{ role: string; content: string }>;
      };
      const user = body.messages.find((m) => m.role === 'user')!;
      const request: StandInRequest = {
        seq: requests.length + 1,
        model: body.model,
        maxTokens: body.max_tokens,
        items: (JSON.parse(user.content) as { items: StandInRequest['items'] }).items,
        authorization: req.headers.authorization,
      };
      requests.push(request);
      const reply = script(request);
      if (reply.kind === 'status') {
        res.writeHead(reply.status, {
          'content-type': 'application/json',
          ...(reply.retryAfter !== undefined ? { 'retry-after': reply.retryAfter } : {}),
        });
        res.end(reply.body ?? JSON.stringify({ error: { message: `stand-in ${reply.status}` } }));
        return;
      }
      if (reply.kind === 'raw') {
        res.writeHead(200, { 'content-type': 'application/json' }).end(reply.body);
        return;
      }
      const send = () => {
        if (res.destroyed) return;
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({
            id: `chatcmpl-${request.seq}`,
            object: 'chat.completion',
            model: body.model,
            choices: [{ index: 0, finish_reason: 'stop', message: { role: 'assistant', content: reply.content } }],
            ...(reply.totalTokens !== undefined
              ? { usage: { prompt_tokens: 0, completion_tokens: 0, total_tokens: reply.totalTokens } }
              : {}),
          }),
        );
      };
      if (reply.delayMs) setTimeout(send, reply.delayMs).unref();
      else send();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
