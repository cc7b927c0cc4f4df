import { noise } from '../core/dsp/generate.js';
import { busyTone, clipAudio, keyed, type ClipKind } from './call-audio.js';
import { SENTENCES, speechSource, utterance, type SpeechSource } from './speech.js';
import { dchannelLines, type DChannelCall } from './dchannel-lines.js';
import { callLine, detailLine } from './whozz-lines.js';

export interface ScenarioCall {
  line: number;
  /** ms from the start of the trunk audio: the first ring, or the handset lifted to dial out */
  atMs: number;
  /** about how long the caller talks; the call ends after the last whole sentence */
  talkMs: number;
  direction?: 'incoming' | 'outgoing';
  /** incoming: the caller's number (or 'withheld'); outgoing: the number dialled */
  number?: string;
  /** how an incoming call's number is sent (default none) */
  clip?: ClipKind;
  /** rings before answer (default 0: the audio starts at once, as on a line with no ringing heard) */
  rings?: number;
  /** staff key the stop code this long into the talk (R13); the call then goes on unrecorded */
  stopCodeAtMs?: number;
  stopCode?: string;
  /** how the far end leaves: just silence, or the exchange's busy tone after the hang-up */
  farEnd?: 'silence' | 'busy';
  /** incoming: the exchange plays this (the recording announcement, R12) 200 ms after the answer */
  announcement?: Int16Array;
}

export interface Scenario {
  rate: number;
  channels: number;
  durationMs: number;
  calls: ScenarioCall[];
  /** line noise floor, dBFS */
  noiseDbfs?: number;
  /** longest pause between sentences inside a call */
  maxPauseMs?: number;
  seed?: number;
}

export interface TrueCall {
  line: number;
  direction: 'incoming' | 'outgoing';
  number?: string;
  /** ms from the start of the trunk: answer (incoming) or handset lifted (outgoing) */
  answerMs: number;
  /** first and last audible sample of the call: the announcement (when the exchange plays one), the conversation */
  startMs: number;
  endMs: number;
  /** the exchange's announcement began here */
  announcementMs?: number;
  /** the stop code's first tone began here */
  stopMs?: number;
  /** the line hung up (on-hook) */
  hangupMs: number;
}

/** A line unit's serial line, due at `atMs`. */
export interface SerialLine {
  atMs: number;
  text: string;
}

export interface Trunk {
  /** interleaved S16_LE, as the capture device delivers it */
  audio: Buffer;
  /** each line's own signal, for correlating exports with their source */
  lines: Int16Array[];
  truth: TrueCall[];
  /** what a Whozz Calling?-style line unit on these lines would print, in time order */
  lineUnit: SerialLine[];
  /** the same calls as an ISDN BRI's D-channel trace (lines 0 and 1 as B1 and B2), in time order */
  dchannel: SerialLine[];
  speech: SpeechSource;
}

const RING_MS = 1000;
const RING_CYCLE_MS = 5000;

/**
 * A multi-line trunk with calls at known times: caller ID, rings (silent on the audio tap),
 * answer, Finnish speech in sentences (or its synthetic stand-in), dialled digits, the stop code,
 * the far end's busy tone; and the serial lines a line unit would print for the same calls.
 */
export function makeTrunk(s: Scenario): Trunk {
  const speech = speechSource();
  const rate = s.rate;
  const smp = (ms: number) => Math.round((ms / 1000) * rate);
  const ms = (samples: number) => (samples / rate) * 1000;
  const total = smp(s.durationMs);
  const lines = Array.from({ length: s.channels }, (_, c) => noise(s.durationMs, s.noiseDbfs ?? -66, rate, (s.seed ?? 1) * 31 + c));
  const truth: TrueCall[] = [];
  const serial: SerialLine[] = [];
  const isdn: DChannelCall[] = [];
  const cache = new Map<string, Int16Array>();
  let n = s.seed ?? 0;

  for (const call of s.calls) {
    const line = lines[call.line];
    if (!line) throw new RangeError(`call on line ${call.line}, but the trunk has ${s.channels} lines`);
    const put = (pcm: Int16Array, at: number) => {
      if (at + pcm.length > total) throw new RangeError(`call on line ${call.line} at ${call.atMs} ms runs past the end of the trunk`);
      line.set(pcm, at);
      return at + pcm.length;
    };
    const unitLine = call.line + 1;
    const direction = call.direction ?? 'incoming';
    let at = smp(call.atMs);
    let answer: number;
    if (direction === 'incoming') {
      if (call.clip && call.clip !== 'none' && call.clip !== 'fsk-bell202') at = put(clipAudio(call.clip, call.number ?? 'withheld', rate), at) + smp(400);
      const rings = call.rings ?? 0;
      for (let r = 0; r < rings; r++) {
        serial.push({ atMs: ms(at + smp(r * RING_CYCLE_MS)), text: detailLine(unitLine, 'R') });
        if (r === 0) {
          serial.push({ atMs: ms(at) + 200, text: callLine({ line: unitLine, io: 'I', se: 'S', ...unitNumber(call.number) }) });
          // Bell 202 caller ID comes between the first and the second ring.
          if (call.clip === 'fsk-bell202') put(clipAudio('fsk-bell202', call.number ?? 'withheld', rate), at + smp(RING_MS + 500));
        }
      }
      answer = rings > 0 ? at + smp((rings - 1) * RING_CYCLE_MS + RING_MS + 1500) : at;
    } else {
      answer = at;
      serial.push({ atMs: ms(at), text: detailLine(unitLine, 'F') });
      at = put(keyed(call.number ?? '', rate), at + smp(800));
      serial.push({ atMs: ms(at) + 100, text: callLine({ line: unitLine, io: 'O', se: 'S', ...unitNumber(call.number) }) });
      at += smp(2500); // ringback, then the called party answers
    }
    if (direction === 'incoming') serial.push({ atMs: ms(answer), text: detailLine(unitLine, 'F') });
    let announcementMs: number | undefined;
    if (direction === 'incoming' && call.announcement) {
      announcementMs = ms(answer) + 200;
      at = put(call.announcement, answer + smp(200));
    }

    // The conversation: sentences with short pauses; the stop code keyed in a pause.
    let t = Math.max(at, answer) + smp(300);
    const talkStart = t;
    // The first audible sample: the exchange's announcement, when it plays one, else the talk.
    const start = announcementMs !== undefined ? answer + smp(200) : t;
    const until = t + smp(call.talkMs);
    let end = t;
    let stopMs: number | undefined;
    while (t < until) {
      if (call.stopCodeAtMs !== undefined && stopMs === undefined && t - talkStart >= smp(call.stopCodeAtMs)) {
        stopMs = ms(t);
        t = put(keyed(call.stopCode ?? '*0#', rate), t) + smp(500);
      }
      const text = SENTENCES[n % SENTENCES.length]!;
      const key = `${text}/${n % 7}`;
      const pcm = cache.get(key) ?? utterance(text, rate, n % 7, speech);
      cache.set(key, pcm);
      n++;
      if (t + pcm.length > total) break;
      end = put(pcm, t);
      t = end + smp(300 + ((n * 137) % Math.max(1, (s.maxPauseMs ?? 1200) - 300)));
    }
    let hangup = end + smp(800);
    if (call.farEnd === 'busy') hangup = put(busyTone(4200, rate), hangup) + smp(200);
    serial.push({ atMs: ms(hangup), text: detailLine(unitLine, 'N') });
    serial.push({
      atMs: ms(hangup) + 100,
      text: callLine({ line: unitLine, io: direction === 'incoming' ? 'I' : 'O', se: 'E', duration: Math.round(ms(hangup - answer) / 1000), ...unitNumber(call.number) }),
    });
    isdn.push({
      line: call.line,
      direction,
      ...(call.number ? { number: call.number } : {}),
      setupMs: direction === 'incoming' ? call.atMs : ms(at) - 2500,
      answerMs: direction === 'incoming' ? ms(answer) : ms(at),
      hangupMs: ms(hangup),
    });
    truth.push({
      line: call.line,
      direction,
      ...(call.number ? { number: call.number } : {}),
      answerMs: ms(answer),
      startMs: ms(start),
      endMs: ms(end),
      ...(announcementMs !== undefined ? { announcementMs } : {}),
      ...(stopMs !== undefined ? { stopMs } : {}),
      hangupMs: ms(hangup),
    });
  }
  const audio = Buffer.alloc(total * s.channels * 2);
  for (let i = 0; i < total; i++) {
    for (let c = 0; c < s.channels; c++) audio.writeInt16LE(lines[c]![i]!, (i * s.channels + c) * 2);
  }
  serial.sort((a, b) => a.atMs - b.atMs);
  return { audio, lines, truth, lineUnit: serial, dchannel: dchannelLines(isdn.filter((c) => c.line < 2)), speech };
}

function unitNumber(number: string | undefined): { number?: string; name?: string } {
  if (number === undefined) return {};
  if (number === 'withheld') return { number: 'Private' };
  return { number };
}
