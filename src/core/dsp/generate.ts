// Test and demo signals: pure functions from parameters to Int16 PCM. Deterministic — every
// random choice comes from a seeded PRNG — so a failing case can be replayed from its seed.
//
// Levels are RMS in dBFS on the scale of level.ts (a full-scale sine is -3.01 dBFS). Durations
// are rounded to whole samples. Sums saturate at the Int16 limits rather than wrapping.

import { dbfsToRms } from './level.js';

/** Syllable-like bursts of speechLike: voiced 100–250 ms, then 40–150 ms of silence. */
const SYLLABLE_MIN_MS = 100;
const SYLLABLE_MAX_MS = 250;
const GAP_MIN_MS = 40;
const GAP_MAX_MS = 150;
/** Pitch of each burst, 100–220 Hz, gliding by up to ±15 % across it. */
const PITCH_MIN_HZ = 100;
const PITCH_MAX_HZ = 220;
const PITCH_GLIDE = 0.15;
/** Raised-cosine rise and fall of each burst. */
const RAMP_MS = 15;
/** Harmonics stop at the top of the telephone band. */
const BAND_TOP_HZ = 3400;
/** Vowel-ish formants: ranges of F1..F3, their bandwidths and relative gains. */
const FORMANTS = [
  { minHz: 300, maxHz: 800, bwHz: 90, gain: 1 },
  { minHz: 900, maxHz: 2200, bwHz: 120, gain: 0.6 },
  { minHz: 2400, maxHz: 3000, bwHz: 180, gain: 0.3 },
] as const;

export function msToSamples(ms: number, rate: number): number {
  return Math.round((ms * rate) / 1000);
}

/** mulberry32: a small seeded PRNG returning floats in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function clip16(x: number): number {
  const r = Math.round(x);
  return r > 32767 ? 32767 : r < -32768 ? -32768 : r;
}

/** `ms` of digital silence. */
export function silence(ms: number, rate: number): Int16Array {
  return new Int16Array(msToSamples(ms, rate));
}

/** A sine of `freqHz` at RMS level `dbfs` (peak = RMS·√2, clipped at full scale), phase 0. */
export function tone(freqHz: number, ms: number, dbfs: number, rate: number): Int16Array {
  const n = msToSamples(ms, rate);
  const out = new Int16Array(n);
  const amp = dbfsToRms(dbfs) * Math.SQRT2;
  const w = (2 * Math.PI * freqHz) / rate;
  for (let i = 0; i < n; i++) out[i] = clip16(amp * Math.sin(w * i));
  return out;
}

/** White Gaussian noise at RMS level `dbfs` (expected value), deterministic per `seed`. */
export function noise(ms: number, dbfs: number, rate: number, seed: number): Int16Array {
  const n = msToSamples(ms, rate);
  const out = new Int16Array(n);
  const rnd = mulberry32(seed);
  const rms = dbfsToRms(dbfs);
  for (let i = 0; i < n; i += 2) {
    // Box–Muller: two independent normals per pair of uniforms.
    const r = Math.sqrt(-2 * Math.log(1 - rnd())) * rms;
    const th = 2 * Math.PI * rnd();
    out[i] = clip16(r * Math.cos(th));
    if (i + 1 < n) out[i + 1] = clip16(r * Math.sin(th));
  }
  return out;
}

/**
 * Speech-like signal: syllable-like voiced bursts of 100–250 ms separated by 40–150 ms of digital
 * silence. Each burst is a sum of harmonics of a random pitch (100–220 Hz, gliding a little)
 * shaped by three random formants, with 15 ms raised-cosine ramps, and is scaled so that ITS
 * OWN RMS is `dbfs` (the level of the voiced parts, not of the whole signal).
 * The signal starts with voice at sample 0. No burst is cut short: when less than 100 ms is
 * left the rest stays silent, so the signal may end in up to ~250 ms of silence.
 * Mix with `noise` for a noise floor.
 */
export function speechLike(ms: number, dbfs: number, rate: number, seed: number): Int16Array {
  const n = msToSamples(ms, rate);
  const out = new Int16Array(n);
  const rnd = mulberry32(seed);
  const uniform = (lo: number, hi: number) => lo + (hi - lo) * rnd();
  const targetRms = dbfsToRms(dbfs);
  const topHz = Math.min(BAND_TOP_HZ, 0.45 * rate);
  const minLen = msToSamples(SYLLABLE_MIN_MS, rate);
  const burst = new Float64Array(msToSamples(SYLLABLE_MAX_MS, rate));

  let t = 0;
  while (n - t >= minLen) {
    const len = Math.min(msToSamples(uniform(SYLLABLE_MIN_MS, SYLLABLE_MAX_MS), rate), n - t);
    const f0a = uniform(PITCH_MIN_HZ, PITCH_MAX_HZ);
    const f0b = Math.min(PITCH_MAX_HZ, Math.max(PITCH_MIN_HZ, f0a * uniform(1 - PITCH_GLIDE, 1 + PITCH_GLIDE)));
    const f0mean = (f0a + f0b) / 2;
    const formants = FORMANTS.map((f) => ({ hz: uniform(f.minHz, f.maxHz), bw: f.bwHz, gain: f.gain }));
    const harmonics = Math.floor(topHz / Math.min(f0a, f0b));
    const amps = new Float64Array(harmonics + 1);
    const phases = new Float64Array(harmonics + 1);
    for (let k = 1; k <= harmonics; k++) {
      let a = 0.02; // a little energy between the formants
      for (const f of formants) a += f.gain / (1 + ((k * f0mean - f.hz) / f.bw) ** 2);
      amps[k] = a / Math.sqrt(k); // gentle spectral tilt
      phases[k] = uniform(0, 2 * Math.PI);
    }
    const ramp = Math.min(msToSamples(RAMP_MS, rate), Math.floor(len / 4));
    let phase = 0;
    let sumSq = 0;
    for (let i = 0; i < len; i++) {
      const f0 = f0a + ((f0b - f0a) * i) / len;
      phase += (2 * Math.PI * f0) / rate;
      let x = 0;
      for (let k = 1; k <= harmonics && k * f0 < topHz; k++) x += amps[k]! * Math.sin(k * phase + phases[k]!);
      const edge = Math.min(i, len - 1 - i);
      if (edge < ramp) x *= 0.5 - 0.5 * Math.cos((Math.PI * (edge + 0.5)) / ramp);
      burst[i] = x;
      sumSq += x * x;
    }
    const scale = sumSq > 0 ? targetRms / Math.sqrt(sumSq / len) : 0;
    for (let i = 0; i < len; i++) out[t + i] = clip16(burst[i]! * scale);
    t += len + msToSamples(uniform(GAP_MIN_MS, GAP_MAX_MS), rate);
  }
  return out;
}

/** Sample-wise sum of `a` and `b`, saturating; as long as the longer of the two. */
export function mix(a: Int16Array, b: Int16Array): Int16Array {
  const out = new Int16Array(Math.max(a.length, b.length));
  for (let i = 0; i < out.length; i++) out[i] = clip16((a[i] ?? 0) + (b[i] ?? 0));
  return out;
}

/** The parts one after the other. */
export function concat(...parts: Int16Array[]): Int16Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Int16Array(n);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
