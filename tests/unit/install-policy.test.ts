// An install must work with only the npm registry reachable, and without warnings the project could fix. Which
// dependency install scripts run is decided in package.json's allowScripts (npm's install-script policy);
// onnxruntime-node's would download CUDA libraries from outside the registry and fail, and the project .npmrc
// setting that used to skip it is one npm does not know (it warns on every command and is going away).
import { execFile } from 'node:child_process';
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../..');
const readJson = async (file: string) => JSON.parse(await readFile(path.join(ROOT, file), 'utf8'));

/** The environment of a user's shell: nothing inherited from the npm command running the tests. */
function userEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !/^npm_/i.test(key) && key !== 'ONNXRUNTIME_NODE_INSTALL'),
  );
}

describe('dependency install scripts', () => {
  it('every locked dependency with an install script has a reviewed allowScripts entry', async () => {
    const pkg = await readJson('package.json');
    const lock = await readJson('package-lock.json');
    const withScripts = Object.entries(lock.packages as Record<string, { hasInstallScript?: boolean }>)
      .filter(([location, entry]) => location !== '' && entry.hasInstallScript)
      .map(([location]) => location.slice(location.lastIndexOf('node_modules/') + 'node_modules/'.length));
    expect(withScripts).toContain('onnxruntime-node');
    // Name-only keys: the lockfile carries no resolved URLs, so npm cannot verify a pinned `name@version` key
    // (the lockfile pins the version anyway).
    for (const name of withScripts) expect(pkg.allowScripts, `allowScripts covers ${name}`).toHaveProperty([name]);
    for (const key of Object.keys(pkg.allowScripts)) expect(key, 'name-only allowScripts key').not.toMatch(/.@/);
  });

  it('never runs the scripts that download from outside the npm registry', async () => {
    const { allowScripts } = await readJson('package.json');
    expect(allowScripts['onnxruntime-node']).toBe(false); // CUDA EP from NuGet/GitHub; the CPU runtime ships in the package
    expect(allowScripts['@prisma/engines']).toBe(false); // native engines from binaries.prisma.sh; generation and migrations need none
  });

  it('npm sees no unknown project config and no unreviewed install script in the installed tree', async () => {
    // Loads the project config too: an unknown .npmrc key would show up here as `npm warn Unknown project config`.
    const { stdout, stderr } = await promisify(execFile)('npm', ['install-scripts', 'ls'], {
      cwd: ROOT,
      env: userEnv(),
    });
    expect(stderr).not.toMatch(/warn/i);
    expect(stdout).toContain('No packages with unreviewed install scripts');
  });

  it('the optional native TensorFlow backend is installed whole or not at all', async () => {
    // Its install script downloads libtensorflow; offline it fails and npm must drop the package, never leave it
    // without its native binding (training would then fail to load it instead of falling back to wasm).
    const { allowScripts, optionalDependencies } = await readJson('package.json');
    expect(optionalDependencies).toHaveProperty(['@tensorflow/tfjs-node']);
    expect(allowScripts['@tensorflow/tfjs-node']).toBe(true);
    const dir = path.join(ROOT, 'node_modules/@tensorflow/tfjs-node');
    const installed = await stat(dir).then(
      () => true,
      () => false,
    );
    if (installed) {
      const lib = await readdir(path.join(dir, 'lib'));
      const bindings = lib.filter((entry) => entry.startsWith('napi-v'));
      expect(bindings, 'a napi-v* folder with tfjs_binding.node').not.toHaveLength(0);
    }
  });
});
