// Which TensorFlow.js backend training runs on (training/models/linalg/tf-backend.ts). The native backend,
// @tensorflow/tfjs-node, is an optional dependency that installs only where libtensorflow can be downloaded; the
// tests take whichever path this machine has and check the other through the pure chooser.
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { tfBackendFrom } from '../../src/config.js';
import { matmul } from '../../training/models/linalg/gemm.js';
import {
  chooseTfBackend,
  loadNativeBackend,
  tensorflow,
  tfBackendInUse,
} from '../../training/models/linalg/tf-backend.js';

const nativeInstalled = (() => {
  try {
    createRequire(import.meta.url).resolve('@tensorflow/tfjs-node');
    return true;
  } catch {
    return false;
  }
})();

describe('RECGRAPH_TF_BACKEND', () => {
  it('accepts auto, wasm and node in any case; unset is auto; anything else is refused by name', () => {
    expect(tfBackendFrom(undefined)).toBe('auto');
    expect(tfBackendFrom('')).toBe('auto');
    expect(tfBackendFrom('WASM')).toBe('wasm');
    expect(tfBackendFrom('node')).toBe('node');
    expect(() => tfBackendFrom('gpu')).toThrow('RECGRAPH_TF_BACKEND must be auto, wasm or node, got "gpu"');
  });
});

describe('chooseTfBackend', () => {
  it('auto takes the native backend when it loaded, else wasm with the reason', () => {
    expect(chooseTfBackend('auto', true).backend).toBe('tensorflow');
    const fallback = chooseTfBackend('auto', "Cannot find package '@tensorflow/tfjs-node'");
    expect(fallback).toEqual({
      backend: 'wasm',
      reason: "auto: @tensorflow/tfjs-node is not available (Cannot find package '@tensorflow/tfjs-node')",
    });
  });

  it('wasm never uses the native backend, even when it loaded', () => {
    expect(chooseTfBackend('wasm', true).backend).toBe('wasm');
  });

  it('node refuses with what to do when the native backend does not load', () => {
    expect(() => chooseTfBackend('node', 'libtensorflow.so.2: cannot open shared object file')).toThrow(
      /RECGRAPH_TF_BACKEND=node, but @tensorflow\/tfjs-node does not load \(libtensorflow\.so\.2.*npm install/,
    );
    expect(chooseTfBackend('node', true).backend).toBe('tensorflow');
  });
});

describe('the backend this machine gets', () => {
  it('loadNativeBackend reports a missing package as a message, not a throw', async () => {
    const missing = await loadNativeBackend('@tensorflow/tfjs-node-not-a-package');
    expect(missing).toMatch(/Cannot find (package|module) '@tensorflow\/tfjs-node-not-a-package'/);
  });

  it.runIf(!nativeInstalled)('without tfjs-node: node is refused, then auto runs on wasm and multiplies', async () => {
    await expect(tensorflow('node')).rejects.toThrow(/RECGRAPH_TF_BACKEND=node, but @tensorflow\/tfjs-node/);
    const tf = await tensorflow('auto');
    expect(tf.getBackend()).toBe('wasm');
    expect(tfBackendInUse()).toMatchObject({
      backend: 'wasm',
      reason: expect.stringMatching(/^auto: .*not available/),
    });
    const c = await matmul(new Float32Array([1, 2, 3, 4]), [2, 2], new Float32Array([5, 6, 7, 8]), [2, 2]);
    expect(Array.from(c)).toEqual([19, 22, 43, 50]);
  });

  it.runIf(nativeInstalled)('with tfjs-node installed: auto runs on the native backend and multiplies', async () => {
    const tf = await tensorflow('auto');
    expect(tf.getBackend()).toBe('tensorflow');
    const c = await matmul(new Float32Array([1, 2, 3, 4]), [2, 2], new Float32Array([5, 6, 7, 8]), [2, 2]);
    expect(Array.from(c)).toEqual([19, 22, 43, 50]);
  });
});
