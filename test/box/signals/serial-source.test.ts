import t from 'tap';
import { EventEmitter } from 'node:events';
import { SerialSource, type SourcePort } from '../../../src/box/signals/serial-source.js';
import { WhozzParser } from '../../../src/box/signals/whozz-parser.js';
import type { WhozzRecord } from '../../../src/box/signals/whozz-format.js';
import { memoryLog } from '../../helpers/log.js';
import { ManualTimers } from './serial-source-timers.js';
import { detailLine } from '../../../src/simulate/whozz-lines.js';

// The reopen logic with scripted ports; test/box/signals/whozz-pty.test.ts loses a real pty.
class FakePort extends EventEmitter implements SourcePort {
  isOpen = false;
  constructor(private readonly failWith?: string) {
    super();
  }
  open(cb: (err: Error | null) => void): void {
    queueMicrotask(() => {
      if (this.failWith) return cb(new Error(this.failWith));
      this.isOpen = true;
      cb(null);
    });
  }
  close(cb?: (err: Error | null) => void): void {
    this.isOpen = false;
    queueMicrotask(() => {
      this.emit('close');
      cb?.(null);
    });
  }
  write(): boolean {
    return true;
  }
  /** the device vanished */
  unplug(): void {
    this.isOpen = false;
    this.emit('close', new Error('Port was disconnected'));
  }
}

function harness(script: (string | undefined)[]) {
  const timers = new ManualTimers();
  const { log, lines } = memoryLog();
  const ports: FakePort[] = [];
  const parser = new WhozzParser();
  let n = 0;
  const source = new SerialSource({
    path: '/dev/ttyUSB0',
    baudRate: 9600,
    log,
    parser,
    setTimer: timers.setTimer,
    backoff: { initialMs: 500, maxMs: 4000 },
    createPort: () => {
      const step = script[Math.min(n++, script.length - 1)];
      if (step === 'throw') throw new Error('bad path');
      const p = new FakePort(step);
      ports.push(p);
      return p;
    },
  });
  const records: WhozzRecord[] = [];
  const states: string[] = [];
  source.on('record', (r: WhozzRecord) => records.push(r));
  source.on('state', (s: string) => states.push(s));
  return { timers, source, ports, records, states, lines, parser };
}

t.test('retries with doubling back-off until the port opens', async (t) => {
  const h = harness(['ENOENT: no such file', 'ENOENT: no such file', 'throw', 'ENOENT: no such file', undefined]);
  h.source.start();
  await h.timers.advance(0);
  t.equal(h.source.state, 'waiting');
  await h.timers.advance(499);
  t.equal(h.ports.length, 1);
  await h.timers.advance(1);
  t.equal(h.ports.length, 2);
  await h.timers.advance(1000); // third: createPort throws
  await h.timers.advance(2000);
  t.equal(h.ports.length, 3);
  await h.timers.advance(4000); // capped at maxMs
  t.equal(h.source.state, 'open');
  t.match(h.source.stats, { opens: 1, failedOpens: 4 });
  const warns = h.lines.filter((l) => l.level === 40).map((l) => l.msg);
  t.same(warns, ['serial: cannot open port', 'serial: cannot open port', 'serial: cannot open port'], 'repeats of one cause at debug');
  t.match(h.lines.find((l) => l.msg === 'serial: port open'), { path: '/dev/ttyUSB0', afterFailures: 4 });
});

t.test('a lost port is reopened; its partial line is dropped; records flow', async (t) => {
  const h = harness([undefined]);
  h.source.start();
  await h.timers.advance(0);
  const first = h.ports[0]!;
  first.emit('data', Buffer.from(detailLine(1, 'R') + '\r\n' + '01 F    '));
  first.unplug();
  await h.timers.advance(0);
  t.equal(h.source.state, 'waiting');
  t.equal(h.source.stats.lost, 1);
  t.equal(h.parser.stats.truncated, 1);
  await h.timers.advance(500);
  t.equal(h.source.state, 'open');
  h.ports[1]!.emit('data', Buffer.from(`         11/07 07:43:52\r\n${detailLine(1, 'N')}\r\n`));
  t.same(h.records.map((r) => r.kind), ['ring', 'on-hook']);
  first.emit('data', Buffer.from(detailLine(1, 'H') + '\r\n'));
  t.equal(h.records.length, 2, 'nothing more from the old port');
  t.match(h.states, ['opening', 'open', 'waiting', 'opening', 'open']);
});

t.test('an error on an open port counts as lost', async (t) => {
  const h = harness([undefined]);
  h.source.start();
  await h.timers.advance(0);
  h.ports[0]!.emit('error', new Error('EIO'));
  t.equal(h.source.stats.lost, 1);
  h.ports[0]!.emit('error', new Error('late error from a dead port'));
  await h.timers.advance(500);
  t.equal(h.source.state, 'open');
});

t.test('close stops reopening and closes the port', async (t) => {
  const h = harness(['EBUSY', undefined]);
  h.source.start();
  await h.timers.advance(0);
  await h.source.close();
  await h.timers.advance(10_000);
  t.equal(h.ports.length, 1);
  t.equal(h.timers.pending, 0);
  const g = harness([undefined]);
  g.source.start();
  await g.timers.advance(0);
  await g.source.close();
  t.equal(g.ports[0]!.isOpen, false);
  t.equal(g.source.state, 'closed');
  t.equal(g.source.stats.lost, 0, 'a deliberate close is not a loss');
  const k = harness([undefined]);
  k.source.start(); // open pending…
  await k.source.close(); // …when close comes
  await k.timers.advance(0);
  t.equal(k.ports[0]!.isOpen, false, 'a port that opens after close is closed again');
});

t.test('options are checked', async (t) => {
  const { log } = memoryLog();
  t.throws(() => new SerialSource({ path: '', baudRate: 9600, log }), TypeError);
  t.throws(() => new SerialSource({ path: '/dev/x', baudRate: 0, log }), TypeError);
  t.throws(() => new SerialSource({ path: '/dev/x', baudRate: 9600, log, backoff: { initialMs: 10, maxMs: 5 } }), TypeError);
});
