import t from 'tap';
import { SerialPort } from 'serialport';
import { SerialSource } from '../../../src/box/signals/serial-source.js';
import type { WhozzRecord } from '../../../src/box/signals/whozz-format.js';
import { WhozzParser } from '../../../src/box/signals/whozz-parser.js';
import { memoryLog } from '../../helpers/log.js';
import { hasSocat, ptyPair, until } from '../../helpers/pty.js';
import { callLine, detailLine, inboundCall } from '../../../src/simulate/whozz-lines.js';

// A real pty pair (socat): the parser reads one end through the real SerialPort binding while
// the test plays a Whozz Calling? unit on the other. Then socat dies (the USB adapter is pulled),
// comes back, and the source reopens by itself.

async function openUnit(path: string): Promise<SerialPort> {
  const port = new SerialPort({ path, baudRate: 9600, autoOpen: false });
  port.on('error', () => undefined); // the far end vanishes during the test
  await new Promise<void>((resolve, reject) => port.open((err) => (err ? reject(err) : resolve())));
  return port;
}

/** Writes like a slow unit: odd chunk sizes, a pause now and then. */
async function play(port: SerialPort, bytes: Buffer): Promise<void> {
  let i = 0;
  let k = 0;
  while (i < bytes.length) {
    const n = 1 + ((k++ * 7919) % 23);
    port.write(bytes.subarray(i, i + n));
    i += n;
    if (k % 5 === 0) await new Promise((r) => setTimeout(r, 2));
  }
  await new Promise<void>((r) => port.drain(() => r()));
}

t.test('a unit on a real pty, lost and found again', { skip: !hasSocat && 'socat is not installed' }, async (t) => {
  const pair = await ptyPair();
  t.teardown(() => pair.dispose());
  const { log, lines } = memoryLog();
  const parser = new WhozzParser({ log });
  const source = new SerialSource({ path: pair.a, baudRate: 9600, log, parser, backoff: { initialMs: 100, maxMs: 400 } });
  const records: WhozzRecord[] = [];
  source.on('record', (r: WhozzRecord) => records.push(r));
  t.teardown(() => source.close());
  source.start();
  await until(() => source.state === 'open', 5000, 'source open');

  let unit = await openUnit(pair.b);
  const stream = [
    '\0\0\0',
    ...inboundCall(1, '0401234567', 'VIRTANEN MATTI', 95).map((l) => l + '\r\n'),
    'V5.2 ECXUDASOBKT L=01 11/07 07:40:00\r\n',
    '\u00ff\u00fe\u0007garbage\r\n',
    detailLine(2, 'F', '03/21', '14:10:00', true) + '\r\n',
    callLine({ line: 2, io: 'O', se: 'S', date: '03/21', time: '02:10 PM', number: '0931234567', dollar: true }) + '\n',
    callLine({ line: 2, io: 'O', se: 'E', duration: 42, date: '03/21', time: '02:10 PM', number: '0931234567', name: '1#', dollar: true }) + '\r',
    'x'.repeat(600) + '\r\n',
    ...inboundCall(3, 'Private', 'Private', 7).map((l) => l + '\r\n'),
  ].join('');
  await play(unit, Buffer.from(stream, 'latin1'));
  await until(() => records.length >= 13, 5000, '13 records');
  t.same(records.map((r) => `${r.unitLine}:${r.kind}`), [
    '1:ring', '1:call', '1:off-hook', '1:on-hook', '1:call',
    '2:off-hook', '2:call', '2:call',
    '3:ring', '3:call', '3:off-hook', '3:on-hook', '3:call',
  ]);
  t.match(records[4], { kind: 'call', direction: 'in', phase: 'end', number: '0401234567', name: 'VIRTANEN MATTI', durationS: 95 });
  t.match(records[7], { kind: 'call', direction: 'out', phase: 'end', number: '0931234567', durationS: 42 });
  t.match(records[9], { numberStatus: 'withheld' });
  t.match(parser.stats, { ignored: 1, binary: 1, overlong: 1, bad: 2 });

  // the adapter is pulled: both pty ends vanish
  await pair.kill();
  await until(() => source.stats.lost === 1 && source.state === 'waiting', 5000, 'loss noticed');
  await new Promise((r) => setTimeout(r, 600)); // a few failed reopen attempts
  t.ok(source.stats.failedOpens >= 1, 'reopen attempts fail while it is gone');
  await pair.restart();
  await until(() => source.state === 'open', 5000, 'reopened');
  unit = await openUnit(pair.b);
  t.teardown(() => new Promise<void>((r) => unit.close(() => r())));
  await play(unit, Buffer.from(inboundCall(4, '0501112223', 'KORHONEN', 3).map((l) => l + '\r\n').join(''), 'latin1'));
  await until(() => records.length >= 18, 5000, 'records after reopen');
  t.match(records.slice(13), [{ unitLine: 4, kind: 'ring' }, { number: '0501112223' }, {}, {}, { phase: 'end', durationS: 3 }]);
  t.equal(source.stats.opens, 2);
  t.notMatch(JSON.stringify(lines), /0401234567|0931234567|0501112223|VIRTANEN|KORHONEN/, 'no number or name in the log');
  t.ok(lines.some((l) => l.msg === 'serial: port lost, will reopen'));
});
