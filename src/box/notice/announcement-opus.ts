// Ogg Opus → mono Int16 at the line's rate: mediabunny demuxes (packets and their trimmed durations; no WebCodecs
// involved), libopus through audify decodes straight at 8 or 16 kHz, so no resampling is needed.
//
// Timing follows RFC 7845 §4: mediabunny gives each packet's duration with the pre-skip and the end trimming of
// the last page already taken off, so their sum is the playable length; we decode everything, drop the pre-skip
// (scaled from 48 kHz) from the front and keep exactly that length.

import { createRequire } from 'node:module';
import { EncodedPacketSink, Input, BufferSource, OGG, type EncodedPacket } from 'mediabunny';
import { OPUS_GRANULE_RATE, opusPacketSamples48k } from '../../core/ogg/opus-packet.js';
import { checkOggOpus } from './announcement-ogg-check.js';
import { AnnouncementProblem, checkDuration } from './announcement-problem.js';

const require = createRequire(import.meta.url);
const audify = require('audify') as typeof import('audify');

export async function decodeOggOpus(bytes: Uint8Array, sampleRate: number): Promise<Int16Array> {
  const head = checkOggOpus(bytes);
  const packets = await demux(bytes);
  if (packets.length === 0) throw new AnnouncementProblem('contains no audio (an Ogg Opus file with headers only)');
  let seconds = 0;
  for (const p of packets) seconds += p.duration;
  // Before decoding: a long recording given by mistake is refused at once.
  checkDuration(seconds);

  const decoded = decode(packets, head.channels, sampleRate);
  const skip = Math.round((head.preSkip * sampleRate) / OPUS_GRANULE_RATE);
  const length = Math.min(Math.round(seconds * sampleRate), Math.max(0, decoded.length - skip));
  return toInt16(decoded.subarray(skip, skip + length), 10 ** (head.gainDb / 20));
}

async function demux(bytes: Uint8Array): Promise<EncodedPacket[]> {
  const input = new Input({ source: new BufferSource(bytes), formats: [OGG] });
  try {
    const tracks = await input.getAudioTracks();
    let track;
    for (const t of tracks) if ((await t.getCodec()) === 'opus') track ??= t;
    if (!track) throw new AnnouncementProblem('is an Ogg file whose Opus stream cannot be found');
    const packets: EncodedPacket[] = [];
    for await (const p of new EncodedPacketSink(track).packets()) packets.push(p);
    return packets;
  } catch (err) {
    if (err instanceof AnnouncementProblem) throw err;
    throw new AnnouncementProblem(`could not be read as Ogg Opus (${(err as Error).message})`);
  } finally {
    input.dispose();
  }
}

/** All packets decoded and mixed to mono, as floats in Int16 units (before gain, so that clipping happens once). */
function decode(packets: readonly EncodedPacket[], channels: number, sampleRate: number): Float64Array {
  const decoder = new audify.OpusDecoder(sampleRate, channels);
  const parts: Int16Array[] = [];
  let total = 0;
  packets.forEach((p, i) => {
    const samples48k = opusPacketSamples48k(p.data);
    if (samples48k === null) throw new AnnouncementProblem(`is damaged: Opus packet ${i + 1} is empty`);
    // Exactly the packet's length: audify allocates this much per call and never frees it.
    const frameSize = (samples48k * sampleRate) / OPUS_GRANULE_RATE;
    let out: Buffer;
    try {
      out = decoder.decode(Buffer.from(p.data.buffer, p.data.byteOffset, p.data.byteLength), frameSize);
    } catch (err) {
      throw new AnnouncementProblem(`is damaged: Opus packet ${i + 1} cannot be decoded (${(err as Error).message})`);
    }
    const aligned = out.byteOffset % 2 === 0 ? out : Buffer.from(out);
    const pcm = new Int16Array(aligned.buffer, aligned.byteOffset, aligned.byteLength / 2);
    parts.push(pcm);
    total += pcm.length / channels;
  });
  const mono = new Float64Array(total);
  let at = 0;
  for (const pcm of parts) {
    for (let i = 0; i < pcm.length; i += channels) {
      let sum = 0;
      for (let c = 0; c < channels; c++) sum += pcm[i + c]!;
      mono[at++] = sum / channels;
    }
  }
  return mono;
}

function toInt16(x: Float64Array, gain: number): Int16Array {
  const out = new Int16Array(x.length);
  for (let i = 0; i < x.length; i++) out[i] = Math.max(-32768, Math.min(32767, Math.round(x[i]! * gain)));
  return out;
}
