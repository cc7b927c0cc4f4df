import t from 'tap';
import { SerialPortMock } from 'serialport';
import { parseWhozzLine, type WhozzRecord } from '../../../src/box/signals/whozz-format.js';
import { WhozzParser, type WhozzParserOptions } from '../../../src/box/signals/whozz-parser.js';
import { memoryLog } from '../../helpers/log.js';
import { settle } from './serial-source-timers.js';
import { callLine, detailLine, inboundCall } from '../../../src/simulate/whozz-lines.js';

function run(input: string | Buffer | (string | Buffer)[], opts: WhozzParserOptions = {}) {
  const p = new WhozzParser(opts);
  const out: WhozzRecord[] = [];
  p.on('data', (r: WhozzRecord) => out.push(r));
  for (const c of Array.isArray(input) ? input : [input]) p.write(typeof c === 'string' ? Buffer.from(c, 'latin1') : c);
  p.end();
  return { out, stats: p.stats };
}

t.test('the manual examples, as published', async (t) => {
  // Whozz Calling? 2 manual, "Data Format" and "Detail Mode Output"
  const rec = '01 I S 0276 G B3 09/26 11:28 AM 800-555-1212   AT&T INFORMATIO';
  t.equal(rec.length, 62);
  t.same(parseWhozzLine(rec), {
    ok: true,
    record: {
      kind: 'call', unitLine: 1, direction: 'in', phase: 'start', cidChecksum: 'good',
      date: '0926', time: '1128', number: '8005551212', numberStatus: 'ok', name: 'AT&T INFORMATIO',
    },
  });
  const details: [string, WhozzRecord][] = [
    ['01 R             11/07 07:43:52', { kind: 'ring', unitLine: 1, date: '1107', time: '074352' }],
    ['01 F             11/07 17:45:04', { kind: 'off-hook', unitLine: 1, date: '1107', time: '174504' }],
    ['02 N             11/07 10:46:23', { kind: 'on-hook', unitLine: 2, date: '1107', time: '104623' }],
    ['01 H             11/07 22:11:08', { kind: 'flash', unitLine: 1, date: '1107', time: '221108' }],
  ];
  for (const [line, record] of details) t.same(parseWhozzLine(line), { ok: true, record }, line);
  // Ethernet Link supplement example (an end record, "$" from the c toggle, name padded)
  t.same(parseWhozzLine('$01 I E 0000 G A2 12/17 04:54 PM 770-263-7111   CALLERID.COM   '), {
    ok: true,
    record: {
      kind: 'call', unitLine: 1, direction: 'in', phase: 'end', durationS: 0, rings: 2, ringType: 'A', cidChecksum: 'good',
      date: '1217', time: '1654', number: '7702637111', numberStatus: 'ok', name: 'CALLERID.COM',
    },
  });
});

t.test('a whole call, CRLF, one byte at a time', async (t) => {
  const lines = inboundCall(3, '0401234567', 'VIRTANEN MATTI', 103);
  const bytes = Buffer.from(lines.map((l) => l + '\r\n').join(''), 'latin1');
  const { out, stats } = run([...bytes].map((b) => Buffer.from([b])));
  t.same(out.map((r) => r.kind), ['ring', 'call', 'off-hook', 'on-hook', 'call']);
  t.match(out[1], { kind: 'call', unitLine: 3, direction: 'in', phase: 'start', number: '0401234567', name: 'VIRTANEN MATTI', date: '0321', time: '1405' });
  t.notOk('durationS' in out[1]!, 'no duration on a start record');
  t.match(out[4], { phase: 'end', durationS: 103, rings: 2, ringType: 'A' });
  t.match(stats, { lines: 5, records: 5, bad: 0 });
});

t.test('CR, LF and CRLF all end lines; NUL padding between lines is skipped', async (t) => {
  const l = detailLine(1, 'R');
  const { out, stats } = run(`${l}\r${l}\n${l}\r\n\0\0\0${l}\n\r\n\n`);
  t.equal(out.length, 4);
  t.equal(stats.bad, 0);
});

t.test('12-hour clock, unset clock, checksum, withheld and outbound', async (t) => {
  const p = (c: Parameters<typeof callLine>[0]) => parseWhozzLine(callLine(c));
  t.match(p({ line: 1, io: 'I', se: 'S', time: '12:05 AM', number: '123' }), { record: { time: '0005' } });
  t.match(p({ line: 1, io: 'I', se: 'S', time: '12:05 PM', number: '123' }), { record: { time: '1205' } });
  t.match(p({ line: 1, io: 'I', se: 'S', time: '11:59 PM', number: '123' }), { record: { time: '2359' } });
  const unset = p({ line: 1, io: 'I', se: 'S', date: '00/00', time: '00:00 AM', number: '123' });
  t.ok(unset.ok);
  t.notOk(unset.ok && 'date' in unset.record, 'no date while the unit clock is unset');
  t.same(parseWhozzLine(detailLine(2, 'R', '00/00', '00:01:17')), { ok: true, record: { kind: 'ring', unitLine: 2 } });
  const bad = p({ line: 1, io: 'I', se: 'S', checksum: 'B', number: '0401234567', name: 'X' });
  t.match(bad, { ok: true, record: { cidChecksum: 'bad' } });
  t.notOk(bad.ok && ('number' in bad.record || 'name' in bad.record), 'no number or name from a signal with a bad checksum');
  t.match(p({ line: 1, io: 'I', se: 'S', number: 'Private', name: 'Private' }), { record: { numberStatus: 'withheld' } });
  t.match(p({ line: 1, io: 'I', se: 'S', number: 'Out-of-Area', name: 'Out-of-Area' }), { record: { numberStatus: 'unavailable' } });
  const empty = p({ line: 1, io: 'I', se: 'S' });
  t.ok(empty.ok && !('number' in empty.record) && !('numberStatus' in empty.record), 'no caller ID at all');
  const out = p({ line: 4, io: 'O', se: 'E', duration: 61, number: '*31#0401234567', name: '1234#' });
  t.match(out, { record: { direction: 'out', number: '*31#0401234567', durationS: 61, rings: 0 } });
  t.notOk(out.ok && 'name' in out.record, 'digits dialled after a pause are not a name');
  const typeless = p({ line: 1, io: 'I', se: 'E', rings: '04', number: '123' });
  t.ok(typeless.ok && typeless.record.kind === 'call' && typeless.record.rings === 4 && !('ringType' in typeless.record));
  t.match(p({ line: 1, io: 'I', se: 'E', rings: 'E3', number: '123' }), { ok: false, reason: 'unknown' });
  t.match(p({ line: 1, io: 'I', se: 'E', rings: '03', number: '123' }), { ok: true, record: { rings: 3 } });
  t.match(parseWhozzLine(callLine({ line: 1, io: 'I', se: 'S', date: '26/09', number: '123' }), { dateOrder: 'DM' }), { record: { date: '0926' } });
});

t.test('lines that yield nothing', async (t) => {
  const good = callLine({ line: 1, io: 'I', se: 'S', number: '0401234567', name: 'X' });
  const cases: [string, string][] = [
    [good.replace('01 I', '00 I'), 'malformed'], // no line 00
    [good.replace('09/26', '13/26'), 'malformed'],
    [good.replace('09/26', '09/32'), 'malformed'],
    [good.replace('11:28', '13:28'), 'malformed'],
    [good.replace('11:28', '11:60'), 'malformed'],
    [good.replace('11:28', '00:28'), 'malformed'], // 12-hour dial with a set clock
    [good.replace('0401234567', '04012 4567'), 'malformed'],
    [good.replace('0401234567 ', '0401234567-'), 'malformed'],
    [good.replace('0401234567 ', '0401--34567'), 'malformed'],
    [good.replace('0401234567', '040123456X'), 'malformed'],
    [good.slice(0, 61), 'width'],
    [good + ' ', 'width'],
    [good.slice(0, 40), 'width'],
    [detailLine(1, 'R').replace('07:43:52', '24:43:52'), 'malformed'],
    [detailLine(1, 'X' as 'R'), 'unknown'],
    [detailLine(1, 'R').slice(0, 30), 'unknown'],
    ['V5.2 ECXUDASOBKT L=01 00/00 00:00:12', 'ignored'],
    ['$01 09/26 02:30 PM 8002404637 I CallerID.com', 'unknown'], // the limited ("x") format is not supported
    ['garbage', 'unknown'],
  ];
  for (const [line, reason] of cases) t.match(parseWhozzLine(line), { ok: false, reason }, JSON.stringify(line));
  t.match(parseWhozzLine(good.slice(0, 50), { trimmedPadding: true }), { ok: true, record: { number: '0401234567' } });
  t.match(parseWhozzLine(good.slice(0, 45), { trimmedPadding: true }), { ok: false, reason: 'width' }, 'number field cut: never');
});

t.test('garbage, binary, NULs, overlong and truncated input are counted, never thrown', async (t) => {
  const l = detailLine(1, 'R');
  const { log, lines } = memoryLog();
  const { out, stats } = run(
    [
      `${l}\r\n`,
      Buffer.from([0x30, 0x31, 0x00, 0x20, 0x52, 0x0d, 0x0a]), // NUL inside a line
      Buffer.from([0xff, 0xfe, 0x1b, 0x5b, 0x0a]),
      'x'.repeat(1000) + '\r\n',
      `${l}\r\n`,
      callLine({ line: 2, io: 'I', se: 'S', number: '0401234567', name: 'VIRTANEN' }).slice(0, 50) + '\r\n',
      '01 R   ', // no terminator: dropped at end
    ],
    { log },
  );
  t.equal(out.length, 2);
  t.match(stats, { lines: 6, records: 2, binary: 2, overlong: 1, malformed: 1, truncated: 1, bad: 5, width: 1 });
  const text = JSON.stringify(lines);
  t.notMatch(text, /0401234567|VIRTANEN|xxxx/, 'no line content in the log');
  t.ok(lines.every((l) => l.level === 20), 'bad lines at debug');
});

t.test('a unit that strips padding gets one warning', async (t) => {
  const { log, lines } = memoryLog();
  const rec = callLine({ line: 1, io: 'I', se: 'S', number: '0401234567', name: 'X' }).trimEnd();
  run([0, 1, 2, 3].map(() => rec + '\r\n'), { log });
  t.equal(lines.filter((l) => l.level === 40).length, 1);
  t.equal(run(rec + '\r\n', { trimmedPadding: true }).out.length, 1);
});

t.test('options are checked', async (t) => {
  t.throws(() => new WhozzParser({ maxLineBytes: 4 }), TypeError);
  t.throws(() => new WhozzParser({ dateOrder: 'YMD' as 'MD' }), TypeError);
});

t.test('resync drops a partial line', async (t) => {
  const p = new WhozzParser();
  const out: WhozzRecord[] = [];
  p.on('data', (r: WhozzRecord) => out.push(r));
  p.write(Buffer.from('01 R       '));
  p.resync();
  p.write(Buffer.from(`      11/07 07:43:52\r\n${detailLine(1, 'N')}\r\n`));
  await settle();
  t.same(out.map((r) => r.kind), ['on-hook']);
  t.match(p.stats, { truncated: 1, unknown: 1 });
  p.resetStats();
  t.equal(p.stats.bad, 0);
});

t.test('through SerialPortMock', async (t) => {
  const path = '/dev/WHOZZ0';
  SerialPortMock.binding.createPort(path, { maxReadSize: 7 });
  const port = new SerialPortMock({ path, baudRate: 9600 });
  await new Promise<void>((r) => port.on('open', () => r()));
  const parser = port.pipe(new WhozzParser());
  const out: WhozzRecord[] = [];
  parser.on('data', (r: WhozzRecord) => out.push(r));
  for (const l of inboundCall(1, '0501234567', 'KORHONEN', 12)) port.port!.emitData(l + '\r\n');
  for (let i = 0; i < 50 && out.length < 5; i++) await settle();
  t.same(out.map((r) => r.kind), ['ring', 'call', 'off-hook', 'on-hook', 'call']);
  t.match(out[4], { number: '0501234567', durationS: 12 });
  await new Promise<void>((r) => port.close(() => r()));
  SerialPortMock.binding.reset();
});
