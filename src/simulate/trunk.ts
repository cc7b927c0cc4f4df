import { noise } from '../core/dsp/generate.js';
import { SENTENCES, speechSource, utterance, type SpeechSource } from './speech.js';

export interface ScenarioCall {
  line: number;
  /** ms from the start of the trunk audio */
  atMs: number;
  /** about how long the caller talks; the call ends after the last whole sentence */
  talkMs: number;
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
  /** first and last audible sample, ms from the start of the trunk */
  startMs: number;
  endMs: number;
}

export interface Trunk {
  /** interleaved S16_LE, as the capture device delivers it */
  audio: Buffer;
  /** each line's own signal, for correlating exports with their source */
  lines: Int16Array[];
  truth: TrueCall[];
  speech: SpeechSource;
}

/**
 * A multi-line trunk with calls at known times: Finnish speech (or its synthetic stand-in) in
 * sentences with short pauses, a low noise floor between calls. What the recorder must find.
 */
export function makeTrunk(s: Scenario): Trunk {
  const speech = speechSource();
  const total = Math.round((s.durationMs / 1000) * s.rate);
  const lines = Array.from({ length: s.channels }, (_, c) => noise(s.durationMs, s.noiseDbfs ?? -66, s.rate, (s.seed ?? 1) * 31 + c));
  const truth: TrueCall[] = [];
  const cache = new Map<string, Int16Array>();
  let n = s.seed ?? 0;
  for (const call of s.calls) {
    const line = lines[call.line];
    if (!line) throw new RangeError(`call on line ${call.line}, but the trunk has ${s.channels} lines`);
    let at = Math.round((call.atMs / 1000) * s.rate);
    const until = at + Math.round((call.talkMs / 1000) * s.rate);
    const start = at;
    let end = at;
    while (at < until) {
      const text = SENTENCES[n % SENTENCES.length]!;
      const key = `${text}/${n % 7}`;
      const pcm = cache.get(key) ?? utterance(text, s.rate, n % 7, speech);
      cache.set(key, pcm);
      n++;
      if (at + pcm.length > total) break;
      line.set(pcm, at);
      end = at + pcm.length;
      const pause = 300 + ((n * 137) % Math.max(1, (s.maxPauseMs ?? 1200) - 300));
      at = end + Math.round((pause / 1000) * s.rate);
    }
    truth.push({ line: call.line, startMs: (start / s.rate) * 1000, endMs: (end / s.rate) * 1000 });
  }
  const audio = Buffer.alloc(total * s.channels * 2);
  for (let i = 0; i < total; i++) {
    for (let c = 0; c < s.channels; c++) audio.writeInt16LE(lines[c]![i]!, (i * s.channels + c) * 2);
  }
  return { audio, lines, truth, speech };
}
