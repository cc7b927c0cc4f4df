// DTMF receiver (ITU-T Q.23 signals, Q.24 reception) for 8 kHz and 16 kHz Int16 PCM.
//
// Shape (spandsp style): `createDtmfRx(opts)` returns a plain state record; `dtmfRx(state,
// samples)` takes frames of any length and returns the events they completed. Time is counted in
// samples fed, never in wall clock; positions are absolute (samples fed since createDtmfRx or the
// position given to dtmfReset), on the same scale as vox.ts and PcmRing when fed the same frames.
// Results do not depend on how the caller cuts the stream into frames.
//
// ANALYSIS
//   Every DTMF_HOP_MS (5 ms) the last DTMF_FRAME_MS (10 ms) of signal — one "frame", 80 samples
//   at 8 kHz, 160 at 16 kHz — is Hann-windowed and run through 8 Goertzel filters at the Q.23
//   frequencies. The Hann window puts the other group 35 dB or more down (the closest pair,
//   941/1209 Hz, is 2.7 bins apart), so each group is measured on its own. Within a group the
//   window is wide (100 Hz bins), so the row is not told from its neighbour by power alone but by
//   the tone's measured FREQUENCY: each Goertzel's complex output is compared with the previous
//   frame's, and the phase turned in one hop gives the offset from the nominal frequency
//   (unambiguous within ±100 Hz, which covers the gap to the next row or column).
//
// A FRAME IS A HIT for key (row r, column c), r and c the strongest row and column, when
//   level   both tones at or above minToneDbfs,
//   twist   the row tone at most normalTwistDb above the column tone, and the column tone at most
//           reverseTwistDb above the row tone (spandsp's convention, see DTMF_DEFAULTS), with
//           DTMF_FRAME_TWIST_SLACK_DB to spare (one frame's levels are noisy; the run's mean
//           levels are held to the limits exactly),
//   share   the two tones hold at least DTMF_TONE_SHARE of the frame's power (talk-off: speech,
//           music and noise spread their power; harmonics of a tone count against it),
//   harmonics  no product a voice would have if both tones were harmonics of one pitch (2·row,
//           2·column, column ± row) within DTMF_HARMONIC_DB of the tones (talk-off),
//   freq    each tone's one-hop frequency estimate is within DTMF_FRAME_FREQ_TOL (a coarse check;
//           the fine one is made over the whole run, below).
//
// DIGIT START: on confirmation, not at the end. A run of hits for one key (one missing frame in a
//   run is bridged) is CONFIRMED when it has onFrames hits — minOnMs of tone — and, averaged
//   over the run, the frequency of each tone (power-weighted phase turns) is within freqTolPct
//   of nominal and the twist within the limits. The 'digit' event is emitted then, about
//   minOnMs after the tone began, so the recorder can act within ~50 ms; its atSample is where
//   the tone BEGAN (start of the first hit frame, within ±3.5 ms). A run that is too short, off
//   frequency or off twist is dropped and counted (a run still going is checked again at every
//   further hit, so a tone that settles late is still taken).
// DIGIT END: while a digit is on, frames that are not hits of it count as silence; the digit ends
//   when offFrames such frames follow its last hit (minOffMs of silence). A shorter gap is
//   bridged: the digit continues and no second digit is reported. The 'end' event carries the
//   digit's atSample again and endSample, where the tone stopped (end of the last hit frame),
//   so the duration is endSample − atSample. It comes ~minOffMs after the tone stopped. A
//   different key confirmed while a digit is on ends that digit at once (keys rolled without a
//   gap, spandsp does the same).
//
// Resulting tolerances (measured in test/core/dsp/dtmf.test.ts): a tone of minOnMs or longer is
// always accepted, one of minOnMs − 10 ms or shorter never; a gap of minOffMs or longer always
// separates two digits, one of minOffMs − 10 ms or shorter never does.
//
// Nothing is allocated per call except the returned events array (and its event objects).

import { FULL_SCALE } from './level.js';

/** Low-group (row) frequencies, Q.23. */
export const DTMF_ROW_HZ = Object.freeze([697, 770, 852, 941] as const);
/** High-group (column) frequencies, Q.23. */
export const DTMF_COL_HZ = Object.freeze([1209, 1336, 1477, 1633] as const);
/** Keys row by row: the key at row r, column c is DTMF_KEYS[4 * r + c]. */
export const DTMF_KEYS = '123A456B789C*0#D';

export type DtmfDigit = '0' | '1' | '2' | '3' | '4' | '5' | '6' | '7' | '8' | '9' | '*' | '#' | 'A' | 'B' | 'C' | 'D';

/** True for the 16 DTMF keys (upper-case A-D). */
export function isDtmfDigit(c: string): c is DtmfDigit {
  return c.length === 1 && DTMF_KEYS.includes(c);
}

/** Row and column frequencies of a key. */
export function dtmfFrequencies(digit: DtmfDigit): { rowHz: number; colHz: number } {
  const i = DTMF_KEYS.indexOf(digit);
  if (i < 0) throw new TypeError(`dtmf: not a DTMF key: ${JSON.stringify(digit)}`);
  return { rowHz: DTMF_ROW_HZ[i >> 2]!, colHz: DTMF_COL_HZ[i & 3]! };
}

/** Analysis frame: 10 ms Hann window (80 samples at 8 kHz). Sets the frequency resolution. */
export const DTMF_FRAME_MS = 10;
/** Hop between frames: 5 ms. Sets the time resolution of every rule. */
export const DTMF_HOP_MS = 5;
/** The two tones must hold at least 0.8 of the frame's power: −0.97 dB (spandsp uses −0.85 dB). */
export const DTMF_TONE_SHARE = 0.8;
/**
 * Talk-off guard: in a frame that passes every other test, the power at each product a voice
 * would also have there if both tones were harmonics of one pitch — 2·row, 2·column, column − row
 * and column + row — must be at least 15 dB below the mean of the two tones. Q.23 holds a sender's
 * harmonics and intermodulation 20 dB down; noise 15 dB under the signal puts ~26 dB down.
 * A product closer than DTMF_HARMONIC_MIN_SEP_HZ to either tone is not measured (the window
 * cannot separate it; that happens for 2·row and column − row of some keys).
 */
export const DTMF_HARMONIC_DB = 15;
/** 200 Hz: two Hann bins at 10 ms, where the window's response to a tone is below −31 dB. */
export const DTMF_HARMONIC_MIN_SEP_HZ = 200;
/** Per-frame twist check: the limits plus 2 dB (the run's mean levels are held to the limits). */
export const DTMF_FRAME_TWIST_SLACK_DB = 2;
/** Per-frame frequency check: ±4 % (one noisy estimate; the run's mean is held to freqTolPct). */
export const DTMF_FRAME_FREQ_TOL = 0.04;
/** Frames that may be missing inside a run not yet confirmed: 1 (5 ms), e.g. a noise spike. */
export const DTMF_MAX_DROPOUT_FRAMES = 1;

export const DTMF_DEFAULTS = Object.freeze({
  sampleRate: 8000,
  /**
   * 40 ms: a tone this long is always accepted, one of 30 ms or less never. The common Q.24
   * figure (AT&T's, quoted in Asterisk's dsp.c: 40 ms on, 50 ms off; Denmark's CLIP: ≥ 50 ms
   * must be detected, < 20 ms must not).
   */
  minOnMs: 40,
  /** 40 ms: a pause this long always separates two digits; one of 30 ms or less never does. */
  minOffMs: 40,
  /**
   * −42 dBFS per tone: the least a tone may measure, so that tones of −36 dBFS are accepted with
   * 6 dB to spare and those of −45 dBFS and below are rejected. For comparison: spandsp's
   * threshold is −42 dBm0 (about −45 dBFS; a full-scale sine is +3.14 dBm0 in G.711), and the
   * Danish DTMF-CLIP specification has terminals ignore tones under −36 dBm: raise this where
   * such a limit applies.
   */
  minToneDbfs: -42,
  /**
   * 8 dB: the low-group (row) tone may be this much LOUDER than the high-group (column) tone.
   * spandsp dtmf.c calls this the normal twist (`dtmf_normal_twist = 6.309f; // 8dB`); Asterisk's
   * dsp.c quotes the AT&T figures "normal twist <= 8 dB, reverse twist <= 4 dB". Q.24 leaves the
   * figures to each administration (its Annex A tabulates national values).
   */
  normalTwistDb: 8,
  /** 4 dB: the high-group tone may be this much louder than the low-group tone (reverse twist). */
  reverseTwistDb: 4,
  /**
   * 2.5 %: the largest offset of either tone from nominal, averaged over the run. Q.24: ±1.5 %
   * must be accepted, ±3.5 % must be rejected; 2.5 % is midway, leaving 1 % on each side for
   * noise and measurement error.
   */
  freqTolPct: 2.5,
});

export const DTMF_SAMPLE_RATES = Object.freeze([8000, 16000] as const);

export interface DtmfOptions {
  /** 8000 or 16000 (default 8000; checked at run time, so a configured number can be passed). */
  sampleRate?: number;
  minOnMs?: number;
  minOffMs?: number;
  minToneDbfs?: number;
  normalTwistDb?: number;
  reverseTwistDb?: number;
  freqTolPct?: number;
}

export type DtmfConfig = Readonly<Required<DtmfOptions>>;

export type DtmfEvent =
  /** A digit was confirmed. atSample: where its tone began. */
  | { readonly type: 'digit'; readonly digit: DtmfDigit; readonly atSample: number }
  /** The digit that began at atSample ended at endSample (its tone stopped there). */
  | { readonly type: 'end'; readonly digit: DtmfDigit; readonly atSample: number; readonly endSample: number };

export interface DtmfCounters {
  /** Analysis frames completed (one per DTMF_HOP_MS). */
  frames: number;
  /** Digits reported. */
  digits: number;
  /** Frames rejected: both tones above minToneDbfs but the twist out of the (slackened) limits. */
  twistFrames: number;
  /** Frames rejected: passing level and twist, but the two tones held too little of the power. */
  ratioFrames: number;
  /** Frames rejected: passing the above, but a harmonic or intermodulation product too strong. */
  harmonicFrames: number;
  /** Frames rejected: passing the above, but a tone more than DTMF_FRAME_FREQ_TOL off nominal. */
  frequencyFrames: number;
  /** Runs of 2 or more hits for one key dropped because they ended before minOnMs. */
  shortRuns: number;
  /** Runs long enough dropped because their mean frequency stayed out of freqTolPct. */
  offFrequencyRuns: number;
  /** Runs long enough dropped because their mean twist stayed out of the limits. */
  twistRuns: number;
}

export interface DtmfState {
  readonly config: DtmfConfig;
  /** Samples per analysis frame (N) and per hop (H = N / 2). */
  readonly frameLen: number;
  readonly hop: number;
  /** Hits needed to confirm a digit, and non-hit frames that end one. */
  readonly onFrames: number;
  readonly offFrames: number;
  /** Mean power (LSB²) of a tone at minToneDbfs; twist limits as power ratios, for the run's
   * mean and (slackened) for one frame; freqTol as a fraction. */
  readonly minPower: number;
  readonly normalTwist: number;
  readonly reverseTwist: number;
  readonly frameNormalTwist: number;
  readonly frameReverseTwist: number;
  readonly freqTol: number;
  /** Periodic Hann window, N samples. */
  readonly window: Float64Array;
  /** |Goertzel|² → mean power of a sine on the bin; windowed sum of squares → mean power. */
  readonly powerScale: number;
  readonly energyScale: number;
  /** Per frequency (rows 0-3, columns 4-7): 2cos ω, cos ω, sin ω, ω·H, and e^{−jωH}. */
  readonly coef: Float64Array;
  readonly cosW: Float64Array;
  readonly sinW: Float64Array;
  readonly turn: Float64Array;
  readonly rotRe: Float64Array;
  readonly rotIm: Float64Array;
  /** Per key k: harmCount[k] products to measure, their 2cos ω, cos ω, sin ω at [4k, 4k + count). */
  readonly harmCount: Uint8Array;
  readonly harmCoef: Float64Array;
  readonly harmCos: Float64Array;
  readonly harmSin: Float64Array;
  /** Largest product power, as a fraction of the mean tone power. */
  readonly harmMax: number;
  /** The last N samples: buf[0, H) the previous hop, buf[H, H + fill) the hop being filled. */
  readonly buf: Float64Array;
  readonly scratch: Float64Array;
  fill: number;
  /** Goertzel outputs and powers of this frame and the previous one, per frequency. */
  yRe: Float64Array;
  yIm: Float64Array;
  power: Float64Array;
  prevRe: Float64Array;
  prevIm: Float64Array;
  prevPower: Float64Array;
  /** One-hop frequency products (y · conj(yPrev) · e^{−jωH}) of this frame's row and column. */
  rowProdRe: number;
  rowProdIm: number;
  colProdRe: number;
  colProdIm: number;

  /** Absolute position: samples fed so far (or the position given to dtmfReset, plus those since). */
  samples: number;
  /** Absolute position of frame 0's second half; frame k covers origin + [(k − 1)H, (k + 1)H). */
  origin: number;
  /** Frames completed. */
  frames: number;

  /** Run being confirmed: key index (4r + c) or −1, its first and last hit frames, hits. */
  cand: number;
  candFirst: number;
  candLast: number;
  candHits: number;
  /** The run's summed frequency products and tone powers, row and column. */
  candRowRe: number;
  candRowIm: number;
  candColRe: number;
  candColIm: number;
  candRowPow: number;
  candColPow: number;
  /** The run reached onFrames but its mean frequency, or its mean twist, was off. */
  candOffFreq: boolean;
  candOffTwist: boolean;

  /** Digit on: key index or −1, its atSample, its last hit frame. */
  cur: number;
  curAt: number;
  curLast: number;

  readonly counters: DtmfCounters;
}

const OPTION_NAMES = new Set(['sampleRate', 'minOnMs', 'minOffMs', 'minToneDbfs', 'normalTwistDb', 'reverseTwistDb', 'freqTolPct']);

function bad(name: string, must: string, got: unknown): TypeError {
  return new TypeError(`dtmf: ${name} must be ${must}, got ${String(got)}`);
}

function finite(x: unknown): x is number {
  return typeof x === 'number' && Number.isFinite(x);
}

/** Validates options and fills defaults; throws a TypeError naming the bad option. */
export function resolveDtmfOptions(opts: DtmfOptions = {}): DtmfConfig {
  if (typeof opts !== 'object' || opts === null) throw new TypeError('dtmf: options must be an object');
  for (const k of Object.keys(opts)) {
    if (!OPTION_NAMES.has(k)) throw new TypeError(`dtmf: unknown option ${k}`);
  }
  const c: Required<DtmfOptions> = {
    sampleRate: opts.sampleRate ?? DTMF_DEFAULTS.sampleRate,
    minOnMs: opts.minOnMs ?? DTMF_DEFAULTS.minOnMs,
    minOffMs: opts.minOffMs ?? DTMF_DEFAULTS.minOffMs,
    minToneDbfs: opts.minToneDbfs ?? DTMF_DEFAULTS.minToneDbfs,
    normalTwistDb: opts.normalTwistDb ?? DTMF_DEFAULTS.normalTwistDb,
    reverseTwistDb: opts.reverseTwistDb ?? DTMF_DEFAULTS.reverseTwistDb,
    freqTolPct: opts.freqTolPct ?? DTMF_DEFAULTS.freqTolPct,
  };
  if (!(DTMF_SAMPLE_RATES as readonly number[]).includes(c.sampleRate)) throw bad('sampleRate', '8000 or 16000', c.sampleRate);
  if (!finite(c.minOnMs) || c.minOnMs < DTMF_FRAME_MS || c.minOnMs > 1000) {
    throw bad('minOnMs', `a number of milliseconds from ${DTMF_FRAME_MS} to 1000`, c.minOnMs);
  }
  if (!finite(c.minOffMs) || c.minOffMs < DTMF_HOP_MS || c.minOffMs > 1000) {
    throw bad('minOffMs', `a number of milliseconds from ${DTMF_HOP_MS} to 1000`, c.minOffMs);
  }
  if (!finite(c.minToneDbfs) || c.minToneDbfs > 0) throw bad('minToneDbfs', 'a finite level in dBFS at or below 0', c.minToneDbfs);
  for (const k of ['normalTwistDb', 'reverseTwistDb'] as const) {
    if (!finite(c[k]) || c[k] < 0 || c[k] > 20) throw bad(k, 'a number of dB from 0 to 20', c[k]);
  }
  // Above 4 % the one-hop estimate of the next row up or down would be inside the tolerance.
  if (!finite(c.freqTolPct) || c.freqTolPct <= 0 || c.freqTolPct > 100 * DTMF_FRAME_FREQ_TOL) {
    throw bad('freqTolPct', `a percentage above 0 and at most ${100 * DTMF_FRAME_FREQ_TOL}`, c.freqTolPct);
  }
  return Object.freeze(c);
}

function msToSamples(ms: number, rate: number): number {
  return Math.round((ms * rate) / 1000);
}

export function createDtmfRx(opts: DtmfOptions = {}): DtmfState {
  const config = resolveDtmfOptions(opts);
  const rate = config.sampleRate;
  const N = msToSamples(DTMF_FRAME_MS, rate);
  const H = N / 2;
  const window = new Float64Array(N);
  let sumW = 0;
  let sumW2 = 0;
  for (let n = 0; n < N; n++) {
    const w = 0.5 - 0.5 * Math.cos((2 * Math.PI * n) / N);
    window[n] = w;
    sumW += w;
    sumW2 += w * w;
  }
  const freqs = [...DTMF_ROW_HZ, ...DTMF_COL_HZ];
  const coef = new Float64Array(8);
  const cosW = new Float64Array(8);
  const sinW = new Float64Array(8);
  const turn = new Float64Array(8);
  const rotRe = new Float64Array(8);
  const rotIm = new Float64Array(8);
  freqs.forEach((f, i) => {
    const w = (2 * Math.PI * f) / rate;
    coef[i] = 2 * Math.cos(w);
    cosW[i] = Math.cos(w);
    sinW[i] = Math.sin(w);
    turn[i] = w * H;
    rotRe[i] = Math.cos(w * H);
    rotIm[i] = -Math.sin(w * H);
  });
  const harmCount = new Uint8Array(16);
  const harmCoef = new Float64Array(64);
  const harmCos = new Float64Array(64);
  const harmSin = new Float64Array(64);
  for (let k = 0; k < 16; k++) {
    const r = DTMF_ROW_HZ[k >> 2]!;
    const c = DTMF_COL_HZ[k & 3]!;
    for (const f of [2 * r, 2 * c, c - r, c + r]) {
      if (Math.abs(f - r) < DTMF_HARMONIC_MIN_SEP_HZ || Math.abs(f - c) < DTMF_HARMONIC_MIN_SEP_HZ) continue;
      if (f > 0.45 * rate) continue;
      const j = 4 * k + harmCount[k]!++;
      const w = (2 * Math.PI * f) / rate;
      harmCoef[j] = 2 * Math.cos(w);
      harmCos[j] = Math.cos(w);
      harmSin[j] = Math.sin(w);
    }
  }
  // A tone lasting minOnMs gives at least (minOn − N)/H + 1 frames with the tone over most of
  // the window; one lasting 10 ms less never does. Silence of minOffMs gives at least minOff/H
  // frames without the tone between the last and the next hit; 10 ms less never does.
  const onFrames = Math.max(1, Math.ceil((msToSamples(config.minOnMs, rate) - N) / H) + 1);
  const offFrames = Math.max(1, Math.ceil(msToSamples(config.minOffMs, rate) / H));
  return {
    config,
    frameLen: N,
    hop: H,
    onFrames,
    offFrames,
    minPower: FULL_SCALE * FULL_SCALE * 10 ** (config.minToneDbfs / 10),
    normalTwist: 10 ** (config.normalTwistDb / 10),
    reverseTwist: 10 ** (config.reverseTwistDb / 10),
    frameNormalTwist: 10 ** ((config.normalTwistDb + DTMF_FRAME_TWIST_SLACK_DB) / 10),
    frameReverseTwist: 10 ** ((config.reverseTwistDb + DTMF_FRAME_TWIST_SLACK_DB) / 10),
    freqTol: config.freqTolPct / 100,
    window,
    powerScale: 2 / (sumW * sumW),
    energyScale: 1 / sumW2,
    coef,
    cosW,
    sinW,
    turn,
    rotRe,
    rotIm,
    harmCount,
    harmCoef,
    harmCos,
    harmSin,
    harmMax: 10 ** (-DTMF_HARMONIC_DB / 10),
    buf: new Float64Array(N),
    scratch: new Float64Array(N),
    fill: 0,
    yRe: new Float64Array(8),
    yIm: new Float64Array(8),
    power: new Float64Array(8),
    prevRe: new Float64Array(8),
    prevIm: new Float64Array(8),
    prevPower: new Float64Array(8),
    rowProdRe: 0,
    rowProdIm: 0,
    colProdRe: 0,
    colProdIm: 0,
    samples: 0,
    origin: 0,
    frames: 0,
    cand: -1,
    candFirst: 0,
    candLast: 0,
    candHits: 0,
    candRowRe: 0,
    candRowIm: 0,
    candColRe: 0,
    candColIm: 0,
    candRowPow: 0,
    candColPow: 0,
    candOffFreq: false,
    candOffTwist: false,
    cur: -1,
    curAt: 0,
    curLast: 0,
    counters: {
      frames: 0,
      digits: 0,
      twistFrames: 0,
      ratioFrames: 0,
      harmonicFrames: 0,
      frequencyFrames: 0,
      shortRuns: 0,
      offFrequencyRuns: 0,
      twistRuns: 0,
    },
  };
}

/** Feeds samples (any length, including 0). Returns the events completed by them, oldest first. */
export function dtmfRx(s: DtmfState, samples: Int16Array): DtmfEvent[] {
  const events: DtmfEvent[] = [];
  const H = s.hop;
  const buf = s.buf;
  const n = samples.length;
  let i = 0;
  while (i < n) {
    const take = Math.min(H - s.fill, n - i);
    for (let j = 0; j < take; j++) buf[H + s.fill + j] = samples[i + j]!;
    s.fill += take;
    s.samples += take;
    i += take;
    if (s.fill === H) {
      frameDone(s, events);
      buf.copyWithin(0, H);
      s.fill = 0;
    }
  }
  return events;
}

/**
 * The stream is over: a digit still on ends where its tone was last heard (at most the samples
 * fed); a run not yet confirmed is dropped. The partial frame is not analysed. Returns the events.
 */
export function dtmfFlush(s: DtmfState): DtmfEvent[] {
  const events: DtmfEvent[] = [];
  if (s.cur >= 0) endDigit(s, events, Math.min(frameStart(s, s.curLast) + s.frameLen, s.samples));
  dropCandidate(s);
  return events;
}

/**
 * Forgets the signal so far, as after a gap in the capture: no digit on, no run, partial frame
 * dropped, the signal before `atSample` taken as silence. Positions continue from `atSample`
 * (default: where they are). A digit on is dropped without an end event: to keep it, call
 * dtmfFlush first. Counters are untouched.
 */
export function dtmfReset(s: DtmfState, atSample: number = s.samples): void {
  if (!Number.isSafeInteger(atSample) || atSample < 0) {
    throw new TypeError(`dtmf: atSample must be a sample position (integer at or above 0), got ${atSample}`);
  }
  s.samples = atSample;
  s.origin = atSample;
  s.frames = 0;
  s.fill = 0;
  s.buf.fill(0);
  s.power.fill(0);
  s.prevPower.fill(0);
  s.prevRe.fill(0);
  s.prevIm.fill(0);
  s.cand = -1;
  s.cur = -1;
}

/** Zeroes the counters; positions and the detector's state are untouched. */
export function dtmfResetCounters(s: DtmfState): void {
  const c = s.counters;
  c.frames = 0;
  c.digits = 0;
  c.twistFrames = 0;
  c.ratioFrames = 0;
  c.harmonicFrames = 0;
  c.frequencyFrames = 0;
  c.shortRuns = 0;
  c.offFrequencyRuns = 0;
  c.twistRuns = 0;
}

/** Absolute start of frame k (before origin for frame 0, whose first half is the silence before it). */
function frameStart(s: DtmfState, k: number): number {
  return s.origin + (k - 1) * s.hop;
}

/** Fractional frequency offset (e.g. 0.01 = +1 %) of frequency i from a summed one-hop product. */
function offsetOf(s: DtmfState, i: number, re: number, im: number): number {
  return Math.atan2(im, re) / s.turn[i]!;
}

/** Analyses the frame in buf; returns the key index it is a hit for, or −1. */
function analyse(s: DtmfState): number {
  // Swap this frame's and the previous frame's outputs.
  let t = s.prevRe;
  s.prevRe = s.yRe;
  s.yRe = t;
  t = s.prevIm;
  s.prevIm = s.yIm;
  s.yIm = t;
  t = s.prevPower;
  s.prevPower = s.power;
  s.power = t;

  const N = s.frameLen;
  const x = s.scratch;
  const buf = s.buf;
  const w = s.window;
  let e = 0;
  for (let n = 0; n < N; n++) {
    const v = buf[n]! * w[n]!;
    x[n] = v;
    e += v * v;
  }
  const energy = e * s.energyScale;
  const { yRe, yIm, power } = s;
  if (energy < s.minPower) {
    // Too quiet for any tone to pass: skip the filters. A zero power also keeps the next frame
    // from using these outputs in a frequency estimate.
    power.fill(0);
    return -1;
  }
  goertzel8(s, x, N);
  for (let f = 0; f < 8; f++) power[f] = (yRe[f]! * yRe[f]! + yIm[f]! * yIm[f]!) * s.powerScale;
  let r = 0;
  let c = 4;
  for (let f = 1; f < 4; f++) if (power[f]! > power[r]!) r = f;
  for (let f = 5; f < 8; f++) if (power[f]! > power[c]!) c = f;
  const pr = power[r]!;
  const pc = power[c]!;
  if (pr < s.minPower || pc < s.minPower) return -1;
  if (pr > pc * s.frameNormalTwist || pc > pr * s.frameReverseTwist) {
    s.counters.twistFrames++;
    return -1;
  }
  if (pr + pc < DTMF_TONE_SHARE * energy) {
    s.counters.ratioFrames++;
    return -1;
  }
  const key = 4 * r + (c - 4);
  const harmLimit = ((pr + pc) / 2) * s.harmMax;
  for (let j = 4 * key, end = j + s.harmCount[key]!; j < end; j++) {
    goertzel(x, N, s.harmCoef[j]!, s.harmCos[j]!, s.harmSin[j]!);
    if ((prodRe * prodRe + prodIm * prodIm) * s.powerScale > harmLimit) {
      s.counters.harmonicFrames++;
      return -1;
    }
  }
  // One-hop frequency estimates, where the previous frame had the tone too.
  s.rowProdRe = s.rowProdIm = s.colProdRe = s.colProdIm = 0;
  if (s.prevPower[r]! >= s.minPower) {
    product(s, r);
    s.rowProdRe = prodRe;
    s.rowProdIm = prodIm;
    if (Math.abs(offsetOf(s, r, prodRe, prodIm)) > DTMF_FRAME_FREQ_TOL) {
      s.counters.frequencyFrames++;
      return -1;
    }
  }
  if (s.prevPower[c]! >= s.minPower) {
    product(s, c);
    s.colProdRe = prodRe;
    s.colProdIm = prodIm;
    if (Math.abs(offsetOf(s, c, prodRe, prodIm)) > DTMF_FRAME_FREQ_TOL) {
      s.counters.frequencyFrames++;
      return -1;
    }
  }
  return key;
}

// Outputs of goertzel() and product(): module-level so that nothing is allocated per frame.
let prodRe = 0;
let prodIm = 0;

/**
 * Goertzel filter over x[0, n) with coefficient 2cos ω; leaves y = s[n−1] − e^{−jω} s[n−2] in
 * (prodRe, prodIm): the DFT at ω times a constant phase, which cancels in frame-to-frame products.
 */
function goertzel(x: Float64Array, n: number, coef: number, cosW: number, sinW: number): void {
  let s1 = 0;
  let s2 = 0;
  for (let i = 0; i < n; i++) {
    const s0 = x[i]! + coef * s1 - s2;
    s2 = s1;
    s1 = s0;
  }
  prodRe = s1 - cosW * s2;
  prodIm = sinW * s2;
}

/**
 * The eight DTMF Goertzel filters in one pass over the frame: the same arithmetic as goertzel()
 * eight times, but each sample is read once (this receiver runs on every frame of every line).
 */
function goertzel8(s: DtmfState, x: Float64Array, n: number): void {
  const c = s.coef;
  const c0 = c[0]!, c1 = c[1]!, c2 = c[2]!, c3 = c[3]!, c4 = c[4]!, c5 = c[5]!, c6 = c[6]!, c7 = c[7]!;
  let a0 = 0, a1 = 0, a2 = 0, a3 = 0, a4 = 0, a5 = 0, a6 = 0, a7 = 0;
  let b0 = 0, b1 = 0, b2 = 0, b3 = 0, b4 = 0, b5 = 0, b6 = 0, b7 = 0;
  for (let i = 0; i < n; i++) {
    const v = x[i]!;
    let t = v + c0 * a0 - b0; b0 = a0; a0 = t;
    t = v + c1 * a1 - b1; b1 = a1; a1 = t;
    t = v + c2 * a2 - b2; b2 = a2; a2 = t;
    t = v + c3 * a3 - b3; b3 = a3; a3 = t;
    t = v + c4 * a4 - b4; b4 = a4; a4 = t;
    t = v + c5 * a5 - b5; b5 = a5; a5 = t;
    t = v + c6 * a6 - b6; b6 = a6; a6 = t;
    t = v + c7 * a7 - b7; b7 = a7; a7 = t;
  }
  const { yRe, yIm, cosW, sinW } = s;
  yRe[0] = a0 - cosW[0]! * b0; yIm[0] = sinW[0]! * b0;
  yRe[1] = a1 - cosW[1]! * b1; yIm[1] = sinW[1]! * b1;
  yRe[2] = a2 - cosW[2]! * b2; yIm[2] = sinW[2]! * b2;
  yRe[3] = a3 - cosW[3]! * b3; yIm[3] = sinW[3]! * b3;
  yRe[4] = a4 - cosW[4]! * b4; yIm[4] = sinW[4]! * b4;
  yRe[5] = a5 - cosW[5]! * b5; yIm[5] = sinW[5]! * b5;
  yRe[6] = a6 - cosW[6]! * b6; yIm[6] = sinW[6]! * b6;
  yRe[7] = a7 - cosW[7]! * b7; yIm[7] = sinW[7]! * b7;
}

/** y · conj(yPrev) · e^{−jωH} for frequency f: its angle is the phase turned beyond nominal in one hop. */
function product(s: DtmfState, f: number): void {
  const yr = s.yRe[f]!;
  const yi = s.yIm[f]!;
  const pr = s.prevRe[f]!;
  const pi = s.prevIm[f]!;
  const a = yr * pr + yi * pi;
  const b = yi * pr - yr * pi;
  const cr = s.rotRe[f]!;
  const ci = s.rotIm[f]!;
  prodRe = a * cr - b * ci;
  prodIm = a * ci + b * cr;
}

function frameDone(s: DtmfState, events: DtmfEvent[]): void {
  const k = s.frames++;
  s.counters.frames++;
  const h = analyse(s);

  if (s.cur >= 0) {
    if (h === s.cur) {
      s.curLast = k;
      dropCandidate(s);
      return;
    }
    if (k - s.curLast >= s.offFrames) endDigit(s, events, frameStart(s, s.curLast) + s.frameLen);
  }
  if (h < 0) {
    if (s.cand >= 0 && k - s.candLast > DTMF_MAX_DROPOUT_FRAMES) dropCandidate(s);
    return;
  }
  if (h === s.cand && k - s.candLast <= DTMF_MAX_DROPOUT_FRAMES + 1) {
    if (k - s.candLast === 1) {
      // Both frames are hits: this product measures the tone, not an edge.
      s.candRowRe += s.rowProdRe;
      s.candRowIm += s.rowProdIm;
      s.candColRe += s.colProdRe;
      s.candColIm += s.colProdIm;
    }
    s.candRowPow += s.power[s.cand >> 2]!;
    s.candColPow += s.power[4 + (s.cand & 3)]!;
    s.candHits++;
    s.candLast = k;
  } else {
    dropCandidate(s);
    s.cand = h;
    s.candFirst = k;
    s.candLast = k;
    s.candHits = 1;
    s.candRowRe = s.candRowIm = s.candColRe = s.candColIm = 0;
    s.candRowPow = s.power[h >> 2]!;
    s.candColPow = s.power[4 + (h & 3)]!;
    s.candOffFreq = false;
    s.candOffTwist = false;
  }
  if (s.candHits < s.onFrames) return;
  const r = s.cand >> 2;
  const c = 4 + (s.cand & 3);
  s.candOffFreq =
    Math.abs(offsetOf(s, r, s.candRowRe, s.candRowIm)) > s.freqTol || Math.abs(offsetOf(s, c, s.candColRe, s.candColIm)) > s.freqTol;
  s.candOffTwist = s.candRowPow > s.candColPow * s.normalTwist || s.candColPow > s.candRowPow * s.reverseTwist;
  if (s.candOffFreq || s.candOffTwist) return;
  // Confirmed.
  const at = Math.max(s.origin, frameStart(s, s.candFirst));
  if (s.cur >= 0) endDigit(s, events, Math.min(frameStart(s, s.curLast) + s.frameLen, at));
  s.cur = s.cand;
  s.curAt = at;
  s.curLast = k;
  s.cand = -1;
  s.counters.digits++;
  events.push({ type: 'digit', digit: DTMF_KEYS[s.cur] as DtmfDigit, atSample: at });
}

function endDigit(s: DtmfState, events: DtmfEvent[], endSample: number): void {
  events.push({ type: 'end', digit: DTMF_KEYS[s.cur] as DtmfDigit, atSample: s.curAt, endSample });
  s.cur = -1;
}

/** Drops the run being confirmed, counting why it failed. */
function dropCandidate(s: DtmfState): void {
  if (s.cand < 0) return;
  if (s.candOffFreq) s.counters.offFrequencyRuns++;
  else if (s.candOffTwist) s.counters.twistRuns++;
  else if (s.candHits >= 2) s.counters.shortRuns++;
  s.cand = -1;
}
