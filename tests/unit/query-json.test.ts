import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { JsonText } from '../../src/vector/http-transport.js';
import { finiteNumbersJson, queryBody } from '../../src/vector/query-json.js';

describe('query JSON', () => {
  it('writes a vector exactly as JSON.stringify does (float32 values, doubles, integers, signs, exponents)', () => {
    const float32 = fc.float({ noNaN: true, noDefaultInfinity: true }).map((v) => Math.fround(v));
    const any = fc.double({ noNaN: true, noDefaultInfinity: true });
    fc.assert(
      fc.property(fc.array(fc.oneof(float32, any, fc.integer(), fc.constant(-0), fc.constant(1e-30))), (values) => {
        expect(finiteNumbersJson(values)).toBe(JSON.stringify(values));
      }),
      { numRuns: 500 },
    );
  });

  it('gives the same body text as JSON.stringify for a search request, and leaves other requests to it', () => {
    const vector = Array.from(Float32Array.from({ length: 320 }, (_, i) => Math.sin(i) / (i + 1)));
    const request = {
      query: vector,
      limit: 54,
      filter: { must: [{ key: 'genres', match: { any: ['x'] } }] },
      params: { hnsw_ef: 64 },
    };
    const body = queryBody(request);
    expect(body).toBeInstanceOf(JsonText);
    expect((body as JsonText).text).toBe(JSON.stringify(request));
    expect((queryBody({ query: [1, 2] }) as JsonText).text).toBe('{"query":[1,2]}');
    // NaN is null in JSON.stringify: not this writer's job.
    expect(queryBody({ query: [1, NaN], limit: 1 })).toEqual({ query: [1, NaN], limit: 1 });
    expect(queryBody({ query: { recommend: { positive: [1] } }, limit: 1 })).toEqual({
      query: { recommend: { positive: [1] } },
      limit: 1,
    });
    expect(queryBody({ limit: 1, query: [1] })).toEqual({ limit: 1, query: [1] });
  });
});
