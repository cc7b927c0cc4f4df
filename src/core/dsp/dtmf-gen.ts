// DTMF transmitter for tests and the trunk simulator: a pure function from a digit string to
// Int16 PCM. Each digit is onMs of its two tones (both starting at phase 0, no ramps, like a sox
// `synth` tone) followed by offMs of silence, so the signal ends in silence. Levels are RMS in
// dBFS on the scale of level.ts (a full-scale sine is −3.01 dBFS); sums saturate at the Int16
// limits. Durations are rounded to whole samples.

import { dbfsToRms } from './level.js';
import { DTMF_SAMPLE_RATES, dtmfFrequencies, isDtmfDigit, type DtmfDigit } from './dtmf.js';

export interface DtmfToneOptions {
  /** 8000 or 16000. */
  sampleRate: number;
  /** Tone length per digit (default 70 ms, the usual exchange value; Q.23 asks for ≥ 40 ms). */
  onMs?: number;
  /** Silence after each digit (default 70 ms). */
  offMs?: number;
  /** Level of the LOW-group tone, RMS dBFS per tone (default −10). */
  dbfs?: number;
  /**
   * Low-group level minus high-group level, in dB (default 0). Positive: the low tone is louder
   * (the receiver's normal twist); negative: the high tone is louder (reverse twist). The high
   * tone is sent at dbfs − twistDb.
   */
  twistDb?: number;
  /** Both tones off nominal by this percentage (default 0; e.g. 1.5 or −3.5). */
  freqErrorPct?: number;
}

function msToSamples(ms: number, rate: number): number {
  return Math.round((ms * rate) / 1000);
}

function clip16(x: number): number {
  const r = Math.round(x);
  return r > 32767 ? 32767 : r < -32768 ? -32768 : r;
}

/** DTMF for `digits` (keys 0-9 * # A-D; a-d accepted as A-D). Throws TypeError on anything else. */
export function dtmfTones(digits: string, opts: DtmfToneOptions): Int16Array {
  const { sampleRate: rate, onMs = 70, offMs = 70, dbfs = -10, twistDb = 0, freqErrorPct = 0 } = opts;
  if (!(DTMF_SAMPLE_RATES as readonly number[]).includes(rate)) {
    throw new TypeError(`dtmfTones: sampleRate must be 8000 or 16000, got ${rate}`);
  }
  for (const [k, v] of Object.entries({ onMs, offMs })) {
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw new TypeError(`dtmfTones: ${k} must be a number of ms at or above 0, got ${v}`);
  }
  for (const [k, v] of Object.entries({ dbfs, twistDb, freqErrorPct })) {
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new TypeError(`dtmfTones: ${k} must be a finite number, got ${v}`);
  }
  const keys = digits.toUpperCase();
  for (const d of keys) {
    if (!isDtmfDigit(d)) throw new TypeError(`dtmfTones: not a DTMF key: ${JSON.stringify(d)} in ${JSON.stringify(digits)}`);
  }
  const on = msToSamples(onMs, rate);
  const per = on + msToSamples(offMs, rate);
  const out = new Int16Array(per * keys.length);
  const aLow = dbfsToRms(dbfs) * Math.SQRT2;
  const aHigh = dbfsToRms(dbfs - twistDb) * Math.SQRT2;
  const scale = 1 + freqErrorPct / 100;
  for (let k = 0; k < keys.length; k++) {
    const { rowHz, colHz } = dtmfFrequencies(keys[k] as DtmfDigit);
    const wl = (2 * Math.PI * rowHz * scale) / rate;
    const wh = (2 * Math.PI * colHz * scale) / rate;
    const at = k * per;
    for (let i = 0; i < on; i++) out[at + i] = clip16(aLow * Math.sin(wl * i) + aHigh * Math.sin(wh * i));
  }
  return out;
}
