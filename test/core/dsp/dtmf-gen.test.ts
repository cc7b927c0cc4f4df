import t from 'tap';
import { dtmfTones } from '../../../src/core/dsp/dtmf-gen.js';
import { frameDbfs } from '../../../src/core/dsp/level.js';

/** RMS level in dBFS of `x`'s component at `hz` (a DFT over whole samples; x long enough). */
function toneDbfs(x: Int16Array, hz: number, rate: number): number {
  let re = 0;
  let im = 0;
  for (let i = 0; i < x.length; i++) {
    re += x[i]! * Math.cos((2 * Math.PI * hz * i) / rate);
    im -= x[i]! * Math.sin((2 * Math.PI * hz * i) / rate);
  }
  const amp = (2 * Math.hypot(re, im)) / x.length;
  return 20 * Math.log10(amp / Math.SQRT2 / 32768);
}

t.test('layout: onMs of tone then offMs of silence per digit', async (t) => {
  for (const rate of [8000, 16000]) {
    const x = dtmfTones('1#d', { sampleRate: rate, onMs: 50, offMs: 30 });
    const on = rate / 20;
    const per = on + (rate * 3) / 100;
    t.equal(x.length, 3 * per);
    for (let k = 0; k < 3; k++) {
      t.ok(frameDbfs(x.subarray(k * per, k * per + on)) > -10, `digit ${k} sounds`);
      t.equal(frameDbfs(x.subarray(k * per + on, (k + 1) * per)), -Infinity, `then silence`);
    }
  }
  t.equal(dtmfTones('', { sampleRate: 8000 }).length, 0);
  t.equal(dtmfTones('5', { sampleRate: 8000 }).length, 1120, 'defaults 70/70 ms');
});

t.test('levels, twist and frequency error', async (t) => {
  const rate = 8000;
  const x = dtmfTones('5', { sampleRate: rate, onMs: 1000, offMs: 0, dbfs: -20 }); // 770 + 1336 Hz
  t.ok(Math.abs(toneDbfs(x, 770, rate) - -20) < 0.1, 'low tone at dbfs');
  t.ok(Math.abs(toneDbfs(x, 1336, rate) - -20) < 0.1, 'high tone at dbfs');
  t.ok(Math.abs(frameDbfs(x) - (-20 + 10 * Math.log10(2))) < 0.1, 'the pair is 3 dB above each tone');
  const tw = dtmfTones('5', { sampleRate: rate, onMs: 1000, offMs: 0, dbfs: -20, twistDb: 6 });
  t.ok(Math.abs(toneDbfs(tw, 770, rate) - -20) < 0.1 && Math.abs(toneDbfs(tw, 1336, rate) - -26) < 0.1, 'twist 6: high tone 6 dB down');
  const rev = dtmfTones('5', { sampleRate: rate, onMs: 1000, offMs: 0, dbfs: -20, twistDb: -4 });
  t.ok(Math.abs(toneDbfs(rev, 1336, rate) - -16) < 0.1, 'twist −4: high tone 4 dB up');
  const off = dtmfTones('5', { sampleRate: rate, onMs: 1000, offMs: 0, dbfs: -20, freqErrorPct: 3.5 });
  t.ok(Math.abs(toneDbfs(off, 770 * 1.035, rate) - -20) < 0.1, 'low tone moved 3.5 %');
  t.ok(Math.abs(toneDbfs(off, 1336 * 1.035, rate) - -20) < 0.1, 'high tone moved 3.5 %');
  t.ok(toneDbfs(off, 770, rate) < -35, 'nothing left at nominal');
});

t.test('saturates instead of wrapping; rejects bad input', async (t) => {
  const loud = dtmfTones('D', { sampleRate: 8000, dbfs: 0 });
  t.ok(Math.max(...loud) === 32767 && Math.min(...loud) === -32768, 'clipped at full scale');
  t.throws(() => dtmfTones('12E', { sampleRate: 8000 }), { name: 'TypeError', message: /"E"/ });
  t.throws(() => dtmfTones('1', { sampleRate: 44100 }), TypeError);
  t.throws(() => dtmfTones('1', { sampleRate: 8000, onMs: -1 }), TypeError);
  t.throws(() => dtmfTones('1', { sampleRate: 8000, dbfs: Number.NaN }), TypeError);
});
