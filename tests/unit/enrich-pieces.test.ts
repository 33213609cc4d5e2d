// The enrichment's pure pieces: field parsing, the answer schema, Retry-After and backoff, seeded k-means.
import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/random.js';
import { AnswerValidator } from '../../training/enrich/answer-schema.js';
import { ChatClient, chatCompletionsUrl, retryAfterMs } from '../../training/enrich/chat-client.js';
import { normalizeLabel, parseFields } from '../../training/enrich/fields.js';
import { kMeans } from '../../training/enrich/kmeans.js';
import { maxAnswerTokens } from '../../training/enrich/prompt.js';

describe('enrich fields', () => {
  it('parses known fields once, in canonical order, and names an unknown one', () => {
    expect(parseFields(' tone, summary,TONE ')).toEqual(['summary', 'tone']);
    expect(() => parseFields('summary,mood')).toThrow(/unknown field "mood"/);
    expect(() => parseFields(' , ')).toThrow(/at least one/);
    expect(normalizeLabel('  Science\u00a0 Fiction ')).toBe('science fiction');
  });
});

describe('answer schema', () => {
  const validator = new AnswerValidator(['genre', 'tone']);
  it('judges each asked item alone', () => {
    const content = JSON.stringify({
      items: [
        { id: '1', genre: 'mystery', tone: 'dark', extra: 'ignored' },
        { id: '2', genre: 'x'.repeat(61), tone: 'dark' },
        { id: '3', genre: 'mystery' },
        { id: '4', genre: ' ', tone: 'dark' },
        { id: '5', genre: 'a', tone: 'b' },
        { id: '5', genre: 'a', tone: 'b' },
      ],
    });
    const verdicts = validator.check(content, ['1', '2', '3', '4', '5', '6']);
    expect(verdicts[0]).toEqual({ ok: true, answer: { id: '1', values: { genre: 'mystery', tone: 'dark' } } });
    expect(verdicts.slice(1).map((v) => (v.ok ? 'ok' : v.reason))).toEqual([
      expect.stringMatching(/genre must NOT have more than 60 characters/),
      expect.stringMatching(/must have required property 'tone'/),
      expect.stringMatching(/genre must match pattern/),
      'the answer has 2 entries for this item',
      'the answer has no entry for this item',
    ]);
  });
  it('fails the whole batch on content that is not the envelope', () => {
    expect(validator.check('{"items": [', ['1'])[0]).toMatchObject({ ok: false, reason: /not JSON/ });
    expect(validator.check('[1, 2]', ['1'])[0]).toMatchObject({ ok: false, reason: /not \{"items"/ });
    // A ```json fence around the object is unwrapped.
    expect(validator.check('```json\n{"items": [{"id": "1", "genre": "a", "tone": "b"}]}\n```', ['1'])[0].ok).toBe(
      true,
    );
  });
});

describe('chat client pieces', () => {
  it('reads Retry-After as seconds or an HTTP date', () => {
    expect(retryAfterMs('2')).toBe(2000);
    expect(retryAfterMs(null)).toBeUndefined();
    expect(retryAfterMs('soon')).toBeUndefined();
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(retryAfterMs('Thu, 01 Jan 2026 00:00:05 GMT', now)).toBe(5000);
  });
  it('backs off exponentially with full jitter under the ceiling', () => {
    const client = new ChatClient({ url: 'http://127.0.0.1:1/v1', model: 'm', baseDelayMs: 100, maxDelayMs: 1000 });
    for (let attempt = 0; attempt < 8; attempt++) {
      const ceiling = Math.min(1000, 100 * 2 ** attempt);
      const delay = client.backoffMs(attempt);
      expect(delay).toBeGreaterThanOrEqual(0);
      expect(delay).toBeLessThan(ceiling);
    }
    expect(chatCompletionsUrl('http://h/v1/')).toBe('http://h/v1/chat/completions');
    expect(chatCompletionsUrl('http://h/v1/chat/completions')).toBe('http://h/v1/chat/completions');
    expect(maxAnswerTokens(2, ['summary'])).toBeGreaterThan(2 * 200);
  });
});

describe('k-means', () => {
  const unit = (v: number[]) => {
    const n = Math.hypot(...v);
    return Float32Array.from(v, (x) => x / n);
  };
  it('separates two directions and is reproducible from its seed', () => {
    const rng = new Rng(1);
    const points = [
      ...Array.from({ length: 10 }, () => unit([1, rng.next() * 0.2, 0])),
      ...Array.from({ length: 10 }, () => unit([0, rng.next() * 0.2, 1])),
    ];
    const a = kMeans(points, 2, { seed: 3 });
    const b = kMeans(points, 2, { seed: 3 });
    expect(Array.from(a.assignment)).toEqual(Array.from(b.assignment));
    expect(new Set(a.assignment.slice(0, 10)).size).toBe(1);
    expect(new Set(a.assignment.slice(10)).size).toBe(1);
    expect(a.assignment[0]).not.toBe(a.assignment[10]);
    // More clusters than points: one each; identical points: one cluster needs no second.
    expect(kMeans(points.slice(0, 2), 5, { seed: 1 }).centroids).toHaveLength(2);
    expect(new Set(kMeans([points[0], points[0], points[0]], 2, { seed: 1 }).assignment).size).toBeLessThanOrEqual(2);
  });
});
