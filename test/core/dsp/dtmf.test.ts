import t from 'tap';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  createDtmfRx,
  dtmfRx,
  dtmfFlush,
  dtmfReset,
  dtmfResetCounters,
  dtmfFrequencies,
  resolveDtmfOptions,
  isDtmfDigit,
  DTMF_DEFAULTS,
  DTMF_KEYS,
  DTMF_ROW_HZ,
  DTMF_COL_HZ,
  type DtmfEvent,
  type DtmfOptions,
  type DtmfState,
  type DtmfDigit,
} from '../../../src/core/dsp/dtmf.js';
import { dtmfTones } from '../../../src/core/dsp/dtmf-gen.js';
import { tone, silence, noise, mix, concat, mulberry32, speechLike } from '../../../src/core/dsp/generate.js';

const CHUNKS = [37, 160, 333] as const;
const RATES = [8000, 16000] as const;
const ALL = DTMF_KEYS; // '123A456B789C*0#D'

type Seen = DtmfEvent & { reportedAt: number };

/** Feeds `signal` in chunks of `chunk` samples, then flushes; every event with where it was returned. */
function feed(rx: DtmfState, signal: Int16Array, chunk: number): Seen[] {
  const seen: Seen[] = [];
  for (let i = 0; i < signal.length; i += chunk) {
    for (const e of dtmfRx(rx, signal.subarray(i, i + chunk))) seen.push({ ...e, reportedAt: rx.samples });
  }
  for (const e of dtmfFlush(rx)) seen.push({ ...e, reportedAt: rx.samples });
  return seen;
}

function decode(signal: Int16Array, rate: number, chunk = 160, opts: Omit<DtmfOptions, 'sampleRate'> = {}): { digits: string; events: Seen[]; rx: DtmfState } {
  const rx = createDtmfRx({ sampleRate: rate, ...opts });
  const events = feed(rx, signal, chunk);
  return { digits: events.filter((e) => e.type === 'digit').map((e) => e.digit).join(''), events, rx };
}

/** A tone pair with each tone's frequency and level given, then `offMs` of silence. */
function pair(rowHz: number, colHz: number, onMs: number, offMs: number, lowDbfs: number, highDbfs: number, rate: number): Int16Array {
  return concat(mix(tone(rowHz, onMs, lowDbfs, rate), tone(colHz, onMs, highDbfs, rate)), silence(offMs, rate));
}

/** All 16 keys, each with its frequencies scaled by (1 + rowPct/100) and (1 + colPct/100). */
function allKeysOff(rowPct: number, colPct: number, rate: number): Int16Array {
  const parts = [silence(50, rate)];
  for (const d of ALL) {
    const { rowHz, colHz } = dtmfFrequencies(d as DtmfDigit);
    parts.push(pair(rowHz * (1 + rowPct / 100), colHz * (1 + colPct / 100), 70, 70, -10, -10, rate));
  }
  return concat(...parts);
}

function levenshtein(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length]!;
}

function has(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

t.test('options: defaults, validation', async (t) => {
  const c = resolveDtmfOptions();
  t.same({ ...c }, { ...DTMF_DEFAULTS });
  t.ok(Object.isFrozen(c));
  t.equal(resolveDtmfOptions({ sampleRate: 16000, minOnMs: undefined }).minOnMs, 40, 'undefined takes the default');
  const bad: [DtmfOptions, RegExp][] = [
    [{ sampleRate: 44100 }, /sampleRate/],
    [{ minOnMs: 5 }, /minOnMs/],
    [{ minOffMs: 0 }, /minOffMs/],
    [{ minToneDbfs: 3 }, /minToneDbfs/],
    [{ normalTwistDb: -1 }, /normalTwistDb/],
    [{ reverseTwistDb: Number.NaN }, /reverseTwistDb/],
    [{ freqTolPct: 5 }, /freqTolPct/],
    [{ bogus: 1 } as DtmfOptions, /unknown option bogus/],
  ];
  for (const [o, re] of bad) t.throws(() => createDtmfRx(o), { name: 'TypeError', message: re }, JSON.stringify(o));
  t.ok(isDtmfDigit('D') && isDtmfDigit('#') && !isDtmfDigit('d') && !isDtmfDigit('E') && !isDtmfDigit('12'));
  t.same(dtmfFrequencies('5'), { rowHz: 770, colHz: 1336 });
  t.same(dtmfFrequencies('D'), { rowHz: 941, colHz: 1633 });
});

t.test('every key decodes, at 8 and 16 kHz, in any chunking; times within 3.5 ms', async (t) => {
  for (const rate of RATES) {
    const lead = 100;
    const signal = concat(silence(lead, rate), dtmfTones(ALL, { sampleRate: rate }), silence(100, rate));
    for (const chunk of CHUNKS) {
      const { digits, events, rx } = decode(signal, rate, chunk);
      t.equal(digits, ALL, `${rate} Hz, chunks of ${chunk}`);
      t.equal(rx.counters.digits, 16);
      const tol = (3.5 * rate) / 1000;
      const per = (140 * rate) / 1000;
      const starts = events.filter((e) => e.type === 'digit');
      const ends = events.filter((e) => e.type === 'end');
      t.equal(ends.length, 16, 'an end for every digit');
      starts.forEach((e, i) => {
        const truth = (lead * rate) / 1000 + i * per;
        t.ok(Math.abs(e.atSample - truth) <= tol, `start ${e.digit}: ${e.atSample} vs ${truth}`);
        // reported once minOnMs of tone was heard, plus the chunk
        const latencyMs = ((e.reportedAt - e.atSample) * 1000) / rate;
        t.ok(latencyMs <= 50 + (chunk * 1000) / rate, `reported ${latencyMs.toFixed(1)} ms after the tone began`);
        const end = ends[i]!;
        t.equal(end.digit, e.digit);
        t.equal(end.atSample, e.atSample, 'the end names the digit by its start');
        if (end.type === 'end') {
          const durMs = ((end.endSample - end.atSample) * 1000) / rate;
          t.ok(Math.abs(durMs - 70) <= 5, `${e.digit} lasted ${durMs.toFixed(1)} ms (70)`);
        }
      });
    }
  }
});

t.test('the same events whatever the chunking (1, 37, 160, 333, all at once)', async (t) => {
  const rate = 8000;
  const rnd = mulberry32(3);
  let digits = '';
  for (let i = 0; i < 30; i++) digits += ALL[Math.floor(rnd() * 16)];
  const signal = mix(dtmfTones(digits, { sampleRate: rate, onMs: 50, offMs: 50 }), noise(3000, -35, rate, 4));
  const strip = (ev: Seen[]) => ev.map(({ reportedAt: _r, ...e }) => e);
  const ref = strip(decode(signal, rate, signal.length).events);
  t.equal(ref.filter((e) => e.type === 'digit').length, 30);
  for (const chunk of [1, ...CHUNKS]) t.same(strip(decode(signal, rate, chunk).events), ref, `chunks of ${chunk}`);
});

t.test('sox-made DTMF decodes; multimon-ng agrees', { skip: has('sox') ? false : 'sox is needed' }, async (t) => {
  const dir = t.testdir({});
  // 16 keys, then 40 random keys, 70 ms on / 70 ms off, as raw 16-bit mono
  const rnd = mulberry32(11);
  let keys = ALL;
  for (let i = 0; i < 40; i++) keys += ALL[Math.floor(rnd() * 16)];
  for (const rate of RATES) {
    const parts: Buffer[] = [];
    for (const d of keys) {
      const { rowHz, colHz } = dtmfFrequencies(d as DtmfDigit);
      const r = spawnSync('sox', ['-n', '-r', String(rate), '-c', '1', '-b', '16', '-e', 'signed-integer', '-t', 'raw', '-', 'synth', '0.07', 'sine', String(rowHz), 'sine', String(colHz), 'gain', '-6']);
      t.equal(r.status, 0, r.stderr.toString());
      parts.push(r.stdout, Buffer.alloc((rate * 0.07 * 2) | 0));
    }
    const file = join(dir, `sox-${rate}.raw`);
    writeFileSync(file, Buffer.concat(parts));
    const b = readFileSync(file);
    const pcm = new Int16Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
    for (const chunk of CHUNKS) t.equal(decode(pcm, rate, chunk).digits, keys, `ours, ${rate} Hz, chunks of ${chunk}`);
    if (rate !== 8000) continue;
    if (!has('multimon-ng')) {
      t.comment('multimon-ng not installed: cross-check skipped');
      continue;
    }
    // multimon-ng takes 22050 Hz raw input
    const up = spawnSync('sox', ['-t', 'raw', '-r', '8000', '-e', 'signed-integer', '-b', '16', '-c', '1', file, '-t', 'raw', '-r', '22050', '-e', 'signed-integer', '-b', '16', '-c', '1', '-']);
    const mm = spawnSync('multimon-ng', ['-q', '-a', 'DTMF', '-t', 'raw', '-'], { input: up.stdout });
    const theirs = [...mm.stdout.toString().matchAll(/^DTMF: (.)$/gm)].map((m) => m[1]).join('');
    const ours = decode(pcm, rate).digits;
    t.comment(`ours:        ${ours}`);
    t.comment(`multimon-ng: ${theirs}`);
    t.equal(theirs, ours, 'multimon-ng reads the same digits');
  }
});

t.test('Q.24 frequency tolerance: ±1.5 % accepted, ±3.5 % rejected', async (t) => {
  for (const rate of RATES) {
    for (const pct of [-1.5, 1.5]) {
      t.equal(decode(dtmfTones(ALL, { sampleRate: rate, freqErrorPct: pct }), rate).digits, ALL, `both tones ${pct} % at ${rate} Hz`);
      t.equal(decode(allKeysOff(pct, 0, rate), rate).digits, ALL, `row tone ${pct} %`);
      t.equal(decode(allKeysOff(0, pct, rate), rate).digits, ALL, `column tone ${pct} %`);
      t.equal(decode(allKeysOff(pct, -pct, rate), rate).digits, ALL, `row ${pct} %, column ${-pct} %`);
    }
    for (const pct of [-3.5, 3.5, -5, 5, -6.5, 6.5]) {
      const both = decode(dtmfTones(ALL, { sampleRate: rate, freqErrorPct: pct }), rate);
      t.equal(both.digits, '', `both tones ${pct} % at ${rate} Hz`);
      t.equal(decode(allKeysOff(pct, 0, rate), rate).digits, '', `row tone ${pct} %`);
      t.equal(decode(allKeysOff(0, pct, rate), rate).digits, '', `column tone ${pct} %`);
    }
  }
  // Where the edge lies (both tones off by the same amount, all 16 keys, 8 kHz).
  const edge: string[] = [];
  for (let pct = 1.5; pct <= 3.5; pct += 0.25) {
    const up = decode(dtmfTones(ALL, { sampleRate: 8000, freqErrorPct: pct }), 8000).digits.length;
    const down = decode(dtmfTones(ALL, { sampleRate: 8000, freqErrorPct: -pct }), 8000).digits.length;
    edge.push(`±${pct.toFixed(2)}%: ${up}+${down}/32`);
  }
  t.comment(`accepted by offset: ${edge.join(', ')}`);
});

t.test('twist: within limits accepted, beyond rejected and counted', async (t) => {
  const { normalTwistDb, reverseTwistDb } = DTMF_DEFAULTS;
  for (const rate of RATES) {
    // twistDb = low − high; the low tone at −16 dBFS keeps the sum clear of clipping
    const ok = [0, normalTwistDb - 1, -(reverseTwistDb - 1)];
    for (const tw of ok) t.equal(decode(dtmfTones(ALL, { sampleRate: rate, twistDb: tw, dbfs: -16 }), rate).digits, ALL, `twist ${tw} dB at ${rate} Hz`);
    for (const tw of [normalTwistDb + 1, normalTwistDb + 4, -(reverseTwistDb + 1), -(reverseTwistDb + 4)]) {
      const r = decode(dtmfTones(ALL, { sampleRate: rate, twistDb: tw, dbfs: -16 }), rate);
      t.equal(r.digits, '', `twist ${tw} dB at ${rate} Hz`);
      const { twistFrames, twistRuns } = r.rx.counters;
      t.ok(twistRuns === 16 || twistFrames > 100, `counted: ${twistRuns} runs, ${twistFrames} frames`);
    }
  }
  // configurable
  const r = decode(dtmfTones(ALL, { sampleRate: 8000, twistDb: -6, dbfs: -16 }), 8000, 160, { reverseTwistDb: 7 });
  t.equal(r.digits, ALL, 'reverseTwistDb: 7 accepts 6 dB of reverse twist');
});

t.test('level: −36 dBFS per tone accepted, −45 and below rejected', async (t) => {
  for (const rate of RATES) {
    for (const db of [-3, -10, -20, -30, -36, -38]) {
      // −3 dBFS per tone peaks at full scale; clip the sum, as a real line would
      t.equal(decode(dtmfTones(ALL, { sampleRate: rate, dbfs: db, twistDb: 0 }), rate).digits, ALL, `${db} dBFS per tone at ${rate} Hz`);
    }
    for (const db of [-45, -48, -60]) t.equal(decode(dtmfTones(ALL, { sampleRate: rate, dbfs: db }), rate).digits, '', `${db} dBFS per tone`);
  }
  t.equal(decode(dtmfTones(ALL, { sampleRate: 8000, dbfs: -46 }), 8000, 160, { minToneDbfs: -50 }).digits, ALL, 'minToneDbfs: −50 accepts −46');
});

t.test('duration: 30 ms tones rejected, 40 and 45 ms accepted, whatever the alignment', async (t) => {
  for (const rate of RATES) {
    const cases = [
      { onMs: 20, want: false },
      { onMs: 30, want: false },
      { onMs: 40, want: true },
      { onMs: 45, want: true },
    ];
    for (const { onMs, want } of cases) {
      let got = 0;
      let short = 0;
      const offsets = 10; // 0..9 samples·(rate/1000): every phase of the 5 ms hop
      for (let o = 0; o < offsets; o++) {
        const lead = new Int16Array(Math.round((o * rate) / 2000));
        const r = decode(concat(lead, dtmfTones(ALL, { sampleRate: rate, onMs, offMs: 60 })), rate, CHUNKS[o % 3]);
        got += r.digits.length;
        short += r.rx.counters.shortRuns;
      }
      t.equal(got, want ? 16 * offsets : 0, `${onMs} ms tones at ${rate} Hz: ${got}/${16 * offsets} accepted`);
      if (!want && onMs >= 30) t.ok(short > 0, `counted as short: ${short}`);
    }
  }
  t.equal(decode(dtmfTones(ALL, { sampleRate: 8000, onMs: 55 }), 8000, 160, { minOnMs: 60 }).digits, '', 'minOnMs: 60 rejects 55 ms');
  t.equal(decode(dtmfTones(ALL, { sampleRate: 8000, onMs: 60 }), 8000, 160, { minOnMs: 60 }).digits, ALL, 'minOnMs: 60 accepts 60 ms');
});

t.test('gaps: 30 ms does not split a digit, 40 ms does', async (t) => {
  for (const rate of RATES) {
    for (let o = 0; o < 10; o++) {
      const lead = new Int16Array(Math.round((o * rate) / 2000));
      for (const d of ['5', 'D', '#']) {
        const one = dtmfTones(d, { sampleRate: rate, onMs: 60, offMs: 30 });
        const r = decode(concat(lead, one, one, silence(100, rate)), rate, CHUNKS[o % 3]);
        t.equal(r.digits, d, `${d}, 30 ms gap, offset ${o}: one digit`);
        const end = r.events.find((e) => e.type === 'end');
        if (end?.type === 'end') t.ok(Math.abs(((end.endSample - end.atSample) * 1000) / rate - 150) <= 5, 'the digit spans both tones');
        const two = dtmfTones(d, { sampleRate: rate, onMs: 60, offMs: 40 });
        t.equal(decode(concat(lead, two, two), rate, CHUNKS[o % 3]).digits, d + d, `${d}, 40 ms gap: two digits`);
      }
    }
  }
  // Different keys with a short gap (or none) are two digits: the second ends the first.
  const rolled = concat(dtmfTones('1', { sampleRate: 8000, onMs: 60, offMs: 10 }), dtmfTones('2', { sampleRate: 8000, onMs: 60 }));
  const r = decode(rolled, 8000);
  t.equal(r.digits, '12', 'keys rolled with a 10 ms gap');
  const [d1, e1, d2] = r.events;
  t.ok(d1?.type === 'digit' && e1?.type === 'end' && d2?.type === 'digit', 'the first ends before the second starts');
  if (e1?.type === 'end' && d2) t.ok(e1.endSample <= d2.atSample);
});

t.test('15 dB SNR: 100 random digits, no errors', async (t) => {
  for (const rate of RATES) {
    const rnd = mulberry32(rate);
    let digits = '';
    for (let i = 0; i < 100; i++) digits += ALL[Math.floor(rnd() * 16)];
    // −20 dBFS per tone: the pair is −16.99 dBFS; white noise over the whole band 15 dB below it
    const dt = concat(silence(100, rate), dtmfTones(digits, { sampleRate: rate, dbfs: -20 }));
    const sweep: string[] = [];
    for (const snr of [15, 12, 10]) {
      const nz = noise((dt.length * 1000) / rate, -16.99 - snr, rate, 7 + snr);
      const errors = levenshtein(digits, decode(mix(dt, nz), rate, 333).digits);
      sweep.push(`${snr} dB: ${errors} errors`);
      if (snr === 15) t.equal(errors, 0, `15 dB SNR at ${rate} Hz: ${errors} errors in 100 digits`);
    }
    t.comment(`${rate} Hz, 100 digits: ${sweep.join(', ')}`);
    // Q.24 corners at 15 dB SNR: off frequency by 1.5 % with twist 1 dB inside either limit
    for (const [pct, twistDb] of [[1.5, DTMF_DEFAULTS.normalTwistDb - 1], [-1.5, -(DTMF_DEFAULTS.reverseTwistDb - 1)]] as const) {
      const low = -24;
      const sig = concat(silence(100, rate), dtmfTones(digits, { sampleRate: rate, dbfs: low, twistDb, freqErrorPct: pct }));
      const pairDbfs = 10 * Math.log10(10 ** (low / 10) + 10 ** ((low - twistDb) / 10));
      const nz = noise((sig.length * 1000) / rate, pairDbfs - 15, rate, 99);
      const errors = levenshtein(digits, decode(mix(sig, nz), rate, 37).digits);
      t.equal(errors, 0, `${pct} %, twist ${twistDb} dB, 15 dB SNR at ${rate} Hz: ${errors} errors`);
    }
  }
});

t.test('talk-off: synthetic speech and noise give no digits', async (t) => {
  for (const rate of RATES) {
    const sp = decode(speechLike(120_000, -15, rate, 5), rate, 333);
    t.equal(sp.digits, '', `2 min of speech-like signal at ${rate} Hz`);
    t.comment(`counters: ${JSON.stringify(sp.rx.counters)}`);
    t.equal(decode(noise(60_000, -10, rate, 6), rate, 333).digits, '', `1 min of −10 dBFS white noise at ${rate} Hz`);
  }
  // A single tone of a DTMF frequency (e.g. a 941 Hz test tone) is not a digit.
  for (const f of [...DTMF_ROW_HZ, ...DTMF_COL_HZ]) t.equal(decode(tone(f, 500, -10, 8000), 8000).digits, '', `${f} Hz alone`);
});

t.test('flush ends a digit still on; reset and counters', async (t) => {
  const rate = 8000;
  const rx = createDtmfRx();
  const ev = dtmfRx(rx, dtmfTones('7', { sampleRate: rate, onMs: 200, offMs: 0 }));
  t.same(ev, [{ type: 'digit', digit: '7', atSample: 0 }]);
  const fl = dtmfFlush(rx);
  t.equal(fl.length, 1);
  t.match(fl[0], { type: 'end', digit: '7', atSample: 0 });
  if (fl[0]?.type === 'end') t.ok(Math.abs(fl[0].endSample - 1600) <= 24, `endSample ${fl[0].endSample}`);
  t.same(dtmfFlush(rx), [], 'nothing more');
  t.equal(rx.counters.digits, 1);
  t.ok(rx.counters.frames > 0);
  dtmfResetCounters(rx);
  t.same(Object.values(rx.counters), Object.values(rx.counters).map(() => 0), 'counters zeroed');
  t.equal(rx.samples, 1600, 'position kept');

  // reset: positions continue from atSample, a digit on is dropped silently
  dtmfRx(rx, dtmfTones('3', { sampleRate: rate, onMs: 100, offMs: 0 }));
  dtmfReset(rx, 1_000_000);
  t.same(dtmfFlush(rx), [], 'the digit on was dropped');
  const after = feed(rx, concat(silence(20, rate), dtmfTones('9', { sampleRate: rate })), 37);
  t.match(after[0], { type: 'digit', digit: '9' });
  t.ok(Math.abs(after[0]!.atSample - 1_000_160) <= 24, `atSample ${after[0]!.atSample} after reset to 1 000 000`);
  t.throws(() => dtmfReset(rx, -1), TypeError);
});

t.test('CPU: samples per second on one core', async (t) => {
  for (const rate of RATES) {
    const rnd = mulberry32(1);
    let digits = '';
    for (let i = 0; i < 200; i++) digits += ALL[Math.floor(rnd() * 16)];
    const sig = mix(dtmfTones(digits, { sampleRate: rate }), noise(60_000, -30, rate, 2));
    const sp = speechLike(60_000, -15, rate, 3);
    for (const [what, s] of [['DTMF + noise', sig], ['speech-like', sp]] as const) {
      decode(s.subarray(0, rate), rate); // warm up
      const t0 = performance.now();
      decode(s, rate, 160);
      const ms = performance.now() - t0;
      const perSec = (s.length / ms) * 1000;
      t.comment(`${rate} Hz, ${what}: ${(perSec / 1e6).toFixed(1)} M samples/s = ${Math.round(perSec / rate)}× real time`);
      t.ok(perSec > 100 * rate, 'at least 100× real time');
    }
  }
});
