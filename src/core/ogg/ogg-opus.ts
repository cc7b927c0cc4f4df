// Exports a recording's raw Opus packets as a standard Ogg Opus file (RFC 7845).
//
// mediabunny does the muxing: paging, lacing, granule positions, BOS/EOS flags, page CRCs. We hand it our own
// OpusHead as the decoder config `description` (so the pre-skip and input rate are ours), and a short maximum
// page duration so that a streamed export has its first audio page out after 0.2 s of audio and a player can start
// quickly. Pages come out through OggOutputFormat's `onPage` hook (the target is a NullTarget), one Uint8Array per
// page, which lets us patch two things mediabunny does not let us set:
//   - the OpusTags page: mediabunny always writes its own vendor string ("Mediabunny vX"); we replace the whole
//     comment packet with ours (vendor "tallennin");
//   - optionally the serial number, which mediabunny draws at random, so that an export can be made
//     byte-for-byte reproducible.
// Everything else is mediabunny's output unchanged.

import { Readable } from 'node:stream';
import { ReadableStream } from 'node:stream/web';
import { EncodedAudioPacketSource, EncodedPacket, NullTarget, OggOutputFormat, Output } from 'mediabunny';
import { OPUS_GRANULE_RATE, concatBytes, opusHead, opusPacketSamples48k, opusTags } from './opus-packet.js';
import { pageSerial, setPageSerial, singlePacketPage } from './ogg-page.js';

/** Longest stretch of audio on one Ogg page; also the start-up latency of a streamed export. */
export const OGG_PAGE_DURATION_S = 0.2;

export interface OggOpusOptions {
  /** Sample rate of the PCM the packets were encoded from (8000 or 16000 for tallennin); stored in OpusHead. */
  inputSampleRate: number;
  /** Duration of every packet. Packets of any other duration are rejected, so the file's duration is exact. */
  frameMs: 20;
  /** Samples at 48 kHz to drop from the start of the decoded output; normally OPUS_PRESKIP_48K. */
  preSkip: number;
  /**
   * Extra comments for the OpusTags header, KEY=value. The vendor string is always "tallennin".
   *
   * Do NOT put personal data here: no caller or callee numbers or names, no line or operator identity, nothing
   * from the call's content. Tags are plain text in every copy of the exported file, outside the sealed store,
   * and every player and tool shows them. Stick to technical facts (e.g. a recording id that means nothing
   * outside tallennin, if at all).
   */
  tags?: Readonly<Record<string, string>>;
  /**
   * Ogg serial number (uint32) of the logical stream. By default mediabunny draws one at random, as Ogg
   * recommends; pass a fixed value to make exports of the same packets byte-for-byte identical.
   */
  serialNumber?: number;
}

/** TOC byte only: config 1 (SILK narrowband, 20 ms), code 0 (one frame), and that frame is empty. */
const EMPTY_FRAME = new Uint8Array([1 << 3]);

/** Raised for packets that cannot go into the file as they are; `packetIndex` counts from 0. */
export class OggOpusPacketError extends Error {
  readonly packetIndex: number;
  constructor(packetIndex: number, message: string) {
    super(`Ogg Opus export: packet ${packetIndex}: ${message}`);
    this.name = 'OggOpusPacketError';
    this.packetIndex = packetIndex;
  }
}

export type OpusPacketSource = AsyncIterable<Uint8Array> | Iterable<Uint8Array>;

function validateOptions(opts: OggOpusOptions): void {
  if (opts.frameMs !== 20) {
    throw new RangeError(`Ogg Opus export: frameMs must be 20, got ${String(opts.frameMs)}`);
  }
  if (
    opts.serialNumber !== undefined
    && (!Number.isInteger(opts.serialNumber) || opts.serialNumber < 0 || opts.serialNumber > 0xffff_ffff)
  ) {
    throw new RangeError(`Ogg Opus export: serialNumber must be a uint32, got ${opts.serialNumber}`);
  }
  // opusHead() and opusTags() check inputSampleRate, preSkip and tags.
}

/**
 * The Ogg pages of the file, in order, one Uint8Array per page. Pulls packets from `packets` only as pages are
 * consumed, so a slow consumer slows the producer down. Breaking out of the loop (or an error from `packets`)
 * cancels the mux.
 *
 * An empty packet source gives a valid file whose playable duration is 0 (see below).
 */
export async function* oggOpusPages(
  packets: OpusPacketSource,
  opts: OggOpusOptions,
): AsyncGenerator<Uint8Array, void, undefined> {
  validateOptions(opts);
  const head = opusHead({ channels: 1, inputSampleRate: opts.inputSampleRate, preSkip: opts.preSkip });
  const tags = opusTags(opts.tags ?? {});
  const frameSamples = (opts.frameMs * OPUS_GRANULE_RATE) / 1000;
  const frameSeconds = opts.frameMs / 1000;

  const produced: Uint8Array[] = [];
  let pageIndex = 0;
  const patch = (page: Uint8Array): Uint8Array => {
    const index = pageIndex++;
    const serial = opts.serialNumber ?? pageSerial(page);
    // Page 0 is OpusHead (BOS) and page 1 the OpusTags packet alone: mediabunny flushes a page after each.
    if (index === 1) return singlePacketPage(tags, { serial, sequence: 1, granule: 0n });
    return opts.serialNumber === undefined ? page : setPageSerial(page, serial);
  };

  const output = new Output({
    format: new OggOutputFormat({
      maximumPageDuration: OGG_PAGE_DURATION_S,
      onPage: (data) => {
        produced.push(data); // a fresh copy per page
      },
    }),
    target: new NullTarget(),
  });
  const source = new EncodedAudioPacketSource('opus');
  output.addAudioTrack(source, {
    // Given up front, so the header pages (and a zero-packet file) can be written before any packet arrives.
    decoderConfig: { codec: 'opus', sampleRate: OPUS_GRANULE_RATE, numberOfChannels: 1, description: head },
  });

  let done = false;
  try {
    await output.start();
    let n = 0;
    for await (const packet of packets) {
      if (!(packet instanceof Uint8Array)) {
        throw new OggOpusPacketError(n, 'not a Uint8Array');
      }
      const samples = opusPacketSamples48k(packet);
      if (samples === null) {
        throw new OggOpusPacketError(n, `${packet.length}-byte packet has no valid Opus TOC`);
      }
      if (samples !== frameSamples) {
        throw new OggOpusPacketError(n, `lasts ${samples / 48} ms, expected ${opts.frameMs} ms`);
      }
      // Timestamps only order the packets; mediabunny derives granule positions from the TOC, starting at 0.
      await source.add(new EncodedPacket(packet, 'key', n * frameSeconds, frameSeconds));
      n++;
      if (produced.length > 0) yield* produced.splice(0).map(patch);
    }
    if (n === 0) {
      // An empty recording still exports as a valid file, with a playable duration of exactly 0: players and
      // tools reject an Ogg Opus stream without audio pages (opusinfo: "stream is empty", ffprobe: "End of file").
      // So we write TOC-only packets (one SILK 20 ms frame of length 0, which decoders treat as DTX or a lost
      // frame, RFC 6716 §3.2.1, and conceal with silence) and end-trim them so that the final granule position equals the
      // pre-skip. With a pre-skip of 0 we keep 1 sample, since a granule position of 0 on an audio page is taken
      // for an encoder bug (opusinfo).
      let remaining = Math.max(opts.preSkip, 1);
      do {
        const keep = Math.min(remaining, frameSamples);
        remaining -= keep;
        const duration = keep / OPUS_GRANULE_RATE;
        await source.add(new EncodedPacket(EMPTY_FRAME, 'key', n * frameSeconds, duration));
        n++;
      } while (remaining > 0);
    }
    await output.finalize();
    done = true;
    yield* produced.splice(0).map(patch);
  } finally {
    if (!done && output.state !== 'finalized' && output.state !== 'canceled') {
      await output.cancel();
    }
  }
}

/** The whole Ogg Opus file in memory. */
export async function writeOggOpus(packets: OpusPacketSource, opts: OggOpusOptions): Promise<Uint8Array> {
  const pages: Uint8Array[] = [];
  for await (const page of oggOpusPages(packets, opts)) pages.push(page);
  return concatBytes(pages);
}

/**
 * The Ogg Opus file as a web ReadableStream of pages (for fetch-style HTTP responses). Pull-driven: packets are
 * read only as the consumer reads; cancelling the stream stops the mux and the packet source.
 */
export function oggOpusStream(packets: OpusPacketSource, opts: OggOpusOptions): ReadableStream<Uint8Array> {
  validateOptions(opts);
  opusHead({ channels: 1, inputSampleRate: opts.inputSampleRate, preSkip: opts.preSkip }); // fail fast
  opusTags(opts.tags ?? {});
  const pages = oggOpusPages(packets, opts);
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const next = await pages.next();
      if (next.done) controller.close();
      else controller.enqueue(next.value);
    },
    async cancel() {
      await pages.return(undefined);
    },
  }, { highWaterMark: 0 });
}

/** The Ogg Opus file as a Node byte stream (for http.ServerResponse via pipeline()). */
export function oggOpusNodeStream(packets: OpusPacketSource, opts: OggOpusOptions): Readable {
  validateOptions(opts);
  opusHead({ channels: 1, inputSampleRate: opts.inputSampleRate, preSkip: opts.preSkip });
  opusTags(opts.tags ?? {});
  return Readable.from(oggOpusPages(packets, opts), { objectMode: false });
}
