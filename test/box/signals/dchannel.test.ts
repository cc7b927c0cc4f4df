// The trace reader: every accepted line form, odd chunking, counters, options, and a run
// through SerialPortMock as a serial D-channel monitor would feed it.
import t from 'tap';
import { SerialPortMock } from 'serialport';
import { DChannel, parseTraceLine, type DChannelFrame, type DChannelOptions, type DChannelStats } from '../../../src/box/signals/dchannel.js';
import { q931Events } from '../../../src/box/signals/q931.js';

const hex = (s: string) => Uint8Array.from(s.trim().split(/\s+/), (b) => parseInt(b, 16));

// An incoming call on a BRI: SETUP (UI, broadcast TEI), ALERTING and CONNECT from TEI 64,
// DISCONNECT from the network with cause 16, RELEASE, RELEASE COMPLETE.
const SETUP = '02 ff 03 08 01 05 05 04 03 80 90 a3 18 01 89 6c 0c 21 81 30 34 30 31 32 33 34 35 36 37 70 05 c1 31 32 33 34';
const ALERTING = '00 81 00 00 08 01 85 01';
const CONNECT = '00 81 02 00 08 01 85 07';
const DISCONNECT = '02 81 00 04 08 01 05 45 08 02 82 90';
const RELEASE = '00 81 04 02 08 01 85 4d';
const RELEASE_COMPLETE = '02 81 02 06 08 01 05 5a';
const RR = '02 81 01 05';

async function run(input: string | (string | Buffer)[], opts?: DChannelOptions): Promise<{ frames: DChannelFrame[]; stats: DChannelStats }> {
  const d = new DChannel(opts);
  const frames: DChannelFrame[] = [];
  d.on('data', (f: DChannelFrame) => frames.push(f));
  const done = new Promise<void>((resolve, reject) => {
    d.on('end', resolve);
    d.on('error', reject);
  });
  for (const chunk of Array.isArray(input) ? input : [input]) d.write(chunk);
  d.end();
  await done;
  return { frames, stats: d.stats() };
}

const accounted = (s: DChannelStats) => s.frameLines + s.ignoredLines + s.unrecognisedLines + s.badLines;

t.test('form A: marked lines, with and without timestamps, spaced or contiguous hex', async (t) => {
  const contiguous = (s: string) => s.replace(/ /g, '');
  const trace = [
    `< ${SETUP}`,
    `12:00:01.250 > ${ALERTING}`,
    `[2024-05-01T12:00:02.000Z] > ${CONNECT}`,
    `01.05.2024 12:00:30.000001 < ${DISCONNECT}`,
    `> ${contiguous(RELEASE)}     05.06. 13:23:33`, // mISDN text_wireshark
    `1714564831.5 <${contiguous(RELEASE_COMPLETE)}`,
    `< ${RR}`,
    '',
  ].join('\n');
  const { frames, stats } = await run(trace);
  t.same(
    frames.map((f) => [f.direction, f.directionFrom, f.at, f.q931?.name ?? f.lapd.control.format, f.line]),
    [
      ['from-network', 'mark', undefined, 'SETUP', 1],
      ['to-network', 'mark', '12:00:01.250', 'ALERTING', 2],
      ['to-network', 'mark', '2024-05-01T12:00:02.000Z', 'CONNECT', 3],
      ['from-network', 'mark', '01.05.2024 12:00:30.000001', 'DISCONNECT', 4],
      ['to-network', 'mark', '05.06. 13:23:33', 'RELEASE', 5],
      ['from-network', 'mark', '1714564831.5', 'RELEASE COMPLETE', 6],
      ['from-network', 'mark', undefined, 'S', 7],
    ],
  );
  t.equal(frames[6]!.role, 'command', 'RR from the network with C/R 1 is a command');
  t.same(frames[0]!.bytes, hex(SETUP));
  t.match(stats, { lines: 7, frameLines: 7, frames: 7, emitted: 7, q931: 6, badFrames: 0, crMismatch: 0 });

  const events = frames.flatMap((f) => q931Events(f));
  t.same(
    events.map((e) => [e.kind, e.callKey, e.direction]),
    [
      ['setup', 'in:5', 'incoming'],
      ['alerting', 'in:5', 'incoming'],
      ['connect', 'in:5', 'incoming'],
      ['disconnect', 'in:5', 'incoming'],
      ['release', 'in:5', 'incoming'],
      ['release', 'in:5', 'incoming'],
    ],
    'one call, from SETUP to RELEASE COMPLETE',
  );
  t.match(events[0], { calling: '0401234567', called: '1234', channel: 'B1', presentation: 'allowed' });
  t.match(events[3], { cause: { value: 16, location: 'public-local' } });
});

t.test("the brief's example line is read as written; the mark wins over C/R and the mismatch is counted", async (t) => {
  const { frames, stats } = await run('> 02 01 00 00 08 01 05 05 04 03 80 90 a3 18 01 89 6c 0b 21 81 30 34 30 31 32 33 34 35 36\n');
  t.equal(frames.length, 1);
  t.equal(frames[0]!.direction, 'to-network');
  t.equal(frames[0]!.q931?.callingNumbers[0]?.digits, '040123456');
  t.equal(stats.crMismatch, 1, 'an I frame with C/R 1 sent to the network is a network command: counted');
});

t.test('form B: unmarked hex lines take their direction from the C/R bit of I and UI frames', async (t) => {
  const { frames, stats } = await run(`${SETUP}\n${ALERTING.replace(/ /g, '')}\n${RR}\n`);
  t.same(
    frames.map((f) => [f.direction, f.directionFrom]),
    [
      ['from-network', 'cr'],
      ['to-network', 'cr'],
    ],
  );
  t.equal(stats.noDirection, 1, 'the RR could be either way: dropped and counted');
  t.equal(stats.frameLines, 3);
});

t.test('form C: misdn_log records, continuation lines, TE and NT roles, echo', async (t) => {
  // misdn_log prints 16 octets per line, continuation lines indented by 33 blanks; the byte
  // count includes the 8-octet mISDN header.
  const octets = hex(SETUP);
  const lines = (stamp: string, prim: string, bytes: Uint8Array) => {
    const parts: string[] = [];
    for (let i = 0; i < bytes.length; i += 16) parts.push(Array.from(bytes.subarray(i, i + 16), (b) => ` ${b.toString(16).padStart(2, '0')}`).join(''));
    return `${stamp} received ${String(bytes.length + 8).padStart(3)} bytes prim = ${prim} id=00000140${parts.join('\n' + ' '.repeat(33))}`;
  };
  const trace = [
    'mISDN kernel version 2.00.0 found',
    lines('01.05.2024 12:00:00.000100', '0102', new Uint8Array(0)).replace(/ +$/, ''), // PH_ACTIVATE_IND, no data
    lines('01.05.2024 12:00:00.100000', '2002', octets), // PH_DATA_IND
    lines('01.05.2024 12:00:00.200000', '2001', hex(ALERTING)), // PH_DATA_REQ
    lines('01.05.2024 12:00:00.200100', '3002', hex(ALERTING)), // PH_DATA_E_IND (echo)
    '',
  ].join('\n');
  t.equal(trace.split('\n')[2]!.split('id=00000140')[1]!.trim().split(' ').length, 16, 'the first line holds 16 octets');

  const te = await run(trace);
  t.same(
    te.frames.map((f) => [f.direction, f.at, f.q931?.name]),
    [
      ['from-network', '01.05.2024 12:00:00.100000', 'SETUP'],
      ['to-network', '01.05.2024 12:00:00.200000', 'ALERTING'],
      ['to-network', '01.05.2024 12:00:00.200100', 'ALERTING'],
    ],
    'TE: IND from the network; REQ and E_IND to it',
  );
  t.match(te.stats, { lines: 7, frameLines: 5, ignoredLines: 1, unrecognisedLines: 1, badLines: 0 });
  t.equal(te.frames[0]!.q931?.callingNumbers[0]?.digits, '0401234567', 'a frame over three lines reassembled');

  const echo = await run(trace, { misdnEcho: true });
  t.same(echo.frames.map((f) => f.q931?.name), ['SETUP', 'ALERTING'], 'with an echo channel the REQ duplicate is skipped');
  t.match(echo.stats, { frameLines: 4, ignoredLines: 2 });

  const nt = await run(trace, { misdnRole: 'nt' });
  t.same(nt.frames.map((f) => f.direction), ['to-network', 'from-network', 'to-network'], 'NT: REQ is the network sending');

  // A record cut short by the next record: its lines are bad, the next record still reads.
  const cut = trace.split('\n');
  cut.splice(4, 1); // drop the SETUP's last continuation line
  const c = await run(cut.join('\n'));
  t.same(c.frames.map((f) => f.q931?.name), ['ALERTING', 'ALERTING']);
  t.equal(c.stats.badLines, 2);
  t.equal(accounted(c.stats), c.stats.lines);
});

t.test('form D: text2pcap / Wireshark hexdump with offsets, preamble, ASCII column', async (t) => {
  const trace = [
    'I 2024-05-01T12:00:00.123456Z',
    '0000  02 ff 03 08 01 05 05 04  03 80 90 a3 18 01 89 6c   ...............l',
    '0010  0c 21 81 30 34 30 31 32  33 34 35 36 37 70 05 c1   .!.0401234567p..',
    '0020  31 32 33 34                                        1234',
    '',
    'O 2024-05-01T12:00:01Z',
    '0000  00 81 00 00 08 01 85 01                            ........',
    '000000 02 81 00 04 08 01 05 45 08 02 82 90', // od -Ax -tx1, no direction: C/R
    '00000c',
    '0000  02 81 00 04 08 01 05 45',
    '0010  08 02', // offset out of step: the frame is bad
    '0000  00 81 04 02 08 01 85 4d 61 62', // ASCII-looking bytes are still bytes...
    '0000  00 81 04 02 08 01 85 4d    ab', // ...but after three blanks they are the ASCII column
  ].join('\n');
  const { frames, stats } = await run(trace);
  t.same(
    frames.map((f) => [f.direction, f.directionFrom, f.at, f.q931?.name, f.line]),
    [
      ['from-network', 'mark', '2024-05-01T12:00:00.123456Z', 'SETUP', 1],
      ['to-network', 'mark', '2024-05-01T12:00:01Z', 'ALERTING', 6],
      ['from-network', 'cr', undefined, 'DISCONNECT', 8],
      ['to-network', 'cr', undefined, undefined, 12],
      ['to-network', 'cr', undefined, 'RELEASE', 13],
    ],
  );
  t.same(frames[0]!.bytes, hex(SETUP));
  t.same(frames[3]!.bytes.length, 10);
  t.same(frames[4]!.bytes.length, 8);
  t.equal(frames[3]!.q931, undefined, 'trailing 61 62 would be an IE 0x61 of 0x62 octets: truncated');
  t.equal(frames[3]!.q931Error?.code, 'Q931_IE_TRUNCATED');
  t.match(stats, { lines: 13, frameLines: 10, ignoredLines: 1, badLines: 2, frames: 5 });
});

t.test('counters: every line lands in exactly one bucket', async (t) => {
  const trace = [
    '# a comment',
    '',
    `> ${ALERTING}`,
    '> 02 01 0', // odd digits
    '> zz yy', // a mark without hex
    'some log text',
    '> 02 01', // too short for LAPD
    '< 09 01 05 05', // EA0 set: not a LAPD address
    '< 02 01 00 00 09 01 05 05', // PD 0x09
    '< 02 01 00 00 08 01 05 05 6c 09 21', // truncated IE
    '< 02 01 00 00 08 01 05 05 6c 03 21 83 41', // invalid IE contents
    'received 40 bytes prim = 2002 id=zz', // a misdn_log record that does not parse
  ].join('\r\n');
  const { frames, stats } = await run(trace);
  t.same(stats, {
    lines: 12,
    frameLines: 6,
    ignoredLines: 2,
    unrecognisedLines: 1,
    badLines: 3,
    frames: 6,
    badFrames: 2,
    noDirection: 0,
    crMismatch: 0,
    emitted: 4,
    q931: 2,
    badQ931: 1,
    otherLayer3: 1,
    ieProblems: 1,
  });
  t.equal(accounted(stats), stats.lines);
  t.same(
    frames.map((f) => [f.q931?.name, f.q931Error?.code]),
    [
      ['ALERTING', undefined],
      [undefined, 'Q931_NOT_Q931'],
      [undefined, 'Q931_IE_TRUNCATED'],
      ['SETUP', undefined],
    ],
  );
});

t.test('any chunking gives the same frames; the last line needs no newline', async (t) => {
  const trace = `< ${SETUP}\n12:00:01.250 > ${ALERTING}\r\n> ${CONNECT}`;
  const whole = await run(trace);
  t.equal(whole.frames.length, 3);
  for (const size of [1, 2, 3, 7, 64]) {
    const chunks: string[] = [];
    for (let i = 0; i < trace.length; i += size) chunks.push(trace.slice(i, i + size));
    const r = await run(chunks);
    t.same(
      r.frames.map((f) => Array.from(f.bytes)),
      whole.frames.map((f) => Array.from(f.bytes)),
      `chunks of ${size}`,
    );
    t.same(r.stats, whole.stats);
  }
  const buffers = await run([Buffer.from(trace.slice(0, 10)), Buffer.from(trace.slice(10))]);
  t.equal(buffers.frames.length, 3, 'Buffers as well as strings');
});

t.test('an over-long line is dropped and counted once, and reading resumes after it', async (t) => {
  const long = `> ${'08 '.repeat(100)}`;
  const { frames, stats } = await run([long.slice(0, 150), long.slice(150), `\n> ${ALERTING}\n`], { maxLineLength: 64 });
  t.equal(frames.length, 1);
  t.match(stats, { lines: 2, badLines: 1, frameLines: 1 });
  const whole = await run(`${long}\n> ${ALERTING}\n`, { maxLineLength: 64 });
  t.match(whole.stats, { lines: 2, badLines: 1, frameLines: 1 }, 'also when the long line arrives in one chunk');
});

t.test('stats can be reset', async (t) => {
  const d = new DChannel();
  d.resume();
  d.write(`> ${ALERTING}\n`);
  await new Promise((r) => setImmediate(r));
  t.equal(d.stats().frames, 1);
  d.resetStats();
  t.equal(d.stats().frames, 0);
});

t.test('bad options throw TypeError', async (t) => {
  t.throws(() => new DChannel({ misdnRole: 'xx' as 'te' }), TypeError);
  t.throws(() => new DChannel({ misdnEcho: 'yes' as unknown as boolean }), TypeError);
  t.throws(() => new DChannel({ maxLineLength: 0 }), TypeError);
  t.throws(() => new DChannel({ maxLineLength: 1.5 }), TypeError);
  t.throws(() => new DChannel(null as unknown as DChannelOptions), TypeError);
  t.doesNotThrow(() => new DChannel());
});

t.test('parseTraceLine classifies single lines', async (t) => {
  t.match(parseTraceLine('  > 02 01 00 00 08 01 05 05  '), { kind: 'marked', direction: 'to-network' });
  t.match(parseTraceLine('<0201000008010505'), { kind: 'marked', direction: 'from-network' });
  t.match(parseTraceLine('12:00:00 > 02 01'), { kind: 'marked', at: '12:00:00' });
  t.match(parseTraceLine('6c 0b 21'), { kind: 'hex' });
  t.match(parseTraceLine('0000  02 01'), { kind: 'offset', offset: 0 });
  t.match(parseTraceLine('0010 02 01'), { kind: 'offset', offset: 16 });
  t.match(parseTraceLine('O 12:00:00.5'), { kind: 'preamble', direction: 'to-network', at: '12:00:00.5' });
  t.match(parseTraceLine('I'), { kind: 'preamble', direction: 'from-network' });
  t.match(parseTraceLine('received  16 bytes prim = 2002 id=00000040 02 01 03 08'), { kind: 'misdn', prim: 0x2002, octets: 8 });
  t.match(parseTraceLine('# 02 01'), { kind: 'ignore' });
  t.match(parseTraceLine('> 0201 0'), { kind: 'bad' });
  t.match(parseTraceLine('Contr1: 12:00:00.000000 Net>User Cmd TEI=64'), { kind: 'unrecognised' });
});

t.test('from a serial port (SerialPortMock) through the reader to call events', async (t) => {
  const path = '/dev/ttyDCHAN';
  SerialPortMock.binding.createPort(path);
  const port = new SerialPortMock({ path, baudRate: 115200 });
  await new Promise<void>((resolve, reject) => port.on('open', resolve).on('error', reject));
  const reader = port.pipe(new DChannel());
  const events: string[] = [];
  reader.on('data', (f: DChannelFrame) => {
    if (f.q931) for (const e of q931Events({ direction: f.direction, lapd: f.lapd, q931: f.q931 })) events.push(`${e.kind}:${e.callKey}`);
  });
  const text = `< ${SETUP}\n> ${ALERTING}\n> ${CONNECT}\n< ${DISCONNECT}\n`;
  // Split mid-line, as a UART delivers it.
  port.port!.emitData(Buffer.from(text.slice(0, 37)));
  port.port!.emitData(Buffer.from(text.slice(37)));
  await new Promise((r) => setTimeout(r, 20));
  t.same(events, ['setup:in:5', 'alerting:in:5', 'connect:in:5', 'disconnect:in:5']);
  await new Promise<void>((resolve) => port.close(() => resolve()));
  SerialPortMock.binding.reset();
});
