// The MIPS → nearest-neighbour transform: equal norms after augmentation, inner products unchanged.
import { describe, expect, it } from 'vitest';
import { augmentQuery, augmentRows, maxRowNorm, stripAugmentation } from '../../bench/lib/mips.js';

const dot = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i] * b[i];
  return sum;
};

describe('MIPS augmentation', () => {
  const dim = 3;
  const rows = Float32Array.from([3, 4, 0, 1, 0, 0, 0, -2, 1, 0, 0, 0]); // norms 5, 1, √5, 0

  it('puts every row on the sphere of the largest norm', () => {
    const bound = maxRowNorm(rows, dim);
    expect(bound).toBeCloseTo(5, 6);
    const out = augmentRows(rows, dim, bound);
    expect(out.length).toBe(4 * (dim + 1));
    for (let r = 0; r < 4; r++) {
      const row = out.subarray(r * (dim + 1), (r + 1) * (dim + 1));
      expect(Math.sqrt(dot(row, row))).toBeCloseTo(5, 5);
      expect(Array.from(row.subarray(0, dim))).toEqual(Array.from(rows.subarray(r * dim, (r + 1) * dim)));
    }
  });

  it('keeps inner products with a zero-padded query exactly, so order and scores are those of the plain vectors', () => {
    const out = augmentRows(rows, dim, maxRowNorm(rows, dim));
    const query = [0.5, -1, 2];
    const padded = augmentQuery(query);
    expect(padded).toEqual([0.5, -1, 2, 0]);
    for (let r = 0; r < 4; r++) {
      expect(dot(out.subarray(r * (dim + 1), (r + 1) * (dim + 1)), padded)).toBeCloseTo(
        dot(rows.subarray(r * dim, (r + 1) * dim), query),
        6,
      );
    }
  });

  it('gives a row longer than the bound a zero extra coordinate rather than NaN', () => {
    const out = augmentRows(Float32Array.from([6, 8]), 2, 5);
    expect(Array.from(out)).toEqual([6, 8, 0]);
  });

  it('strips the extra coordinate', () => {
    expect(stripAugmentation([1, 2, 3, 4])).toEqual([1, 2, 3]);
  });
});
