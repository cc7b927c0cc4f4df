// Labelled calls for the verify mode of the recording announcement (issue 7): does the start of
// a call hold the announcement or not? Every call, positive or negative, passes through the
// same line: band-limited to 300–3400 Hz, noise (white, pink or babble) at 20 dB SNR in that
// band against the power of the call's first sound, A-law coded, every fourth or so also Opus
// coded at 12 kbit/s. Deterministic: espeak-ng and sox (-D, no dither) give the same samples
// every run, and every other random choice comes from a seeded PRNG. About 5 s for 98 calls,
// most of it in espeak-ng and sox.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { createOpusEncoder } from '../box/recorder/opus-encoder.js';
import { alawDecode, alawEncode } from '../core/dsp/g711.js';
import { concat, msToSamples, mulberry32, noise, silence, tone } from '../core/dsp/generate.js';
import { dbfsToRms } from '../core/dsp/level.js';
import { OPUS_PRESKIP_48K } from '../core/ogg/index.js';
import { trimSilence } from './speech.js';

export const ANNOUNCEMENT_TEXT = 'Puhelut tallennetaan asiakaspalvelumme laadun kehittämiseksi.';
export const ANSWER_TEXT = 'Työvoimatoimisto, hyvää päivää, kuinka voin auttaa?';

export type CorpusKind = 'announcement' | 'other-speech' | 'music' | 'first-word' | 'first-half' | 'noise-only' | 'ring-back';

export interface CorpusCall {
  name: string;
  kind: CorpusKind;
  expect: 'heard' | 'not-heard';
  pcm: Int16Array;
  /** where the announcement starts, ms after the first sample (positives only) */
  offsetMs?: number;
}

export interface AnnouncementCorpus {
  sampleRate: number;
  /** the configured announcement: clean, full band, espeak-ng's default Finnish voice at -s 150 */
  reference: Int16Array;
  calls: CorpusCall[];
}

export interface Voice {
  /** espeak-ng voice, e.g. 'fi', 'fi+f3' */
  voice: string;
  /** words per minute (espeak-ng -s) */
  speed: number;
  /** 0–99 (espeak-ng -p) */
  pitch: number;
}

export const REFERENCE_VOICE: Voice = { voice: 'fi', speed: 150, pitch: 50 };

const OTHER_SENTENCES = [
  'Asiakaspalvelumme palvelee arkisin kahdeksasta neljään.',
  'Puhelu yhdistetään seuraavalle vapaalle asiakaspalvelijalle.',
  'Kaikki asiakaspalvelijamme ovat varattuina, olkaa hyvä ja odottakaa.',
  'Tervetuloa työvoimatoimiston asiakaspalveluun.',
  'Hyvää päivää, soitan työttömyysetuudesta.',
  'Hakemukseni lähti viime viikolla, mutta en ole saanut vastausta.',
  'Puhelusi on meille tärkeä, pysy linjalla.',
  'Laadun kehittämiseksi pyydämme palautetta puhelun jälkeen.',
  ANSWER_TEXT,
  'Minulla on työhaastattelu ensi maanantaina.',
  'Puhelut ohjataan nyt toiseen palvelunumeroon.',
  'Voisitteko tarkistaa, onko päätös jo tehty?',
] as const;

/** The length of every call: longer than the matcher's window for a 5 s announcement. */
const CALL_MS = 9500;
const SNR_DB = 20;
/** RMS of a talker at -20 dBFS peak: what the SNR of a call with no sound at all is set against */
const NO_SIGNAL_DBFS = -38;
const OPUS_BITRATE = 12_000;

const spoken = new Map<string, Int16Array>();

/** `text` spoken by espeak-ng at `rate`, full band, trimmed to its audible samples; cached per process. */
export function speak(text: string, v: Voice, rate: number): Int16Array {
  const key = `${text}|${v.voice}|${v.speed}|${v.pitch}|${rate}`;
  let pcm = spoken.get(key);
  if (!pcm) {
    const wav = spawnSync('espeak-ng', ['-v', v.voice, '-s', String(v.speed), '-p', String(v.pitch), '--stdout', text], { maxBuffer: 64 << 20 });
    if (wav.status !== 0) throw new Error(`espeak-ng failed: ${wav.stderr.toString()}`);
    // -D: no dither, so the same sentence is the same samples in every run.
    const raw = spawnSync('sox', ['-D', '-t', 'wav', '-', '-t', 'raw', '-r', String(rate), '-c', '1', '-b', '16', '-e', 'signed-integer', '-'], { input: wav.stdout, maxBuffer: 64 << 20 });
    if (raw.status !== 0) throw new Error(`sox failed: ${raw.stderr.toString()}`);
    pcm = trimSilence(new Int16Array(raw.stdout.buffer.slice(raw.stdout.byteOffset, raw.stdout.byteOffset + raw.stdout.byteLength)));
    spoken.set(key, pcm);
  }
  return pcm;
}


function toInt16(x: Float64Array): Int16Array {
  const out = new Int16Array(x.length);
  for (let i = 0; i < x.length; i++) out[i] = Math.max(-32768, Math.min(32767, Math.round(x[i]!)));
  return out;
}

/**
 * `pcm` scaled so that its loudest sample is at `dbfs` (peak, relative to 32768). Levels here
 * are peak levels: espeak's speech has a crest factor of about 18 dB, so at an RMS of -6 dBFS
 * it would clip by 12 dB, and clipping is not what the verify is asked to tolerate. -6…-36 dBFS
 * peak is an RMS of about -24…-54 dBFS.
 */
export function atLevel(pcm: Int16Array, dbfs: number): Int16Array {
  let peak = 0;
  for (const v of pcm) peak = Math.max(peak, Math.abs(v));
  const g = peak > 0 ? (32768 * 10 ** (dbfs / 20)) / peak : 0;
  const out = new Float64Array(pcm.length);
  for (let i = 0; i < pcm.length; i++) out[i] = pcm[i]! * g;
  return toInt16(out);
}

/** Sum of the parts, each placed at its sample offset, in floating point (no clipping until the line). */
export function place(total: number, parts: readonly { at: number; pcm: Int16Array }[]): Float64Array {
  const out = new Float64Array(total);
  for (const { at, pcm } of parts) for (let i = 0; i < pcm.length && at + i < total; i++) out[at + i]! += pcm[i]!;
  return out;
}

export type NoiseKind = 'white' | 'pink' | 'babble';

/** Pink noise by Paul Kellet's economy filter over white noise. */
function pink(n: number, seed: number): Float64Array {
  const rnd = mulberry32(seed);
  const out = new Float64Array(n);
  let b0 = 0;
  let b1 = 0;
  let b2 = 0;
  for (let i = 0; i < n; i++) {
    const w = rnd() * 2 - 1;
    b0 = 0.99765 * b0 + w * 0.099046;
    b1 = 0.963 * b1 + w * 0.2965164;
    b2 = 0.57 * b2 + w * 1.0526913;
    out[i] = b0 + b1 + b2 + w * 0.1848;
  }
  return out;
}

const BABBLE_VOICES: Voice[] = [
  { voice: 'fi+m3', speed: 170, pitch: 30 },
  { voice: 'fi+f2', speed: 160, pitch: 60 },
  { voice: 'fi+m1', speed: 140, pitch: 45 },
  { voice: 'fi+f4', speed: 180, pitch: 70 },
  { voice: 'fi+m5', speed: 155, pitch: 35 },
];

/** Several talkers at once, each looping different sentences: speech-shaped and speech-modulated. */
function babble(n: number, rate: number, seed: number): Float64Array {
  const out = new Float64Array(n);
  BABBLE_VOICES.forEach((v, k) => {
    let at = -msToSamples(((seed * 7 + k * 311) % 1000) + 200, rate);
    for (let s = seed + k; at < n; s++) {
      const u = speak(OTHER_SENTENCES[s % OTHER_SENTENCES.length]!, v, rate);
      for (let i = 0; i < u.length; i++) if (at + i >= 0 && at + i < n) out[at + i]! += u[i]!;
      at += u.length + msToSamples(100, rate);
    }
  });
  return out;
}

/** Noise of `kind` at an arbitrary level: the line scales it to the SNR after band-limiting. */
function noiseOf(kind: NoiseKind, n: number, rate: number, seed: number): Float64Array {
  return kind === 'white' ? Float64Array.from(noise((n * 1000) / rate, -20, rate, seed)) : kind === 'pink' ? pink(n, seed) : babble(n, rate, seed);
}

export interface LineOptions {
  noise: NoiseKind;
  opus: boolean;
  seed: number;
}

/**
 * `a` and `b` through sox's 300–3400 Hz linear-phase band-pass (sox removes its delay), as the
 * two channels of one sox run. Each is first scaled to a peak of half full scale: the float
 * scene may exceed Int16 before the line's level is applied.
 */
function bandLimit(a: Float64Array, b: Float64Array, rate: number): [Float64Array, Float64Array] {
  const peak = (x: Float64Array) => x.reduce((m, v) => Math.max(m, Math.abs(v)), 0) || 1;
  const [ga, gb] = [16384 / peak(a), 16384 / peak(b)];
  const stereo = new Int16Array(2 * a.length);
  for (let i = 0; i < a.length; i++) {
    stereo[2 * i] = Math.round(a[i]! * ga);
    stereo[2 * i + 1] = Math.round(b[i]! * gb);
  }
  const raw = ['-r', String(rate), '-b', '16', '-e', 'signed-integer'];
  const out = spawnSync('sox', ['-D', '-t', 'raw', ...raw, '-c', '2', '-', '-t', 'raw', ...raw, '-c', '2', '-', 'sinc', '300-3400'], { input: Buffer.from(stereo.buffer), maxBuffer: 64 << 20 });
  if (out.status !== 0) throw new Error(`sox failed: ${out.stderr.toString()}`);
  const y = new Int16Array(out.stdout.buffer, out.stdout.byteOffset, out.stdout.byteLength >> 1);
  const [ya, yb] = [new Float64Array(a.length), new Float64Array(a.length)];
  for (let i = 0; i < a.length; i++) {
    ya[i] = (y[2 * i] ?? 0) / ga;
    yb[i] = (y[2 * i + 1] ?? 0) / gb;
  }
  return [ya, yb];
}

function rms(x: Float64Array, from = 0, to = x.length): number {
  let sum = 0;
  for (let i = from; i < to; i++) sum += x[i]! * x[i]!;
  return to > from ? Math.sqrt(sum / (to - from)) : 0;
}

/**
 * The telephone line: 300–3400 Hz, noise at 20 dB SNR in that band (against the power of the
 * sound in `signal`, or of a typical talker when there is none), A-law, optionally Opus 12 kbit/s.
 */
export function throughLine(clean: Float64Array, signal: { from: number; to: number } | undefined, rate: number, o: LineOptions): Int16Array {
  const [band, n] = bandLimit(clean, noiseOf(o.noise, clean.length, rate, o.seed), rate);
  const signalRms = signal ? rms(band, signal.from, signal.to) : dbfsToRms(NO_SIGNAL_DBFS);
  const g = (signalRms * 10 ** (-SNR_DB / 20)) / rms(n);
  for (let i = 0; i < band.length; i++) band[i]! += g * n[i]!;
  const pcm = alawDecode(alawEncode(toInt16(band)));
  return o.opus ? opusRoundTrip(pcm, rate) : pcm;
}

interface AudifyDecoder {
  OpusDecoder: new (rate: number, channels: number) => { decode(packet: Buffer, frameSize: number): Buffer };
}

function opusRoundTrip(pcm: Int16Array, rate: number): Int16Array {
  const frame = rate / 50;
  const enc = createOpusEncoder(rate, OPUS_BITRATE);
  const dec = new (createRequire(import.meta.url)('audify') as AudifyDecoder).OpusDecoder(rate, 1);
  const delay = (OPUS_PRESKIP_48K * rate) / 48_000;
  const padded = concat(pcm, new Int16Array(frame * 2));
  const out = new Int16Array(padded.length);
  for (let at = 0; at + frame <= padded.length; at += frame) {
    const b = dec.decode(enc.encode(padded.subarray(at, at + frame)), frame);
    out.set(new Int16Array(b.buffer, b.byteOffset, b.length / 2), at);
  }
  // The codec's look-ahead delays everything by the pre-skip: remove it so offsets stay true.
  return out.slice(delay, delay + pcm.length);
}

/** Synthetic music: plucked or sustained notes with harmonics over a chord, tempo and timbre per seed. */
function music(ms: number, dbfs: number, rate: number, seed: number): Int16Array {
  const rnd = mulberry32(seed);
  const n = msToSamples(ms, rate);
  const out = new Float64Array(n);
  const scale = [0, 2, 4, 5, 7, 9, 11, 12];
  const root = 196 * 2 ** (Math.floor(rnd() * 7) / 12);
  const noteMs = 180 + rnd() * 320;
  const plucked = seed % 2 === 0;
  const harmonics = 3 + Math.floor(rnd() * 5);
  const addNote = (hz: number, at: number, len: number, amp: number) => {
    for (let k = 1; k <= harmonics && k * hz < rate / 2; k++) {
      const w = (2 * Math.PI * hz * k) / rate;
      const a = amp / k;
      for (let i = 0; i < len && at + i < n; i++) {
        const env = plucked ? Math.exp((-4 * i) / len) : Math.min(1, i / (0.05 * rate), (len - i) / (0.05 * rate));
        out[at + i]! += a * env * Math.sin(w * i);
      }
    }
  };
  const noteLen = msToSamples(noteMs, rate);
  for (let at = 0, j = 0; at < n; at += noteLen, j++) {
    addNote(root * 2 ** (scale[Math.floor(rnd() * scale.length)]! / 12 + 1), at, noteLen, 1);
    if (j % 4 === 0) for (const step of [0, 4, 7]) addNote(root * 2 ** (step / 12), at, noteLen * 4, 0.5);
  }
  return atLevel(toInt16(out.map((v) => v * 1000)), dbfs);
}

/** The Finnish ring-back tone: 425 Hz, 1 s on, 4 s off, from its start, `ms` long. */
function ringBack(ms: number, dbfs: number, rate: number): Int16Array {
  const parts: Int16Array[] = [];
  for (let t = 0; t < ms; t += 5000) parts.push(tone(425, Math.min(1000, ms - t), dbfs, rate), silence(Math.max(0, Math.min(4000, ms - t - 1000)), rate));
  return concat(...parts);
}

interface Scene {
  /** sounds placed on the call, ms from its start; the SNR is measured against the first */
  parts: { atMs: number; pcm: Int16Array }[];
}

/**
 * Builds the labelled calls at `sampleRate` (8000 or 16000). The reference is the announcement
 * as configured; the calls carry it (or not) as the line delivers it. Another `variant` draws
 * other noise, offsets, levels and rate/pitch pairings over the same kinds of call: a set the
 * threshold was not chosen on.
 */
export function announcementCorpus(sampleRate: number, variant = 0): AnnouncementCorpus {
  const rate = sampleRate;
  const total = msToSamples(CALL_MS, rate);
  const durMs = (pcm: Int16Array) => Math.round((pcm.length * 1000) / rate);
  const calls: CorpusCall[] = [];
  const add = (name: string, kind: CorpusKind, scene: Scene, o: LineOptions, offsetMs?: number) => {
    const placed = scene.parts.map((p) => ({ at: msToSamples(p.atMs, rate), pcm: p.pcm }));
    const first = placed[0];
    const pcm = throughLine(place(total, placed), first && { from: first.at, to: Math.min(total, first.at + first.pcm.length) }, rate, { ...o, seed: o.seed + variant * 100_000 });
    calls.push({ name, kind, expect: kind === 'announcement' ? 'heard' : 'not-heard', pcm, ...(offsetMs === undefined ? {} : { offsetMs }) });
  };
  const noiseKinds: NoiseKind[] = ['white', 'pink', 'babble'];

  // Positives: rates 0.8–1.33× the reference's tempo, pitches, levels -6…-36 dBFS, offsets 0–1 s.
  const speeds = [120, 130, 140, 150, 160, 175, 190, 200];
  const pitches = [50, 35, 65, 42, 58];
  const levels = [-6, -11, -16, -21, -26, -31, -36];
  for (let i = 0; i < 56; i++) {
    const j = i + variant * 7;
    const v: Voice = { voice: 'fi', speed: speeds[j % speeds.length]!, pitch: pitches[j % pitches.length]! };
    const level = levels[j % levels.length]!;
    const offsetMs = (i * 293 + variant * 401) % 1001;
    const a = atLevel(speak(ANNOUNCEMENT_TEXT, v, rate), level);
    const parts = [{ atMs: offsetMs, pcm: a }];
    // Some calls start with the tail of the ring-back tone before the exchange answers.
    if (i % 5 === 2 && offsetMs > 300) parts.push({ atMs: 0, pcm: tone(425, offsetMs - 200, level - 6, rate) });
    const answer = atLevel(speak(ANSWER_TEXT, { voice: i % 2 ? 'fi+f3' : 'fi+m3', speed: 160, pitch: 55 }, rate), level + ((i % 5) - 2) * 3);
    parts.push({ atMs: offsetMs + durMs(a) + 300 + (i % 4) * 150, pcm: answer });
    const noiseKind = noiseKinds[j % 3]!;
    const opus = j % 4 === 3;
    add(`announcement s${v.speed} p${v.pitch} ${level}dBFS +${offsetMs}ms ${noiseKind}${opus ? ' opus' : ''}`, 'announcement', { parts }, { noise: noiseKind, opus, seed: 1000 + i }, offsetMs);
  }

  // Other speech, with voices and rates like the announcement's, some sharing its words.
  const otherVoices: Voice[] = [REFERENCE_VOICE, { voice: 'fi', speed: 130, pitch: 40 }, { voice: 'fi+f3', speed: 160, pitch: 60 }, { voice: 'fi+m3', speed: 175, pitch: 45 }];
  OTHER_SENTENCES.forEach((text, i) => {
    const v = otherVoices[i % otherVoices.length]!;
    const level = levels[(i * 3 + variant) % levels.length]!;
    const s = atLevel(speak(text, v, rate), level);
    const rest = atLevel(speak(OTHER_SENTENCES[(i + 5) % OTHER_SENTENCES.length]!, v, rate), level);
    const at = (i * 211 + variant * 97) % 1001;
    const parts = [{ atMs: at, pcm: s }, { atMs: at + durMs(s) + 400, pcm: rest }];
    add(`other speech "${text.slice(0, 24)}…" ${v.voice} s${v.speed} ${level}dBFS`, 'other-speech', { parts }, { noise: noiseKinds[i % 3]!, opus: i % 4 === 1, seed: 2000 + i });
  });
  // The same sentence at the reference's own voice and rate is the hardest case: add them all.
  for (const [i, text] of OTHER_SENTENCES.entries()) {
    if (i % otherVoices.length === 0) continue;
    const s = atLevel(speak(text, REFERENCE_VOICE, rate), -16);
    add(`other speech "${text.slice(0, 24)}…" reference voice`, 'other-speech', { parts: [{ atMs: 500, pcm: s }] }, { noise: 'white', opus: false, seed: 2100 + i });
  }

  // Music on hold instead of the announcement.
  for (let i = 0; i < 5; i++) {
    const level = levels[(i * 2 + 1 + variant) % levels.length]!;
    add(`music seed ${i}`, 'music', { parts: [{ atMs: (i * 250) % 1001, pcm: music(8000, level, rate, 3000 + i + variant * 10) }] }, { noise: noiseKinds[i % 3]!, opus: i % 2 === 1, seed: 3100 + i });
  }

  // Only the first word: said alone, or the announcement cut after it; then silence, noise or speech.
  const firstWord = speak('Puhelut', REFERENCE_VOICE, rate);
  const full = speak(ANNOUNCEMENT_TEXT, REFERENCE_VOICE, rate);
  const cutWord = full.slice(0, firstWord.length);
  const after = (kind: number, atMs: number, v: Voice): { atMs: number; pcm: Int16Array }[] =>
    kind === 0 ? [] : [{ atMs, pcm: atLevel(speak(kind === 1 ? ANSWER_TEXT : OTHER_SENTENCES[1], v, rate), -20) }];
  for (let i = 0; i < 6; i++) {
    const w = atLevel(i % 2 ? cutWord : firstWord, -20);
    const then = Math.floor(i / 2);
    add(`first word only (${i % 2 ? 'cut' : 'alone'}), then ${['silence', 'speech', 'shared-word speech'][then]}`, 'first-word',
      { parts: [{ atMs: 300 + i * 100, pcm: w }, ...after(then, 300 + i * 100 + durMs(w) + 500, REFERENCE_VOICE)] },
      { noise: noiseKinds[i % 3]!, opus: i === 4, seed: 4000 + i });
  }

  // The announcement cut after its first half.
  for (let i = 0; i < 4; i++) {
    const v: Voice = { voice: 'fi', speed: [150, 130, 175, 150][i]!, pitch: 50 };
    const a = speak(ANNOUNCEMENT_TEXT, v, rate);
    const half = atLevel(a.slice(0, a.length >> 1), -18);
    const then = i % 3;
    add(`first half only s${v.speed}, then ${['silence', 'speech', 'shared-word speech'][then]}`, 'first-half',
      { parts: [{ atMs: 200 + i * 200, pcm: half }, ...after(then, 200 + i * 200 + durMs(half) + 300, { voice: 'fi+m3', speed: 160, pitch: 50 })] },
      { noise: noiseKinds[i % 3]!, opus: i === 3, seed: 5000 + i });
  }

  // Nothing but the line's noise.
  for (const [i, kind] of noiseKinds.entries()) add(`noise only (${kind})`, 'noise-only', { parts: [] }, { noise: kind, opus: i === 2, seed: 6000 + i });

  // Ring-back, then the agent answers with no announcement.
  for (let i = 0; i < 3; i++) {
    const answer = atLevel(speak(OTHER_SENTENCES[[8, 3, 0][i]!]!, otherVoices[i + 1]!, rate), -18);
    add(`ring-back then speech ${i}`, 'ring-back', { parts: [{ atMs: 5300 + i * 300, pcm: answer }, { atMs: 0, pcm: ringBack(5000 + i * 300, -15, rate) }] },
      { noise: 'white', opus: i === 1, seed: 7000 + i });
  }

  return { sampleRate: rate, reference: speak(ANNOUNCEMENT_TEXT, REFERENCE_VOICE, rate), calls };
}
