// A bounded closed-loop load generator: `concurrency` workers send requests back to back until stopped, and every
// answer is kept with its time, so a test can cut the timeline into before, during and after a fault.
export interface Sample {
  /** ms since the load started, when the request was sent. */
  at: number;
  ms: number;
  status: number;
  /** extensions.code of each error, in order. */
  codes: string[];
  degraded: boolean;
  /** A 200 answer with data and no error. */
  ok: boolean;
  /** What the test's labelOf read from the answer (e.g. the model version). */
  label?: string;
}

export interface Load {
  samples: Sample[];
  /** ms since the load started. */
  now(): number;
  stop(): Promise<void>;
}

export interface LoadRequest {
  query: string;
  variables?: Record<string, unknown>;
  headers?: Record<string, string>;
}

export function startLoad(
  origin: string,
  next: (n: number) => LoadRequest,
  options: { concurrency?: number; maxRequests?: number; labelOf?: (data: unknown) => string | undefined } = {},
): Load {
  const { concurrency = 8, maxRequests = 200_000, labelOf } = options;
  const samples: Sample[] = [];
  const started = performance.now();
  const now = () => performance.now() - started;
  let running = true;
  let sent = 0;
  const worker = async () => {
    while (running && sent < maxRequests) {
      const request = next(sent++);
      const at = now();
      let sample: Sample;
      try {
        const response = await fetch(`${origin}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...request.headers },
          body: JSON.stringify({ query: request.query, variables: request.variables }),
          signal: AbortSignal.timeout(30_000),
        });
        const body = (await response.json()) as {
          data?: unknown;
          errors?: Array<{ extensions?: { code?: string } }>;
          extensions?: { degraded?: unknown };
        };
        const codes = (body.errors ?? []).map((e) => String(e.extensions?.code));
        const ok = response.status === 200 && !codes.length && body.data != null;
        sample = {
          at,
          ms: now() - at,
          status: response.status,
          codes,
          degraded: !!body.extensions?.degraded,
          ok,
          label: ok ? labelOf?.(body.data) : undefined,
        };
      } catch (error) {
        sample = { at, ms: now() - at, status: 0, codes: [(error as Error).name], degraded: false, ok: false };
      }
      samples.push(sample);
    }
  };
  const workers = Array.from({ length: concurrency }, worker);
  return {
    samples,
    now,
    async stop() {
      running = false;
      await Promise.all(workers);
    },
  };
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Counts of the samples by status and by first error code. */
export function tally(samples: readonly Sample[]): {
  requests: number;
  ok: number;
  degraded: number;
  statuses: Record<string, number>;
  codes: Record<string, number>;
} {
  const statuses: Record<string, number> = {};
  const codes: Record<string, number> = {};
  for (const s of samples) {
    statuses[s.status] = (statuses[s.status] ?? 0) + 1;
    for (const code of s.codes) codes[code] = (codes[code] ?? 0) + 1;
  }
  return {
    requests: samples.length,
    ok: samples.filter((s) => s.ok).length,
    degraded: samples.filter((s) => s.degraded).length,
    statuses,
    codes,
  };
}
