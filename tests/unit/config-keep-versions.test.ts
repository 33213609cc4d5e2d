import { describe, expect, it } from 'vitest';
import { keepVersionsFrom, loadConfig } from '../../src/config.js';

describe('RECGRAPH_KEEP_VERSIONS', () => {
  it('defaults to 3 and accepts any depth ≥ 1', () => {
    expect(loadConfig({}).keepVersions).toBe(3);
    expect(loadConfig({ RECGRAPH_KEEP_VERSIONS: '5' }).keepVersions).toBe(5);
    expect(keepVersionsFrom('1')).toBe(1);
  });

  it('rejects 0 and non-integers with the name of the setting', () => {
    expect(() => loadConfig({ RECGRAPH_KEEP_VERSIONS: '0' })).toThrow(/RECGRAPH_KEEP_VERSIONS must be at least 1/);
    expect(() => keepVersionsFrom('two', '--keep')).toThrow(/--keep must be a non-negative integer/);
  });
});
