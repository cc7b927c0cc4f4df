// Shared by the Ogg tests: speech-like PCM, audify encoding, external tools, correlation, an Ogg page parser.
// Run on its own, it checks itself.
import t from 'tap';
import { mulberry32 } from '../../../src/core/dsp/generate.js';
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const require = createRequire(import.meta.url);
// audify is CommonJS with a native addon; its d.ts uses a const enum, so the application is given by value.
const audify = require('audify') as typeof import('audify');
const OPUS_APPLICATION_VOIP = 2048;

/** Deterministic pseudo-random numbers. */
export const rng = mulberry32;

/**
 * Speech-like mono PCM: a gliding 90–220 Hz voice source with its harmonics shaped by two moving formants,
 * amplitude-modulated into ~4 Hz "syllables" separated by short pauses, plus a little noise.
 */
export function speechLikePcm(sampleRate: number, seconds: number, seed = 1): Int16Array {
  const n = Math.round(sampleRate * seconds);
  const out = new Int16Array(n);
  const rand = rng(seed);
  const nyquist = sampleRate / 2;
  let phase = 0;
  let syllableEnd = 0;
  let syllableLen = 1;
  let voiced = true;
  let f0a = 120;
  let f0b = 150;
  let f1 = 500;
  let f2 = 1500;
  for (let i = 0; i < n; i++) {
    if (i >= syllableEnd) {
      voiced = rand() > 0.15; // some pauses
      syllableLen = Math.round(sampleRate * (0.12 + rand() * 0.25));
      syllableEnd = i + syllableLen;
      f0a = f0b;
      f0b = 90 + rand() * 130;
      f1 = 300 + rand() * 600;
      f2 = 900 + rand() * 1600;
    }
    const pos = 1 - (syllableEnd - i) / syllableLen; // 0..1 within the syllable
    const f0 = f0a + (f0b - f0a) * pos;
    phase += (2 * Math.PI * f0) / sampleRate;
    if (phase > 2 * Math.PI * 1000) phase -= 2 * Math.PI * 1000;
    let s = 0;
    for (let h = 1; h * f0 < Math.min(3400, nyquist - 200); h++) {
      const f = h * f0;
      const g = 1 / (1 + ((f - f1) / 150) ** 2) + 0.6 / (1 + ((f - f2) / 250) ** 2) + 0.05;
      s += (g / Math.sqrt(h)) * Math.sin(h * phase);
    }
    const env = voiced ? Math.sin(Math.PI * pos) ** 2 : 0;
    out[i] = Math.round(Math.max(-1, Math.min(1, 0.25 * s * env + 0.002 * (rand() - 0.5))) * 32767);
  }
  return out;
}

/** Encodes with audify/libopus (VOIP, mono) into 20 ms packets. The tail shorter than a frame is dropped. */
export function encodeOpus(pcm: Int16Array, sampleRate: number, bitrate = 12_000): Uint8Array[] {
  const enc = new audify.OpusEncoder(sampleRate, 1, OPUS_APPLICATION_VOIP);
  enc.bitrate = bitrate;
  const frame = (sampleRate * 20) / 1000;
  const packets: Uint8Array[] = [];
  for (let off = 0; off + frame <= pcm.length; off += frame) {
    const chunk = Buffer.from(pcm.buffer, pcm.byteOffset + off * 2, frame * 2);
    packets.push(new Uint8Array(enc.encode(chunk, frame)));
  }
  return packets;
}

export interface RunResult {
  code: number | null;
  stdout: Buffer;
  stderr: string;
}

export function run(cmd: string, args: readonly string[]): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const p = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    p.stdout.on('data', (b: Buffer) => out.push(b));
    p.stderr.on('data', (b: Buffer) => err.push(b));
    p.on('error', reject);
    p.on('close', (code) => resolve({ code, stdout: Buffer.concat(out), stderr: Buffer.concat(err).toString('utf8') }));
  });
}

/** Decodes an Ogg Opus file to mono s16le at `rate` with ffmpeg (its native Opus decoder honours pre-skip). */
export async function ffmpegDecode(file: string, rate: number): Promise<Int16Array> {
  const r = await run('ffmpeg', ['-v', 'error', '-i', file, '-f', 's16le', '-ar', String(rate), '-ac', '1', '-']);
  if (r.code !== 0 || r.stderr.trim() !== '') throw new Error(`ffmpeg failed (${r.code}): ${r.stderr}`);
  const b = r.stdout;
  return new Int16Array(b.buffer.slice(b.byteOffset, b.byteOffset + (b.length & ~1)));
}

export async function ffprobe(file: string): Promise<{
  duration: number;
  codec_name: string;
  sample_rate: number;
  channels: number;
  stderr: string;
}> {
  const r = await run('ffprobe', [
    '-v', 'error', '-show_entries', 'format=duration:stream=codec_name,sample_rate,channels', '-of', 'json', file,
  ]);
  if (r.code !== 0) throw new Error(`ffprobe failed (${r.code}): ${r.stderr}`);
  const j = JSON.parse(r.stdout.toString('utf8')) as {
    format: { duration?: string };
    streams: { codec_name: string; sample_rate: string; channels: number }[];
  };
  const s = j.streams[0]!;
  return {
    duration: Number(j.format.duration),
    codec_name: s.codec_name,
    sample_rate: Number(s.sample_rate),
    channels: s.channels,
    stderr: r.stderr,
  };
}

export async function tempDir(t: { teardown(fn: () => unknown): void }): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'tallennin-ogg-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/**
 * Best normalised cross-correlation of `y` against `x` over lags -maxLag..maxLag (y[i + lag] ~ x[i]).
 * Returns the lag and the coefficient sum(x*y) / sqrt(sum(x^2) * sum(y^2)) over the overlap.
 */
export function bestCorrelation(x: ArrayLike<number>, y: ArrayLike<number>, maxLag: number): { lag: number; r: number } {
  let best = { lag: 0, r: -Infinity };
  for (let lag = -maxLag; lag <= maxLag; lag++) {
    let sxy = 0;
    let sxx = 0;
    let syy = 0;
    const start = Math.max(0, -lag);
    const end = Math.min(x.length, y.length - lag);
    for (let i = start; i < end; i++) {
      const a = x[i]!;
      const b = y[i + lag]!;
      sxy += a * b;
      sxx += a * a;
      syy += b * b;
    }
    const r = sxx > 0 && syy > 0 ? sxy / Math.sqrt(sxx * syy) : 0;
    if (r > best.r) best = { lag, r };
  }
  return best;
}

export interface OggPage {
  headerType: number;
  granule: bigint;
  serial: number;
  sequence: number;
  crc: number;
  lacing: number[];
  body: Uint8Array;
  raw: Uint8Array;
}

/** Splits a physical Ogg stream into pages (no CRC check; see oggCrc for that). */
export function parseOggPages(bytes: Uint8Array): OggPage[] {
  const pages: OggPage[] = [];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let pos = 0;
  while (pos < bytes.length) {
    if (view.getUint32(pos, false) !== 0x4f676753) throw new Error(`no OggS at ${pos}`);
    const nseg = bytes[pos + 26]!;
    const lacing = [...bytes.subarray(pos + 27, pos + 27 + nseg)];
    const bodyLen = lacing.reduce((a, b) => a + b, 0);
    const end = pos + 27 + nseg + bodyLen;
    pages.push({
      headerType: bytes[pos + 5]!,
      granule: view.getBigInt64(pos + 6, true),
      serial: view.getUint32(pos + 14, true),
      sequence: view.getUint32(pos + 18, true),
      crc: view.getUint32(pos + 22, true),
      lacing,
      body: bytes.subarray(pos + 27 + nseg, end),
      raw: bytes.subarray(pos, end),
    });
    pos = end;
  }
  return pages;
}

/** The packets of a single-stream Ogg file, reassembled from lacing values. */
export function oggPackets(pages: readonly OggPage[]): Uint8Array[] {
  const packets: Uint8Array[] = [];
  let current: Uint8Array[] = [];
  for (const page of pages) {
    let off = 0;
    for (const lace of page.lacing) {
      current.push(page.body.subarray(off, off + lace));
      off += lace;
      if (lace < 255) {
        packets.push(Buffer.concat(current));
        current = [];
      }
    }
  }
  return packets;
}
