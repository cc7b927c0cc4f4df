import t from 'tap';
import {
  createVox,
  voxRx,
  voxFlush,
  voxReset,
  voxResetCounters,
  resolveVoxOptions,
  VOX_DEFAULTS,
  type VoxOptions,
  type VoxState,
} from '../../../src/core/dsp/vox.js';
import { tone, silence, noise, speechLike, mix, concat } from '../../../src/core/dsp/generate.js';

const EMPTY = new Int16Array(0);
const CHUNKS = [37, 160, 333] as const;

interface Seen {
  type: 'start' | 'end';
  atSample: number;
  /** samples fed when the event was returned */
  reportedAt: number;
}

/** Feeds `signal` in chunks of `chunk` samples and collects every event, draining queued ones. */
function feed(v: VoxState, signal: Int16Array, chunk: number): Seen[] {
  const seen: Seen[] = [];
  for (let i = 0; i < signal.length; i += chunk) {
    for (let e = voxRx(v, signal.subarray(i, i + chunk)); e; e = voxRx(v, EMPTY)) {
      seen.push({ ...e, reportedAt: v.samples });
    }
  }
  return seen;
}

/** One past the last non-zero sample: where a generated speech signal truly ends. */
function voicedEnd(x: Int16Array): number {
  let n = x.length;
  while (n > 0 && x[n - 1] === 0) n--;
  return n;
}

const lead = VOX_DEFAULTS.leadMs;

interface Expect {
  type: 'start' | 'end';
  /** window for atSample, in ms */
  loMs: number;
  hiMs: number;
}

interface Scenario {
  name: string;
  rate: 8000 | 16000;
  opts?: Omit<VoxOptions, 'sampleRate'>;
  build(rate: number): { signal: Int16Array; expect: Expect[] };
}

/** Speech of `ms` at `dbfs` placed at `atMs` in `totalMs` of -60 dBFS noise. */
function speechIn(atMs: number, ms: number, dbfs: number, totalMs: number, rate: number, seed: number) {
  const sp = speechLike(ms, dbfs, rate, seed);
  const trueEndMs = atMs + (voicedEnd(sp) * 1000) / rate;
  const signal = mix(noise(totalMs, -60, rate, seed + 1000), concat(silence(atMs, rate), sp));
  return { signal, trueEndMs };
}

const scenarios: Scenario[] = [];
for (const rate of [8000, 16000] as const) {
  scenarios.push({
    name: `speech at 2.000 s after -60 dBFS noise (${rate} Hz)`,
    rate,
    build(rate) {
      const { signal, trueEndMs } = speechIn(2000, 3000, -26, 14000, rate, 1);
      return {
        signal,
        expect: [
          { type: 'start', loMs: 2000 - lead - 100, hiMs: 2000 + 100 },
          { type: 'end', loMs: trueEndMs, hiMs: trueEndMs + 500 },
        ],
      };
    },
  });
}
scenarios.push(
  {
    name: 'quiet speech (-36 dBFS) still starts and ends',
    rate: 8000,
    build(rate) {
      const { signal, trueEndMs } = speechIn(2000, 3000, -36, 14000, rate, 2);
      return {
        signal,
        expect: [
          { type: 'start', loMs: 2000 - lead - 100, hiMs: 2000 + 100 },
          { type: 'end', loMs: trueEndMs, hiMs: trueEndMs + 500 },
        ],
      };
    },
  },
  {
    name: 'a soft onset (400 ms at -44 dBFS, between off and on) is included in the start',
    rate: 8000,
    build(rate) {
      const soft = speechLike(400, -44, rate, 5);
      const loud = speechLike(2500, -24, rate, 6);
      const sp = concat(soft, loud);
      const trueEndMs = 2000 + (voicedEnd(sp) * 1000) / rate;
      const signal = mix(noise(14000, -60, rate, 7), concat(silence(2000, rate), sp));
      // Had the walk-back stopped at the loud part (2.400 s), the start would be 2.100 s.
      return {
        signal,
        expect: [
          { type: 'start', loMs: 2000 - lead - 100, hiMs: 2000 - lead + 100 },
          { type: 'end', loMs: trueEndMs, hiMs: trueEndMs + 500 },
        ],
      };
    },
  },
  {
    name: 'a 150 ms click above threshold does not start a call',
    rate: 8000,
    build(rate) {
      const signal = mix(noise(12000, -60, rate, 8), concat(silence(2000, rate), tone(1000, 150, -6, rate)));
      return { signal, expect: [] };
    },
  },
  {
    name: 'a 150 ms burst of loud noise does not start a call',
    rate: 16000,
    build(rate) {
      const signal = mix(noise(12000, -60, rate, 8), concat(silence(2000, rate), noise(150, -10, rate, 9)));
      return { signal, expect: [] };
    },
  },
  {
    name: 'a 250 ms tone does start a call (the attack is 200 ms)',
    rate: 8000,
    build(rate) {
      const signal = mix(noise(12000, -60, rate, 8), concat(silence(2000, rate), tone(1000, 250, -20, rate)));
      return {
        signal,
        expect: [
          { type: 'start', loMs: 2000 - lead - 10, hiMs: 2000 - lead + 10 },
          { type: 'end', loMs: 2250 + lead - 10, hiMs: 2250 + lead + 10 },
        ],
      };
    },
  },
  {
    name: 'a 3 s pause inside a call does not end it with hangMs 8000',
    rate: 8000,
    build(rate) {
      const a = speechLike(2000, -26, rate, 11);
      const b = speechLike(2000, -26, rate, 12);
      const sp = concat(a, silence(3000, rate), b);
      const trueEndMs = 2000 + (voicedEnd(sp) * 1000) / rate;
      const signal = mix(noise(18000, -60, rate, 13), concat(silence(2000, rate), sp));
      return {
        signal,
        expect: [
          { type: 'start', loMs: 2000 - lead - 100, hiMs: 2000 + 100 },
          { type: 'end', loMs: trueEndMs, hiMs: trueEndMs + 500 },
        ],
      };
    },
  },
  {
    name: 'a 3 s pause does end the call with hangMs 2000, and the talk after it is a new call',
    rate: 8000,
    opts: { hangMs: 2000 },
    build(rate) {
      const a = speechLike(2000, -26, rate, 11);
      const b = speechLike(2000, -26, rate, 12);
      const aEndMs = 2000 + (voicedEnd(a) * 1000) / rate;
      const bAtMs = 2000 + 2000 + 3000;
      const bEndMs = bAtMs + (voicedEnd(b) * 1000) / rate;
      const signal = mix(noise(12000, -60, rate, 13), concat(silence(2000, rate), a, silence(3000, rate), b));
      return {
        signal,
        expect: [
          { type: 'start', loMs: 2000 - lead - 100, hiMs: 2000 + 100 },
          { type: 'end', loMs: aEndMs, hiMs: aEndMs + 500 },
          { type: 'start', loMs: bAtMs - lead - 100, hiMs: bAtMs + 100 },
          { type: 'end', loMs: bEndMs, hiMs: bEndMs + 500 },
        ],
      };
    },
  },
  {
    name: 'a -60 dBFS noise floor never triggers (60 s)',
    rate: 8000,
    build(rate) {
      return { signal: noise(60000, -60, rate, 14), expect: [] };
    },
  },
  {
    name: 'a -50 dBFS noise floor (4 dB under off) never triggers (60 s)',
    rate: 16000,
    build(rate) {
      return { signal: noise(60000, -50, rate, 15), expect: [] };
    },
  },
  {
    name: 'digital silence never triggers',
    rate: 8000,
    build(rate) {
      return { signal: silence(20000, rate), expect: [] };
    },
  },
);

for (const sc of scenarios) {
  t.test(sc.name, async (t) => {
    const { signal, expect } = sc.build(sc.rate);
    const toMs = (n: number) => (n * 1000) / sc.rate;
    let reference: { type: string; atSample: number }[] | undefined;
    for (const chunk of CHUNKS) {
      const v = createVox({ sampleRate: sc.rate, ...sc.opts });
      const seen = feed(v, signal, chunk);
      t.same(
        seen.map((e) => e.type),
        expect.map((e) => e.type),
        `chunk ${chunk}: events ${seen.map((e) => `${e.type}@${toMs(e.atSample)}`).join(' ')}`,
      );
      expect.forEach((want, i) => {
        const got = seen[i];
        if (!got) return;
        const ms = toMs(got.atSample);
        t.ok(ms >= want.loMs && ms <= want.hiMs, `chunk ${chunk}: ${want.type} at ${ms} ms within [${want.loMs.toFixed(1)}, ${want.hiMs.toFixed(1)}]`);
      });
      t.ok(seen.every((e) => e.atSample <= e.reportedAt), 'no event refers to samples not yet fed');
      t.equal(v.counters.starts, expect.filter((e) => e.type === 'start').length);
      t.equal(v.counters.ends, expect.filter((e) => e.type === 'end').length);
      // The analysis does not depend on how the stream is cut.
      const plain = seen.map(({ type, atSample }) => ({ type, atSample }));
      if (reference === undefined) reference = plain;
      else t.same(plain, reference, `chunk ${chunk}: same events as chunk ${CHUNKS[0]}`);
    }
    const whole = feed(createVox({ sampleRate: sc.rate, ...sc.opts }), signal, signal.length);
    t.same(
      whole.map(({ type, atSample }) => ({ type, atSample })),
      reference,
      'the whole signal in one frame: same events, queued ones returned on later calls',
    );
  });
}

t.test('100 seeds of speechLike all start and end a call', async (t) => {
  // Onsets spread over 2.000–2.096 s so they do not all fall on an analysis-block boundary.
  const problems: string[] = [];
  for (let seed = 1; seed <= 100; seed++) {
    const rate = seed % 2 ? 8000 : 16000;
    const chunk = CHUNKS[seed % 3]!;
    const atMs = 2000 + ((seed * 37) % 97);
    const { signal, trueEndMs } = speechIn(atMs, 3000, -30, 14000, rate, seed);
    const seen = feed(createVox({ sampleRate: rate }), signal, chunk);
    const ms = seen.map((e) => (e.atSample * 1000) / rate);
    if (seen.length !== 2 || seen[0]!.type !== 'start' || seen[1]!.type !== 'end') {
      problems.push(`seed ${seed}: ${seen.map((e, i) => `${e.type}@${ms[i]}`).join(' ')}`);
      continue;
    }
    if (ms[0]! < atMs - lead - 100 || ms[0]! > atMs + 100) problems.push(`seed ${seed}: start at ${ms[0]} ms, true start ${atMs}`);
    if (ms[1]! < trueEndMs || ms[1]! > trueEndMs + 500) problems.push(`seed ${seed}: end at ${ms[1]} ms, true end ${trueEndMs}`);
  }
  t.same(problems, []);
});

t.test('the rules, to the sample, on block-aligned tones (8 kHz: 80-sample blocks)', async (t) => {
  const rate = 8000;
  t.test('start = onset − leadMs; end = last voiced block + leadMs, reported hangMs after the voice', async (t) => {
    // Tone from 1.000 s to 2.000 s (samples 8000..16000).
    const signal = concat(silence(1000, rate), tone(1000, 1000, -20, rate), silence(9000, rate));
    const seen = feed(createVox({ sampleRate: rate }), signal, 160);
    t.same(
      seen.map(({ type, atSample }) => ({ type, atSample })),
      [
        { type: 'start', atSample: 8000 - 2400 },
        { type: 'end', atSample: 16000 + 2400 },
      ],
    );
    t.equal(seen[0]!.reportedAt, 8000 + 1600, 'start reported when 200 ms of voice is in');
    t.equal(seen[1]!.reportedAt, 16000 + 64000, 'end reported when the 8 s hang has run out');
  });
  t.test('the tail is min(leadMs, hangMs)', async (t) => {
    const signal = concat(silence(1000, rate), tone(1000, 1000, -20, rate), silence(2000, rate));
    const seen = feed(createVox({ sampleRate: rate, hangMs: 200 }), signal, 80);
    t.same(seen.map((e) => e.atSample), [8000 - 2400, 16000 + 1600]);
  });
  t.test('the start is clamped at sample 0', async (t) => {
    const signal = concat(silence(100, rate), tone(1000, 1000, -20, rate), silence(1000, rate));
    const seen = feed(createVox({ sampleRate: rate }), signal, 333);
    t.equal(seen[0]!.atSample, 0);
  });
  t.test('leadMs 0: the start is the onset, the end the last voice', async (t) => {
    const signal = concat(silence(1000, rate), tone(1000, 1000, -20, rate), silence(9000, rate));
    const seen = feed(createVox({ sampleRate: rate, leadMs: 0 }), signal, 37);
    t.same(seen.map((e) => e.atSample), [8000, 16000]);
  });
  t.test('a start never reaches back before the previous end', async (t) => {
    // hang 200 ms: the first call ends at 2.200 s; the next tone starts at 2.400 s, and its
    // lead would reach back to 2.100 s.
    const signal = concat(silence(1000, rate), tone(1000, 1000, -20, rate), silence(400, rate), tone(1000, 1000, -20, rate), silence(1000, rate));
    const seen = feed(createVox({ sampleRate: rate, hangMs: 200 }), signal, 160);
    t.same(seen.map((e) => `${e.type}@${e.atSample}`), ['start@5600', 'end@17600', 'start@17600', 'end@28800']);
  });
  t.test('the walk-back steps over gaps shorter than 300 ms, not longer', async (t) => {
    // Soft tone (-43 dBFS) from 1.0 to 1.3 s, a gap, then a loud tone at 2.0 s.
    // Onset expected: the soft tone (1.000 s) when the gap is stepped over, else the loud one.
    for (const [gapMs, onsetMs] of [[290, 1000], [300, 1600], [700, 2000]] as const) {
      const soft = concat(silence(1000, rate), tone(1000, 300, -43, rate));
      const signal = concat(soft, silence(gapMs, rate), tone(1000, 1000, -20, rate), silence(500, rate));
      const seen = feed(createVox({ sampleRate: rate, leadMs: 0 }), signal, 160);
      t.equal(seen[0]?.atSample, onsetMs * 8, `gap ${gapMs} ms: onset at ${onsetMs} ms`);
    }
  });
  t.test('the walk-back never goes further than lookbackMs before the trigger', async (t) => {
    // 5 s of soft tone (above off, below on) before the loud tone at 6.0 s: the trigger is at
    // 6.200 s, so the start is clamped at 6.200 − 2.500 = 3.700 s.
    const signal = concat(silence(1000, rate), tone(1000, 5000, -43, rate), tone(1000, 1000, -20, rate), silence(500, rate));
    const seen = feed(createVox({ sampleRate: rate }), signal, 333);
    t.equal(seen[0]?.atSample, 3700 * 8);
    const short = feed(createVox({ sampleRate: rate, lookbackMs: 1000 }), signal, 333);
    t.equal(short[0]?.atSample, 5200 * 8);
  });
  t.test('hysteresis: once on, a level between off and on is still voice', async (t) => {
    const signal = concat(silence(1000, rate), tone(1000, 1000, -20, rate), tone(1000, 3000, -43, rate), silence(3000, rate));
    const seen = feed(createVox({ sampleRate: rate, hangMs: 1000 }), signal, 160);
    t.same(seen.map((e) => e.atSample), [5600, (5000 + 300) * 8]);
    const below = concat(silence(1000, rate), tone(1000, 1000, -20, rate), tone(1000, 3000, -48, rate), silence(3000, rate));
    const seen2 = feed(createVox({ sampleRate: rate, hangMs: 1000 }), below, 160);
    t.same(seen2.map((e) => e.atSample), [5600, (2000 + 300) * 8]);
  });
});

t.test('voxFlush ends a call in progress at the end of the stream', async (t) => {
  const rate = 8000;
  const v = createVox({ sampleRate: rate });
  const signal = concat(silence(1000, rate), tone(1000, 1000, -20, rate), silence(100, rate));
  const seen = feed(v, signal, 160);
  t.same(seen.map((e) => e.type), ['start']);
  t.same(voxFlush(v), { type: 'end', atSample: 16000 + 800 }, 'the tail is cut at the samples fed');
  t.equal(voxFlush(v), undefined);
  t.equal(v.active, false);
  t.equal(voxFlush(createVox({ sampleRate: rate })), undefined, 'idle: nothing');
});

t.test('voxReset forgets the signal and moves the position', async (t) => {
  const rate = 8000;
  const v = createVox({ sampleRate: rate });
  feed(v, concat(silence(1000, rate), tone(1000, 1000, -20, rate)), 160);
  t.equal(v.active, true);
  voxReset(v, 100000);
  t.equal(v.active, false);
  t.equal(v.samples, 100000);
  // Voice right after the reset: the start may not reach back before the reset position.
  const seen = feed(v, concat(tone(1000, 1000, -20, rate), silence(9000, rate)), 37);
  t.same(seen.map((e) => `${e.type}@${e.atSample}`), ['start@100000', `end@${100000 + 8000 + 2400}`]);
  t.equal(v.counters.starts, 2, 'counters are untouched');
  t.throws(() => voxReset(v, -1), TypeError);
  t.throws(() => voxReset(v, 1.5), TypeError);
});

t.test('counters: readable and resettable, positions untouched', async (t) => {
  const rate = 8000;
  const v = createVox({ sampleRate: rate, hangMs: 1000 });
  const call = concat(tone(1000, 500, -20, rate), silence(1500, rate));
  const signal = concat(silence(500, rate), call, call, call);
  // Fed without draining (no extra empty frames): one event at most per frame here.
  const events = [];
  for (let i = 0; i < signal.length; i += 160) events.push(voxRx(v, signal.subarray(i, i + 160)));
  t.equal(events.filter(Boolean).length, 6);
  t.same(v.counters, { frames: Math.ceil(signal.length / 160), starts: 3, ends: 3 });
  voxResetCounters(v);
  t.same(v.counters, { frames: 0, starts: 0, ends: 0 });
  t.equal(v.samples, signal.length, 'the position is not a counter');
  const more = feed(v, call, 160);
  t.same(more.map((e) => e.atSample), [signal.length - 2400, signal.length + 4000 + 2400], 'positions continue');
  t.same(v.counters, { frames: 100 + more.length, starts: 1, ends: 1 }, 'frames include the empty frames feed() drains with');
});

t.test('options are validated; a TypeError names the bad option', async (t) => {
  const bad: [string, Record<string, unknown>][] = [
    ['sampleRate', { sampleRate: 44100 }],
    ['sampleRate', { sampleRate: undefined }],
    ['onDbfs', { sampleRate: 8000, onDbfs: Number.NaN }],
    ['onDbfs', { sampleRate: 8000, onDbfs: 3 }],
    ['onDbfs', { sampleRate: 8000, onDbfs: '-40' }],
    ['offDbfs', { sampleRate: 8000, offDbfs: -40 }],
    ['offDbfs', { sampleRate: 8000, onDbfs: -50 }],
    ['offDbfs', { sampleRate: 8000, offDbfs: -Infinity }],
    ['attackMs', { sampleRate: 8000, attackMs: 0 }],
    ['attackMs', { sampleRate: 8000, attackMs: -200 }],
    ['hangMs', { sampleRate: 8000, hangMs: 0 }],
    ['hangMs', { sampleRate: 8000, hangMs: Infinity }],
    ['leadMs', { sampleRate: 8000, leadMs: -1 }],
    ['lookbackMs', { sampleRate: 8000, lookbackMs: 0 }],
    ['onDBfs', { sampleRate: 8000, onDBfs: -40 }],
  ];
  for (const [name, opts] of bad) {
    t.throws(() => createVox(opts as unknown as VoxOptions), { name: 'TypeError', message: new RegExp(`\\b${name}\\b`) }, `${name}: ${JSON.stringify(opts)}`);
  }
  const c = resolveVoxOptions({ sampleRate: 16000, hangMs: undefined, leadMs: 0 });
  t.same(c, { ...VOX_DEFAULTS, sampleRate: 16000, leadMs: 0 });
  t.ok(Object.isFrozen(c));
  const v = createVox({ sampleRate: 16000 });
  t.equal(v.blockSamples, 160);
  t.equal(v.attackBlocks, 20);
});
