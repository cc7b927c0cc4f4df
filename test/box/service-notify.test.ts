// The recorder under systemd's notify protocol, end to end: the real CLI, a FIFO-paced ALSA
// file device, and a real datagram socket in NOTIFY_SOCKET. READY=1 once it records, WATCHDOG=1
// while audio arrives, none while the device delivers nothing, pings again when audio returns,
// STOPPING=1 on SIGTERM. Real time: the watchdog is about time passing.
import t from 'tap';
import { join } from 'node:path';
import { makeFifo } from '../../src/simulate/alsa-file-device.js';
import { FifoFeeder } from '../../src/simulate/fifo-feeder.js';
import { boxFixture, spawnCli } from '../helpers/box-fixture.js';
import { notifyListener } from '../helpers/notify-listener.js';
import { sleep } from '../helpers/eventually.js';

t.setTimeout(120_000);

const RATE = 8000;
/** systemd's WatchdogSec: the recorder pings every half of it */
const WATCHDOG_MS = 2000;

t.test('READY, pings while capture lives, none while it is dead, STOPPING', async (t) => {
  const dir = t.testdir({});
  const fifo = join(dir, 'trunk.fifo');
  makeFifo(fifo);
  const box = boxFixture({ infile: fifo, channels: 1, dir });
  const listener = await notifyListener();
  t.teardown(() => listener.stop());
  const child = spawnCli({ ...box, env: { ...box.env, NOTIFY_SOCKET: listener.path, WATCHDOG_USEC: String(WATCHDOG_MS * 1000) } }, ['record', '--config', box.config]);
  let log = '';
  child.stdout!.on('data', (d: Buffer) => (log += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (log += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  t.teardown(() => void child.kill('SIGKILL'));
  const feeder = new FifoFeeder(fifo, Buffer.alloc(0), { rate: RATE, channels: 1, leadMs: 500 });
  t.teardown(() => feeder.stop());

  const ready = await listener.next(/^READY=1$/, 0, 30_000);
  t.match(listener.received.find((n) => n.at >= ready.at && n.line.startsWith('STATUS='))?.line, /^STATUS=recording 0 of 1 line; no alarms$/, 'the status names counts, no numbers');
  await sleep(3 * WATCHDOG_MS);
  const pings = listener.received.filter((n) => n.line === 'WATCHDOG=1' && n.at > ready.at);
  t.ok(pings.length >= 5, `${pings.length} pings in ${3 * WATCHDOG_MS} ms while healthy (every ${WATCHDOG_MS / 2} ms)`);

  // The interface stops delivering (its read blocks, as an unplugged or wedged device's would).
  feeder.pause();
  const dead = await listener.next(/^STATUS=capture dead/, performance.now(), 3 * WATCHDOG_MS);
  await sleep(2 * WATCHDOG_MS);
  const whileDead = listener.received.filter((n) => n.line === 'WATCHDOG=1' && n.at > dead.at);
  t.same(whileDead, [], `no ping in the ${2 * WATCHDOG_MS} ms after "${dead.line}": systemd would restart the recorder`);
  t.match(log, /unhealthy: the watchdog is no longer fed/);

  feeder.resume();
  const again = await listener.next(/^WATCHDOG=1$/, performance.now(), 3 * WATCHDOG_MS);
  t.ok(again, 'pings again once audio arrives');

  child.kill('SIGTERM');
  await listener.next(/^STOPPING=1$/, again.at, 10_000);
  const code = await exited;
  t.equal(code, 0, 'exits 0 after SIGTERM');
  if (code !== 0) t.comment(log.slice(-3000));
  t.notMatch(log.split('told systemd the service is ready')[1]?.split('"capture dead')[0] ?? '', /unhealthy/, 'no false alarm at start');
  t.notMatch(log, /socat carrying systemd notifications exited/, 'the carrier lived as long as the service');
});
