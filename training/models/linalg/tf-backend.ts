/**
 * The one place that decides which TensorFlow.js backend training runs on, once per process.
 *
 * - `node`: @tensorflow/tfjs-node, native libtensorflow (multi-threaded, AVX) — an optional dependency: its install
 *   downloads libtensorflow from storage.googleapis.com, so on a machine without internet npm drops it (the install
 *   script fails in well under a second on the DNS lookup) and nothing of it is left in node_modules.
 * - `wasm`: @tensorflow/tfjs-backend-wasm (XNNPACK, single-threaded here), always installed.
 *
 * RECGRAPH_TF_BACKEND (src/config.ts) asks for one: `auto` (default) takes node when it loads, else wasm; `node`
 * fails with a clear error when it cannot load; `wasm` never tries node. The serving process never calls this: it
 * keeps tfjs out of its memory.
 */
import * as tf from '@tensorflow/tfjs';
import { loadConfig, type TfBackendRequest } from '../../../src/config.js';
import { createLogger } from '../../../src/logger.js';

export type TfBackendName = 'tensorflow' | 'wasm';

export interface TfBackendChoice {
  /** The tfjs backend name as registered ('tensorflow' is tfjs-node's). */
  backend: TfBackendName;
  /** Why this one: what was asked and, when node was not used, why not. */
  reason: string;
}

/** The package that provides the native backend; a variable so the type checker does not need it installed. */
const NATIVE_PACKAGE: string = '@tensorflow/tfjs-node';

/**
 * Loads tfjs-node if it is installed and its native library loads; resolves to the error message otherwise.
 * Importing it registers the 'tensorflow' backend on the same @tensorflow/tfjs instance (the lockfile dedupes both
 * to one version).
 */
export async function loadNativeBackend(specifier: string = NATIVE_PACKAGE): Promise<true | string> {
  try {
    await import(specifier);
    return tf.findBackend('tensorflow') ? true : `${specifier} loaded but registered no 'tensorflow' backend`;
  } catch (error) {
    // The first line, without Node's "imported from <path>" tail: enough to tell a missing package from a broken one.
    return ((error as Error).message.split('\n')[0] ?? String(error)).replace(/ imported from .*$/, '');
  }
}

/**
 * What to run on, given the request and whether the native backend loaded (true) or why it did not (a message).
 * Pure, so every combination is tested without a native library.
 */
export function chooseTfBackend(request: TfBackendRequest, native: true | string | undefined): TfBackendChoice {
  if (request === 'wasm') return { backend: 'wasm', reason: 'RECGRAPH_TF_BACKEND=wasm' };
  if (native === true) return { backend: 'tensorflow', reason: `RECGRAPH_TF_BACKEND=${request}: tfjs-node loaded` };
  const why = native ?? 'not tried';
  if (request === 'node')
    throw new Error(
      `RECGRAPH_TF_BACKEND=node, but @tensorflow/tfjs-node does not load (${why}). It is an optional dependency ` +
        'whose install downloads libtensorflow: run `npm install` on a machine with internet access, or unset ' +
        'RECGRAPH_TF_BACKEND to fall back to wasm.',
    );
  return { backend: 'wasm', reason: `auto: @tensorflow/tfjs-node is not available (${why})` };
}

let ready: Promise<typeof tf> | undefined;
let readySync: typeof tf | undefined;
let chosen: TfBackendChoice | undefined;

/** The tfjs namespace with the chosen backend active (initialised on first call; one log line says which). */
export function tensorflow(request: TfBackendRequest = loadConfig().tfBackend): Promise<typeof tf> {
  ready ??= (async () => {
    tf.env().set('IS_TEST', false);
    const choice = chooseTfBackend(request, request === 'wasm' ? undefined : await loadNativeBackend());
    if (choice.backend === 'wasm') await import('@tensorflow/tfjs-backend-wasm');
    await tf.setBackend(choice.backend);
    await tf.ready();
    chosen = choice;
    createLogger(loadConfig().logLevel).info(
      { tfBackend: choice.backend, reason: choice.reason },
      `training runs on the tfjs ${choice.backend} backend`,
    );
    readySync = tf;
    return tf;
  })();
  ready.catch(() => (ready = undefined)); // a refused `node` request can be retried after fixing the environment
  return ready;
}

/** The tfjs namespace if a backend is already initialised (sync code paths), else undefined. */
export function tensorflowIfReady(): typeof tf | undefined {
  return readySync;
}

/** The backend in use and why, once `tensorflow()` has resolved. */
export function tfBackendInUse(): TfBackendChoice | undefined {
  return chosen;
}
