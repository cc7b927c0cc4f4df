// VOX: a voice-operated switch with hysteresis, the recorder's call detector when a line has
// no signalling at all.
//
// Shape (spandsp style): `createVox(opts)` returns a plain state record; `voxRx(state, frame)`
// takes frames of any length and returns events. Time is counted in samples fed, never in wall
// clock; `atSample` positions are absolute (samples fed since createVox), on the same scale as
// PcmRing's positions when both are fed the same frames.
//
// Level is measured over fixed analysis blocks of VOX_BLOCK_MS (80 samples at 8 kHz, 160 at
// 16 kHz), carried across frame boundaries, so the events do not depend on how the caller cuts
// the stream into frames. "Block" below is that analysis block. Durations are rounded to whole
// samples, then the attack up to whole blocks.
//
// START (while idle)
//   A call starts when, within the last 2×attackMs of blocks, at least attackMs of blocks are
//   above onDbfs (speech has short gaps between syllables). The block that completes this is the
//   trigger; the trigger position is the end of that block. A burst partly covers one block
//   more than its length, so one shorter than attackMs − VOX_BLOCK_MS never starts a call.
//   `atSample` is the ONSET, not the trigger: from the first above-on block in that window, walk
//   back over blocks above offDbfs, stepping over gaps below offDbfs shorter than
//   VOX_ONSET_GAP_MS (so soft first words are kept), never to before
//     limit = max(0, trigger − lookbackMs, atSample of the previous call's end)
//   (0 there is the position given to the last voxReset, if any).
//   Then atSample = max(onset − leadMs, limit). The recorder takes the samples from `atSample`
//   out of its pre-roll ring, which must reach back lookbackMs before the trigger.
// END (while active)
//   A block above offDbfs is voice. The call ends when the blocks since the last voice add up to
//   hangMs. `atSample` of the end is the end of the last voiced block + min(leadMs, hangMs): a
//   short tail, not the position where the hang expired (which is later by hangMs − tail).
//   After an end the attack window starts empty.
//
// At most one event is returned per call. A frame long enough to hold two events (an end and
// the next start, say) queues the second; the next call returns it, and an empty frame may be
// fed to collect it. Events never refer to samples not yet fed.

import { meanSquareToDbfs } from './level.js';

/** Analysis block: 10 ms (80 samples at 8 kHz). Sets the time resolution of every rule. */
export const VOX_BLOCK_MS = 10;

/** Onset walk-back steps over gaps below offDbfs shorter than this (pauses before a word). */
export const VOX_ONSET_GAP_MS = 300;

export const VOX_DEFAULTS = Object.freeze({
  /** -40 dBFS: a block this loud may start a call; ~15–20 dB under telephone speech levels. */
  onDbfs: -40,
  /** -46 dBFS: while a call is on, a block above this is voice (6 dB of hysteresis). */
  offDbfs: -46,
  /** 200 ms of above-on blocks within 400 ms starts a call; a 150 ms click does not. */
  attackMs: 200,
  /** 8 s without voice ends a call: long enough for a caller on hold or thinking. */
  hangMs: 8000,
  /** The recording starts 300 ms before the onset and ends 300 ms after the last voice. */
  leadMs: 300,
  /** The onset walk never goes back more than 2.5 s before the trigger (the pre-roll needed). */
  lookbackMs: 2500,
});

export const VOX_SAMPLE_RATES = Object.freeze([8000, 16000] as const);

export interface VoxOptions {
  /** 8000 or 16000 (checked at run time, so a number read from configuration can be passed). */
  sampleRate: number;
  onDbfs?: number;
  offDbfs?: number;
  attackMs?: number;
  hangMs?: number;
  leadMs?: number;
  lookbackMs?: number;
}

export type VoxConfig = Readonly<Required<VoxOptions>>;

export type VoxEvent =
  | { readonly type: 'start'; readonly atSample: number }
  | { readonly type: 'end'; readonly atSample: number };

export interface VoxCounters {
  /** Frames fed to voxRx. */
  frames: number;
  /** Calls started. */
  starts: number;
  /** Calls ended. */
  ends: number;
}

export interface VoxState {
  readonly config: VoxConfig;
  /** Samples per analysis block. */
  readonly blockSamples: number;
  /** Above-on blocks needed to start (attackMs rounded up to blocks). */
  readonly attackBlocks: number;
  /** Length of the attack window in blocks (2 × attackBlocks). */
  readonly windowBlocks: number;
  readonly hangSamples: number;
  readonly leadSamples: number;
  readonly lookbackSamples: number;
  /** A gap of this many blocks below offDbfs stops the onset walk-back. */
  readonly onsetGapBlocks: number;
  /** Level in dBFS of block b at levels[b % levels.length]; holds the attack window and the lookback. */
  readonly levels: Float64Array;

  /** Absolute position: samples fed so far (or the position given to voxReset, plus samples fed since). */
  samples: number;
  /** Absolute position of block 0: 0, or the position given to the last voxReset. */
  origin: number;
  /** Analysis blocks completed; block b covers samples origin + [b·blockSamples, (b+1)·blockSamples). */
  blocks: number;
  /** Sum of squares and sample count of the block being filled. */
  blockSum: number;
  blockFill: number;

  /** A call is on. */
  active: boolean;
  /** Above-on blocks among the last windowBlocks (counting none before windowFloor). */
  aboveOn: number;
  /** First block the attack window may count: the one after the last end. */
  windowFloor: number;
  /** While active: end of the last voiced block. */
  lastVoiceEnd: number;
  /** atSample of the last end (0 before any): a start never reaches back past it. */
  lastEnd: number;
  /** Events found but not yet returned. */
  readonly pending: VoxEvent[];
  readonly counters: VoxCounters;
}

const OPTION_NAMES = new Set(['sampleRate', 'onDbfs', 'offDbfs', 'attackMs', 'hangMs', 'leadMs', 'lookbackMs']);

function bad(name: string, must: string, got: unknown): TypeError {
  return new TypeError(`vox: ${name} must be ${must}, got ${String(got)}`);
}

/** Validates options and fills defaults; throws a TypeError naming the bad option. */
export function resolveVoxOptions(opts: VoxOptions): VoxConfig {
  if (typeof opts !== 'object' || opts === null) throw new TypeError('vox: options must be an object');
  for (const k of Object.keys(opts)) {
    if (!OPTION_NAMES.has(k)) throw new TypeError(`vox: unknown option ${k}`);
  }
  // An option left out, or passed as undefined, takes its default.
  const c: Required<VoxOptions> = {
    sampleRate: opts.sampleRate,
    onDbfs: opts.onDbfs ?? VOX_DEFAULTS.onDbfs,
    offDbfs: opts.offDbfs ?? VOX_DEFAULTS.offDbfs,
    attackMs: opts.attackMs ?? VOX_DEFAULTS.attackMs,
    hangMs: opts.hangMs ?? VOX_DEFAULTS.hangMs,
    leadMs: opts.leadMs ?? VOX_DEFAULTS.leadMs,
    lookbackMs: opts.lookbackMs ?? VOX_DEFAULTS.lookbackMs,
  };
  if (!(VOX_SAMPLE_RATES as readonly number[]).includes(c.sampleRate)) {
    throw bad('sampleRate', '8000 or 16000', c.sampleRate);
  }
  for (const k of ['onDbfs', 'offDbfs'] as const) {
    if (typeof c[k] !== 'number' || !Number.isFinite(c[k]) || c[k] > 0) throw bad(k, 'a finite level in dBFS at or below 0', c[k]);
  }
  if (!(c.offDbfs < c.onDbfs)) throw bad('offDbfs', `below onDbfs (${c.onDbfs})`, c.offDbfs);
  for (const k of ['attackMs', 'hangMs', 'lookbackMs'] as const) {
    if (typeof c[k] !== 'number' || !Number.isFinite(c[k]) || c[k] <= 0) throw bad(k, 'a positive number of milliseconds', c[k]);
  }
  // leadMs may be 0: no lead before the onset and no tail after the last voice.
  if (typeof c.leadMs !== 'number' || !Number.isFinite(c.leadMs) || c.leadMs < 0) {
    throw bad('leadMs', 'a number of milliseconds at or above 0', c.leadMs);
  }
  return Object.freeze(c);
}

function msToSamples(ms: number, rate: number): number {
  return Math.round((ms * rate) / 1000);
}

export function createVox(opts: VoxOptions): VoxState {
  const config = resolveVoxOptions(opts);
  const rate = config.sampleRate;
  const blockSamples = msToSamples(VOX_BLOCK_MS, rate);
  const attackBlocks = Math.max(1, Math.ceil(msToSamples(config.attackMs, rate) / blockSamples));
  const windowBlocks = 2 * attackBlocks;
  const lookbackSamples = msToSamples(config.lookbackMs, rate);
  // The ring must still hold the block leaving the attack window, and every block back to the
  // lookback limit when a trigger walks back.
  const ringBlocks = Math.max(windowBlocks + 1, Math.ceil(lookbackSamples / blockSamples) + 2);
  return {
    config,
    blockSamples,
    attackBlocks,
    windowBlocks,
    hangSamples: Math.max(1, msToSamples(config.hangMs, rate)),
    leadSamples: msToSamples(config.leadMs, rate),
    lookbackSamples,
    onsetGapBlocks: Math.ceil(msToSamples(VOX_ONSET_GAP_MS, rate) / blockSamples),
    levels: new Float64Array(ringBlocks).fill(-Infinity),
    samples: 0,
    origin: 0,
    blocks: 0,
    blockSum: 0,
    blockFill: 0,
    active: false,
    aboveOn: 0,
    windowFloor: 0,
    lastVoiceEnd: 0,
    lastEnd: 0,
    pending: [],
    counters: { frames: 0, starts: 0, ends: 0 },
  };
}

/** Feeds one frame (any length, including 0). Returns the oldest event not yet returned. */
export function voxRx(s: VoxState, frame: Int16Array): VoxEvent | undefined {
  s.counters.frames++;
  const B = s.blockSamples;
  const n = frame.length;
  let sum = s.blockSum;
  let fill = s.blockFill;
  for (let i = 0; i < n; i++) {
    const x = frame[i]!;
    sum += x * x;
    if (++fill === B) {
      blockDone(s, sum / B);
      sum = 0;
      fill = 0;
    }
  }
  s.blockSum = sum;
  s.blockFill = fill;
  s.samples += n;
  return s.pending.shift();
}

/**
 * The stream is over (end of file, line taken down): ends an active call as the END rule would,
 * with its tail cut at the samples fed. The partial analysis block is not measured. Returns the
 * oldest pending event, like voxRx; call until it returns undefined to drain.
 */
export function voxFlush(s: VoxState): VoxEvent | undefined {
  if (s.active) endCall(s, Math.min(s.lastVoiceEnd + Math.min(s.leadSamples, s.hangSamples), s.samples), s.blocks);
  return s.pending.shift();
}

/**
 * Forgets the signal so far, as after a gap in the capture: idle, empty attack window and
 * lookback, partial block dropped. Positions continue from `atSample` (default: where they
 * are), so the caller can line them up with its own timeline again; a later start never reaches
 * back before `atSample`. An active call is dropped without an end event, and events not yet
 * returned are discarded: to keep them, call voxFlush until it returns undefined first.
 * Counters are untouched.
 */
export function voxReset(s: VoxState, atSample: number = s.samples): void {
  if (!Number.isSafeInteger(atSample) || atSample < 0) {
    throw new TypeError(`vox: atSample must be a sample position (integer at or above 0), got ${atSample}`);
  }
  s.samples = atSample;
  s.origin = atSample;
  s.blocks = 0;
  s.blockSum = 0;
  s.blockFill = 0;
  s.levels.fill(-Infinity);
  s.active = false;
  s.aboveOn = 0;
  s.windowFloor = 0;
  s.lastVoiceEnd = atSample;
  s.lastEnd = atSample;
  s.pending.length = 0;
}

/** Zeroes the counters; positions (`samples`) and the detector's state are untouched. */
export function voxResetCounters(s: VoxState): void {
  s.counters.frames = 0;
  s.counters.starts = 0;
  s.counters.ends = 0;
}

function levelOf(s: VoxState, block: number): number {
  return s.levels[block % s.levels.length]!;
}

function blockDone(s: VoxState, meanSquare: number): void {
  const { onDbfs, offDbfs } = s.config;
  const b = s.blocks++;
  const level = meanSquareToDbfs(meanSquare);
  s.levels[b % s.levels.length] = level;
  const blockEnd = s.origin + (b + 1) * s.blockSamples;

  // Slide the attack window to blocks (b − windowBlocks, b].
  if (level > onDbfs) s.aboveOn++;
  const leaving = b - s.windowBlocks;
  if (leaving >= s.windowFloor && levelOf(s, leaving) > onDbfs) s.aboveOn--;

  if (s.active) {
    if (level > offDbfs) {
      s.lastVoiceEnd = blockEnd;
    } else if (blockEnd - s.lastVoiceEnd >= s.hangSamples) {
      endCall(s, s.lastVoiceEnd + Math.min(s.leadSamples, s.hangSamples), b + 1);
    }
  } else if (s.aboveOn >= s.attackBlocks) {
    s.active = true;
    s.lastVoiceEnd = blockEnd; // the trigger block is above on
    s.counters.starts++;
    s.pending.push({ type: 'start', atSample: startSample(s, b) });
  }
}

function endCall(s: VoxState, atSample: number, nextBlock: number): void {
  s.active = false;
  s.lastEnd = atSample;
  s.windowFloor = nextBlock;
  s.aboveOn = 0;
  s.counters.ends++;
  s.pending.push({ type: 'end', atSample });
}

/** The START rule's onset walk for trigger block t; returns the start's atSample. */
function startSample(s: VoxState, t: number): number {
  const { onDbfs, offDbfs } = s.config;
  const B = s.blockSamples;
  const trigger = s.origin + (t + 1) * B;
  const limit = Math.max(s.origin, trigger - s.lookbackSamples, s.lastEnd);
  const limitBlock = Math.ceil((limit - s.origin) / B);

  // First above-on block of the attack window.
  let first = t;
  for (let j = Math.max(t - s.windowBlocks + 1, s.windowFloor); j <= t; j++) {
    if (levelOf(s, j) > onDbfs) {
      first = j;
      break;
    }
  }
  // Walk back over blocks above off, stepping over short gaps below off.
  let onset = first;
  let gap = 0;
  for (let j = first - 1; j >= limitBlock; j--) {
    if (levelOf(s, j) > offDbfs) {
      onset = j;
      gap = 0;
    } else if (++gap >= s.onsetGapBlocks) {
      break;
    }
  }
  return Math.max(s.origin + onset * B - s.leadSamples, limit);
}
