import { describe, expect, it } from 'vitest';
import {
  aliasName,
  aliasSwitchActions,
  COLLECTION_ROLES,
  parseVersionedCollectionName,
  versionedCollectionName,
  versionsIn,
} from '../../src/vector/collections.js';
import { encodeUpsertBatch } from '../../src/vector/points-encoding.js';

describe('collection naming', () => {
  it('builds alias and versioned names with the prefix', () => {
    expect(aliasName('items_collaborative')).toBe('items_collaborative');
    expect(aliasName('items_semantic', 'demo_')).toBe('demo_items_semantic');
    expect(versionedCollectionName('users_collaborative', 'v12', 'demo_')).toBe('demo_users_collaborative__v12');
  });

  it('round-trips versioned names and ignores foreign ones', () => {
    for (const role of COLLECTION_ROLES) {
      expect(parseVersionedCollectionName(versionedCollectionName(role, '2026-11-22T0749_a', 'p_'), 'p_')).toEqual({
        role,
        version: '2026-11-22T0749_a',
      });
    }
    expect(parseVersionedCollectionName('p_items_semantic', 'p_')).toBeUndefined(); // an alias, not a version
    expect(parseVersionedCollectionName('q_items_semantic__v1', 'p_')).toBeUndefined();
    expect(parseVersionedCollectionName('p_other__v1', 'p_')).toBeUndefined();
  });

  it('rejects versions and prefixes that would make names ambiguous or unsafe', () => {
    for (const bad of ['', 'a__b', 'v1_', '_v1', 'a/b', 'a b'])
      expect(() => versionedCollectionName('items_semantic', bad)).toThrow(RangeError);
    expect(() => aliasName('items_semantic', 'x/')).toThrow(RangeError);
  });

  it('groups collections by version', () => {
    const names = [
      'p_items_collaborative__v1',
      'p_users_collaborative__v1',
      'p_items_collaborative__v2',
      'p_items_collaborative',
      'x_items_semantic__v9',
    ];
    expect(versionsIn(names, 'p_')).toEqual(
      new Map([
        ['v1', ['items_collaborative', 'users_collaborative']],
        ['v2', ['items_collaborative']],
      ]),
    );
  });

  it('switches every role to the version in one action list (delete + create per alias)', () => {
    expect(aliasSwitchActions('v3', { prefix: 'p_' })).toEqual([
      { delete_alias: { alias_name: 'p_items_collaborative' } },
      { create_alias: { collection_name: 'p_items_collaborative__v3', alias_name: 'p_items_collaborative' } },
      { delete_alias: { alias_name: 'p_users_collaborative' } },
      { create_alias: { collection_name: 'p_users_collaborative__v3', alias_name: 'p_users_collaborative' } },
      { delete_alias: { alias_name: 'p_items_semantic' } },
      { create_alias: { collection_name: 'p_items_semantic__v3', alias_name: 'p_items_semantic' } },
    ]);
    expect(aliasSwitchActions('v3', { roles: ['items_semantic'] })).toHaveLength(2);
  });
});

describe('encodeUpsertBatch', () => {
  it('writes a slice of a flat Float32Array as Qdrant batch JSON with payloads', () => {
    const vectors = new Float32Array([0.5, -1, 2, 0.25, 3, 4]);
    const body = JSON.parse(
      encodeUpsertBatch({ ids: [7, 8, 9], vectors, payloads: [{ a: 1 }, undefined, { b: 'x"y' }] }, 1, 3, 2).text,
    );
    expect(body).toEqual({
      batch: {
        ids: [8, 9],
        vectors: [
          [2, 0.25],
          [3, 4],
        ],
        payloads: [null, { b: 'x"y' }],
      },
    });
  });

  it('keeps float32 values exact and accepts row arrays', () => {
    const row = new Float32Array([0.1, 1 / 3]);
    const body = JSON.parse(encodeUpsertBatch({ ids: [1], vectors: [row] }, 0, 1, 2).text);
    expect(Float32Array.from(body.batch.vectors[0])).toEqual(row);
    expect(body.batch.payloads).toBeUndefined();
  });

  it('round-trips every float32 exactly through the JSON text (random values across magnitudes)', () => {
    let seed = 12345;
    const next = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
    const values = Float32Array.from({ length: 20_000 }, () => (next() - 0.5) * 10 ** Math.floor(next() * 16 - 8));
    // (-0 comes back as 0: same in every dot product, so not worth a slower encoder.)
    values.set([0, 1, -1, 3.4028234663852886e38, 1.401298464324817e-45, 1.1754943508222875e-38], 0);
    const body = JSON.parse(encodeUpsertBatch({ ids: [1], vectors: values }, 0, 1, values.length).text);
    expect(Float32Array.from(body.batch.vectors[0])).toEqual(values);
  });

  it('rejects bad ids, non-finite values and ragged rows with the point named', () => {
    expect(() => encodeUpsertBatch({ ids: [-1], vectors: [[1]] }, 0, 1, 1)).toThrow(/unsigned integer/);
    expect(() => encodeUpsertBatch({ ids: [1.5], vectors: [[1]] }, 0, 1, 1)).toThrow(/unsigned integer/);
    expect(() => encodeUpsertBatch({ ids: [4], vectors: new Float32Array([Number.NaN]) }, 0, 1, 1)).toThrow(
      /point 4: vector value 0 is NaN/,
    );
    expect(() => encodeUpsertBatch({ ids: [1, 2], vectors: [[1, 2], [3]] }, 0, 2, 2)).toThrow(
      /point 2: vector has 1 values, expected 2/,
    );
  });
});
