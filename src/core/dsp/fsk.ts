// FSK receiver: audio → bits, the bottom layer of FSK caller ID (clip-fsk.ts frames the bytes
// these bits carry; uart.ts sits in between).
//
// Shape (spandsp style): `createFskRx(spec, opts)` returns a plain state record;
// `fskRx(state, samples)` takes frames of any length and returns the bits decided in them, each
// with its absolute sample position. Time is counted in samples fed, never in wall clock, and
// the output does not depend on how the caller cuts the stream into frames.
//
// Modem parameters live in one frozen table, FSK_SPECS (spandsp's `preset_fsk_specs`): V.23
// forward channel (the ETSI caller-ID modem) and Bell 202 (the Bellcore one). A spec is a plain
// object, so a test may pass a detuned copy.
//
// Per sample:
//  1. Band-pass: a 2nd-order Butterworth high-pass at half the lower tone and a 2nd-order
//     low-pass at 1.4 × the upper tone (capped at 0.45 × the sample rate). It keeps hum, speech
//     fundamentals and out-of-band noise out of both the carrier detector and the correlators.
//  2. Carrier detect. Up: the in-band power (one-pole mean square, POWER_TAU_MS) is above
//     `onDbfs` AND the signal is a steady mark tone (at least MARK_PURITY of the in-band power
//     within ±40 Hz of the mark, measured with MARK_TONE_TAU_MS averages), both for
//     CARRIER_ON_MS. Down: the power stays below `offDbfs` for CARRIER_OFF_MS. No bits come out
//     while it is down. Every caller-ID transmission holds a mark for at least 55 bits before
//     its data, so nothing is lost; silence, noise of any level, speech and the channel seizure
//     never bring it up (spandsp uses power alone; here the line also carries speech).
//  3. Non-coherent demodulation: quadrature correlation with the mark and the space tone over a
//     sliding window of exactly one bit (ceil(rate / baud) samples, the oldest weighted by the
//     fraction of it inside the bit: 6⅔ samples at 8 kHz), as spandsp's fsk_rx does with a
//     whole-sample window. The decision is d = space energy − mark energy, each energy divided
//     by the band-pass's power gain at its tone so the filter's tilt does not bias it; mark (1)
//     when d ≤ 0. (A 7-sample window at 8 kHz lets each bit leak into the next: V.23 then failed
//     at 15 dB SNR where it now passes at 10.)
//  4. Bit timing: a bit clock runs at the baud rate, and a bit is sampled each time it wraps.
//     A change of the decision's sign marks a bit boundary half a bit back (the window is then
//     half in each bit), so the clock should read half a bit there, found at the interpolated
//     zero crossing. The first transition after SYNC_IDLE_BITS without one (a start bit after
//     idle; the first after carrier up) sets the clock to that outright, as spandsp's async
//     mode does on every transition; later ones pull it TIMING_GAIN of the way, so a crossing
//     that noise moved moves the clock half as far. (Resetting on every transition, V.23 at
//     8 kHz lost 10 % of characters at 12 dB SNR; pulling halfway, none.)
//     Async data needs no more: each character starts with a transition, and a ±2 % clock
//     error drifts 0.2 bit over one.
//
// Output: a `bits` array of 0 (space), 1 (mark), FSK_CARRIER_UP or FSK_CARRIER_DOWN, and beside
// it `at`, the absolute sample position of each (for a bit, the sample at which it was decided:
// the end of its window, about one bit plus the filter delay after the bit began).

import { dbfsToRms, meanSquareToDbfs } from './level.js';

export interface FskSpec {
  readonly name: string;
  /** Binary 1 (mark, also the idle line and the stop bit), Hz. */
  readonly markHz: number;
  /** Binary 0 (space, also the start bit), Hz. */
  readonly spaceHz: number;
  /** Bits per second. */
  readonly baud: number;
}

/** The FSK modems of caller ID (ETSI EN 300 659-1 uses V.23; Bellcore GR-30 uses Bell 202). */
export const FSK_SPECS = Object.freeze({
  /** ITU-T V.23 mode 2 forward channel: 1300 Hz mark, 2100 Hz space, 1200 bit/s. */
  v23: Object.freeze({ name: 'V.23', markHz: 1300, spaceHz: 2100, baud: 1200 }),
  /** Bell 202: 1200 Hz mark, 2200 Hz space, 1200 bit/s. */
  bell202: Object.freeze({ name: 'Bell 202', markHz: 1200, spaceHz: 2200, baud: 1200 }),
} satisfies Record<string, FskSpec>);

export type FskSpecName = keyof typeof FSK_SPECS;

export const FSK_SAMPLE_RATES = Object.freeze([8000, 16000] as const);

/** Markers in the bit stream beside 0 and 1 (spandsp reports these through put_bit too). */
export const FSK_CARRIER_UP = 2;
export const FSK_CARRIER_DOWN = 3;

/** Time constant of the in-band power meter: 1 ms, about a bit. */
export const POWER_TAU_MS = 1;
/** Time constant of the mark-tone meter: 4 ms, a ±40 Hz (-3 dB) window around the mark. */
export const MARK_TONE_TAU_MS = 4;
/** The carrier comes up on a steady mark: at least 0.6 (-2.2 dB) of the in-band power within
 *  the mark-tone meter's window. A mark 20 Hz off (1.5 %) reads 0.86, one at 10 dB SNR 0.9;
 *  the channel seizure reads under 0.12, white noise under 0.45, speech peaks near 0.55 for
 *  a millisecond or two. */
export const MARK_PURITY = 0.6;
/** Power above onDbfs and a pure mark must hold this long to bring the carrier up (6 bits). */
export const CARRIER_ON_MS = 5;
/** …and below offDbfs this long to take it down (6 bits at 1200 bit/s). */
export const CARRIER_OFF_MS = 5;

/** A transition after this many bits without one (a start bit after idle, the first after
 *  carrier up) sets the bit clock outright… */
export const SYNC_IDLE_BITS = 10;
/** …any other pulls it this fraction of the way, so one noisy crossing moves it half as far. */
export const TIMING_GAIN = 0.5;

export const FSK_RX_DEFAULTS = Object.freeze({
  /** -43 dBFS in band: the carrier comes up. 8 dB under the quietest caller ID we must read
   *  (-35 dBFS), 20 dB over the line noise floor the recorder expects (about -66 dBFS). */
  onDbfs: -43,
  /** -48 dBFS in band: the carrier goes down (5 dB of hysteresis, as spandsp's ±2.5 dB). */
  offDbfs: -48,
});

export interface FskRxOptions {
  /** 8000 or 16000 (checked at run time). */
  sampleRate: number;
  onDbfs?: number;
  offDbfs?: number;
}

export type FskRxConfig = Readonly<Required<FskRxOptions>>;

export interface FskRxCounters {
  /** Samples fed. */
  samples: number;
  /** Bits decided (carrier markers not counted). */
  bits: number;
  carrierUps: number;
  carrierDowns: number;
}

/** What one fskRx call decided: bits and carrier markers, and the sample position of each. */
export interface FskBits {
  /** 0, 1, FSK_CARRIER_UP or FSK_CARRIER_DOWN. */
  readonly bits: Uint8Array;
  /** Absolute sample position of each entry of `bits`. */
  readonly at: Float64Array;
}

interface Biquad {
  b0: number;
  b1: number;
  b2: number;
  a1: number;
  a2: number;
}

export interface FskRxState {
  readonly spec: FskSpec;
  readonly config: FskRxConfig;
  /** Samples held for the correlation window: ceil(rate / baud). */
  readonly window: number;
  /** How much of the oldest sample lies outside one bit: window − rate / baud, in [0, 1). */
  readonly tailOff: number;
  /** Bits per sample (baud / rate): the bit clock's step. */
  readonly bitStep: number;
  readonly onMeanSquare: number;
  readonly offMeanSquare: number;
  readonly onHold: number;
  readonly offHold: number;
  readonly powerAlpha: number;
  readonly toneAlpha: number;
  readonly hp: Readonly<Biquad>;
  readonly lp: Readonly<Biquad>;
  /** 1 / the band-pass's power gain at the mark and the space tone. */
  readonly markNorm: number;
  readonly spaceNorm: number;
  /** Per-sample rotation of the mark and space references (cos, sin of 2πf/rate). */
  readonly markRot: readonly [number, number];
  readonly spaceRot: readonly [number, number];
  /** Window of products x·e^{-jωn}: mark re, mark im, space re, space im. */
  readonly ring: readonly [Float64Array, Float64Array, Float64Array, Float64Array];

  /** Absolute position: samples fed so far. */
  samples: number;
  /** Transposed direct form II state of the high-pass and the low-pass. */
  hpZ1: number;
  hpZ2: number;
  lpZ1: number;
  lpZ2: number;
  /** In-band mean square, LSB². */
  power: number;
  /** Mark-tone meter: one-pole average of the filtered signal times e^{-jω·n} at the mark, and
   *  of its square (the in-band power averaged the same way, so their ratio is fair in transients). */
  toneRe: number;
  toneIm: number;
  tonePower: number;
  carrier: boolean;
  /** Consecutive samples past the threshold that would change the carrier state. */
  hold: number;
  /** References (unit phasors) of the mark and the space tone. */
  markRe: number;
  markIm: number;
  spaceRe: number;
  spaceIm: number;
  /** Running sums of the four rings. */
  sums: Float64Array;
  ringAt: number;
  /** Previous decision value (space − mark energy). */
  lastD: number;
  /** Bit clock, in bits: a bit is sampled when it reaches 1 (it may dip just under 0). */
  phase: number;
  /** Bits sampled since the last transition (counting stops at SYNC_IDLE_BITS). */
  quiet: number;
  readonly counters: FskRxCounters;
}

function bad(name: string, must: string, got: unknown): TypeError {
  return new TypeError(`fsk: ${name} must be ${must}, got ${String(got)}`);
}

/** Looks up a spec by name or checks one given as an object; throws a TypeError if unusable. */
export function resolveFskSpec(spec: FskSpec | FskSpecName, sampleRate: number): FskSpec {
  if (typeof spec === 'string') {
    const s = (FSK_SPECS as Record<string, FskSpec>)[spec];
    if (!Object.hasOwn(FSK_SPECS, spec) || s === undefined) throw bad('spec', `one of ${Object.keys(FSK_SPECS).join(', ')}`, spec);
    return s;
  }
  if (typeof spec !== 'object' || spec === null) throw bad('spec', 'an FSK spec or its name', spec);
  const nyquist = sampleRate / 2;
  for (const k of ['markHz', 'spaceHz'] as const) {
    const f = spec[k];
    if (typeof f !== 'number' || !(f > 0 && f < nyquist)) throw bad(`spec.${k}`, `a frequency between 0 and ${nyquist} Hz`, f);
  }
  if (spec.markHz === spec.spaceHz) throw bad('spec.spaceHz', 'different from markHz', spec.spaceHz);
  if (typeof spec.baud !== 'number' || !(spec.baud > 0 && spec.baud <= sampleRate / 4)) {
    throw bad('spec.baud', `a bit rate up to a quarter of the sample rate (${sampleRate / 4})`, spec.baud);
  }
  return spec;
}

export function resolveFskRxOptions(opts: FskRxOptions): FskRxConfig {
  if (typeof opts !== 'object' || opts === null) throw new TypeError('fsk: options must be an object');
  for (const k of Object.keys(opts)) {
    if (k !== 'sampleRate' && k !== 'onDbfs' && k !== 'offDbfs') throw new TypeError(`fsk: unknown option ${k}`);
  }
  const c: Required<FskRxOptions> = {
    sampleRate: opts.sampleRate,
    onDbfs: opts.onDbfs ?? FSK_RX_DEFAULTS.onDbfs,
    offDbfs: opts.offDbfs ?? FSK_RX_DEFAULTS.offDbfs,
  };
  if (!(FSK_SAMPLE_RATES as readonly number[]).includes(c.sampleRate)) throw bad('sampleRate', '8000 or 16000', c.sampleRate);
  for (const k of ['onDbfs', 'offDbfs'] as const) {
    if (typeof c[k] !== 'number' || !Number.isFinite(c[k]) || c[k] > 0) throw bad(k, 'a finite level in dBFS at or below 0', c[k]);
  }
  if (!(c.offDbfs <= c.onDbfs)) throw bad('offDbfs', `at or below onDbfs (${c.onDbfs})`, c.offDbfs);
  return Object.freeze(c);
}

/** RBJ cookbook 2nd-order Butterworth (Q = 1/√2) high- or low-pass at `hz`. */
function butterworth(kind: 'hp' | 'lp', hz: number, rate: number): Biquad {
  const w = (2 * Math.PI * hz) / rate;
  const cos = Math.cos(w);
  const alpha = Math.sin(w) / (2 * Math.SQRT1_2);
  const a0 = 1 + alpha;
  const k = kind === 'hp' ? (1 + cos) / 2 : (1 - cos) / 2;
  const b1 = kind === 'hp' ? -(1 + cos) : 1 - cos;
  return Object.freeze({ b0: k / a0, b1: b1 / a0, b2: k / a0, a1: (-2 * cos) / a0, a2: (1 - alpha) / a0 });
}

/** |H(e^{jω})|² of a biquad at `hz`. */
function powerGain(f: Biquad, hz: number, rate: number): number {
  const w = (2 * Math.PI * hz) / rate;
  const c1 = Math.cos(w);
  const s1 = Math.sin(w);
  const c2 = Math.cos(2 * w);
  const s2 = Math.sin(2 * w);
  const nRe = f.b0 + f.b1 * c1 + f.b2 * c2;
  const nIm = -(f.b1 * s1 + f.b2 * s2);
  const dRe = 1 + f.a1 * c1 + f.a2 * c2;
  const dIm = -(f.a1 * s1 + f.a2 * s2);
  return (nRe * nRe + nIm * nIm) / (dRe * dRe + dIm * dIm);
}

export function createFskRx(spec: FskSpec | FskSpecName, opts: FskRxOptions): FskRxState {
  const config = resolveFskRxOptions(opts);
  const rate = config.sampleRate;
  const s = resolveFskSpec(spec, rate);
  const lo = Math.min(s.markHz, s.spaceHz);
  const hi = Math.max(s.markHz, s.spaceHz);
  const hp = butterworth('hp', lo / 2, rate);
  const lp = butterworth('lp', Math.min(1.4 * hi, 0.45 * rate), rate);
  const gain = (hz: number) => powerGain(hp, hz, rate) * powerGain(lp, hz, rate);
  const window = Math.ceil(rate / s.baud);
  const rot = (hz: number): [number, number] => [Math.cos((2 * Math.PI * hz) / rate), Math.sin((2 * Math.PI * hz) / rate)];
  const ms = (x: number) => Math.max(1, Math.round((x * rate) / 1000));
  return {
    spec: s,
    config,
    window,
    tailOff: window - rate / s.baud,
    bitStep: s.baud / rate,
    onMeanSquare: dbfsToRms(config.onDbfs) ** 2,
    offMeanSquare: dbfsToRms(config.offDbfs) ** 2,
    onHold: ms(CARRIER_ON_MS),
    offHold: ms(CARRIER_OFF_MS),
    powerAlpha: 1 - Math.exp(-1000 / (POWER_TAU_MS * rate)),
    toneAlpha: 1 - Math.exp(-1000 / (MARK_TONE_TAU_MS * rate)),
    hp,
    lp,
    markNorm: 1 / gain(s.markHz),
    spaceNorm: 1 / gain(s.spaceHz),
    markRot: rot(s.markHz),
    spaceRot: rot(s.spaceHz),
    ring: [new Float64Array(window), new Float64Array(window), new Float64Array(window), new Float64Array(window)],
    samples: 0,
    hpZ1: 0,
    hpZ2: 0,
    lpZ1: 0,
    lpZ2: 0,
    power: 0,
    toneRe: 0,
    toneIm: 0,
    tonePower: 0,
    carrier: false,
    hold: 0,
    markRe: 1,
    markIm: 0,
    spaceRe: 1,
    spaceIm: 0,
    sums: new Float64Array(4),
    ringAt: 0,
    lastD: 0,
    phase: 0,
    quiet: SYNC_IDLE_BITS,
    counters: { samples: 0, bits: 0, carrierUps: 0, carrierDowns: 0 },
  };
}

/**
 * Feeds samples (any length, including 0). Returns the bits decided while the carrier was up,
 * with carrier markers, in order, each with its absolute sample position.
 */
export function fskRx(s: FskRxState, samples: Int16Array): FskBits {
  const out: number[] = [];
  const outAt: number[] = [];
  const { hp, lp, window: N, tailOff, bitStep, powerAlpha, toneAlpha, markNorm, spaceNorm } = s;
  const [mcw, msw] = s.markRot;
  const [scw, ssw] = s.spaceRot;
  const [r0, r1, r2, r3] = s.ring;
  const sums = s.sums;
  let { hpZ1, hpZ2, lpZ1, lpZ2, power, toneRe, toneIm, tonePower, markRe, markIm, spaceRe, spaceIm, ringAt, lastD, phase, quiet, hold, carrier } = s;
  let m0 = sums[0]!;
  let m1 = sums[1]!;
  let m2 = sums[2]!;
  let m3 = sums[3]!;
  const n = samples.length;
  for (let i = 0; i < n; i++) {
    const pos = s.samples + i;
    const x = samples[i]!;
    // 1. Band-pass (TDF-II biquads).
    const h = hp.b0 * x + hpZ1;
    hpZ1 = hp.b1 * x - hp.a1 * h + hpZ2;
    hpZ2 = hp.b2 * x - hp.a2 * h;
    const y = lp.b0 * h + lpZ1;
    lpZ1 = lp.b1 * h - lp.a1 * y + lpZ2;
    lpZ2 = lp.b2 * h - lp.a2 * y;

    // 3. Correlate over the last N samples (sliding sums, recomputed exactly once per lap).
    const p0 = y * markRe;
    const p1 = -y * markIm;
    const p2 = y * spaceRe;
    const p3 = -y * spaceIm;
    m0 += p0 - r0[ringAt]!;
    m1 += p1 - r1[ringAt]!;
    m2 += p2 - r2[ringAt]!;
    m3 += p3 - r3[ringAt]!;
    r0[ringAt] = p0;
    r1[ringAt] = p1;
    r2[ringAt] = p2;
    r3[ringAt] = p3;
    let t = markRe * mcw - markIm * msw;
    markIm = markIm * mcw + markRe * msw;
    markRe = t;
    t = spaceRe * scw - spaceIm * ssw;
    spaceIm = spaceIm * scw + spaceRe * ssw;
    spaceRe = t;
    if (++ringAt === N) {
      ringAt = 0;
      m0 = m1 = m2 = m3 = 0;
      for (let k = 0; k < N; k++) {
        m0 += r0[k]!;
        m1 += r1[k]!;
        m2 += r2[k]!;
        m3 += r3[k]!;
      }
      // Keep the references on the unit circle.
      let g = 1 / Math.hypot(markRe, markIm);
      markRe *= g;
      markIm *= g;
      g = 1 / Math.hypot(spaceRe, spaceIm);
      spaceRe *= g;
      spaceIm *= g;
    }
    // The window is exactly one bit: the oldest product counts by the fractional part.
    const o = ringAt; // after the step above, the oldest product's slot
    const w0 = m0 - tailOff * r0[o]!;
    const w1 = m1 - tailOff * r1[o]!;
    const w2 = m2 - tailOff * r2[o]!;
    const w3 = m3 - tailOff * r3[o]!;
    const d = (w2 * w2 + w3 * w3) * spaceNorm - (w0 * w0 + w1 * w1) * markNorm;

    // 2. Carrier detect.
    power += (y * y - power) * powerAlpha;
    toneRe += (p0 - toneRe) * toneAlpha;
    toneIm += (p1 - toneIm) * toneAlpha;
    tonePower += (y * y - tonePower) * toneAlpha;
    if (!carrier) {
      const steadyMark = 2 * (toneRe * toneRe + toneIm * toneIm) >= MARK_PURITY * tonePower;
      hold = power > s.onMeanSquare && steadyMark ? hold + 1 : 0;
      if (hold >= s.onHold) {
        carrier = true;
        hold = 0;
        phase = 0;
        quiet = SYNC_IDLE_BITS;
        lastD = d;
        s.counters.carrierUps++;
        out.push(FSK_CARRIER_UP);
        outAt.push(pos);
      }
      continue;
    }
    hold = power < s.offMeanSquare ? hold + 1 : 0;
    if (hold >= s.offHold) {
      carrier = false;
      hold = 0;
      s.counters.carrierDowns++;
      out.push(FSK_CARRIER_DOWN);
      outAt.push(pos);
      continue;
    }

    // 4. Bit timing: resync on a change of sign, else step the bit clock.
    phase += bitStep;
    if ((d > 0) !== (lastD > 0)) {
      // Crossing at pos - 1 + frac; the next sampling instant is half a bit after it.
      const frac = lastD / (lastD - d);
      const want = 0.5 + (1 - frac) * bitStep;
      if (quiet >= SYNC_IDLE_BITS) {
        phase = want;
      } else {
        // The nearer of the two readings (the clock is early or late by under half a bit). A pull
        // back past the last sampling instant leaves the clock below 0: the next bit then comes
        // a little over one bit later, never twice.
        const err = want - phase;
        phase += TIMING_GAIN * (err - Math.round(err));
      }
      quiet = 0;
    }
    lastD = d;
    if (phase >= 1) {
      phase -= 1;
      if (quiet < SYNC_IDLE_BITS) quiet++;
      out.push(d > 0 ? 0 : 1);
      outAt.push(pos);
      s.counters.bits++;
    }
  }
  sums[0] = m0;
  sums[1] = m1;
  sums[2] = m2;
  sums[3] = m3;
  Object.assign(s, { hpZ1, hpZ2, lpZ1, lpZ2, power, toneRe, toneIm, tonePower, markRe, markIm, spaceRe, spaceIm, ringAt, lastD, phase, quiet, hold, carrier });
  s.samples += n;
  s.counters.samples += n;
  return { bits: Uint8Array.from(out), at: Float64Array.from(outAt) };
}

/** In-band power now, dBFS (-Infinity before any signal). */
export function fskRxPowerDbfs(s: FskRxState): number {
  return meanSquareToDbfs(s.power);
}

/** Share of the in-band power in a steady mark tone now (about 1 for a clean mark, 0 before any signal). */
export function fskRxMarkPurity(s: FskRxState): number {
  return s.tonePower > 0 ? (2 * (s.toneRe * s.toneRe + s.toneIm * s.toneIm)) / s.tonePower : 0;
}

/** Zeroes the counters; positions and the receiver's state are untouched. */
export function fskRxResetCounters(s: FskRxState): void {
  s.counters.samples = 0;
  s.counters.bits = 0;
  s.counters.carrierUps = 0;
  s.counters.carrierDowns = 0;
}
