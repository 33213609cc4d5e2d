// A distributed Qdrant on loopback for tests: N peers of the bundled binary (cluster.enabled), each with its own
// HTTP, gRPC and p2p ports and storage dir; the first bootstraps the cluster, the others join through it. A peer can
// be killed (SIGKILL) and restarted on the same ports and storage, as after a crash.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '../../src/net/free-port.js';
import { startEmbeddedQdrant, type EmbeddedQdrant } from '../../src/vector/embedded-qdrant.js';

export interface ClusterPeer {
  url: string;
  httpPort: number;
  grpcPort: number;
  p2pPort: number;
  storageDir: string;
  server: EmbeddedQdrant | undefined;
}

export interface QdrantCluster {
  peers: ClusterPeer[];
  /** Every peer's REST URL, comma-separated (what QDRANT_URL takes for a cluster). */
  urls: string;
  kill(index: number): Promise<void>;
  restart(index: number): Promise<void>;
  stop(): Promise<void>;
}

async function getJson<T>(url: string): Promise<T> {
  const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
  if (!response.ok) throw new Error(`GET ${url} → ${response.status}`);
  return ((await response.json()) as { result: T }).result;
}

/** Resolves when `check` returns true, polling every 100 ms; throws after `timeoutMs` with `what`. */
export async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs = 60_000): Promise<number> {
  const started = Date.now();
  for (;;) {
    if (await check().catch(() => false)) return Date.now() - started;
    if (Date.now() - started > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Peers the given node's consensus knows. */
export async function clusterPeerCount(url: string): Promise<number> {
  const cluster = await getJson<{ status: string; peers?: Record<string, unknown> }>(`${url}/cluster`);
  return Object.keys(cluster.peers ?? {}).length;
}

export async function startQdrantCluster(size = 3): Promise<QdrantCluster> {
  const peers: ClusterPeer[] = [];
  const taken = new Set<number>();
  const port = async () => {
    let candidate = await freePort();
    while (taken.has(candidate)) candidate = await freePort();
    taken.add(candidate);
    return candidate;
  };
  for (let i = 0; i < size; i++) {
    const [httpPort, grpcPort, p2pPort] = [await port(), await port(), await port()];
    const storageDir = await mkdtemp(path.join(os.tmpdir(), `recgraph-qdrant-peer${i}-`));
    peers.push({ url: `http://127.0.0.1:${httpPort}`, httpPort, grpcPort, p2pPort, storageDir, server: undefined });
  }
  const launch = async (peer: ClusterPeer, bootstrapP2pPort?: number) => {
    peer.server = await startEmbeddedQdrant({
      storageDir: peer.storageDir,
      httpPort: peer.httpPort,
      grpcPort: peer.grpcPort,
      cluster: { p2pPort: peer.p2pPort, bootstrapP2pPort },
    });
  };
  const stop = async () => {
    for (const peer of peers) {
      await peer.server?.stop().catch(() => undefined);
      peer.server = undefined;
      await rm(peer.storageDir, { recursive: true, force: true });
    }
  };
  try {
    await launch(peers[0]!);
    // One at a time: each join is a consensus change the leader must commit before the next.
    for (const peer of peers.slice(1)) {
      await launch(peer, peers[0]!.p2pPort);
      const expected = peers.indexOf(peer) + 1;
      await waitFor(
        `${expected} peers in the cluster`,
        async () => (await clusterPeerCount(peers[0]!.url)) === expected,
      );
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    peers,
    urls: peers.map((peer) => peer.url).join(','),
    async kill(index) {
      await peers[index]!.server?.kill();
      peers[index]!.server = undefined;
    },
    async restart(index) {
      // Its storage already holds the cluster state: no bootstrap, it rejoins as itself.
      await launch(peers[index]!);
    },
    stop,
  };
}
