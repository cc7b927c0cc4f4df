// From band energies to the vectors the alignment compares. A vector describes the SHAPE of
// the short-time spectrum — cepstra c1…c12 of the log band energies, no c0 — so the line's
// level does not matter and the voice's harmonics are smoothed away.
//
// Noise is handled from both sides. The call's noise floor is added to the level-matched
// clean reference before the logarithm, so a quiet stretch of the reference looks like the
// call's quiet stretches instead of like digital silence. And each frame's log spectrum, in
// both, is floored RANGE_DB below its own peak band: the valleys between formants are where
// noise that is not stationary (babble, a codec's artefacts) differs most from any floor
// estimate, and they say little about which sound it is.
import { BANDS } from './bands.js';

export const CEPSTRA = 12;
/** Each frame's log band energies are floored this far below the frame's loudest band. */
const RANGE_DB = 25;
/** Added to every band before the log, about -100 dB re a full-scale sine: keeps it finite. */
const EPS = 1e-10;

const DCT = (() => {
  const t = new Float64Array(CEPSTRA * BANDS);
  const norm = Math.sqrt(2 / BANDS);
  for (let m = 0; m < CEPSTRA; m++) for (let b = 0; b < BANDS; b++) t[m * BANDS + b] = norm * Math.cos((Math.PI * (m + 1) * (b + 0.5)) / BANDS);
  return t;
})();

/** The `q`-quantile of `xs` (a sorted copy; `xs` is not changed). */
export function quantile(xs: ArrayLike<number>, q: number): number {
  if (xs.length === 0) return 0;
  const s = Float64Array.from(xs).sort();
  return s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
}

/** Per band, the `q`-quantile of its energy over the frames. */
export function bandQuantiles(bands: Float32Array, frames: number, q: number): Float64Array {
  const out = new Float64Array(BANDS);
  const column = new Float64Array(frames);
  for (let b = 0; b < BANDS; b++) {
    for (let f = 0; f < frames; f++) column[f] = bands[f * BANDS + b]!;
    out[b] = quantile(column, q);
  }
  return out;
}

/** Energy of each frame, summed over the bands. */
export function frameEnergies(bands: Float32Array, frames: number): Float64Array {
  const e = new Float64Array(frames);
  for (let f = 0; f < frames; f++) {
    let s = 0;
    for (let b = 0; b < BANDS; b++) s += bands[f * BANDS + b]!;
    e[f] = s;
  }
  return e;
}

/** Cepstra of (`gain`·bands + `add`) for each frame, CEPSTRA per frame, in dB. */
export function cepstra(bands: Float32Array, frames: number, gain: number, add: Float64Array | null): Float64Array {
  const out = new Float64Array(frames * CEPSTRA);
  const logs = new Float64Array(BANDS);
  for (let f = 0; f < frames; f++) {
    let peak = -Infinity;
    for (let b = 0; b < BANDS; b++) {
      logs[b] = 10 * Math.log10(gain * bands[f * BANDS + b]! + (add ? add[b]! : 0) + EPS);
      peak = Math.max(peak, logs[b]!);
    }
    for (let b = 0; b < BANDS; b++) logs[b] = Math.max(logs[b]!, peak - RANGE_DB);
    for (let m = 0; m < CEPSTRA; m++) {
      let c = 0;
      for (let b = 0; b < BANDS; b++) c += DCT[m * BANDS + b]! * logs[b]!;
      out[f * CEPSTRA + m] = c;
    }
  }
  return out;
}
