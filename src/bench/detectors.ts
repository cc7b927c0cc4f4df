import { lineDetectors } from '../box/line/line-detectors.js';
import { VoxDetector, type LineDetector } from '../box/line/detectors.js';
import type { ClipConfig } from '../core/config/index.js';
import { startCost, type Cost } from './measure.js';

export type DetectorSet = 'vox' | 'vox+dtmf+tones' | 'vox+dtmf+fsk+tones';

/**
 * The line's detectors alone on every 20 ms frame of each line: VOX, DTMF (digits and DTMF
 * caller ID), the far end's tones, and optionally FSK caller ID, as a line runs them.
 */
export async function runDetectors(lines: readonly Int16Array[], rate: number, frameSamples: number, set: DetectorSet): Promise<Cost> {
  const clip: ClipConfig = { withheldCodes: ['10'], unavailableCodes: ['00'] };
  const cost = await startCost();
  for (const signal of lines) {
    const detectors: LineDetector[] = [new VoxDetector({ sampleRate: rate, lookbackMs: 2500 })];
    if (set !== 'vox') {
      detectors.push(...lineDetectors(rate, { clip: 'dtmf', farEndTones: true, hookSignalling: false }, clip));
      if (set === 'vox+dtmf+fsk+tones') detectors.push(...lineDetectors(rate, { clip: 'fsk-v23', farEndTones: false, hookSignalling: false }, clip).slice(1));
    }
    for (let at = 0; at + frameSamples <= signal.length; at += frameSamples) {
      const frame = signal.subarray(at, at + frameSamples);
      for (const d of detectors) d.rx(at, frame);
    }
  }
  return cost();
}
