// Measures the delay of audify's Opus encoder (VOIP, 20 ms) end to end through our Ogg writer and ffmpeg, and
// through libopus' own decoder, and checks OPUS_PRESKIP_48K against it. See the constant's comment.
import t from 'tap';
import { writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { OPUS_PRESKIP_48K, writeOggOpus } from '../../../src/core/ogg/index.js';
import { bestCorrelation, encodeOpus, ffmpegDecode, tempDir } from './fixture.js';

const require = createRequire(import.meta.url);
const audify = require('audify') as typeof import('audify');

/** Band-limited clicks: raised-cosine-windowed sincs (cutoff fc, 2 ms half-width) centred at `at` seconds. */
function clicks(rate: number, seconds: number, at: readonly number[], fc: number): Float64Array {
  const out = new Float64Array(Math.round(rate * seconds));
  const half = 0.002;
  for (const t0 of at) {
    for (let i = Math.floor((t0 - half) * rate); i <= Math.ceil((t0 + half) * rate); i++) {
      const x = i / rate - t0;
      if (Math.abs(x) > half) continue;
      const w = 0.5 + 0.5 * Math.cos((Math.PI * x) / half);
      const s = x === 0 ? 1 : Math.sin(2 * Math.PI * fc * x) / (2 * Math.PI * fc * x);
      out[i] = out[i]! + 0.5 * w * s;
    }
  }
  return out;
}

/** Decodes raw packets with libopus (audify) at 48 kHz, no pre-skip applied. */
function libopusDecode48k(packets: readonly Uint8Array[]): Int16Array {
  const dec = new audify.OpusDecoder(48_000, 1);
  const out = new Int16Array(packets.length * 960);
  packets.forEach((p, i) => {
    const b = dec.decode(Buffer.from(p), 960);
    out.set(new Int16Array(b.buffer, b.byteOffset, b.length / 2), i * 960);
  });
  return out;
}

const TOLERANCE = 8; // 48 kHz samples, 0.17 ms

for (const rate of [8000, 16_000]) {
  t.test(`encoder delay at ${rate} Hz input is OPUS_PRESKIP_48K (${OPUS_PRESKIP_48K})`, async (t) => {
    const dir = await tempDir(t);
    const seconds = 3.4;
    // Twelve clicks on exact input sample instants, 237 ms apart so they fall at varied places in the 20 ms frames.
    const at = Array.from({ length: 12 }, (_, k) => Math.round((0.3 + k * 0.237) * rate) / rate);
    const fc = rate * 0.375; // well inside the coded band
    const input = Int16Array.from(clicks(rate, seconds, at, fc), (v) => Math.round(v * 32767));
    const reference = clicks(48_000, seconds, at, fc); // the same clicks, rendered directly at 48 kHz
    const packets = encodeOpus(input, rate, 12_000);

    const raw = join(dir, 'preskip0.opus');
    await writeFile(raw, await writeOggOpus(packets, { inputSampleRate: rate, frameMs: 20, preSkip: 0 }));
    const viaFfmpeg = bestCorrelation(reference, await ffmpegDecode(raw, 48_000), 1000);
    const viaLibopus = bestCorrelation(reference, libopusDecode48k(packets), 1000);
    t.comment(`${rate} Hz: delay ${viaFfmpeg.lag} (ffmpeg, r=${viaFfmpeg.r.toFixed(2)}), `
      + `${viaLibopus.lag} (libopus, r=${viaLibopus.r.toFixed(2)}) samples at 48 kHz`);
    t.ok(viaFfmpeg.r > 0.5 && viaLibopus.r > 0.5, 'the clicks are recognisable after coding');
    t.ok(Math.abs(viaFfmpeg.lag - OPUS_PRESKIP_48K) <= TOLERANCE, `ffmpeg: ${viaFfmpeg.lag}`);
    t.ok(Math.abs(viaLibopus.lag - OPUS_PRESKIP_48K) <= TOLERANCE, `libopus: ${viaLibopus.lag}`);

    // With the pre-skip in the header, ffmpeg's output lines up with the input.
    const aligned = join(dir, 'aligned.opus');
    await writeFile(aligned, await writeOggOpus(packets, { inputSampleRate: rate, frameMs: 20, preSkip: OPUS_PRESKIP_48K }));
    const after = bestCorrelation(reference, await ffmpegDecode(aligned, 48_000), 1000);
    t.ok(Math.abs(after.lag) <= TOLERANCE, `residual delay with pre-skip: ${after.lag}`);
  });
}
