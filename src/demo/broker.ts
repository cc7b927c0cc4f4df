import { createServer, type AddressInfo } from 'node:net';
import { Aedes } from 'aedes';

/**
 * The demo's MQTT broker: aedes, in this process, on a free loopback port. It speaks MQTT 3.1.1
 * only, which is why every request/response field of the protocol travels in the payload.
 * Production uses mosquitto with TLS and a per-box ACL (image/mosquitto/, docs/broker.md).
 */
export async function startDemoBroker(): Promise<{ url: string; close(): Promise<void> }> {
  const aedes = await Aedes.createBroker();
  const server = createServer(aedes.handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `mqtt://127.0.0.1:${port}`,
    close: async () => {
      await new Promise<void>((resolve) => aedes.close(() => resolve()));
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
