import t from 'tap';
import { SerialPort } from 'serialport';
import { systemClock } from '../../../src/core/clock.js';
import { HayesModem, type HayesState } from '../../../src/box/signals/hayes-modem.js';
import type { CallerIdRecord, HayesRecord } from '../../../src/box/signals/hayes-parser.js';
import { SerialSource, type SourcePort } from '../../../src/box/signals/serial-source.js';
import { memoryLog } from '../../helpers/log.js';
import { ModemSim } from './hayes-sim.js';
import { hasSocat, ptyPair, until } from '../../helpers/pty.js';

// A real pty pair (socat). The driver owns one end through the real SerialPort binding; a
// simulated voice modem answers AT commands on the other, refusing AT+VCID=1 so that the
// fallback AT#CID=1 is used. The modem then resets with a banner, resets silently, goes dead,
// and finally vanishes with its port; each time the driver must bring caller ID back.

async function simulatedModem(path: string): Promise<{ sim: ModemSim; port: SerialPort }> {
  const port = new SerialPort({ path, baudRate: 115200, autoOpen: false });
  port.on('error', () => undefined);
  await new Promise<void>((resolve, reject) => port.open((err) => (err ? reject(err) : resolve())));
  const sim = new ModemSim((s) => port.write(Buffer.from(s, 'latin1')), { vcid: false });
  port.on('data', (d: Buffer) => sim.input(d));
  return { sim, port };
}

t.test('a voice modem on a real pty: fallback, resets, a dead spell, an unplugged port', { skip: !hasSocat && 'socat is not installed' }, async (t) => {
  const pair = await ptyPair();
  t.teardown(() => pair.dispose());
  const { log, lines } = memoryLog();
  const modem = new HayesModem({
    log,
    clock: systemClock,
    commandTimeoutMs: 400,
    cidQuietMs: 300,
    probeIntervalMs: 700,
    quietBeforeProbeMs: 300,
    maxAttempts: 2,
    retryMs: 800,
  });
  const source = new SerialSource({ path: pair.a, baudRate: 115200, log, backoff: { initialMs: 100, maxMs: 400 } });
  source.on('open', (port: SourcePort) => modem.attach(port));
  source.on('lost', () => modem.detach('port-lost'));
  const states: string[] = [];
  const cids: CallerIdRecord[] = [];
  modem.on('state', (s: HayesState, why: string) => states.push(`${s}:${why}`));
  modem.on('record', (r: HayesRecord) => r.kind === 'caller-id' && cids.push(r));
  t.teardown(async () => {
    modem.detach('test over');
    await source.close();
  });

  let m = await simulatedModem(pair.b);
  source.start();
  await until(() => modem.state === 'ready', 5000, 'ready');
  t.same(m.sim.commands, ['ATZ', 'ATE0V1', 'AT+VCID=1', 'AT#CID=1'], 'AT+VCID=1 refused, AT#CID=1 taken');
  t.equal(modem.cidCommand, 'AT#CID=1');

  const call = async (number: string, name: string, n: number) => {
    m.sim.call({ number, name });
    await until(() => cids.length >= n, 5000, `caller id #${n}`);
    t.same(cids[n - 1], { kind: 'caller-id', status: 'ok', date: '0321', time: '1405', number, name });
  };
  await call('0401234567', 'VIRTANEN MATTI', 1);

  // power blip: settings gone, a banner printed
  m.sim.reset();
  await until(() => modem.stats.unexpectedOutput === 1 && modem.state === 'ready', 5000, 're-initialised after banner');
  t.equal(m.sim.cid, true);
  await call('0509876543', 'KORHONEN', 2);

  // silent reset: only the probe can tell
  m.sim.reset('');
  await until(() => m.sim.cid, 5000, 'probe restored caller ID');
  await call('0201234567', 'NIEMINEN', 3);

  // dead for a while: probe unanswered, attempts fail, retried until it answers again
  m.sim.dead = true;
  await until(() => modem.state === 'failed', 8000, 'failed');
  m.sim.dead = false;
  m.sim.reset('');
  await until(() => modem.state === 'ready', 5000, 'ready after the dead spell');
  await call('0301234567', 'LAINE', 4);

  // the USB adapter is pulled and put back: a new port, a freshly powered modem
  await pair.kill();
  await until(() => modem.state === 'failed' && source.state === 'waiting', 5000, 'port lost');
  await pair.restart();
  m = await simulatedModem(pair.b);
  t.teardown(() => new Promise<void>((r) => m.port.close(() => r())));
  await until(() => modem.state === 'ready', 8000, 'ready on the new port');
  t.same(m.sim.commands, ['ATZ', 'ATE0V1', 'AT+VCID=1', 'AT#CID=1']);
  await call('0401112223', 'HEIKKINEN', 5);

  t.ok(modem.stats.probes >= 2);
  t.ok(modem.stats.probeFailures >= 1);
  t.ok(states.includes('failed:port-lost'));
  t.notMatch(JSON.stringify(lines), /0401234567|0509876543|0201234567|0301234567|0401112223|VIRTANEN|KORHONEN|NIEMINEN|LAINE|HEIKKINEN/, 'no number or name in the log');
});
