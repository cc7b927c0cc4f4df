// Opus-level pieces of an Ogg Opus file (RFC 7845): the identification header (OpusHead), the comment
// header (OpusTags), the encoder's pre-skip, and the duration of a packet read from its TOC byte (RFC 6716 §3.1).

/** Ogg Opus granule positions and pre-skip always count samples at 48 kHz, whatever the input rate (RFC 7845 §4). */
export const OPUS_GRANULE_RATE = 48_000;

/**
 * Pre-skip, in 48 kHz samples, for packets from libopus' encoder in VOIP (or AUDIO) mode: the number of decoded
 * samples a player drops so that the decoded output lines up with the encoder's input.
 *
 * libopus reports it as OPUS_GET_LOOKAHEAD = Fs/400 + Fs/250 (2.5 ms + 4 ms = 6.5 ms) at any input rate Fs:
 * 52 samples at 8 kHz, 104 at 16 kHz, i.e. 312 at 48 kHz (opus_encoder.c in audify's vendored libopus).
 * audify cannot query OPUS_GET_LOOKAHEAD, so it was measured (test/core/ogg/preskip.test.ts, which keeps checking
 * it): band-limited clicks (raised-cosine windowed sinc, 2 ms half-width) at twelve known input sample positions
 * were encoded with audify (mono, VOIP, 20 ms frames, 12 and 24 kbps) at 8 kHz and at 16 kHz, written as Ogg Opus
 * with pre-skip 0, decoded at 48 kHz, and cross-correlated against the same clicks rendered directly at 48 kHz.
 * Measured delay, in 48 kHz samples:
 *   8 kHz input:  ffmpeg's decoder 317–318, libopus (opusdec, audify's decoder) 314–315;
 *   16 kHz input: ffmpeg 312, libopus 310–312.
 * (audify 1.10.1, Debian ffmpeg 5.1.9, opus-tools.) The residue of up to 6 samples (0.13 ms) differs between
 * decoders fed the same packets, so it is decoder-side (resampling filters), not encoder lookahead; 312 is right.
 */
export const OPUS_PRESKIP_48K = 312;

export interface OpusHeadOptions {
  /** Only mono is supported (channel mapping family 0). */
  channels: 1;
  /** Sample rate of the PCM the encoder was fed, in Hz. Informational: players decode at 48 kHz regardless. */
  inputSampleRate: number;
  /** Samples at 48 kHz to discard from the start of the decoded output (see {@link OPUS_PRESKIP_48K}). */
  preSkip: number;
}

/** The 19-byte identification header of RFC 7845 §5.1, for a mono stream (mapping family 0, output gain 0). */
export function opusHead(opts: OpusHeadOptions): Uint8Array {
  if (opts.channels !== 1) {
    throw new RangeError(`opusHead: only mono (channels: 1) is supported, got ${String(opts.channels)}`);
  }
  if (!Number.isInteger(opts.inputSampleRate) || opts.inputSampleRate <= 0 || opts.inputSampleRate > 0xffff_ffff) {
    throw new RangeError(`opusHead: inputSampleRate must be a positive integer, got ${opts.inputSampleRate}`);
  }
  if (!Number.isInteger(opts.preSkip) || opts.preSkip < 0 || opts.preSkip > 0xffff) {
    throw new RangeError(`opusHead: preSkip must be an integer 0..65535, got ${opts.preSkip}`);
  }
  const head = new Uint8Array(19);
  const view = new DataView(head.buffer);
  head.set(ascii('OpusHead'), 0);
  view.setUint8(8, 1); // version
  view.setUint8(9, opts.channels);
  view.setUint16(10, opts.preSkip, true);
  view.setUint32(12, opts.inputSampleRate, true);
  view.setInt16(16, 0, true); // output gain, Q7.8 dB
  view.setUint8(18, 0); // channel mapping family 0: mono or stereo, no mapping table
  return head;
}

/** Vendor string written in every OpusTags header. */
export const OPUS_VENDOR = 'tallennin';

/**
 * The comment header of RFC 7845 §5.2: "OpusTags", the vendor string, then KEY=value comments.
 *
 * Keys must be Vorbis comment field names (printable ASCII 0x20..0x7D without '='); values are UTF-8.
 */
export function opusTags(tags: Readonly<Record<string, string>> = {}, vendor = OPUS_VENDOR): Uint8Array {
  const enc = new TextEncoder();
  const parts: Uint8Array[] = [ascii('OpusTags'), u32le(enc.encode(vendor).length), enc.encode(vendor)];
  const entries = Object.entries(tags);
  parts.push(u32le(entries.length));
  for (const [key, value] of entries) {
    if (key.length === 0 || !/^[\x20-\x3c\x3e-\x7d]+$/.test(key)) {
      throw new RangeError(`opusTags: ${JSON.stringify(key)} is not a valid comment field name`);
    }
    if (typeof value !== 'string') {
      throw new TypeError(`opusTags: the value of ${key} must be a string`);
    }
    const comment = enc.encode(`${key}=${value}`);
    parts.push(u32le(comment.length), comment);
  }
  return concatBytes(parts);
}

/**
 * Duration of an Opus packet in 48 kHz samples, from its TOC byte (and frame count byte for code 3),
 * or null if the packet is too short to carry one (RFC 6716 §3.1–3.2).
 */
export function opusPacketSamples48k(packet: Uint8Array): number | null {
  if (packet.length < 1) return null;
  const toc = packet[0]!;
  const config = toc >> 3;
  let frame: number; // samples at 48 kHz
  if (config < 12) frame = [480, 960, 1920, 2880][config & 3]!; // SILK: 10, 20, 40, 60 ms
  else if (config < 16) frame = [480, 960][config & 1]!; // Hybrid: 10, 20 ms
  else frame = [120, 240, 480, 960][config & 3]!; // CELT: 2.5, 5, 10, 20 ms
  const code = toc & 3;
  let frames: number;
  if (code === 0) frames = 1;
  else if (code === 1 || code === 2) frames = 2;
  else {
    if (packet.length < 2) return null;
    frames = packet[1]! & 0x3f;
    if (frames === 0) return null;
  }
  return frame * frames;
}

export function ascii(s: string): Uint8Array {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

function u32le(n: number): Uint8Array {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, n, true);
  return b;
}

export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  let total = 0;
  for (const p of parts) total += p.length;
  const out = new Uint8Array(total);
  let pos = 0;
  for (const p of parts) {
    out.set(p, pos);
    pos += p.length;
  }
  return out;
}
