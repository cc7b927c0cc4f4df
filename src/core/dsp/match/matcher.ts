// One line's verify of the announcement. push() only computes band energies as the call audio
// arrives (one 32 ms FFT per 20 ms, into a buffer sized at construction); result() does the
// rest once: estimates the call's noise floor and speech level, makes the reference as noisy
// and as loud as the call, and aligns the whole reference with the start of the call.
//
// Why an alignment and not a cross-correlation: the exchange may play the announcement at
// another speaking rate than the configured file (a re-recording, a time-stretch), and a
// correlation of feature sequences only finds a match at one tempo. DTW over spectral-shape
// features tolerates 0.5–2× locally, and the window limits the whole to MIN_TEMPO.
//
// What it does not tolerate, by design: another speaker. It verifies that THE configured
// recording was played; the same text read by another voice (above all of another sex, with
// its formants elsewhere) scores like other speech.
import { BANDS, BandAnalyser, framesIn, HOP_MS } from './bands.js';
import { alignSubsequence } from './dtw.js';
import { bandQuantiles, CEPSTRA, cepstra, frameEnergies, quantile } from './features.js';
import { AnnouncementReference, referenceData, SPEECH_QUANTILE } from './reference.js';
import { pathCost, similarity } from './score.js';

export interface MatchOptions {
  /** 8000 or 16000: the capture rate of all call audio pushed */
  sampleRate: number;
  /** how late into the recording the announcement may start, ms (the box uses 1500 by default) */
  maxOffsetMs: number;
}

export interface MatchResult {
  /** similarity in [0, 1], rounded to 3 decimals; ≥ the threshold means the announcement was heard */
  score: number;
  /** where the best match starts, ms after the first sample pushed (integer) */
  offsetMs: number;
}

/**
 * Chosen on the generated set (src/simulate/announcement-corpus.ts; 56 positives, 42 negatives;
 * test/core/dsp/match/corpus.test.ts prints these):
 *   8 kHz   positives min 0.598  p5 0.642  median 0.735  max 0.797
 *           negatives min 0      median 0.143  p95 0.302  max 0.350 (other speech, "Puhelu yhdistetään…")
 *           by kind, max: other speech 0.350, first half 0.302, first word 0.283, noise only 0.209,
 *           music 0.004, ring-back 0
 *   16 kHz  positives min 0.603, negatives max 0.352
 *   three held-out variants of the set (other noise, offsets, levels, rate/pitch pairings; not
 *   used to tune): positives min 0.595–0.611, negatives max 0.324–0.361, 0 errors.
 * 0.48 is the middle of the gap: about 0.12 from the lowest positive and from the highest negative.
 */
export const DEFAULT_MATCH_THRESHOLD = 0.48;

/** The slowest tempo of the call's announcement relative to the reference that the window holds. */
const MIN_TEMPO = 0.7;
/** Per band, this quantile of the call's frames is its noise floor: pauses fall to it. */
const NOISE_QUANTILE = 0.3;
/**
 * The reference is set at least this far above the call's noise floor. Without it a call of
 * noise alone would pull the reference down into its own noise, where everything matches.
 */
const MIN_SNR_DB = 25;
/** The least noise floor per band, about -90 dB re a full-scale sine: digital silence is not a perfect floor. */
const LEAST_FLOOR = 1e-9;

export class AnnouncementMatcher {
  readonly windowMs: number;
  private readonly ref: AnnouncementReference;
  private readonly maxStart: number;
  private readonly windowSamples: number;
  private readonly bands: Float32Array;
  private readonly analyser: BandAnalyser;
  private samples = 0;

  constructor(ref: AnnouncementReference, opts: MatchOptions) {
    if (opts.sampleRate !== ref.sampleRate) throw new RangeError(`the call audio is at ${opts.sampleRate} Hz but the announcement reference is at ${ref.sampleRate} Hz`);
    if (!(Number.isFinite(opts.maxOffsetMs) && opts.maxOffsetMs >= 0)) throw new RangeError(`maxOffsetMs must be a finite number ≥ 0, not ${opts.maxOffsetMs}`);
    this.ref = ref;
    this.windowMs = Math.ceil(opts.maxOffsetMs + ref.durationMs / MIN_TEMPO);
    this.windowSamples = Math.ceil((this.windowMs * opts.sampleRate) / 1000);
    this.maxStart = Math.floor(opts.maxOffsetMs / HOP_MS);
    this.bands = new Float32Array(framesIn(this.windowSamples, opts.sampleRate) * BANDS);
    this.analyser = new BandAnalyser(opts.sampleRate, this.bands);
  }

  get complete(): boolean {
    return this.samples >= this.windowSamples;
  }

  push(pcm: Int16Array): void {
    if (this.complete) return;
    const take = Math.min(pcm.length, this.windowSamples - this.samples);
    this.analyser.push(take === pcm.length ? pcm : pcm.subarray(0, take));
    this.samples += take;
  }

  result(): MatchResult {
    const r = referenceData(this.ref);
    const m = this.analyser.frames;
    if (m === 0) return { score: 0, offsetMs: 0 };
    const floor = bandQuantiles(this.bands, m, NOISE_QUANTILE).map((e) => Math.max(e, LEAST_FLOOR));
    const noise = floor.reduce((a, b) => a + b, 0);
    const speech = Math.max(quantile(frameEnergies(this.bands, m), SPEECH_QUANTILE) - noise, noise * 10 ** (MIN_SNR_DB / 10));
    const gain = speech / r.speechEnergy;
    // A reference frame counts by how much of it stands above the call's noise: its pauses,
    // drowned in the call, say nothing about whether it was played.
    const weights = frameEnergies(r.bands, r.frames).map((e) => (gain * e) / (gain * e + noise));
    const path = alignSubsequence(cepstra(r.bands, r.frames, gain, floor), r.frames, weights, cepstra(this.bands, m, 1, null), m, CEPSTRA, this.maxStart);
    if (!path) return { score: 0, offsetMs: 0 };
    return { score: Math.round(similarity(pathCost(path.frameCosts, weights)) * 1000) / 1000, offsetMs: path.start * HOP_MS };
  }
}
