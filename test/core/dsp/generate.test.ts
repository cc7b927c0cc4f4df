import t from 'tap';
import { tone, silence, noise, speechLike, mix, concat, mulberry32, msToSamples } from '../../../src/core/dsp/generate.js';
import { frameDbfs } from '../../../src/core/dsp/level.js';

const same = (a: Int16Array, b: Int16Array) => a.length === b.length && a.every((x, i) => x === b[i]);

t.test('lengths follow ms and rate', async (t) => {
  t.equal(silence(20, 8000).length, 160);
  t.equal(silence(20, 16000).length, 320);
  t.equal(tone(1000, 37.5, -20, 8000).length, 300);
  t.equal(noise(1000, -60, 16000, 1).length, 16000);
  t.equal(speechLike(3000, -26, 8000, 1).length, 24000);
  t.equal(msToSamples(0.06, 8000), 0);
  t.ok(silence(100, 8000).every((x) => x === 0));
});

t.test('mulberry32 is deterministic per seed and in [0, 1)', async (t) => {
  const a = mulberry32(42);
  const b = mulberry32(42);
  const xs = Array.from({ length: 1000 }, () => a());
  t.same(xs, Array.from({ length: 1000 }, () => b()));
  t.ok(xs.every((x) => x >= 0 && x < 1));
  t.not(mulberry32(43)(), xs[0]);
});

t.test('noise: deterministic, at its level', async (t) => {
  t.ok(same(noise(500, -30, 8000, 5), noise(500, -30, 8000, 5)));
  t.notOk(same(noise(500, -30, 8000, 5), noise(500, -30, 8000, 6)));
  for (const db of [-60, -30, -12]) {
    const l = frameDbfs(noise(2000, db, 8000, 3));
    t.ok(Math.abs(l - db) < 0.3, `${db}: ${l.toFixed(2)}`);
  }
  const loud = noise(500, 0, 8000, 1);
  t.ok(loud.every((x) => x >= -32768 && x <= 32767), 'saturates instead of wrapping');
});

t.test('tone: at its level, full scale clipped not wrapped', async (t) => {
  t.ok(Math.abs(frameDbfs(tone(1000, 100, -20, 8000)) - -20) < 0.05);
  const fs = tone(1000, 100, -3.0103, 8000);
  t.ok(Math.max(...fs) === 32767 && Math.min(...fs) === -32768, "peaks clipped at the Int16 limits");
  t.ok(Math.abs(frameDbfs(fs) - -3.01) < 0.05);
});

/** Splits a speechLike signal into bursts and gaps: a gap is a run of ≥ 2.5 ms of zeros. */
function segments(x: Int16Array, rate: number) {
  const minGap = Math.round(0.0025 * rate);
  const bursts: { from: number; to: number }[] = [];
  let i = 0;
  while (i < x.length) {
    while (i < x.length && x[i] === 0) i++;
    if (i >= x.length) break;
    const from = i;
    let zeros = 0;
    let last = i;
    for (; i < x.length; i++) {
      if (x[i] !== 0) {
        last = i;
        zeros = 0;
      } else if (++zeros >= minGap) break;
    }
    bursts.push({ from, to: last + 1 });
  }
  return bursts;
}

t.test('speechLike: syllable-like bursts and gaps at the level asked, deterministic', async (t) => {
  t.ok(same(speechLike(2000, -26, 8000, 9), speechLike(2000, -26, 8000, 9)));
  t.notOk(same(speechLike(2000, -26, 8000, 9), speechLike(2000, -26, 8000, 10)));
  for (const rate of [8000, 16000]) {
    const problems: string[] = [];
    let count = 0;
    for (let seed = 1; seed <= 20; seed++) {
      const x = speechLike(3000, -26, rate, seed);
      const segs = segments(x, rate);
      const ms = (n: number) => (n * 1000) / rate;
      if (ms(segs[0]!.from) > 1) problems.push(`seed ${seed}: starts at ${segs[0]!.from}`);
      segs.forEach((s, k) => {
        count++;
        const len = ms(s.to - s.from);
        if (len < 99 || len > 250.5) problems.push(`seed ${seed}: burst ${k} ${len} ms`);
        const level = frameDbfs(x.subarray(s.from, s.to));
        if (Math.abs(level - -26) > 0.3) problems.push(`seed ${seed}: burst ${k} at ${level.toFixed(2)} dBFS`);
        const next = segs[k + 1];
        if (next) {
          const gap = ms(next.from - s.to);
          if (gap < 39 || gap > 151) problems.push(`seed ${seed}: gap ${k} ${gap} ms`);
        } else if (ms(x.length - s.to) > 251) problems.push(`seed ${seed}: trailing silence ${ms(x.length - s.to)} ms`);
      });
    }
    t.same(problems, [], `${rate} Hz: ${count} bursts`);
  }
});

t.test('speechLike: energy sits in the telephone band, pitch in 100–220 Hz', async (t) => {
  // Energy per 10 ms block changes sign of slope with every syllable, but the waveform is
  // periodic within a burst: its autocorrelation peaks at a lag of one pitch period.
  const rate = 8000;
  const x = speechLike(3000, -26, rate, 4);
  const [s] = segments(x, rate);
  const mid = Math.floor((s!.from + s!.to) / 2);
  const win = x.subarray(mid - 200, mid + 200);
  let bestLag = 0;
  let best = -Infinity;
  for (let lag = Math.floor(rate / 240); lag <= Math.ceil(rate / 90); lag++) {
    let r = 0;
    for (let i = 0; i + lag < win.length; i++) r += win[i]! * win[i + lag]!;
    if (r > best) {
      best = r;
      bestLag = lag;
    }
  }
  const f0 = rate / bestLag;
  t.ok(f0 >= 95 && f0 <= 230, `pitch ${f0.toFixed(1)} Hz`);
});

t.test('mix sums and saturates; the longer length wins', async (t) => {
  const a = Int16Array.from([1, 30000, -30000, 5]);
  const b = Int16Array.from([2, 30000, -30000]);
  t.same(mix(a, b), Int16Array.from([3, 32767, -32768, 5]));
  t.same(mix(b, a), Int16Array.from([3, 32767, -32768, 5]));
});

t.test('concat joins in order', async (t) => {
  t.same(concat(Int16Array.from([1, 2]), new Int16Array(0), Int16Array.from([3])), Int16Array.from([1, 2, 3]));
  t.same(concat(), new Int16Array(0));
});
