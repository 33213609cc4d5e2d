// Reads what the Health page needs from GET /metrics (Prometheus text format 0.0.4): per-operation request counts and
// latency histograms, errors by code, degraded answers by reason. Pure functions (unit-tested), no DOM.

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

const SAMPLE_LINE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})?\s+(\S+)/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

function unescape(value: string): string {
  return value.replace(/\\(["\\n])/g, (_, c: string) => (c === 'n' ? '\n' : c));
}

function parseValue(text: string): number {
  if (text === '+Inf') return Infinity;
  if (text === '-Inf') return -Infinity;
  return Number(text);
}

export function parsePrometheus(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const match = SAMPLE_LINE.exec(line);
    if (!match) continue;
    const labels: Record<string, string> = {};
    for (const [, key, value] of (match[3] ?? '').matchAll(LABEL)) labels[key] = unescape(value);
    samples.push({ name: match[1], labels, value: parseValue(match[4]) });
  }
  return samples;
}

export interface Histogram {
  /** Cumulative counts by upper bound, ascending, ending with +Inf. */
  buckets: Array<{ le: number; count: number }>;
  count: number;
  sum: number;
}

/** The histogram series `name` grouped by the value of `byLabel` (e.g. operation). */
export function histogramsBy(samples: Sample[], name: string, byLabel: string): Map<string, Histogram> {
  const out = new Map<string, Histogram>();
  const of = (key: string) => {
    let h = out.get(key);
    if (!h) out.set(key, (h = { buckets: [], count: 0, sum: 0 }));
    return h;
  };
  for (const s of samples) {
    const key = s.labels[byLabel] ?? '';
    if (s.name === `${name}_bucket`) {
      const le = parseValue(s.labels.le ?? '+Inf');
      const h = of(key);
      const same = h.buckets.find((b) => b.le === le);
      if (same) same.count += s.value;
      else h.buckets.push({ le, count: s.value });
    } else if (s.name === `${name}_count`) of(key).count += s.value;
    else if (s.name === `${name}_sum`) of(key).sum += s.value;
  }
  for (const h of out.values()) h.buckets.sort((a, b) => a.le - b.le);
  return out;
}

/** `later − earlier` bucket by bucket: the requests between two scrapes (a restart, counts going down, → later). */
export function histogramDelta(later: Histogram, earlier: Histogram | undefined): Histogram {
  if (!earlier || earlier.count > later.count) return later;
  return {
    buckets: later.buckets.map((b) => ({
      le: b.le,
      count: b.count - (earlier.buckets.find((e) => e.le === b.le)?.count ?? 0),
    })),
    count: later.count - earlier.count,
    sum: later.sum - earlier.sum,
  };
}

/**
 * The q-quantile (0–1) of a histogram, interpolated linearly inside the bucket it falls in, as Prometheus's
 * histogram_quantile does; the last finite bound when it falls in +Inf; undefined without observations.
 */
export function histogramQuantile(q: number, h: Histogram): number | undefined {
  const total = h.buckets.at(-1)?.count ?? 0;
  if (total <= 0) return undefined;
  const rank = q * total;
  let lowerBound = 0;
  let lowerCount = 0;
  for (const bucket of h.buckets) {
    if (bucket.count >= rank) {
      if (bucket.le === Infinity) return lowerBound;
      const inBucket = bucket.count - lowerCount;
      if (inBucket <= 0) return bucket.le;
      return lowerBound + (bucket.le - lowerBound) * ((rank - lowerCount) / inBucket);
    }
    lowerBound = bucket.le;
    lowerCount = bucket.count;
  }
  return lowerBound;
}

/** Sums a counter's samples by one label (e.g. errors by code). */
export function counterBy(samples: Sample[], name: string, byLabel: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const s of samples) {
    if (s.name !== name && s.name !== `${name}_total`) continue;
    const key = s.labels[byLabel] ?? '';
    out.set(key, (out.get(key) ?? 0) + s.value);
  }
  return out;
}
