// A TCP port nothing listens on right now, for the embedded Postgres and Qdrant servers and for tests.
// (The OS picks it; another process could still take it before we bind, which is why callers bind at once.)
import net from 'node:net';

export async function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, host, () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
