import t from 'tap';
import { EventEmitter } from 'node:events';
import { SerialPortMock } from 'serialport';
import { HayesModem, type HayesModemOptions, type HayesState } from '../../../src/box/signals/hayes-modem.js';
import type { HayesRecord } from '../../../src/box/signals/hayes-parser.js';
import { memoryLog } from '../../helpers/log.js';
import { ModemSim, type ModemSimOptions } from './hayes-sim.js';
import { ManualTimers, settle } from './serial-source-timers.js';

/** A port double: what the driver writes goes to the simulated modem, its answers come back. */
class SimPort extends EventEmitter {
  readonly sim: ModemSim;
  constructor(opts: ModemSimOptions = {}) {
    super();
    this.sim = new ModemSim((s) => queueMicrotask(() => this.emit('data', Buffer.from(s, 'latin1'))), opts);
  }
  write(data: string): boolean {
    queueMicrotask(() => this.sim.input(data));
    return true;
  }
}

function harness(simOpts: ModemSimOptions = {}, opts: Partial<HayesModemOptions> = {}) {
  const timers = new ManualTimers();
  const { log, lines } = memoryLog();
  const modem = new HayesModem({ log, clock: timers.clock, setTimer: timers.setTimer, ...opts });
  const port = new SimPort(simOpts);
  const states: string[] = [];
  const records: HayesRecord[] = [];
  modem.on('state', (s: HayesState, why: string) => states.push(`${s}:${why}`));
  modem.on('record', (r: HayesRecord) => records.push(r));
  return { timers, modem, port, sim: port.sim, states, records, lines };
}

t.test('initialises with ATZ, setup, AT+VCID=1, and falls back to AT#CID=1 on ERROR', async (t) => {
  const h = harness({ vcid: false });
  h.modem.attach(h.port);
  await h.timers.advance(0);
  t.same(h.sim.commands, ['ATZ', 'ATE0V1', 'AT+VCID=1', 'AT#CID=1']);
  t.equal(h.modem.state, 'ready');
  t.equal(h.modem.cidCommand, 'AT#CID=1');
  t.same(h.states, ['initialising:attached', 'ready:attached']);
  t.equal(h.sim.cid, true);
});

t.test('uses AT+VCID=1 when the modem takes it', async (t) => {
  const h = harness({ vcid: true });
  h.modem.attach(h.port);
  await h.timers.advance(0);
  t.same(h.sim.commands, ['ATZ', 'ATE0V1', 'AT+VCID=1']);
  t.equal(h.modem.cidCommand, 'AT+VCID=1');
});

t.test('a call: ring, caller-id, ring; a lone first ring is closed by the quiet timer', async (t) => {
  const h = harness();
  h.modem.attach(h.port);
  await h.timers.advance(0);
  h.sim.call({ number: '0401234567', name: 'VIRTANEN MATTI' });
  await h.timers.advance(0);
  t.same(h.records, [
    { kind: 'ring' },
    { kind: 'caller-id', status: 'ok', date: '0321', time: '1405', number: '0401234567', name: 'VIRTANEN MATTI' },
    { kind: 'ring' },
  ]);
  h.records.length = 0;
  h.port.emit('data', Buffer.from('\r\nRING\r\n\r\nDATE = 0321\r\nTIME = 1406\r\nNMBR = P\r\n\r\n'));
  await h.timers.advance(1000);
  t.same(h.records, [{ kind: 'ring' }], 'not yet');
  await h.timers.advance(600);
  t.same(h.records, [{ kind: 'ring' }, { kind: 'caller-id', status: 'withheld', date: '0321', time: '1406' }]);
  t.notMatch(JSON.stringify(h.lines), /0401234567|VIRTANEN/, 'no number or name logged');
});

t.test('a banner after a reset re-initialises', async (t) => {
  const h = harness();
  h.modem.attach(h.port);
  await h.timers.advance(0);
  h.sim.reset();
  await h.timers.advance(0);
  t.equal(h.modem.state, 'ready');
  t.equal(h.sim.cid, true, 'caller ID is on again');
  t.equal(h.modem.stats.unexpectedOutput, 1);
  t.same(h.states, ['initialising:attached', 'ready:attached', 'initialising:unexpected-output', 'ready:unexpected-output']);
  h.sim.call({ number: '0509876543' });
  await h.timers.advance(0);
  t.match(h.records, [{ kind: 'ring' }, { kind: 'caller-id', number: '0509876543' }, { kind: 'ring' }]);
});

t.test('a silent reset is caught by the probe, which re-sends the caller-ID command', async (t) => {
  const h = harness({}, { probeIntervalMs: 60_000 });
  h.modem.attach(h.port);
  await h.timers.advance(0);
  h.sim.reset('');
  t.equal(h.sim.cid, false);
  await h.timers.advance(60_000);
  t.equal(h.sim.cid, true);
  t.equal(h.modem.stats.probes, 1);
  t.equal(h.modem.state, 'ready');
});

t.test('no probe while a call is ringing', async (t) => {
  const h = harness({}, { probeIntervalMs: 60_000, quietBeforeProbeMs: 15_000 });
  h.modem.attach(h.port);
  await h.timers.advance(50_000);
  h.sim.call({ number: '0401234567' });
  await h.timers.advance(10_000); // probe due now, but a ring was 10 s ago
  t.equal(h.modem.stats.probes, 0);
  await h.timers.advance(5_000);
  t.equal(h.modem.stats.probes, 1);
});

t.test('a dead modem: probe times out, attempts fail, state failed, retried later', async (t) => {
  const h = harness({}, { probeIntervalMs: 10_000, commandTimeoutMs: 1000, maxAttempts: 2, retryMs: 30_000 });
  h.modem.attach(h.port);
  await h.timers.advance(0);
  h.sim.dead = true;
  await h.timers.advance(10_000);
  await h.timers.advance(1000); // probe times out
  t.equal(h.modem.state, 'initialising');
  await h.timers.advance(10_000); // ATZ and ATE0V1 time out, twice
  t.equal(h.modem.state, 'failed');
  t.match(h.states.at(-1), /^failed:no-answer/);
  t.equal(h.modem.stats.probeFailures, 1);
  h.sim.dead = false;
  await h.timers.advance(30_000);
  t.equal(h.modem.state, 'ready');
  t.equal(h.sim.cid, true);
});

t.test('a modem without caller ID fails at once and retries', async (t) => {
  const h = harness({ vcid: false, hashCid: false }, { retryMs: 5000 });
  h.modem.attach(h.port);
  await h.timers.advance(0);
  t.equal(h.modem.state, 'failed');
  t.same(h.states, ['initialising:attached', 'failed:no-caller-id-command']);
  t.same(h.sim.commands, ['ATZ', 'ATE0V1', 'AT+VCID=1', 'AT#CID=1'], 'one attempt: refusal is an answer');
  await h.timers.advance(5000);
  t.equal(h.sim.commands.length, 8);
});

t.test('garbage in answer to a command fails that attempt', async (t) => {
  const h = harness();
  const write = h.port.write.bind(h.port);
  let garbled = 0;
  h.port.write = (d: string) => {
    if (d === 'AT#CID=1\r' && garbled++ === 0) {
      queueMicrotask(() => h.port.emit('data', Buffer.from('\r\n\u00ff\u00fe\u0001\r\n')));
      return true;
    }
    return write(d);
  };
  h.modem.attach(h.port);
  await h.timers.advance(0);
  t.equal(h.modem.state, 'ready');
  t.same(h.sim.commands, ['ATZ', 'ATE0V1', 'AT+VCID=1', 'ATZ', 'ATE0V1', 'AT+VCID=1', 'AT#CID=1']);
});

t.test('a modem at the wrong baud rate answers garbage: failed, and the reason says so', async (t) => {
  const h = harness({}, { maxAttempts: 2 });
  h.port.write = () => {
    queueMicrotask(() => h.port.emit('data', Buffer.from([0xf8, 0x80, 0x1c, 0xe0, 0x0d, 0x0a])));
    return true;
  };
  h.modem.attach(h.port);
  await h.timers.advance(10_000);
  t.equal(h.modem.state, 'failed');
  t.equal(h.states.at(-1), 'failed:garbled-answer');
  t.match(h.lines.find((l) => l.level === 40), { reason: 'garbled-answer' });
});

t.test('detach stops everything; attach starts again', async (t) => {
  const h = harness();
  h.modem.attach(h.port);
  await h.timers.advance(0);
  h.port.emit('data', Buffer.from('RING\r\nNMBR = 04012'));
  h.modem.detach('port-lost');
  await h.timers.advance(0);
  t.equal(h.modem.state, 'failed');
  t.equal(h.timers.pending, 0, 'no timer left behind');
  t.same(h.records, [{ kind: 'ring' }]);
  const port2 = new SimPort();
  h.modem.attach(port2);
  await h.timers.advance(0);
  t.equal(h.modem.state, 'ready');
  t.match(h.states, ['initialising:attached', 'ready:attached', 'failed:port-lost', 'initialising:attached', 'ready:attached']);
});

t.test('options are checked', async (t) => {
  const { log } = memoryLog();
  const base = { log, clock: new ManualTimers().clock };
  t.throws(() => new HayesModem({ ...base, commandTimeoutMs: 0 }), TypeError);
  t.throws(() => new HayesModem({ ...base, cidCommands: [] }), TypeError);
  t.throws(() => new HayesModem({ ...base, setup: ['ATZ\r\nATH'] }), TypeError);
  t.throws(() => new HayesModem({ ...base, setup: ['+++'] }), TypeError);
  t.doesNotThrow(() => new HayesModem({ ...base, probeIntervalMs: 0 }));
});

t.test('through SerialPortMock', async (t) => {
  const path = '/dev/MODEM0';
  SerialPortMock.binding.createPort(path, { record: true });
  const port = new SerialPortMock({ path, baudRate: 115200 });
  await new Promise<void>((r) => port.on('open', () => r()));
  const binding = port.port!;
  const sim = new ModemSim((s) => binding.emitData(s), { vcid: false });
  const write = binding.write.bind(binding);
  binding.write = async (b: Buffer) => {
    await write(b);
    sim.input(b);
  };
  const timers = new ManualTimers();
  const { log } = memoryLog();
  const modem = new HayesModem({ log, clock: timers.clock, setTimer: timers.setTimer });
  const records: HayesRecord[] = [];
  modem.on('record', (r: HayesRecord) => records.push(r));
  modem.attach(port);
  for (let i = 0; i < 100 && modem.state !== 'ready'; i++) await settle();
  t.equal(modem.state, 'ready');
  t.equal(binding.recording.toString(), 'ATZ\rATE0V1\rAT+VCID=1\rAT#CID=1\r');
  sim.call({ number: '0401234567', name: 'VIRTANEN' });
  for (let i = 0; i < 100 && records.length < 3; i++) await settle();
  t.match(records, [{ kind: 'ring' }, { kind: 'caller-id', number: '0401234567', name: 'VIRTANEN' }, { kind: 'ring' }]);
  modem.detach();
  await new Promise<void>((r) => port.close(() => r()));
  SerialPortMock.binding.reset();
});
