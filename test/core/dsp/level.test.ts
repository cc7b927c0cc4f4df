import t from 'tap';
import { frameDbfs, meanSquareToDbfs, dbfsToRms, FULL_SCALE } from '../../../src/core/dsp/level.js';
import { tone } from '../../../src/core/dsp/generate.js';

function sine(amp: number, freqHz: number, n: number, rate: number): Int16Array {
  const out = new Int16Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.round(amp * Math.sin((2 * Math.PI * freqHz * i) / rate));
  return out;
}

t.test('a full-scale sine reads -3.01 dBFS', async (t) => {
  for (const [rate, freq] of [[8000, 1000], [8000, 1004], [16000, 440]] as const) {
    const db = frameDbfs(sine(32767, freq, rate / 50, rate)); // 20 ms
    t.ok(Math.abs(db - -3.0103) < 0.1, `${freq} Hz at ${rate}: ${db.toFixed(3)}`);
  }
  t.ok(Math.abs(frameDbfs(sine(32767, 1000, 160, 8000)) - -3.0103) < 0.01, 'whole periods: within 0.01 dB');
});

t.test('a -20 dBFS sine reads -20 dBFS', async (t) => {
  for (const [rate, freq] of [[8000, 1000], [8000, 1004], [8000, 300], [16000, 3100]] as const) {
    const db = frameDbfs(tone(freq, 20, -20, rate));
    t.ok(Math.abs(db - -20) < 0.1, `${freq} Hz at ${rate}: ${db.toFixed(3)}`);
  }
});

t.test('a full-scale square wave reads 0 dBFS; levels scale 20 dB per decade', async (t) => {
  const sq = new Int16Array(160).map((_, i) => (i % 8 < 4 ? 32767 : -32768));
  t.ok(Math.abs(frameDbfs(sq)) < 0.001, String(frameDbfs(sq)));
  const a = frameDbfs(tone(1000, 20, -10, 8000));
  const b = frameDbfs(tone(1000, 20, -30, 8000));
  t.ok(Math.abs(a - b - 20) < 0.05);
});

t.test('digital silence and an empty frame read -Infinity', async (t) => {
  t.equal(frameDbfs(new Int16Array(160)), -Infinity);
  t.equal(frameDbfs(new Int16Array(0)), -Infinity);
  t.equal(meanSquareToDbfs(0), -Infinity);
  t.ok(frameDbfs(new Int16Array(160)) < -200, 'below every threshold');
});

t.test('one LSB of DC is the quietest non-silent level', async (t) => {
  const db = frameDbfs(new Int16Array(160).fill(1));
  t.ok(Math.abs(db - -90.309) < 0.001, String(db));
});

t.test('reads a view into a larger buffer, not the whole buffer', async (t) => {
  const big = new Int16Array(480);
  big.set(tone(1000, 20, -20, 8000), 160);
  t.ok(Math.abs(frameDbfs(big.subarray(160, 320)) - -20) < 0.1);
  t.equal(frameDbfs(big.subarray(0, 160)), -Infinity);
});

t.test('dbfsToRms and meanSquareToDbfs are inverse', async (t) => {
  t.equal(dbfsToRms(0), FULL_SCALE);
  for (const db of [-3, -20, -46, -90]) {
    const rms = dbfsToRms(db);
    t.ok(Math.abs(meanSquareToDbfs(rms * rms) - db) < 1e-9);
  }
});
