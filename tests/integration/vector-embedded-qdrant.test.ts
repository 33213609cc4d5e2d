// The embedded Qdrant launcher: start/ready/stop, persistence, clear errors, no orphan after a parent crash.
// These tests start their own servers (that is what they test), each in a temp dir removed afterwards.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VectorStore } from '../../src/vector/client.js';
import { resolveQdrantBinary, startEmbeddedQdrant } from '../../src/vector/embedded-qdrant.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
let tmp: string;

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'recgraph-embedded-qdrant-'));
});

afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

async function fakeBinary(name: string, script: string): Promise<string> {
  await mkdir(path.join(tmp, 'bin'), { recursive: true });
  const file = path.join(tmp, 'bin', name);
  await writeFile(file, `#!/bin/sh\n${script}\n`);
  await chmod(file, 0o755);
  return file;
}

/** /readyz over a fresh connection (no keep-alive socket that would hold a stopping server open). */
function answersReadyz(url: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = http.get(`${url}/readyz`, { agent: false, timeout: 300 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
  });
}

async function waitUntil(condition: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await condition()) return true;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return condition();
}

describe('startEmbeddedQdrant', () => {
  it('resolves the bundled binary', async () => {
    expect(await resolveQdrantBinary()).toMatch(/@just-memory\/qdrant-linux-x64\/bin\/qdrant$/);
  });

  it('starts on free ports, is ready, keeps data across restarts and stops', async () => {
    const storageDir = path.join(tmp, 'persist');
    const first = await startEmbeddedQdrant({ storageDir });
    expect(first.url).toBe(`http://127.0.0.1:${first.httpPort}`);
    expect(first.grpcPort).not.toBe(first.httpPort);
    const store = new VectorStore({ url: first.url });
    try {
      expect(await store.ready()).toBe(true);
      await store.createCollection('kept', { dimension: 2, distance: 'Dot' });
      await store.upsert('kept', { ids: [7], vectors: [[1, 2]] });
    } finally {
      store.close();
    }
    // Qdrant's working files go to storageDir (its cwd), not to the process's cwd.
    expect(existsSync(path.join(storageDir, 'storage', 'collections', 'kept'))).toBe(true);
    expect(existsSync(path.join(storageDir, '.qdrant-initialized'))).toBe(true);

    const stopStarted = performance.now();
    await first.stop();
    expect(performance.now() - stopStarted).toBeLessThan(3_000);
    await first.stop(); // idempotent
    const after = new VectorStore({ url: first.url, timeoutMs: 500 });
    expect(await after.ready(300)).toBe(false);
    after.close();

    const second = await startEmbeddedQdrant({ storageDir });
    const reopened = new VectorStore({ url: second.url });
    try {
      expect(await reopened.retrieve('kept', [7], { withVector: true })).toEqual([{ id: 7, vector: [1, 2] }]);
    } finally {
      reopened.close();
      await second.stop();
    }
  });

  it('refuses an explicit HTTP port that is taken, naming the port', async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const { port } = blocker.address() as net.AddressInfo;
    try {
      await expect(startEmbeddedQdrant({ storageDir: path.join(tmp, 'taken'), httpPort: port })).rejects.toThrow(
        new RegExp(`HTTP port ${port} on 127.0.0.1 is not available`),
      );
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });

  it('reports an early exit with the exit code and the last output lines', async () => {
    const binaryPath = await fakeBinary('crashes', 'echo "starting" ; echo "Panic: storage is corrupt" >&2 ; exit 3');
    await expect(startEmbeddedQdrant({ storageDir: path.join(tmp, 'crash'), binaryPath })).rejects.toThrow(
      /exited during startup \(code 3\); last output:\nstarting\nPanic: storage is corrupt/,
    );
  });

  it('times out when never ready, and kills a server that ignores SIGTERM', async () => {
    const marker = path.join(tmp, 'stubborn.alive');
    const binaryPath = await fakeBinary('stubborn', `trap '' TERM\nwhile :; do touch '${marker}'; sleep 0.05; done`);
    const started = performance.now();
    await expect(
      startEmbeddedQdrant({
        storageDir: path.join(tmp, 'stubborn'),
        binaryPath,
        readyTimeoutMs: 300,
        stopTimeoutMs: 300,
      }),
    ).rejects.toThrow(/not ready on port \d+ after 300 ms/);
    expect(performance.now() - started).toBeLessThan(5_000);
    // SIGKILL went to the whole process group: the loop no longer touches its marker.
    await rm(marker, { force: true });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(existsSync(marker)).toBe(false);
  });

  it('does not outlive a parent process that is SIGKILLed', async () => {
    const script = path.join(tmp, 'parent.mts');
    const launcher = pathToFileURL(path.join(repoRoot, 'src/vector/embedded-qdrant.ts')).href;
    await writeFile(
      script,
      `import { startEmbeddedQdrant } from '${launcher}';\n` +
        `const q = await startEmbeddedQdrant({ storageDir: ${JSON.stringify(path.join(tmp, 'orphan'))} });\n` +
        `console.log('URL ' + q.url);\nsetInterval(() => {}, 1000);\n`,
    );
    const parent = spawn(process.execPath, ['--import', 'tsx', script], {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    parent.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const url = await new Promise<string>((resolve, reject) => {
      let out = '';
      parent.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        const match = /URL (\S+)/.exec(out);
        if (match) resolve(match[1]!);
      });
      parent.once('exit', (code) => reject(new Error(`parent exited early (${code}): ${stderr}`)));
    });
    try {
      expect(await answersReadyz(url)).toBe(true);
      parent.kill('SIGKILL');
      expect(await waitUntil(async () => !(await answersReadyz(url)), 8_000)).toBe(true);
    } finally {
      parent.kill('SIGKILL');
    }
  }, 30_000);
});
