// Call-progress tone detector: tells when the far end has gone and the exchange is playing a
// 425 Hz tone into the line — busy, congestion, or a continuous (dial) tone. The line state
// machine turns any of these into a far-end clear.
//
// Shape (spandsp style): `createToneRx(opts)` returns a plain state record; `toneRx(state,
// samples)` takes frames of any length and returns the events found in them. Time is counted
// in samples fed; positions are absolute (samples fed since createToneRx), on the same scale as
// vox.ts and PcmRing.
//
// 1. BLOCKS. The signal is cut into analysis blocks of TONE_BLOCK_MS (80 samples at 8 kHz, 160
//    at 16 kHz), carried across frame boundaries, so the events do not depend on how the caller
//    cuts the stream. Per block: the energy E, and the single-bin DFT X at 425 Hz (two table
//    lookups and two multiply-adds per sample, as Goertzel but with the phase kept).
// 2. PURE. A block is pure when it is at least minDbfs loud and at least TONE_PURITY_MIN of its
//    energy is in the 425 Hz bin (2|X|²/N ≥ 0.5·E). White noise puts 2/N of its energy there
//    (−16 dB at 8 kHz), speech and music rarely more than a fraction.
// 3. TONAL. The bin is 100 Hz wide, so purity alone lets 400–450 Hz through. The phase step of X
//    between two consecutive blocks measures the frequency to within a hertz or so: a pure block
//    is tonal when the step to a pure neighbour (before or after) is within
//    TONE_BLOCK_FREQ_TOL_HZ of 425 Hz. A lone pure block is never tonal. (Deciding a block needs
//    the next one: decisions lag one block.)
// 4. RUNS. Tonal and non-tonal blocks form on- and off-runs; a run ends only when
//    TONE_DEBOUNCE_BLOCKS blocks in a row disagree with it, so a one-block dropout or blip is
//    bridged, and the new run is dated from the first disagreeing block. A finished on-run's
//    frequency is the power-weighted mean of its phase steps; off by more than TONE_FREQ_TOL_HZ
//    it is not a 425 Hz tone (440 Hz, G♯4 at 415 Hz).
//    An exchange tone keeps its level, speech does not (TONE_STEP_RATIO, 6 dB): during an
//    on-run a block 6 dB under the run's mean 425 Hz energy is not tone (speech with a harmonic
//    near 425 Hz just after the tone stops would lengthen it), one 6 dB over it starts a new
//    on-run (the tone starting just after such speech); during an off-run a block 6 dB under
//    the last 425 Hz on-run is not tone (speech in the pause would split it).
// 5. CADENCE. When an off-run ends (the next on-run is confirmed), it and the on-run before it
//    are one period. A period whose on and off lengths both lie in one cadence's ranges
//    (TONE_CADENCES_FI by default: busy 300/300, congestion 200/200) is a cycle of it; cycles of
//    the same cadence in a row are counted, and the minCycles-th reports it. Any other period
//    restarts the count. An on-run at 425 Hz lasting dialMs reports `dial`.
// 6. EPISODES. Each report opens an episode of its type; while it lasts the same type is not
//    reported again (a busy tone with a glitch in it is one event). An episode ends after
//    TONE_EPISODE_GAP_MS without tone, longer than any cadence's off and shorter than the 4 s
//    pause of ringing tone.
//
// EVENTS. `{ type, atSample, detectedAt }`: `atSample` is where the tone began — the start of
// the first on-run of the confirmed cycles, or of the dial on-run — to within half a block; the
// recording can be cut there. `detectedAt` is the end of the block that completed the decision
// (never past the samples fed). With minCycles 3 a busy tone is reported 3 × 600 ms + 20–40 ms
// after it starts (the next on-run has to be confirmed), congestion 3 × 400 ms + 20–40 ms after,
// dial tone dialMs + ~10 ms after.

import { dbfsToRms } from './level.js';

/** The tone frequency: CEPT / ETSI harmonised 425 Hz, used in Finland for every call-progress tone. */
export const TONE_HZ = 425;

/** Analysis block: 10 ms. Sets the time resolution of every rule (edges to within ±5 ms). */
export const TONE_BLOCK_MS = 10;

/** 0.5 = −3 dB: at least half a block's energy is in the 425 Hz bin. A tone under 15 dB SNR noise
 * reads 0.97, one with speech 10 dB under it ~0.9; a block only half covered by the tone ~0.5,
 * so the edges fall at the middle of a block. */
export const TONE_PURITY_MIN = 0.5;

/** A block's phase step to its neighbour must say 425 ± 12 Hz (±2.8 %): loose, as speech mixed
 * into the tone moves the phase of one 10 ms block by a few hertz. */
export const TONE_BLOCK_FREQ_TOL_HZ = 12;

/** An on-run's mean frequency must be 425 ± 6 Hz (±1.4 %): exchange tones are crystal-exact;
 * rejects 440 Hz (A4, French busy tone) and 415.3 Hz (G♯4). */
export const TONE_FREQ_TOL_HZ = 6;

/** A run ends when this many blocks (20 ms) in a row disagree with it. */
export const TONE_DEBOUNCE_BLOCKS = 2;

/** 4 = 6 dB: a tone's level is steady. While an on-run lasts, a block whose 425 Hz energy is
 * 6 dB under the run's mean is not part of it (speech with a harmonic near 425 Hz just after the
 * tone stops would otherwise lengthen it; a block half covered by the tone reads −6 dB), and
 * one 6 dB over it, once the run has TONE_STEP_MIN_BLOCKS, starts a new on-run (the tone
 * starting right after such speech). */
export const TONE_STEP_RATIO = 4;
export const TONE_STEP_MIN_BLOCKS = 3;

/** An episode ends after this long without tone: longer than any busy/congestion off (≤ 360 ms),
 * shorter than the 4 s off of ringing tone. */
export const TONE_EPISODE_GAP_MS = 1000;

export type ToneType = 'busy' | 'congestion' | 'dial';
export type CadenceType = 'busy' | 'congestion';

/** One interrupted tone: on and off lengths in ms, each a half-open range [min, max). */
export interface ToneCadence {
  readonly type: CadenceType;
  readonly onMs: readonly [number, number];
  readonly offMs: readonly [number, number];
}

/**
 * Finnish tones (ITU-T E.180 Suppl. 2, as in Asterisk's indications.conf [fi]): busy 425 Hz
 * 0.3 s on / 0.3 s off, congestion 0.2 s / 0.2 s; ringing 1.0 s / 4.0 s and call waiting
 * 0.15/0.15/0.15/8.0 s must match neither. The ranges allow ±10 % in the generator plus ±10 ms
 * of edge jitter, and meet at the geometric mean 245 ms so that no period fits both:
 * congestion [160, 245) ms (−20 %/+22 %), busy [245, 360) ms (−18 %/+20 %).
 * Not busy: 500/500 (ETSI-recommended busy, most of Europe), 480/480 (Germany) — give such
 * lines a table of their own. 250/250 (congestion in much of Europe, busy in Sweden) and
 * 350/350 (Baltics) read as busy: all are a far-end clear.
 */
export const TONE_CADENCES_FI: readonly ToneCadence[] = Object.freeze([
  cadence('congestion', [160, 245], [160, 245]),
  cadence('busy', [245, 360], [245, 360]),
]);

function cadence(type: CadenceType, onMs: [number, number], offMs: [number, number]): ToneCadence {
  return Object.freeze({ type, onMs: Object.freeze(onMs), offMs: Object.freeze(offMs) });
}

export const TONE_DEFAULTS = Object.freeze({
  /** 3 cycles: busy is reported ~1.83 s after it starts, congestion ~1.23 s. */
  minCycles: 3,
  /** 2 s of unbroken 425 Hz is dial tone; ringing tone's 1 s (+10 %) burst never is. */
  dialMs: 2000,
  /** −45 dBFS: 5 dB under the quietest tone to be detected (−40 dBFS). */
  minDbfs: -45,
  cadences: TONE_CADENCES_FI,
});

export const TONE_SAMPLE_RATES = Object.freeze([8000, 16000] as const);

export interface ToneOptions {
  /** 8000 or 16000 (checked at run time). */
  sampleRate: number;
  /** Cycles of one cadence in a row before it is reported (integer, 1–100). */
  minCycles?: number;
  /** An unbroken 425 Hz on-run this long is reported as dial; Infinity turns dial off. */
  dialMs?: number;
  /** Blocks below this level are never tone. */
  minDbfs?: number;
  /** Interrupted tones to recognise, first match wins; [] to detect dial tone only. */
  cadences?: readonly ToneCadence[];
}

export type ToneConfig = Readonly<Required<ToneOptions>>;

export interface ToneEvent {
  readonly type: ToneType;
  /** Where the tone began (start of the first on-run counted). */
  readonly atSample: number;
  /** Where the decision was made: the end of the block that completed it. */
  readonly detectedAt: number;
}

export interface ToneCounters {
  /** Frames fed to toneRx. */
  frames: number;
  /** Analysis blocks completed. */
  blocks: number;
  /** Blocks judged 425 Hz tone. */
  toneBlocks: number;
  /** On-runs finished. */
  onRuns: number;
  /** On-runs whose mean frequency was not 425 ± TONE_FREQ_TOL_HZ. */
  offFrequency: number;
  /** Periods (a 425 Hz on-run and the off-run after it) that fit no cadence. */
  badCadence: number;
  /** Events reported, by type. */
  busy: number;
  congestion: number;
  dial: number;
}

interface CadenceSamples {
  readonly type: CadenceType;
  readonly onMin: number;
  readonly onMax: number;
  readonly offMin: number;
  readonly offMax: number;
}

export interface ToneState {
  readonly config: ToneConfig;
  /** Samples per analysis block (N). */
  readonly blockSamples: number;
  /** cos(ω₀n), sin(ω₀n) for n in one block: the DFT bin at 425 Hz. */
  readonly cosTable: Float64Array;
  readonly sinTable: Float64Array;
  /** Block energy (Σx²) at minDbfs. */
  readonly minEnergy: number;
  /** cos, sin of ω₀N: the phase a 425 Hz tone advances per block, removed from each step. */
  readonly stepCos: number;
  readonly stepSin: number;
  /** Hz per radian of phase step: fs / (2πN). */
  readonly hzPerRad: number;
  readonly dialSamples: number;
  readonly gapBlocks: number;
  readonly cadences: readonly CadenceSamples[];

  /** Absolute position: samples fed (plus the position given to toneReset). */
  samples: number;
  /** Absolute position of block 0. */
  origin: number;
  /** Analysis blocks completed; block b covers origin + [b·N, (b+1)·N). */
  blocks: number;
  /** The block being filled: sample count, energy, DFT accumulators. */
  fill: number;
  energy: number;
  re: number;
  im: number;

  /** The last block completed (b − 1 while b is being decided): pure?, its DFT, and its phase
   * step from the block before it (valid when stepOk). */
  prevPure: boolean;
  prevRe: number;
  prevIm: number;
  prevStepOk: boolean;
  prevStepRe: number;
  prevStepIm: number;
  /** 425 Hz energy (2|X|²/N) of the last block completed. */
  prevPower: number;

  /** The current run: on (tone) or off, its first block, and while on the sum of its phase steps. */
  runOn: boolean;
  runStart: number;
  runStepRe: number;
  runStepIm: number;
  /** Sum of the 425 Hz energy of the run's tone blocks, and their count. */
  runPower: number;
  runPowerBlocks: number;
  /** Mean 425 Hz energy of the last 425 Hz on-run (0: none within TONE_EPISODE_GAP_MS): while
   * off, a block 6 dB under it is not the tone coming back. */
  refPower: number;
  /** While on: dial already judged for this run. */
  runDialDone: boolean;
  /** Blocks in a row disagreeing with the run, the first of them, their phase steps and energy. */
  flipCount: number;
  flipStart: number;
  flipStepRe: number;
  flipStepIm: number;
  flipPower: number;
  flipPowerBlocks: number;

  /** The last finished on-run (when hasLastOn), waiting for the off-run after it. */
  lastOnStart: number;
  lastOnSamples: number;
  lastOnAt425: boolean;
  hasLastOn: boolean;

  /** The cadence being counted, its cycles in a row, and where its first on-run began. */
  cadType: CadenceType | null;
  cycles: number;
  cadStart: number;
  /** The type reported and still going on, or null. */
  episode: ToneType | null;

  readonly pending: ToneEvent[];
  readonly counters: ToneCounters;
}

const OPTION_NAMES = new Set(['sampleRate', 'minCycles', 'dialMs', 'minDbfs', 'cadences']);
const NO_EVENTS: readonly ToneEvent[] = Object.freeze([]);

function bad(name: string, must: string, got: unknown): TypeError {
  return new TypeError(`tones: ${name} must be ${must}, got ${String(got)}`);
}

function checkRange(name: string, r: unknown): readonly [number, number] {
  if (
    !Array.isArray(r) ||
    r.length !== 2 ||
    typeof r[0] !== 'number' ||
    typeof r[1] !== 'number' ||
    !Number.isFinite(r[0]) ||
    !Number.isFinite(r[1]) ||
    !(r[0] > 0 && r[0] < r[1])
  ) {
    throw bad(name, 'a range [min, max) of milliseconds with 0 < min < max', JSON.stringify(r));
  }
  return Object.freeze([r[0], r[1]] as const);
}

/** Validates options and fills defaults; throws a TypeError naming the bad option. */
export function resolveToneOptions(opts: ToneOptions): ToneConfig {
  if (typeof opts !== 'object' || opts === null) throw new TypeError('tones: options must be an object');
  for (const k of Object.keys(opts)) {
    if (!OPTION_NAMES.has(k)) throw new TypeError(`tones: unknown option ${k}`);
  }
  const c = {
    sampleRate: opts.sampleRate,
    minCycles: opts.minCycles ?? TONE_DEFAULTS.minCycles,
    dialMs: opts.dialMs ?? TONE_DEFAULTS.dialMs,
    minDbfs: opts.minDbfs ?? TONE_DEFAULTS.minDbfs,
    cadences: opts.cadences ?? TONE_DEFAULTS.cadences,
  };
  if (!(TONE_SAMPLE_RATES as readonly number[]).includes(c.sampleRate)) throw bad('sampleRate', '8000 or 16000', c.sampleRate);
  if (!Number.isInteger(c.minCycles) || c.minCycles < 1 || c.minCycles > 100) {
    throw bad('minCycles', 'an integer from 1 to 100', c.minCycles);
  }
  if (typeof c.dialMs !== 'number' || Number.isNaN(c.dialMs) || c.dialMs <= 0) {
    throw bad('dialMs', 'a positive number of milliseconds (Infinity: no dial detection)', c.dialMs);
  }
  if (typeof c.minDbfs !== 'number' || !Number.isFinite(c.minDbfs) || c.minDbfs > 0) {
    throw bad('minDbfs', 'a finite level in dBFS at or below 0', c.minDbfs);
  }
  if (!Array.isArray(c.cadences)) throw bad('cadences', 'an array', c.cadences);
  const cadences = Object.freeze(
    c.cadences.map((cad: ToneCadence, i: number) => {
      if (typeof cad !== 'object' || cad === null || (cad.type !== 'busy' && cad.type !== 'congestion')) {
        throw bad(`cadences[${i}].type`, "'busy' or 'congestion'", (cad as { type?: unknown } | null)?.type);
      }
      return Object.freeze({
        type: cad.type,
        onMs: checkRange(`cadences[${i}].onMs`, cad.onMs),
        offMs: checkRange(`cadences[${i}].offMs`, cad.offMs),
      });
    }),
  );
  return Object.freeze({ ...c, cadences });
}

function msToSamples(ms: number, rate: number): number {
  return Math.round((ms * rate) / 1000);
}

export function createToneRx(opts: ToneOptions): ToneState {
  const config = resolveToneOptions(opts);
  const rate = config.sampleRate;
  const N = msToSamples(TONE_BLOCK_MS, rate);
  const w = (2 * Math.PI * TONE_HZ) / rate;
  const cosTable = new Float64Array(N);
  const sinTable = new Float64Array(N);
  for (let n = 0; n < N; n++) {
    cosTable[n] = Math.cos(w * n);
    sinTable[n] = Math.sin(w * n);
  }
  const minRms = dbfsToRms(config.minDbfs);
  return {
    config,
    blockSamples: N,
    cosTable,
    sinTable,
    minEnergy: N * minRms * minRms,
    stepCos: Math.cos(w * N),
    stepSin: Math.sin(w * N),
    hzPerRad: rate / (2 * Math.PI * N),
    dialSamples: config.dialMs === Infinity ? Infinity : msToSamples(config.dialMs, rate),
    gapBlocks: Math.ceil(msToSamples(TONE_EPISODE_GAP_MS, rate) / N),
    cadences: config.cadences.map((c) => ({
      type: c.type,
      onMin: msToSamples(c.onMs[0], rate),
      onMax: msToSamples(c.onMs[1], rate),
      offMin: msToSamples(c.offMs[0], rate),
      offMax: msToSamples(c.offMs[1], rate),
    })),
    samples: 0,
    origin: 0,
    blocks: 0,
    fill: 0,
    energy: 0,
    re: 0,
    im: 0,
    prevPure: false,
    prevRe: 0,
    prevIm: 0,
    prevStepOk: false,
    prevStepRe: 0,
    prevStepIm: 0,
    prevPower: 0,
    runOn: false,
    runStart: 0,
    runStepRe: 0,
    runStepIm: 0,
    runPower: 0,
    runPowerBlocks: 0,
    refPower: 0,
    runDialDone: false,
    flipCount: 0,
    flipStart: 0,
    flipStepRe: 0,
    flipStepIm: 0,
    flipPower: 0,
    flipPowerBlocks: 0,
    lastOnStart: 0,
    lastOnSamples: 0,
    lastOnAt425: false,
    hasLastOn: false,
    cadType: null,
    cycles: 0,
    cadStart: 0,
    episode: null,
    pending: [],
    counters: { frames: 0, blocks: 0, toneBlocks: 0, onRuns: 0, offFrequency: 0, badCadence: 0, busy: 0, congestion: 0, dial: 0 },
  };
}

/** Feeds one frame (any length, including 0). Returns the events it completed, oldest first. */
export function toneRx(s: ToneState, frame: Int16Array): readonly ToneEvent[] {
  s.counters.frames++;
  const N = s.blockSamples;
  const cosT = s.cosTable;
  const sinT = s.sinTable;
  let fill = s.fill;
  let energy = s.energy;
  let re = s.re;
  let im = s.im;
  for (let i = 0, n = frame.length; i < n; i++) {
    const x = frame[i]!;
    energy += x * x;
    re += x * cosT[fill]!;
    im -= x * sinT[fill]!;
    if (++fill === N) {
      blockDone(s, energy, re, im);
      fill = 0;
      energy = 0;
      re = 0;
      im = 0;
    }
  }
  s.fill = fill;
  s.energy = energy;
  s.re = re;
  s.im = im;
  s.samples += frame.length;
  if (s.pending.length === 0) return NO_EVENTS;
  const out = s.pending.slice();
  s.pending.length = 0;
  return out;
}

/**
 * Forgets the signal so far, as after a gap in the capture: no runs, no cadence, no episode,
 * partial block dropped. Positions continue from `atSample` (default: where they are).
 * Counters are untouched.
 */
export function toneReset(s: ToneState, atSample: number = s.samples): void {
  if (!Number.isSafeInteger(atSample) || atSample < 0) {
    throw new TypeError(`tones: atSample must be a sample position (integer at or above 0), got ${atSample}`);
  }
  s.samples = atSample;
  s.origin = atSample;
  s.blocks = 0;
  s.fill = 0;
  s.energy = 0;
  s.re = 0;
  s.im = 0;
  s.prevPure = false;
  s.prevStepOk = false;
  s.runOn = false;
  s.runStart = 0;
  s.runStepRe = 0;
  s.runStepIm = 0;
  s.runPower = 0;
  s.runPowerBlocks = 0;
  s.runDialDone = false;
  s.refPower = 0;
  s.flipCount = 0;
  s.hasLastOn = false;
  s.cadType = null;
  s.cycles = 0;
  s.episode = null;
  s.pending.length = 0;
}

/** Zeroes the counters; the detector's state is untouched. */
export function toneResetCounters(s: ToneState): void {
  const c = s.counters;
  c.frames = c.blocks = c.toneBlocks = c.onRuns = c.offFrequency = c.badCadence = 0;
  c.busy = c.congestion = c.dial = 0;
}

/** Frequency offset from 425 Hz, in Hz, of a sum of (de-rotated) phase steps; NaN for none. */
function stepHz(s: ToneState, sumRe: number, sumIm: number): number {
  if (sumRe === 0 && sumIm === 0) return NaN;
  return Math.atan2(sumIm, sumRe) * s.hzPerRad;
}

function blockDone(s: ToneState, energy: number, re: number, im: number): void {
  const b = s.blocks++;
  s.counters.blocks++;
  const N = s.blockSamples;
  const power = (2 * (re * re + im * im)) / N; // the energy of a 425 Hz sine filling the block
  const pure = energy >= s.minEnergy && energy > 0 && power >= TONE_PURITY_MIN * energy;

  // Phase step from the previous block: X_b · conj(X_{b−1}), rotated back by ω₀N.
  let stepOk = false;
  let stepRe = 0;
  let stepIm = 0;
  if (pure && s.prevPure) {
    const pr = re * s.prevRe + im * s.prevIm;
    const pi = im * s.prevRe - re * s.prevIm;
    stepRe = pr * s.stepCos + pi * s.stepSin;
    stepIm = pi * s.stepCos - pr * s.stepSin;
    stepOk = Math.abs(stepHz(s, stepRe, stepIm)) <= TONE_BLOCK_FREQ_TOL_HZ;
  }

  // Block b − 1 can now be judged: pure, and at 425 Hz by its step to a neighbour.
  if (b >= 1) {
    const tonal = s.prevPure && (s.prevStepOk || stepOk);
    runStep(s, b - 1, tonal);
  }

  s.prevPure = pure;
  s.prevRe = re;
  s.prevIm = im;
  s.prevStepOk = stepOk;
  s.prevStepRe = stepRe;
  s.prevStepIm = stepIm;
  s.prevPower = power;
}

/** Advances the runs by block k (its phase step, if any, and its 425 Hz energy are in s.prev*). */
function runStep(s: ToneState, k: number, pureAt425: boolean): void {
  const N = s.blockSamples;
  const now = s.origin + (k + 2) * N; // end of block k + 1, the one that decided k
  const power = s.prevPower;
  let tonal = pureAt425;
  if (tonal && !s.runOn && power * TONE_STEP_RATIO < s.refPower) {
    tonal = false; // 6 dB under the tone heard last: speech in the pause, not the tone back
  } else if (tonal && s.runOn && s.flipCount === 0) {
    const mean = s.runPower / s.runPowerBlocks;
    if (power * TONE_STEP_RATIO < mean) {
      tonal = false; // fell 6 dB: not the tone of this run
    } else if (power > TONE_STEP_RATIO * mean && s.runPowerBlocks >= TONE_STEP_MIN_BLOCKS) {
      // Rose 6 dB: what came before was something else; a new on-run starts here.
      runEnded(s, k, now);
      s.runStart = k;
      s.runStepRe = 0;
      s.runStepIm = 0;
      s.runPower = 0;
      s.runPowerBlocks = 0;
      s.runDialDone = false;
    }
  }
  if (tonal) s.counters.toneBlocks++;
  const step = tonal && s.prevStepOk && s.runStart !== k;

  if (tonal === s.runOn) {
    s.flipCount = 0;
    if (tonal) {
      s.runPower += power;
      s.runPowerBlocks++;
      if (step) {
        s.runStepRe += s.prevStepRe;
        s.runStepIm += s.prevStepIm;
      }
    }
  } else {
    if (s.flipCount === 0) {
      // The first block of the new run; its step reaches back outside the run, not counted.
      s.flipStart = k;
      s.flipStepRe = 0;
      s.flipStepIm = 0;
      s.flipPower = 0;
      s.flipPowerBlocks = 0;
    } else if (step) {
      s.flipStepRe += s.prevStepRe;
      s.flipStepIm += s.prevStepIm;
    }
    if (tonal) {
      s.flipPower += power;
      s.flipPowerBlocks++;
    }
    if (++s.flipCount >= TONE_DEBOUNCE_BLOCKS) {
      runEnded(s, s.flipStart, now);
      s.runOn = tonal;
      s.runStart = s.flipStart;
      s.runStepRe = s.flipStepRe;
      s.runStepIm = s.flipStepIm;
      s.runPower = s.flipPower;
      s.runPowerBlocks = s.flipPowerBlocks;
      s.runDialDone = false;
      s.flipCount = 0;
    }
  }

  const runSamples = (k + 1 - s.runStart) * N;
  if (s.runOn) {
    if (!s.runDialDone && runSamples >= s.dialSamples) {
      s.runDialDone = true;
      if (Math.abs(stepHz(s, s.runStepRe, s.runStepIm)) <= TONE_FREQ_TOL_HZ) {
        report(s, 'dial', s.origin + s.runStart * N, now);
      }
    }
  } else if (k + 1 - s.runStart >= s.gapBlocks) {
    s.episode = null;
    s.refPower = 0;
  }
}

/** The current run ends where block `end` begins. */
function runEnded(s: ToneState, end: number, now: number): void {
  const N = s.blockSamples;
  const start = s.origin + s.runStart * N;
  const length = (end - s.runStart) * N;
  if (s.runOn) {
    s.counters.onRuns++;
    const at425 = Math.abs(stepHz(s, s.runStepRe, s.runStepIm)) <= TONE_FREQ_TOL_HZ;
    if (!at425) s.counters.offFrequency++;
    else if (s.runPowerBlocks >= TONE_STEP_MIN_BLOCKS) s.refPower = s.runPower / s.runPowerBlocks;
    s.hasLastOn = true;
    s.lastOnStart = start;
    s.lastOnSamples = length;
    s.lastOnAt425 = at425;
    return;
  }
  if (!s.hasLastOn) return; // the off-run the stream began with
  s.hasLastOn = false;
  let type: CadenceType | null = null;
  if (s.lastOnAt425) {
    for (const c of s.cadences) {
      if (s.lastOnSamples >= c.onMin && s.lastOnSamples < c.onMax && length >= c.offMin && length < c.offMax) {
        type = c.type;
        break;
      }
    }
    if (type === null) s.counters.badCadence++;
  }
  if (type === null) {
    s.cadType = null;
    s.cycles = 0;
    return;
  }
  if (type === s.cadType) {
    s.cycles++;
  } else {
    s.cadType = type;
    s.cycles = 1;
    s.cadStart = s.lastOnStart;
  }
  if (s.cycles >= s.config.minCycles) report(s, type, s.cadStart, now);
}

function report(s: ToneState, type: ToneType, atSample: number, detectedAt: number): void {
  if (s.episode === type) return;
  s.episode = type;
  s.counters[type]++;
  s.pending.push(Object.freeze({ type, atSample, detectedAt }));
}
