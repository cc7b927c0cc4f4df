// The configured announcement, analysed once at start and shared by every line's matcher.
import { meanSquareToDbfs } from '../level.js';
import { BANDS, BandAnalyser, frameGeometry, framesIn } from './bands.js';
import { frameEnergies, quantile } from './features.js';

/** Below this the loudest 10 ms of the file is not an announcement but silence or hiss. */
const SILENT_DBFS = -60;
/** Leading and trailing blocks more than this below the loudest are trimmed as silence. */
const TRIM_BELOW_PEAK_DB = 40;
const BLOCK_MS = 10;
const MIN_SOUND_MS = 500;
const MAX_SOUND_MS = 30_000;
/** The level of a signal's speech: loud, but not its few loudest, frames. */
export const SPEECH_QUANTILE = 0.9;

export interface ReferenceData {
  bands: Float32Array;
  frames: number;
  /** SPEECH_QUANTILE of the frame energies */
  speechEnergy: number;
}

const data = new WeakMap<AnnouncementReference, ReferenceData>();

/** The analysis behind a reference; not part of the public API (index.ts does not export it). */
export function referenceData(ref: AnnouncementReference): ReferenceData {
  return data.get(ref)!;
}

/** From the first to the last 10 ms block within TRIM_BELOW_PEAK_DB of the loudest. */
function soundSpan(pcm: Int16Array, rate: number): { from: number; to: number; peakDbfs: number } {
  const block = (rate * BLOCK_MS) / 1000;
  const levels: number[] = [];
  for (let at = 0; at < pcm.length; at += block) {
    let sum = 0;
    const end = Math.min(pcm.length, at + block);
    for (let i = at; i < end; i++) sum += pcm[i]! * pcm[i]!;
    levels.push(meanSquareToDbfs(sum / (end - at)));
  }
  const peakDbfs = levels.reduce((a, b) => Math.max(a, b), -Infinity);
  const loud = (l: number) => l >= peakDbfs - TRIM_BELOW_PEAK_DB;
  const first = levels.findIndex(loud);
  let last = levels.length - 1;
  while (last > first && !loud(levels[last]!)) last--;
  return { from: first * block, to: Math.min(pcm.length, (last + 1) * block), peakDbfs };
}

export class AnnouncementReference {
  private constructor(
    readonly sampleRate: number,
    readonly durationMs: number,
  ) {}

  /**
   * The reference announcement at the capture rate. Throws RangeError if it holds less than
   * 0.5 s of sound, is silent, or is longer than 30 s of sound. Leading/trailing silence is trimmed.
   */
  static fromPcm(pcm: Int16Array, sampleRate: number): AnnouncementReference {
    frameGeometry(sampleRate); // validates the rate
    const { from, to, peakDbfs } = soundSpan(pcm, sampleRate);
    if (!(peakDbfs >= SILENT_DBFS)) {
      const what = peakDbfs === -Infinity ? 'it is digital silence' : `its loudest 10 ms is ${peakDbfs.toFixed(1)} dBFS, below ${SILENT_DBFS} dBFS`;
      throw new RangeError(`the announcement is silent: ${what}`);
    }
    const durationMs = Math.round(((to - from) * 1000) / sampleRate);
    if (durationMs < MIN_SOUND_MS) throw new RangeError(`the announcement is too short: ${durationMs} ms of sound, at least ${MIN_SOUND_MS} ms needed`);
    if (durationMs > MAX_SOUND_MS) throw new RangeError(`the announcement is too long: ${(durationMs / 1000).toFixed(1)} s of sound, at most ${MAX_SOUND_MS / 1000} s allowed`);
    const sound = pcm.subarray(from, to);
    const bands = new Float32Array(framesIn(sound.length, sampleRate) * BANDS);
    const analyser = new BandAnalyser(sampleRate, bands);
    analyser.push(sound);
    const ref = new AnnouncementReference(sampleRate, durationMs);
    data.set(ref, { bands, frames: analyser.frames, speechEnergy: quantile(frameEnergies(bands, analyser.frames), SPEECH_QUANTILE) });
    return Object.freeze(ref);
  }
}
