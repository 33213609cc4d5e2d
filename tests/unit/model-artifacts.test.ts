import { describe, expect, it } from 'vitest';
import { ARTIFACTS_FORMAT, decodeArtifacts, encodeArtifacts } from '../../src/recommend/model-artifacts.js';

const base = {
  gram: Float64Array.from([1, 0.5, 0.5, 2]),
  foldIn: { regularization: 0.1, alpha: 2, regExponent: 1, numItems: 3 },
  text: { kind: 'hashed', dimension: 4 } as never,
  textToCf: { inputDim: 1, outputDim: 2, weights: [0.25, -1] },
};

describe('model_versions.artifacts format', () => {
  it('round-trips every field through JSON (what jsonb stores), the rerank lists bit-exact', () => {
    const rerank = {
      linearWeight: 0.7,
      candidates: 300,
      lists: {
        itemIds: Int32Array.from([11, 12, 13]),
        indptr: Int32Array.from([0, 2, 2, 3]),
        neighbors: Int32Array.from([1, 2, 0]),
        weights: Float32Array.from([0.1, 1e-7, -3.5]),
      },
    };
    const layout = { ialsDim: 2, ialsScale: 1.5, lowpassScale: 0.5 };
    const stored = JSON.parse(JSON.stringify(encodeArtifacts({ ...base, layout, rerank })));
    expect(stored.format).toBe(ARTIFACTS_FORMAT);
    const back = decodeArtifacts(stored)!;
    expect(Array.from(back.gram)).toEqual([1, 0.5, 0.5, 2]);
    expect(back.foldIn).toEqual(base.foldIn);
    expect(back.layout).toEqual(layout);
    expect(back.textToCf.weights).toEqual([0.25, -1]);
    expect(back.rerank!.linearWeight).toBe(0.7);
    expect(back.rerank!.candidates).toBe(300);
    expect(back.rerank!.lists.itemIds).toEqual(rerank.lists.itemIds);
    expect(back.rerank!.lists.indptr).toEqual(rerank.lists.indptr);
    expect(back.rerank!.lists.neighbors).toEqual(rerank.lists.neighbors);
    expect(back.rerank!.lists.weights).toEqual(rerank.lists.weights);
  });

  it('reads format-1 records (no format field) and marks incomplete ones unservable', () => {
    const v1 = { gram: [1], foldIn: base.foldIn, text: base.text, textToCf: base.textToCf };
    expect(decodeArtifacts(v1)!.rerank).toBeUndefined();
    expect(decodeArtifacts({ ...v1, gram: undefined })).toBeUndefined();
    expect(decodeArtifacts(null)).toBeUndefined();
  });

  it('rejects a newer format and malformed arrays with the field named', () => {
    expect(() => decodeArtifacts({ ...encodeArtifacts(base), format: ARTIFACTS_FORMAT + 1 })).toThrow(
      /format 3 is not readable/,
    );
    const bad = {
      ...encodeArtifacts(base),
      rerank: {
        linearWeight: 1,
        candidates: 10,
        itemIds: { dtype: 'float32', base64: '' },
        indptr: {},
        neighbors: {},
        weights: {},
      },
    };
    expect(() => decodeArtifacts(bad)).toThrow(/rerank.itemIds must be a base64 int32 array/);
  });
});
