// WAV → mono Int16 at the line's rate. The `wavefile` package parses the file (RIFF, RIFX, RF64; chunks; fmt) and
// does the anti-aliased resampling; the samples we unpack ourselves, because wavefile 11 is both slow and wrong at it:
//   - its byte unpacking costs ~2 µs a sample: 10 s of 48 kHz stereo took 2 s in toBitDepth + getSamples alone
//     (this machine; a Pi is slower), all of it blocking the event loop that captures the lines;
//   - WAVE_FORMAT_EXTENSIBLE: it takes the sample format from the bit depth and ignores the sub-format, so a float
//     file from ffmpeg (which writes 32-bit float as EXTENSIBLE) comes out as 32-bit integers, i.e. noise;
//   - it never checks the format code: MP3 or GSM inside a WAV would be "read" as PCM of some bit depth;
//   - toBitDepth() of an A-law/µ-law file scales by the 8-bit code width (peaks of ±133);
//   - its IMA ADPCM decoder gives noise on files from sox and ffmpeg (correlation 0.08 and 0.70 with the source),
//     so that format is refused like any other compressed one.
// A-law and µ-law are expanded with the project's own G.711 (the ITU-T reference decoder, as sox's).

import wavefile from 'wavefile';
import { alawDecode, ulawDecode } from '../../core/dsp/g711.js';
import { AnnouncementProblem, checkDuration } from './announcement-problem.js';

// wavefile is CommonJS with only a default export at run time (a named import compiles, then fails).
const { WaveFile } = wavefile;

interface Fmt {
  audioFormat: number;
  numChannels: number;
  sampleRate: number;
  bitsPerSample: number;
  subformat: number[];
}
interface Data {
  chunkSize: number;
  samples: Uint8Array;
}

const PCM = 0x0001;
const IEEE_FLOAT = 0x0003;
const ALAW = 0x0006;
const MULAW = 0x0007;
const EXTENSIBLE = 0xfffe;

const FORMAT_NAMES: Record<number, string> = {
  0x0002: 'Microsoft ADPCM',
  0x0011: 'IMA ADPCM',
  0x0031: 'GSM 6.10',
  0x0040: 'G.721 ADPCM',
  0x0045: 'G.726 ADPCM',
  0x0050: 'MPEG audio',
  0x0055: 'MP3',
  0x0064: 'G.726 ADPCM',
  0x0161: 'Windows Media Audio',
  0x1610: 'AAC',
};

/** Data chunk sizes that streaming writers (arecord, ffmpeg to a pipe) leave in place of the real size. */
const PLACEHOLDER_SIZE = 0x7fff_f000;

export function decodeWav(bytes: Uint8Array, sampleRate: number): Int16Array {
  const wav = new WaveFile();
  try {
    wav.fromBuffer(bytes);
  } catch (err) {
    throw new AnnouncementProblem(`is not a WAV file that can be read (${(err as Error).message})`);
  }
  const fmt = wav.fmt as Fmt;
  const data = wav.data as Data;
  const code = fmt.audioFormat === EXTENSIBLE && fmt.subformat.length > 0 ? fmt.subformat[0]! & 0xffff : fmt.audioFormat;
  checkEncoding(code, fmt.bitsPerSample);
  if (fmt.numChannels < 1) throw new AnnouncementProblem('is a WAV file with 0 channels in its header');
  if (fmt.sampleRate < 1) throw new AnnouncementProblem('is a WAV file with sample rate 0 in its header');

  const frameBytes = (fmt.numChannels * fmt.bitsPerSample) / 8;
  const frames = Math.floor(data.samples.length / frameBytes);
  if (data.chunkSize > data.samples.length && data.chunkSize < PLACEHOLDER_SIZE) {
    const announced = Math.floor(data.chunkSize / frameBytes) / fmt.sampleRate;
    throw new AnnouncementProblem(
      `is truncated: its header announces ${announced.toFixed(2)} s of audio but the file holds only ${(frames / fmt.sampleRate).toFixed(2)} s`,
    );
  }
  if (frames === 0) throw new AnnouncementProblem('contains no audio (its data chunk is empty)');
  // Checked before the costly resampling, so that a long recording given by mistake fails at once.
  checkDuration(frames / fmt.sampleRate);

  const mono = mixToMono(unpack(data.samples, frames * fmt.numChannels, code, fmt.bitsPerSample, wav.container !== 'RIFX'), fmt.numChannels);
  return toInt16(fmt.sampleRate === sampleRate ? mono : resample(mono, fmt.sampleRate, sampleRate));
}

function checkEncoding(code: number, bits: number): void {
  const ok =
    (code === PCM && [8, 16, 24, 32].includes(bits))
    || (code === IEEE_FLOAT && (bits === 32 || bits === 64))
    || ((code === ALAW || code === MULAW) && bits === 8);
  if (ok) return;
  const hex = `0x${code.toString(16).padStart(4, '0')}`;
  const advice = 'save it as 16-bit PCM WAV or as Ogg Opus';
  if (code === PCM || code === IEEE_FLOAT) {
    throw new AnnouncementProblem(
      `is a ${code === PCM ? 'PCM' : 'floating-point'} WAV file with ${bits} bits per sample (format code ${hex}), which cannot be read; ${advice}`,
    );
  }
  const name = FORMAT_NAMES[code];
  throw new AnnouncementProblem(`is a WAV file in an unsupported encoding: ${name ? `${name} (format code ${hex})` : `format code ${hex}`}; ${advice}`);
}

/**
 * `count` interleaved samples as floats in ±1. Integers are scaled as wavefile does (positive by the format's
 * maximum, negative by minus its minimum), which {@link toInt16} inverts exactly: 16-bit input comes back bit for bit.
 */
function unpack(bytes: Uint8Array, count: number, code: number, bits: number, le: boolean): Float64Array {
  const out = new Float64Array(count);
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const int = (x: number, max: number): number => (x >= 0 ? x / max : x / (max + 1));
  if (code === ALAW || code === MULAW) {
    const pcm = (code === ALAW ? alawDecode : ulawDecode)(bytes.subarray(0, count));
    for (let i = 0; i < count; i++) out[i] = int(pcm[i]!, 32767);
  } else if (code === IEEE_FLOAT) {
    for (let i = 0; i < count; i++) out[i] = bits === 32 ? v.getFloat32(i * 4, le) : v.getFloat64(i * 8, le);
  } else if (bits === 8) {
    for (let i = 0; i < count; i++) out[i] = int(bytes[i]! - 128, 127); // 8-bit WAV is unsigned
  } else if (bits === 16) {
    for (let i = 0; i < count; i++) out[i] = int(v.getInt16(i * 2, le), 32767);
  } else if (bits === 24) {
    for (let i = 0; i < count; i++) {
      const b = i * 3;
      const x = le ? bytes[b]! | (bytes[b + 1]! << 8) | (bytes[b + 2]! << 16) : (bytes[b]! << 16) | (bytes[b + 1]! << 8) | bytes[b + 2]!;
      out[i] = int((x << 8) >> 8, 8388607);
    }
  } else {
    for (let i = 0; i < count; i++) out[i] = int(v.getInt32(i * 4, le), 2147483647);
  }
  return out;
}

function mixToMono(interleaved: Float64Array, channels: number): Float64Array {
  if (channels === 1) return interleaved;
  const out = new Float64Array(interleaved.length / channels);
  for (let f = 0, i = 0; f < out.length; f++) {
    let sum = 0;
    for (let c = 0; c < channels; c++) sum += interleaved[i++]!;
    out[f] = sum / channels;
  }
  return out;
}

/**
 * wavefile's windowed-sinc interpolator after its zero-phase 16th-order Butterworth low-pass at the new Nyquist
 * frequency. Measured 44.1/48 kHz → 8 kHz: 1 kHz and 3.4 kHz pass unchanged, 3.9 kHz -1.5 dB, 4.5 kHz -69 dB,
 * 5 kHz -131 dB (the tests keep checking 1 kHz and 5 kHz). Handed over as 32-bit float, which wavefile packs
 * twice as fast as 64-bit, and is exact far below a 16-bit result's resolution.
 * Its output length is a truncated float product (48 kHz → 8 kHz may give a sample fewer than 1/6 of the input),
 * and it steps through the input at (inputLength - 1) / outputLength, so the result runs fast by about one sample
 * in its length (62 ppm for 2 s): inaudible, and far below what the matcher tolerates.
 */
function resample(samples: Float64Array, from: number, to: number): Float64Array {
  const w = new WaveFile();
  w.fromScratch(1, from, '32f', Float32Array.from(samples));
  // A fresh options object each time: wavefile writes its defaults into it.
  w.toSampleRate(to, { method: 'sinc', LPF: true, LPFType: 'IIR' });
  return w.getSamples(false) as Float64Array;
}

function toInt16(x: Float64Array): Int16Array {
  const out = new Int16Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const s = x[i]!;
    out[i] = s >= 0 ? Math.min(32767, Math.round(s * 32767)) : Math.max(-32768, Math.round(s * 32768));
  }
  return out;
}
