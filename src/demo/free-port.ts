import { createServer, type AddressInfo } from 'node:net';

/** A free loopback TCP port: the demo's indexer API, the benchmark's and the tests' brokers. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}
