// One chat-completions call to an OpenAI-compatible endpoint (POST …/chat/completions), with the retry policy the
// enrichment needs: 429 and 5xx answers, timeouts and dropped connections are retried with exponential backoff and
// full jitter, waiting at least what a Retry-After header asks; other 4xx answers are final. An HTTP 200 whose
// body is not a chat completion counts as a failed attempt too (a proxy's error page), so it is retried.
import { uniform } from '../../src/random.js';

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

export interface ChatClientOptions {
  /** RECGRAPH_LLM_URL: a base URL (…/v1) or the full …/chat/completions URL. */
  url: string;
  model: string;
  apiKey?: string;
  /** Per attempt (default 60 s). */
  timeoutMs?: number;
  /** Attempts after the first (default 5). */
  maxRetries?: number;
  /** First backoff ceiling (default 500 ms), doubled per attempt up to maxDelayMs (default 30 s). */
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** A Retry-After longer than this (default 120 s) is not waited for: the call fails instead. */
  maxRetryAfterMs?: number;
  /** Seed of the jitter (src/random.ts), so a run's waits are reproducible. */
  seed?: number;
  sleep?: (ms: number) => Promise<void>;
}

export interface ChatAnswer {
  content: string;
  /** usage.total_tokens when the server reports it, else undefined (the caller estimates). */
  totalTokens: number | undefined;
  attempts: number;
}

export class ChatRequestError extends Error {
  constructor(
    message: string,
    /** HTTP status of the last attempt, if there was an answer. */
    readonly status: number | undefined,
    /** True for answers that say the configuration is wrong (401, 403, 404): no later request can succeed either. */
    readonly fatal: boolean,
  ) {
    super(message);
  }
}

export function chatCompletionsUrl(url: string): string {
  const trimmed = url.replace(/\/+$/, '');
  return trimmed.endsWith('/chat/completions') ? trimmed : `${trimmed}/chat/completions`;
}

/** Retry-After as milliseconds: delta-seconds or an HTTP date; undefined when absent or unreadable. */
export function retryAfterMs(header: string | null, now = Date.now()): number | undefined {
  if (header === null || header.trim() === '') return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

const RETRYABLE = (status: number) => status === 429 || status === 408 || status >= 500;
const FATAL = new Set([401, 403, 404]);

export class ChatClient {
  private readonly endpoint: string;
  private readonly jitter: () => number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(private readonly options: ChatClientOptions) {
    this.endpoint = chatCompletionsUrl(options.url);
    this.jitter = uniform(options.seed ?? 1);
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  /** Full jitter: uniform in [0, min(max, base·2^attempt)). */
  backoffMs(attempt: number): number {
    const ceiling = Math.min(this.options.maxDelayMs ?? 30_000, (this.options.baseDelayMs ?? 500) * 2 ** attempt);
    return this.jitter() * ceiling;
  }

  async complete(messages: readonly ChatMessage[], maxTokens: number): Promise<ChatAnswer> {
    const maxRetries = this.options.maxRetries ?? 5;
    let lastProblem = '';
    let lastStatus: number | undefined;
    for (let attempt = 0; attempt <= maxRetries; attempt++) {
      let waitAtLeast = 0;
      try {
        const response = await fetch(this.endpoint, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            ...(this.options.apiKey ? { authorization: `Bearer ${this.options.apiKey}` } : {}),
          },
          body: JSON.stringify({
            model: this.options.model,
            messages,
            temperature: 0,
            max_tokens: maxTokens,
            response_format: { type: 'json_object' },
          }),
          signal: AbortSignal.timeout(this.options.timeoutMs ?? 60_000),
        });
        lastStatus = response.status;
        const body = await response.text();
        if (response.ok) {
          const parsed = parseCompletion(body);
          if (typeof parsed !== 'string') return { ...parsed, attempts: attempt + 1 };
          lastProblem = parsed;
        } else {
          lastProblem = `HTTP ${response.status}: ${body.slice(0, 200)}`;
          if (FATAL.has(response.status))
            throw new ChatRequestError(`${this.endpoint} answered ${lastProblem}`, response.status, true);
          if (!RETRYABLE(response.status))
            throw new ChatRequestError(`${this.endpoint} answered ${lastProblem}`, response.status, false);
          const asked = retryAfterMs(response.headers.get('retry-after'));
          if (asked !== undefined) {
            if (asked > (this.options.maxRetryAfterMs ?? 120_000))
              throw new ChatRequestError(
                `${this.endpoint} asked to retry after ${Math.round(asked / 1000)} s, longer than allowed`,
                response.status,
                false,
              );
            waitAtLeast = asked;
          }
        }
      } catch (error) {
        if (error instanceof ChatRequestError) throw error;
        lastStatus = undefined;
        const e = error as Error;
        lastProblem = e.name === 'TimeoutError' ? 'no answer within the timeout' : `request failed: ${e.message}`;
      }
      if (attempt < maxRetries) await this.sleep(Math.max(waitAtLeast, this.backoffMs(attempt)));
    }
    throw new ChatRequestError(
      `${this.endpoint}: gave up after ${maxRetries + 1} attempts (${lastProblem})`,
      lastStatus,
      false,
    );
  }
}

/** The assistant message and token usage of a chat completion body, or why it is not one. */
function parseCompletion(body: string): { content: string; totalTokens: number | undefined } | string {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return `HTTP 200 but the body is not JSON: ${body.slice(0, 120)}`;
  }
  const completion = json as {
    choices?: Array<{ message?: { content?: unknown } }>;
    usage?: { total_tokens?: unknown };
  };
  const content = completion.choices?.[0]?.message?.content;
  if (typeof content !== 'string') return 'HTTP 200 but the body has no choices[0].message.content';
  const total = completion.usage?.total_tokens;
  return { content, totalTokens: typeof total === 'number' && Number.isFinite(total) ? total : undefined };
}
