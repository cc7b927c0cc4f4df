import t from 'tap';
import {
  FSK_SPECS,
  FSK_CARRIER_UP,
  FSK_CARRIER_DOWN,
  FSK_RX_DEFAULTS,
  createFskRx,
  fskRx,
  fskRxMarkPurity,
  fskRxPowerDbfs,
  fskRxResetCounters,
  type FskSpec,
  type FskSpecName,
} from '../../../src/core/dsp/fsk.js';
import { fskModulate, uartBits } from '../../../src/core/dsp/fsk-gen.js';
import { createUartRx, uartRx, type UartEvent } from '../../../src/core/dsp/uart.js';
import { concat, mix, mulberry32, noise, silence, speechLike } from '../../../src/core/dsp/generate.js';

const CHUNKS = [37, 160, 333] as const;
const RATES = [8000, 16000] as const;
const SPECS: FskSpecName[] = ['v23', 'bell202'];

/** Feeds `signal` in chunks; returns every bit and marker with its position. */
function demod(spec: FskSpecName, rate: number, signal: Int16Array, chunk: number) {
  const rx = createFskRx(spec, { sampleRate: rate });
  const bits: number[] = [];
  const at: number[] = [];
  for (let i = 0; i < signal.length; i += chunk) {
    const o = fskRx(rx, signal.subarray(i, i + chunk));
    bits.push(...o.bits);
    at.push(...o.at);
  }
  return { rx, bits, at };
}

/** Bytes as line audio: `leadMs` of silence, 60 mark bits, the bytes 8-N-1, 4 mark bits, silence. */
function burst(spec: FskSpec, bytes: number[], rate: number, dbfs: number, gapBits = 0): Int16Array {
  const data = uartBits(bytes, gapBits);
  const bits = new Uint8Array(60 + data.length + 4).fill(1);
  bits.set(data, 60);
  return concat(silence(50, rate), fskModulate(spec, bits, { sampleRate: rate, dbfs }), silence(50, rate));
}

function bytesOf(events: UartEvent[]): number[] {
  return events.flatMap((e) => (e.type === 'byte' && !e.framingError ? [e.value] : []));
}

const rnd = mulberry32(42);
const PAYLOAD = Array.from({ length: 64 }, () => Math.floor(rnd() * 256));

t.test('the spec table', async (t) => {
  t.ok(Object.isFrozen(FSK_SPECS) && Object.isFrozen(FSK_SPECS.v23) && Object.isFrozen(FSK_SPECS.bell202));
  t.match(FSK_SPECS.v23, { markHz: 1300, spaceHz: 2100, baud: 1200 });
  t.match(FSK_SPECS.bell202, { markHz: 1200, spaceHz: 2200, baud: 1200 });
});

t.test('options and specs are checked', async (t) => {
  t.throws(() => createFskRx('v23', { sampleRate: 44100 }), TypeError);
  t.throws(() => createFskRx('v21' as FskSpecName, { sampleRate: 8000 }), TypeError);
  t.throws(() => createFskRx('toString' as FskSpecName, { sampleRate: 8000 }), TypeError);
  t.throws(() => createFskRx({ name: 'x', markHz: 1300, spaceHz: 1300, baud: 1200 }, { sampleRate: 8000 }), TypeError);
  t.throws(() => createFskRx({ name: 'x', markHz: 1300, spaceHz: 4100, baud: 1200 }, { sampleRate: 8000 }), TypeError);
  t.throws(() => createFskRx({ name: 'x', markHz: 1300, spaceHz: 2100, baud: 4000 }, { sampleRate: 8000 }), TypeError);
  t.throws(() => createFskRx('v23', { sampleRate: 8000, onDbfs: -50, offDbfs: -40 }), TypeError);
  t.throws(() => createFskRx('v23', { sampleRate: 8000, onDbfs: 3 }), TypeError);
  t.throws(() => createFskRx('v23', { sampleRate: 8000, bogus: 1 } as never), TypeError);
  const rx = createFskRx(FSK_SPECS.bell202, { sampleRate: 16000 });
  t.equal(rx.config.onDbfs, FSK_RX_DEFAULTS.onDbfs);
  t.equal(rx.window, 14, 'a 13⅓-sample bit needs 14 samples held');
});

for (const spec of SPECS) {
  for (const rate of RATES) {
    t.test(`${spec} at ${rate} Hz: bytes through audio, in any chunk size`, async (t) => {
      const signal = burst(FSK_SPECS[spec], PAYLOAD, rate, -20);
      let first: number[] | undefined;
      for (const chunk of CHUNKS) {
        const { rx, bits, at } = demod(spec, rate, signal, chunk);
        t.equal(bits[0], FSK_CARRIER_UP, 'starts with carrier up');
        t.equal(bits.at(-1), FSK_CARRIER_DOWN, 'ends with carrier down');
        t.equal(bits.filter((b) => b >= 2).length, 2, 'one carrier, no drop-outs');
        t.same(bytesOf(uartRx(createUartRx(), bits, at)), PAYLOAD, `chunk ${chunk}: every byte`);
        t.equal(rx.counters.samples, signal.length);
        t.equal(rx.counters.carrierUps, 1);
        for (let i = 1; i < at.length; i++) if (!(at[i]! >= at[i - 1]!)) t.fail(`positions go back at ${i}`);
        if (first === undefined) first = [...bits, ...at];
        else t.same([...bits, ...at], first, 'same bits at the same positions whatever the chunks');
      }
    });

    t.test(`${spec} at ${rate} Hz: levels -10 … -40 dBFS, and 12 dB SNR`, async (t) => {
      for (const dbfs of [-10, -20, -30, -35, -40]) {
        const { bits, at } = demod(spec, rate, burst(FSK_SPECS[spec], PAYLOAD, rate, dbfs), 160);
        t.same(bytesOf(uartRx(createUartRx(), bits, at)), PAYLOAD, `${dbfs} dBFS`);
      }
      const clean = burst(FSK_SPECS[spec], PAYLOAD, rate, -25);
      const noisy = mix(clean, noise((clean.length * 1000) / rate, -37, rate, 11));
      const { bits, at } = demod(spec, rate, noisy, 333);
      // The noise after the burst keeps the carrier up (it is over offDbfs): bytes of noise follow.
      t.same(bytesOf(uartRx(createUartRx(), bits, at)).slice(0, PAYLOAD.length), PAYLOAD, '-25 dBFS in -37 dBFS white noise');
    });

    t.test(`${spec} at ${rate} Hz: a transmitter off by ±1.5 % in frequency and ±2 % in bit rate`, async (t) => {
      const s = FSK_SPECS[spec];
      for (const [f, b] of [[1.015, 1.02], [0.985, 0.98], [1.015, 0.98], [0.985, 1.02]] as const) {
        const tx = { ...s, markHz: s.markHz * f, spaceHz: s.spaceHz * f, baud: s.baud * b };
        const { bits, at } = demod(spec, rate, burst(tx, PAYLOAD, rate, -25), 37);
        t.same(bytesOf(uartRx(createUartRx(), bits, at)), PAYLOAD, `frequency ×${f}, bit rate ×${b}`);
      }
    });
  }
}

t.test('silence, noise at any level, speech and the channel seizure bring no carrier and no bits', async (t) => {
  for (const spec of SPECS) {
    for (const rate of RATES) {
      const cases: [string, Int16Array][] = [
        ['silence', silence(2000, rate)],
        ['noise -60 dBFS', noise(5000, -60, rate, 1)],
        ['noise -30 dBFS', noise(5000, -30, rate, 2)],
        ['noise -6 dBFS', noise(5000, -6, rate, 3)],
        ['speech-like -15 dBFS', speechLike(10000, -15, rate, 4)],
        ['seizure alone', fskModulate(FSK_SPECS[spec], Array.from({ length: 300 }, (_, i) => i & 1), { sampleRate: rate, dbfs: -15 })],
      ];
      for (const [name, signal] of cases) {
        const { rx, bits } = demod(spec, rate, signal, 160);
        t.equal(bits.length, 0, `${spec} ${rate} Hz ${name}: no bits`);
        t.equal(rx.counters.carrierUps, 0);
      }
    }
  }
});

t.test('a burst under the on threshold gives nothing; the meters read', async (t) => {
  const { rx, bits } = demod('v23', 8000, burst(FSK_SPECS.v23, PAYLOAD, 8000, -50), 160);
  t.equal(bits.length, 0, '-50 dBFS is under the -43 dBFS on threshold');
  t.ok(fskRxPowerDbfs(rx) < -60, 'power after the trailing silence');
  const mark = fskModulate(FSK_SPECS.v23, new Array(60).fill(1), { sampleRate: 8000, dbfs: -20 });
  const rx2 = createFskRx('v23', { sampleRate: 8000 });
  fskRx(rx2, mark);
  t.ok(Math.abs(fskRxPowerDbfs(rx2) - -20) < 1, `in-band power of a -20 dBFS mark (${fskRxPowerDbfs(rx2).toFixed(1)})`);
  t.ok(fskRxMarkPurity(rx2) > 0.9, `mark purity of a clean mark (${fskRxMarkPurity(rx2).toFixed(2)})`);
  fskRxResetCounters(rx2);
  t.same(rx2.counters, { samples: 0, bits: 0, carrierUps: 0, carrierDowns: 0 });
  t.ok(rx2.carrier, 'resetting counters leaves the receiver alone');
});

t.test('an empty frame is harmless', async (t) => {
  const rx = createFskRx('bell202', { sampleRate: 8000 });
  const o = fskRx(rx, new Int16Array(0));
  t.equal(o.bits.length, 0);
  t.equal(rx.samples, 0);
});
