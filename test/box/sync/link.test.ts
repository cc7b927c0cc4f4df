// The box's link backs off when the broker is unreachable: 1 s, doubling, up to reconnectMaxS,
// and starts over from 1 s once connected.
import t from 'tap';
import { createServer, type Socket } from 'node:net';
import { Link } from '../../../src/box/sync/link.js';
import { systemClock } from '../../../src/core/clock.js';
import { memoryLog } from '../../helpers/log.js';

t.test('reconnection backs off from 1 s, doubling, to reconnectMaxS', async (t) => {
  const attempts: number[] = [];
  const sockets: Socket[] = [];
  // A broker that takes the TCP connection and drops it at once, as one that is restarting does.
  const server = createServer((s) => {
    attempts.push(Date.now());
    sockets.push(s);
    s.destroy();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  const link = new Link({ url: `mqtt://127.0.0.1:${port}`, site: 's1', box: 'b-1', boot: 1, keepaliveS: 30, reconnectMaxS: 4, clock: systemClock, log: memoryLog().log });
  link.start();
  await new Promise((r) => setTimeout(r, 12_500));
  await link.stop();
  server.close();
  const gaps = attempts.slice(1).map((a, i) => (a - attempts[i]!) / 1000);
  t.ok(gaps.length >= 3 && gaps.length <= 6, `${attempts.length} attempts in 12.5 s (a fixed 1 s period would make 12): gaps ${gaps.map((g) => g.toFixed(1)).join(', ')} s`);
  t.ok(Math.abs(gaps[0]! - 1) < 0.5, 'the first retry after about 1 s');
  t.ok(gaps[1]! > gaps[0]! * 1.5, 'then longer');
  t.ok(gaps.every((g) => g < 4.8), 'never longer than reconnectMaxS');
  t.ok(gaps.slice(-2).every((g) => g > 3.2), 'capped at reconnectMaxS');
});
