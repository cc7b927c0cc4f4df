import type { ClipConfig, LineSignalling } from '../../core/config/index.js';
import { createClipFskRx, clipFskRx, type ClipFskRxState } from '../../core/dsp/clip-fsk.js';
import { createDtmfClipParser, dtmfClipRx, type ClipDtmfParserState } from '../../core/dsp/clip-dtmf.js';
import { createDtmfRx, dtmfReset, dtmfRx, type DtmfState } from '../../core/dsp/dtmf.js';
import { createToneRx, toneReset, toneRx, type ToneState } from '../../core/dsp/tones.js';
import type { ClipStatus, LineInput } from './call-fsm.js';
import { NOTHING, type LineDetector } from './detectors.js';

/** DTMF on the line: every digit (dialled numbers, the stop code), and caller ID sent as DTMF. */
class DtmfDetector implements LineDetector {
  private state: DtmfState;
  private clip: ClipDtmfParserState | undefined;
  /** a caller-ID digit marks the audio as signalling for this long: one digit and its gap */
  private readonly signalHold: number;
  constructor(private readonly rate: number, private readonly clipCodes: ClipConfig | undefined) {
    this.state = createDtmfRx({ sampleRate: rate });
    this.signalHold = Math.round(0.3 * rate);
    this.clip = this.newClipParser();
  }
  private newClipParser(): ClipDtmfParserState | undefined {
    return this.clipCodes && createDtmfClipParser({ sampleRate: this.rate, withheldCodes: this.clipCodes.withheldCodes, unavailableCodes: this.clipCodes.unavailableCodes });
  }
  rx(_position: number, frame: Int16Array): readonly LineInput[] {
    const events = dtmfRx(this.state, frame);
    if (events.length === 0 && !this.clip?.digits) return NOTHING;
    const out: LineInput[] = [];
    for (const e of events) {
      if (e.type !== 'digit') continue;
      out.push({ type: 'digit', at: e.atSample, digit: e.digit });
      // A-D are not on a telephone's keypad: they are the exchange's caller-ID framing.
      if (this.clip && (/[A-D]/.test(e.digit) || /^[A-D]/.test(this.clip.digits))) {
        out.push({ type: 'signalling', at: e.atSample, until: e.atSample + this.signalHold });
      }
    }
    if (this.clip) {
      for (const burst of dtmfClipRx(this.clip, events, this.state.samples)) {
        if (burst.status === 'error') continue; // counted by the parser; a malformed burst names nobody
        const status: ClipStatus = burst.status === 'unknown-code' ? 'unavailable' : burst.status;
        out.push({ type: 'caller-id', at: burst.atSample, source: 'dtmf-clip', status, ...(burst.number ? { number: burst.number } : {}) });
      }
    }
    return out;
  }
  reset(position: number): void {
    dtmfReset(this.state, position);
    this.clip = this.newClipParser();
  }
}

/** Caller ID sent as FSK (V.23 or Bell 202). */
class FskClipDetector implements LineDetector {
  private state: ClipFskRxState;
  constructor(private readonly spec: 'v23' | 'bell202', private readonly rate: number) {
    this.state = createClipFskRx(spec, { sampleRate: rate });
  }
  rx(position: number, frame: Int16Array): readonly LineInput[] {
    const out: LineInput[] = [];
    if (this.state.fsk.carrier) out.push({ type: 'signalling', at: position, until: position + frame.length });
    for (const e of clipFskRx(this.state, frame)) {
      if (e.type === 'error') continue; // counted by the framer
      out.push({
        type: 'caller-id',
        at: e.atSample ?? position,
        source: 'fsk-clip',
        status: e.status,
        ...(e.number ? { number: e.number } : {}),
        ...(e.name ? { name: e.name } : {}),
      });
    }
    return out;
  }
  reset(_position: number): void {
    // The FSK receiver's positions restart with it; caller ID positions are only used to order events.
    this.state = createClipFskRx(this.spec, { sampleRate: this.rate });
  }
}

/** The far end's busy or congestion tone: the other party has hung up. */
class FarEndToneDetector implements LineDetector {
  private readonly state: ToneState;
  constructor(rate: number) {
    this.state = createToneRx({ sampleRate: rate });
  }
  rx(_position: number, frame: Int16Array): readonly LineInput[] {
    const events = toneRx(this.state, frame);
    if (events.length === 0) return NOTHING;
    return events
      .filter((e) => e.type !== 'dial')
      .map((e) => ({ type: 'far-end-clear' as const, at: e.atSample }));
  }
  reset(position: number): void {
    toneReset(this.state, position);
  }
}

/** The detectors a line runs besides VOX, as its signalling config asks. */
export function lineDetectors(rate: number, signalling: LineSignalling, clip: ClipConfig): LineDetector[] {
  const detectors: LineDetector[] = [new DtmfDetector(rate, signalling.clip === 'dtmf' ? clip : undefined)];
  if (signalling.clip === 'fsk-v23') detectors.push(new FskClipDetector('v23', rate));
  if (signalling.clip === 'fsk-bell202') detectors.push(new FskClipDetector('bell202', rate));
  if (signalling.farEndTones) detectors.push(new FarEndToneDetector(rate));
  return detectors;
}
