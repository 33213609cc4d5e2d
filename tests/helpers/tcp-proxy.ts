// A TCP pass-through the test can break: put it between the app and Postgres, then make Postgres unreachable without
// touching the shared server.
// - cut(): open connections reset, the listener closed for good;
// - refuse(): open connections reset, new ones refused (ECONNREFUSED) until heal();
// - blackhole(): connections stay open (new ones are accepted) but no byte moves either way until heal(): what a
//   dead network path or a hung server looks like to a client;
// - heal(): back to passing bytes, on the same port.
import net from 'node:net';
import type { AddressInfo } from 'node:net';

export type ProxyMode = 'pass' | 'blackhole' | 'refuse';

export interface TcpProxy {
  port: number;
  readonly mode: ProxyMode;
  /** Resets every open connection and stops listening. */
  cut(): Promise<void>;
  refuse(): Promise<void>;
  blackhole(): void;
  heal(): Promise<void>;
}

interface Pair {
  client: net.Socket;
  upstream: net.Socket;
}

export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  const pairs = new Set<Pair>();
  let mode: ProxyMode = 'pass';

  // Bytes move only in pass mode; in a blackhole both sides are paused, so nothing is read (or lost) until heal().
  const forward = (from: net.Socket, to: net.Socket) => {
    from.on('data', (chunk) => {
      if (!to.write(chunk)) from.pause();
    });
    to.on('drain', () => {
      if (mode === 'pass') from.resume();
    });
  };

  const server = net.createServer((client) => {
    const upstream = net.connect(target.port, target.host);
    const pair = { client, upstream };
    pairs.add(pair);
    for (const socket of [client, upstream]) {
      socket.on('error', () => undefined);
      socket.on('close', () => {
        pairs.delete(pair);
        client.destroy();
        upstream.destroy();
      });
    }
    forward(client, upstream);
    forward(upstream, client);
    if (mode === 'blackhole') {
      client.pause();
      upstream.pause();
    }
  });
  const listen = (port: number) => new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const close = async () => {
    const closed = server.listening ? new Promise<void>((resolve) => server.close(() => resolve())) : Promise.resolve();
    for (const { client, upstream } of pairs) {
      client.resetAndDestroy();
      upstream.destroy();
    }
    await closed;
  };
  await listen(0);
  const port = (server.address() as AddressInfo).port;

  return {
    port,
    get mode() {
      return mode;
    },
    cut: close,
    async refuse() {
      mode = 'refuse';
      await close();
    },
    blackhole() {
      mode = 'blackhole';
      for (const { client, upstream } of pairs) {
        client.pause();
        upstream.pause();
      }
    },
    async heal() {
      const previous = mode;
      mode = 'pass';
      if (previous === 'refuse') await listen(port);
      for (const { client, upstream } of pairs) {
        client.resume();
        upstream.resume();
      }
    },
  };
}
