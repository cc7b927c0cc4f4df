import t from 'tap';
import {
  CLIP_FRAMER_DEFAULTS,
  clipChecksum,
  clipFields,
  clipFramerRx,
  clipFskResetCounters,
  clipFskRx,
  createClipFramer,
  createClipFskRx,
  decodeClipMessage,
  encodeClipMessage,
  encodeMdmf,
  encodeSdmf,
  type ClipEvent,
  type ClipStatus,
  type ClipFskRxState,
  type ClipMessage,
} from '../../../src/core/dsp/clip-fsk.js';
import { FSK_SPECS, type FskSpecName } from '../../../src/core/dsp/fsk.js';
import { clipFskBurst, uartBits, type ClipBurstOptions } from '../../../src/core/dsp/fsk-gen.js';
import { createUartRx, uartRx } from '../../../src/core/dsp/uart.js';
import { FSK_CARRIER_DOWN, FSK_CARRIER_UP } from '../../../src/core/dsp/fsk.js';
import { concat, mix, noise, silence, speechLike } from '../../../src/core/dsp/generate.js';
import { SENTENCES, speechSource, utterance } from '../../../src/simulate/speech.js';

const CHUNKS = [37, 160, 333] as const;
const RATES = [8000, 16000] as const;
const SPECS: FskSpecName[] = ['v23', 'bell202'];

/** The test vector of the brief: MDMF call set-up, 21 March 14:05, from 0401234567. */
const VECTOR_HEX = '801601083033323131343035020A30343031323334353637C5';
const VECTOR = Uint8Array.from(Buffer.from(VECTOR_HEX, 'hex'));

interface Case {
  name: string;
  bytes: Uint8Array;
  expect: { type: 'mdmf' | 'sdmf'; status: ClipStatus; date?: string; time?: string; number?: string; name?: string };
}

const CASES: Case[] = [
  { name: 'the test vector', bytes: VECTOR, expect: { type: 'mdmf', status: 'ok', date: '0321', time: '1405', number: '0401234567' } },
  {
    name: 'withheld (P)',
    bytes: encodeMdmf([
      { type: 0x01, value: '11300915' },
      { type: 0x04, value: 'P' },
    ]),
    expect: { type: 'mdmf', status: 'withheld', date: '1130', time: '0915' },
  },
  {
    name: 'unavailable (O)',
    bytes: encodeMdmf([
      { type: 0x01, value: '01010000' },
      { type: 0x04, value: 'O' },
    ]),
    expect: { type: 'mdmf', status: 'unavailable', date: '0101', time: '0000' },
  },
  {
    name: 'with a name',
    bytes: encodeMdmf([
      { type: 0x01, value: '06152359' },
      { type: 0x02, value: '0912345678' },
      { type: 0x07, value: 'Virtanen Matti' },
    ]),
    expect: { type: 'mdmf', status: 'ok', date: '0615', time: '2359', number: '0912345678', name: 'Virtanen Matti' },
  },
  {
    name: 'a long number, call type, called number and a withheld name',
    bytes: encodeMdmf([
      { type: 0x11, value: [0x01] },
      { type: 0x01, value: '12312359' },
      { type: 0x03, value: '0295000000' },
      { type: 0x02, value: '+35840123456789012345' },
      { type: 0x08, value: 'P' },
    ]),
    expect: { type: 'mdmf', status: 'ok', date: '1231', time: '2359', number: '+35840123456789012345' },
  },
  { name: 'SDMF', bytes: encodeSdmf('07041776', '2025550123'), expect: { type: 'sdmf', status: 'ok', date: '0704', time: '1776', number: '2025550123' } },
  { name: 'SDMF private', bytes: encodeSdmf('02290800', 'P'), expect: { type: 'sdmf', status: 'withheld', date: '0229', time: '0800' } },
  { name: 'SDMF out of area', bytes: encodeSdmf('03010101', 'O'), expect: { type: 'sdmf', status: 'unavailable', date: '0301', time: '0101' } },
];

function isMessage(e: ClipEvent | undefined): e is ClipMessage {
  return e !== undefined && e.type !== 'error';
}

/** Feeds `signal` in chunks of `chunk` samples; returns every event. */
function feed(rx: ClipFskRxState, signal: Int16Array, chunk: number): ClipEvent[] {
  const out: ClipEvent[] = [];
  for (let i = 0; i < signal.length; i += chunk) out.push(...clipFskRx(rx, signal.subarray(i, i + chunk)));
  return out;
}

/** A burst between stretches of silence (or of `floorDbfs` noise), as between two rings. */
function line(spec: FskSpecName, bytes: ArrayLike<number>, rate: number, dbfs: number, opts: Partial<ClipBurstOptions> = {}, floorDbfs?: number, seed = 1): Int16Array {
  const sig = concat(silence(300, rate), clipFskBurst(FSK_SPECS[spec], bytes, { sampleRate: rate, dbfs, ...opts }), silence(300, rate));
  return floorDbfs === undefined ? sig : mix(sig, noise((sig.length * 1000) / rate, floorDbfs, rate, seed));
}

// ---- The message layer, no audio -----------------------------------------------------------

t.test('the test vector, as bytes', async (t) => {
  t.equal(clipChecksum(VECTOR.subarray(0, -1)), 0xc5, 'its checksum byte');
  t.equal(VECTOR.reduce((a, b) => a + b, 0) & 0xff, 0, 'all bytes sum to 0 mod 256');
  const m = decodeClipMessage(VECTOR);
  if (!isMessage(m)) return t.fail(`decoded as an error: ${JSON.stringify(m)}`);
  t.match(m, { type: 'mdmf', messageType: 0x80, date: '0321', time: '1405', number: '0401234567', status: 'ok' });
  t.equal(m.name, undefined);
  t.same(
    m.fields.map((f) => [f.type, f.name, f.value]),
    [
      [0x01, 'date-time', '03211405'],
      [0x02, 'calling-number', '0401234567'],
    ],
  );
  const again = encodeMdmf([
    { type: 0x01, value: '03211405' },
    { type: 0x02, value: '0401234567' },
  ]);
  t.equal(Buffer.from(again).toString('hex').toUpperCase(), VECTOR_HEX, 'encodeMdmf builds the same bytes');
});

t.test('each message case decodes', async (t) => {
  for (const c of CASES) {
    const m = decodeClipMessage(c.bytes);
    if (!isMessage(m)) {
      t.fail(`${c.name}: ${JSON.stringify(m)}`);
      continue;
    }
    t.match(m, c.expect, c.name);
    for (const k of ['date', 'time', 'number', 'name'] as const) if (!(k in c.expect)) t.equal(m[k], undefined, `${c.name}: no ${k}`);
  }
});

t.test('clipFields: a pure walk, raw values for the rest', async (t) => {
  const msg = encodeMdmf([
    { type: 0x11, value: [0x81] },
    { type: 0x03, value: '0295000000' },
    { type: 0x99, value: [1, 2, 3] },
  ]);
  const fields = [...clipFields(msg)];
  t.same(
    fields.map((f) => [f.type, f.name, [...f.bytes]]),
    [
      [0x11, 'call-type', [0x81]],
      [0x03, 'called-number', [...Buffer.from('0295000000')]],
      [0x99, 'param-0x99', [1, 2, 3]],
    ],
  );
  t.same([...clipFields(msg)], fields, 'walking twice gives the same');
  t.same(
    [...clipFields(CASES.find((c) => c.name === 'SDMF private')!.bytes)].map((f) => [f.name, f.value]),
    [
      ['date-time', '02290800'],
      ['absence-of-number', 'P'],
    ],
    'SDMF as the MDMF parameters of the same meaning',
  );
  // A parameter that runs past the body: the walk stops before it.
  t.same([...clipFields([0x80, 0x05, 0x02, 0x01, 0x31, 0x07, 0x09, 0x00])].map((f) => f.value), ['1']);
  t.same([...clipFields([])], []);
  t.same([...clipFields([0x42, 0x02, 0x01, 0x00, 0x00])], [], 'not a caller-ID message type');
});

t.test('bad messages are errors, never throws', async (t) => {
  const bad = Uint8Array.from(VECTOR);
  bad[20] ^= 0x04;
  t.match(decodeClipMessage(bad), { type: 'error', code: 'bad-checksum' }, 'one bit flipped');
  t.match(decodeClipMessage(VECTOR.subarray(0, 20)), { type: 'error', code: 'truncated' });
  t.match(decodeClipMessage([0x80]), { type: 'error', code: 'truncated' });
  t.match(decodeClipMessage([]), { type: 'error', code: 'truncated' });
  t.match(decodeClipMessage([...VECTOR, 0x00]), { type: 'error', code: 'bad-length' }, 'a byte more than the length says');
  // Good checksum, but the parameters do not fill the body.
  const overrun = encodeClipMessage(0x80, [0x01, 0x08, 0x30, 0x33, 0x32, 0x31, 0x31, 0x34, 0x30, 0x35, 0x02, 0x0b, 0x30, 0x34]);
  t.match(decodeClipMessage(overrun), { type: 'error', code: 'bad-length' }, 'a parameter past the body');
  t.match(decodeClipMessage(encodeClipMessage(0x80, [])), { type: 'error', code: 'bad-length' }, 'MDMF with no parameters');
  t.match(decodeClipMessage(encodeClipMessage(0x04, '0101')), { type: 'error', code: 'bad-length' }, 'SDMF too short for its date');
  t.match(decodeClipMessage(encodeClipMessage(0x42, [1, 2])), { type: 'error', code: 'unknown-type' });
  t.throws(() => encodeClipMessage(0x80, new Uint8Array(256)), TypeError, 'the encoder refuses a body over 255 bytes');
  t.throws(() => encodeMdmf([{ type: 0x07, value: 'Ωmega' }]), TypeError, 'the encoder refuses characters outside Latin-1');
});

t.test('the framer, fed bits: mark, message, errors and counters', async (t) => {
  const run = (bits: number[]) => {
    const f = createClipFramer();
    const u = createUartRx({ idleEventBits: f.maxGapBits + 1 });
    return { f, ev: clipFramerRx(f, uartRx(u, bits)) };
  };
  const ones = (n: number) => new Array<number>(n).fill(1);
  const seizure = [...uartBits(new Array(30).fill(0x55))];
  const up = FSK_CARRIER_UP;
  const down = FSK_CARRIER_DOWN;

  let { f, ev } = run([up, ...seizure, ...ones(150), ...uartBits(VECTOR), 1, 1, down]);
  t.equal(ev.length, 1);
  t.match(ev[0], { type: 'mdmf', number: '0401234567', startSample: 451, atSample: 700 });
  t.same(f.counters, { messages: 1, badChecksum: 0, truncated: 0, badLength: 0, framing: 0 });

  ({ ev } = run([up, ...ones(CLIP_FRAMER_DEFAULTS.minMarkBits - 1), ...uartBits(VECTOR), down]));
  t.equal(ev.length, 0, 'a mark too short starts nothing');

  ({ f, ev } = run([up, ...ones(100), ...uartBits(VECTOR.subarray(0, 10)), down]));
  t.match(ev, [{ type: 'error', code: 'truncated', bytes: VECTOR.subarray(0, 10) }], 'carrier lost mid-message');
  t.equal(f.counters.truncated, 1);

  const gapped = [...uartBits(VECTOR.subarray(0, 10)), ...ones(CLIP_FRAMER_DEFAULTS.maxGapBits + 1), ...uartBits(VECTOR.subarray(10))];
  ({ ev } = run([up, ...ones(100), ...gapped, ...ones(50)]));
  t.match(ev, [{ type: 'error', code: 'truncated' }], 'a gap over maxGapBits');
  const gapOk = [...uartBits(VECTOR.subarray(0, 10)), ...ones(CLIP_FRAMER_DEFAULTS.maxGapBits), ...uartBits(VECTOR.subarray(10))];
  ({ ev } = run([up, ...ones(100), ...gapOk, down]));
  t.match(ev, [{ type: 'mdmf', number: '0401234567' }], 'a gap of maxGapBits is fine');

  const broken = [...uartBits(VECTOR)];
  broken[10 * 5 + 9] = 0; // the 6th byte's stop bit
  ({ f, ev } = run([up, ...ones(100), ...broken, ...ones(40), down]));
  t.match(ev, [{ type: 'error', code: 'framing' }]);
  t.equal(f.counters.framing, 1);

  const flipped = Uint8Array.from(VECTOR);
  flipped[12] ^= 0x10;
  ({ f, ev } = run([up, ...ones(100), ...uartBits(flipped), ...ones(100), ...uartBits(VECTOR), down]));
  t.match(ev, [{ type: 'error', code: 'bad-checksum' }, { type: 'mdmf' }], 'a bad message, then a good one after a new mark');
  t.same(f.counters, { messages: 1, badChecksum: 1, truncated: 0, badLength: 0, framing: 0 });

  ({ ev } = run([up, ...ones(100), ...uartBits([0x42, 0x02, 0x01, 0x02, 0xbb]), down]));
  t.equal(ev.length, 0, 'an unknown message type is not framed');
  t.throws(() => createClipFramer({ minMarkBits: 0 }), TypeError);
});

// ---- Through audio --------------------------------------------------------------------------

for (const spec of SPECS) {
  for (const rate of RATES) {
    t.test(`${spec} at ${rate} Hz: the test vector through audio, levels -10 … -35 dBFS, any chunks`, async (t) => {
      for (const dbfs of [-10, -20, -30, -35]) {
        for (const chunk of CHUNKS) {
          const rx = createClipFskRx(spec, { sampleRate: rate });
          const ev = feed(rx, line(spec, VECTOR, rate, dbfs), chunk);
          t.equal(ev.length, 1, `${dbfs} dBFS, chunk ${chunk}: one event`);
          t.match(ev[0], { type: 'mdmf', date: '0321', time: '1405', number: '0401234567', status: 'ok' });
        }
      }
    });

    t.test(`${spec} at ${rate} Hz: the test vector in white noise at 20 dB SNR`, async (t) => {
      let ok = 0;
      const trials = 10;
      for (let k = 0; k < trials; k++) {
        for (const dbfs of [-15, -35]) {
          const rx = createClipFskRx(spec, { sampleRate: rate });
          const ev = feed(rx, line(spec, VECTOR, rate, dbfs, { phase: k }, dbfs - 20, 100 + k), CHUNKS[k % 3]!);
          if (ev.length === 1 && isMessage(ev[0]) && ev[0].number === '0401234567') ok++;
        }
      }
      t.equal(ok, 2 * trials, `${ok}/${2 * trials} decoded`);
    });

    t.test(`${spec} at ${rate} Hz: every message case, on-hook and off-hook shapes`, async (t) => {
      const shapes: [string, Partial<ClipBurstOptions>][] = [
        ['on hook', {}],
        ['off hook: no seizure, 80 mark bits', { seizureBits: 0, markBits: 80 }],
        ['shortest legal mark (55 bits), no tail', { seizureBits: 0, markBits: 55, tailBits: 0 }],
        ['10 mark bits between characters', { gapBits: 10 }],
        ['20 mark bits between characters', { gapBits: 20 }],
      ];
      for (const c of CASES) {
        for (const [shape, opts] of shapes) {
          const rx = createClipFskRx(spec, { sampleRate: rate });
          const ev = feed(rx, line(spec, c.bytes, rate, -22, opts, -62), 160);
          t.match(ev, [c.expect], `${c.name}, ${shape}`);
          t.equal(ev.length, 1);
        }
      }
    });
  }
}

t.test('errors through audio are refused and counted', async (t) => {
  for (const spec of SPECS) {
    for (const rate of RATES) {
      const rx = createClipFskRx(spec, { sampleRate: rate });
      const flipped = Uint8Array.from(VECTOR);
      flipped[15] ^= 0x01;
      t.match(feed(rx, line(spec, flipped, rate, -20), 37), [{ type: 'error', code: 'bad-checksum' }], 'bad checksum');

      const cut = clipFskBurst(FSK_SPECS[spec], VECTOR, { sampleRate: rate, dbfs: -20 });
      const truncated = concat(silence(300, rate), cut.subarray(0, cut.length - Math.round((rate * 80) / 1200)), silence(300, rate));
      t.match(feed(rx, truncated, 160), [{ type: 'error', code: 'truncated' }], 'the carrier stops 8 characters early');

      const tooLong = Uint8Array.from(VECTOR);
      tooLong[1] = 0x17;
      tooLong[24] = clipChecksum(tooLong.subarray(0, 24));
      t.match(feed(rx, line(spec, tooLong, rate, -20), 333), [{ type: 'error', code: 'truncated' }], 'length byte one too many');

      const tooShort = Uint8Array.from(VECTOR.subarray(0, 24));
      tooShort[1] = 0x15;
      tooShort[23] = clipChecksum(tooShort.subarray(0, 23));
      t.match(feed(rx, line(spec, tooShort, rate, -20), 333), [{ type: 'error', code: 'bad-length' }], 'length byte one too few');

      t.same(rx.counters, { messages: 0, badChecksum: 1, truncated: 2, badLength: 1, framing: 0 }, `${spec} ${rate} Hz counters`);
      t.ok(rx.fsk.counters.carrierUps === 4 && rx.uart.counters.bytes > 90, 'the lower layers count too');
      clipFskResetCounters(rx);
      t.same(rx.counters, { messages: 0, badChecksum: 0, truncated: 0, badLength: 0, framing: 0 });
      t.equal(rx.fsk.counters.carrierUps, 0);
      t.equal(rx.uart.counters.bytes, 0);
      t.match(feed(rx, line(spec, VECTOR, rate, -20), 160), [{ type: 'mdmf' }], 'and the next good burst decodes');
    }
  }
});

t.test('positions are absolute sample positions on the line', async (t) => {
  const rate = 8000;
  const rx = createClipFskRx('v23', { sampleRate: rate });
  const sig = line('v23', VECTOR, rate, -20);
  const [m] = feed(rx, concat(sig, sig), 333);
  const messageStart = ((300 + ((300 + 180) * 1000) / 1200) * rate) / 1000;
  const messageEnd = messageStart + (250 * rate) / 1200;
  if (!m) return t.fail('no message');
  t.ok(m.startSample! > messageStart && m.startSample! < messageStart + 20, `start ${m.startSample} just after ${messageStart}`);
  t.ok(m.atSample! > messageEnd - 10 && m.atSample! < messageEnd + 20, `end ${m.atSample} near ${messageEnd}`);
});

t.test('two bursts in one stream, then a message followed straight away by speech', async (t) => {
  for (const spec of SPECS) {
    const rate = 8000;
    const rx = createClipFskRx(spec, { sampleRate: rate });
    const a = line(spec, CASES[3]!.bytes, rate, -20);
    const b = line(spec, CASES[1]!.bytes, rate, -25);
    const c = concat(clipFskBurst(FSK_SPECS[spec], VECTOR, { sampleRate: rate, dbfs: -20, tailBits: 0 }), speechLike(3000, -15, rate, 9));
    const ev = feed(rx, concat(a, b, c), 160);
    t.match(ev, [{ name: 'Virtanen Matti' }, { status: 'withheld' }, { number: '0401234567' }], spec);
  }
});

t.test('a line noisy enough to hold the carrier up between bursts still gives every message', async (t) => {
  for (const spec of SPECS) {
    for (const rate of RATES) {
      const b = clipFskBurst(FSK_SPECS[spec], VECTOR, { sampleRate: rate, dbfs: -15 });
      const quiet = silence(2000, rate);
      let sig = concat(quiet, b, quiet, b, quiet, b, quiet);
      sig = mix(sig, noise((sig.length * 1000) / rate, -40, rate, 31)); // over offDbfs (-48) in band
      const rx = createClipFskRx(spec, { sampleRate: rate });
      const ev = feed(rx, sig, 333);
      t.same(ev.map((e) => (isMessage(e) ? e.number : e.code)), ['0401234567', '0401234567', '0401234567'], `${spec} ${rate} Hz`);
      t.ok(rx.fsk.counters.carrierUps < 3, `the carrier stayed up across gaps (${rx.fsk.counters.carrierUps} ups)`);
    }
  }
});

t.test('no messages from a minute of noise or of speech', async (t) => {
  for (const spec of SPECS) {
    for (const rate of RATES) {
      for (const [name, signal] of [
        ['white noise -20 dBFS', noise(60000, -20, rate, 21)],
        ['speech-like -15 dBFS over -55 dBFS noise', mix(speechLike(60000, -15, rate, 22), noise(60000, -55, rate, 23))],
      ] as const) {
        const rx = createClipFskRx(spec, { sampleRate: rate });
        const ev = feed(rx, signal, 160);
        t.equal(ev.length, 0, `${spec} ${rate} Hz ${name}: no events`);
        t.same(rx.counters, { messages: 0, badChecksum: 0, truncated: 0, badLength: 0, framing: 0 });
        t.equal(rx.fsk.counters.bits, 0, 'not even bits');
      }
    }
  }
});

t.test('no messages from Finnish speech (espeak-ng)', { skip: speechSource() !== 'espeak-ng' && 'espeak-ng or sox is missing' }, async (t) => {
  const rate = 8000;
  const parts: Int16Array[] = [];
  for (let k = 0; k < 24; k++) parts.push(utterance(SENTENCES[k % SENTENCES.length]!, rate, k), silence(200, rate));
  const speech = concat(...parts);
  t.ok(speech.length > 30 * rate, `${(speech.length / rate).toFixed(0)} s of speech`);
  for (const spec of SPECS) {
    const rx = createClipFskRx(spec, { sampleRate: rate });
    t.equal(feed(rx, speech, 160).length, 0, `${spec}: no events`);
    t.equal(rx.fsk.counters.bits, 0, `${spec}: no bits`);
  }
});
