// Audio fixtures for the announcement tests, made on the fly (no binary fixtures in git), and the measurements
// the tests make on what comes back.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import wavefile from 'wavefile';

const { WaveFile } = wavefile;

/** Runs a tool (sox, ffmpeg, opusenc, espeak-ng) quietly; its stderr becomes the error if it fails. */
export function run(cmd: string, args: readonly string[]): void {
  execFileSync(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'] });
}

/** Sum of sines, `amp` as a fraction of full scale. */
export function tones(rate: number, seconds: number, parts: readonly { f: number; amp: number }[]): Float64Array {
  const out = new Float64Array(Math.round(rate * seconds));
  for (let i = 0; i < out.length; i++) {
    let s = 0;
    for (const p of parts) s += p.amp * Math.sin((2 * Math.PI * p.f * i) / rate);
    out[i] = s;
  }
  return out;
}

/** Writes a WAV with wavefile: `channels` are float ±1, stored at `bitDepth` ('16', '24', '32f', '64', '8'…). */
export function writeWav(path: string, rate: number, bitDepth: string, channels: readonly Float64Array[]): void {
  const w = new WaveFile();
  const scaled = channels.map((c) => scale(c, bitDepth));
  w.fromScratch(channels.length, rate, bitDepth, channels.length === 1 ? scaled[0]! : scaled);
  writeFileSync(path, w.toBuffer());
}

function scale(c: Float64Array, bitDepth: string): Float64Array {
  if (bitDepth === '32f' || bitDepth === '64') return c;
  const bits = Number(bitDepth);
  const max = 2 ** (bits - 1) - 1;
  const out = c.map((x) => Math.round(x * max));
  return bits === 8 ? out.map((x) => x + 128) : out;
}

/** Amplitude (in Int16 units) of the `f` Hz component over the middle half of `x` (Goertzel). */
export function toneAmplitude(x: Int16Array, rate: number, f: number): number {
  const from = Math.floor(x.length / 4);
  const to = Math.floor((3 * x.length) / 4);
  const w = (2 * Math.PI * f) / rate;
  const c = 2 * Math.cos(w);
  let s1 = 0;
  let s2 = 0;
  for (let i = from; i < to; i++) {
    const s = x[i]! + c * s1 - s2;
    s2 = s1;
    s1 = s;
  }
  const power = s1 * s1 + s2 * s2 - c * s1 * s2;
  return (2 * Math.sqrt(Math.max(power, 0))) / (to - from);
}

export function db(ratio: number): number {
  return 20 * Math.log10(ratio);
}

/** Pearson correlation of `a` against `b` shifted by each lag in ±maxLag; the best one. */
export function bestCorrelation(a: Int16Array, b: Int16Array, maxLag: number): { r: number; lag: number } {
  let best = { r: -2, lag: 0 };
  for (let lag = -maxLag; lag <= maxLag; lag++) {
    const r = correlation(a, b, lag);
    if (r > best.r) best = { r, lag };
  }
  return best;
}

/** Correlation of a[i] with b[i + lag] over the overlap. */
function correlation(a: Int16Array, b: Int16Array, lag: number): number {
  const from = Math.max(0, -lag);
  const to = Math.min(a.length, b.length - lag);
  let sa = 0;
  let sb = 0;
  for (let i = from; i < to; i++) {
    sa += a[i]!;
    sb += b[i + lag]!;
  }
  const n = to - from;
  const ma = sa / n;
  const mb = sb / n;
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = from; i < to; i++) {
    const x = a[i]! - ma;
    const y = b[i + lag]! - mb;
    sab += x * y;
    saa += x * x;
    sbb += y * y;
  }
  return sab / Math.sqrt(saa * sbb);
}

/** Reads a 16-bit mono WAV's samples exactly as stored (via sox conversions, the reference). */
export function wavSamples16(bytes: Uint8Array): Int16Array {
  const w = new WaveFile(bytes);
  return Int16Array.from(w.getSamples(true) as Float64Array);
}
