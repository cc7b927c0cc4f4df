// The sounds of a call's signalling, as an exchange and a telephone make them.
import { encodeMdmf, CLIP_ABSENCE_OF_NUMBER, CLIP_CALLING_NUMBER, CLIP_DATE_TIME } from '../core/dsp/clip-fsk.js';
import { dtmfTones } from '../core/dsp/dtmf-gen.js';
import { clipFskBurst } from '../core/dsp/fsk-gen.js';
import { FSK_SPECS } from '../core/dsp/fsk.js';
import { concat, silence, tone } from '../core/dsp/generate.js';

export type ClipKind = 'dtmf' | 'fsk-v23' | 'fsk-bell202' | 'none';

/** Caller ID as the exchange sends it: DTMF `A<number>C` (Finland), or an FSK MDMF burst. */
export function clipAudio(kind: Exclude<ClipKind, 'none'>, number: string | 'withheld', rate: number): Int16Array {
  if (kind === 'dtmf') {
    // ETSI EN 300 659-1 annex B: info code B10 is "withheld" by default (see config clip.withheldCodes).
    return dtmfTones(number === 'withheld' ? 'B10C' : `A${number}C`, { sampleRate: rate, dbfs: -12 });
  }
  const message = encodeMdmf([
    { type: CLIP_DATE_TIME, value: '03211405' },
    number === 'withheld' ? { type: CLIP_ABSENCE_OF_NUMBER, value: 'P' } : { type: CLIP_CALLING_NUMBER, value: number },
  ]);
  return clipFskBurst(kind === 'fsk-v23' ? FSK_SPECS.v23 : FSK_SPECS.bell202, message, { sampleRate: rate, dbfs: -14 });
}

/** Digits keyed on a telephone: 70 ms tone, 70 ms pause. */
export function keyed(digits: string, rate: number): Int16Array {
  return dtmfTones(digits, { sampleRate: rate, dbfs: -10 });
}

/** The Finnish busy tone: 425 Hz, 300 ms on, 300 ms off. */
export function busyTone(ms: number, rate: number): Int16Array {
  const parts: Int16Array[] = [];
  for (let t = 0; t < ms; t += 600) parts.push(tone(425, 300, -14, rate), silence(300, rate));
  return concat(...parts);
}
