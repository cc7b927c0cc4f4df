// Checks an Ogg file page by page before it is demuxed, and finds its Opus stream.
//
// mediabunny (which demuxes it afterwards) does not verify the CRC of the pages of the stream it reads, and stops
// quietly at a file cut short; the announcement would then be played damaged or cut mid-sentence. So every page
// is checked here: capture pattern, length, CRC, and an end-of-stream flag on the Opus stream's last page. The
// identification packet of every stream is looked at too, to tell Vorbis (or FLAC, Speex…) from Opus by name.

import { oggCrc } from '../../core/ogg/ogg-page.js';
import { AnnouncementProblem } from './announcement-problem.js';

export interface OpusHead {
  channels: number;
  /** samples at 48 kHz to drop from the start of the decoded audio */
  preSkip: number;
  /** output gain in dB to apply to the decoded audio (RFC 7845 §5.1) */
  gainDb: number;
}

const BOS = 0x02;
const EOS = 0x04;

/** The OpusHead of the file's only Opus stream; throws an AnnouncementProblem for anything else. */
export function checkOggOpus(bytes: Uint8Array): OpusHead {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const codecs: string[] = [];
  let opusSerial: number | undefined;
  let opusHead: Uint8Array | undefined;
  let opusStreams = 0;
  let lastOpusFlags = 0;
  for (let at = 0; at < bytes.length; ) {
    const cut = `is truncated: the file ends in the middle of an Ogg page (at byte ${at})`;
    if (bytes.length - at < 27) throw new AnnouncementProblem(cut);
    if (latin1(bytes, at, 4) !== 'OggS' || bytes[at + 4] !== 0) {
      throw new AnnouncementProblem(`is damaged: no Ogg page where one should begin (at byte ${at})`);
    }
    const segments = bytes[at + 26]!;
    if (at + 27 + segments > bytes.length) throw new AnnouncementProblem(cut);
    let bodyLength = 0;
    for (let i = 0; i < segments; i++) bodyLength += bytes[at + 27 + i]!;
    const body = at + 27 + segments;
    const end = body + bodyLength;
    if (end > bytes.length) throw new AnnouncementProblem(cut);
    const page = new Uint8Array(bytes.subarray(at, end)); // a copy (Buffer#slice would not be), to zero its CRC field
    const stored = view.getUint32(at + 22, true);
    page.fill(0, 22, 26);
    if (oggCrc(page) !== stored) throw new AnnouncementProblem(`is damaged: the Ogg page at byte ${at} fails its checksum`);

    const flags = bytes[at + 5]!;
    const serial = view.getUint32(at + 14, true);
    if (flags & BOS) {
      const first = bytes.subarray(body, end);
      const codec = codecName(first);
      codecs.push(codec);
      if (codec === 'Opus') {
        opusStreams++;
        opusSerial ??= serial;
        opusHead ??= new Uint8Array(first.subarray(0, 21));
      }
    }
    if (serial === opusSerial) lastOpusFlags = flags;
    at = end;
  }

  if (opusSerial === undefined || opusHead === undefined) {
    if (codecs.length === 0) throw new AnnouncementProblem('is an Ogg file with no stream in it');
    const what = codecs.join(', ');
    throw new AnnouncementProblem(`is an Ogg file with ${what === 'Vorbis' ? 'Vorbis audio' : `${what} stream(s)`}, not Opus; save it as Ogg Opus or WAV`);
  }
  if (opusStreams > 1) {
    throw new AnnouncementProblem(`is ${opusStreams} Opus files joined one after another; an announcement must be a single one`);
  }
  if (!(lastOpusFlags & EOS)) {
    throw new AnnouncementProblem('is truncated: its Opus stream has no end-of-stream mark, so the file looks cut short');
  }
  return parseOpusHead(opusHead);
}

function parseOpusHead(h: Uint8Array): OpusHead {
  if (h.length < 19) throw new AnnouncementProblem('is damaged: its Opus header (OpusHead) is too short');
  if (h[8]! >> 4 !== 0) throw new AnnouncementProblem(`is in an Opus header version (${h[8]}) this build cannot read`);
  const view = new DataView(h.buffer, h.byteOffset, h.byteLength);
  const channels = h[9]!;
  const family = h[18]!;
  if (channels === 0) throw new AnnouncementProblem('is damaged: its Opus header says 0 channels');
  // libopus' plain decoder (all audify offers) reads one stream of one or two coupled channels; mapping families
  // other than 0 qualify when they describe exactly that.
  const plain = channels <= 2 && (family === 0 || (h.length >= 21 && h[19] === 1 && h[20] === channels - 1));
  if (!plain) {
    throw new AnnouncementProblem(`is a ${channels}-channel Opus file (channel mapping ${family}); only mono or stereo Opus can be read`);
  }
  return { channels, preSkip: view.getUint16(10, true), gainDb: view.getInt16(16, true) / 256 };
}

function codecName(packet: Uint8Array): string {
  const magic = latin1(packet, 0, 8);
  if (magic === 'OpusHead') return 'Opus';
  if (magic.slice(1, 7) === 'vorbis') return 'Vorbis';
  if (magic.slice(1, 5) === 'FLAC' || magic.startsWith('fLaC')) return 'FLAC';
  if (magic === 'Speex   ') return 'Speex';
  if (magic.slice(1, 7) === 'theora') return 'Theora video';
  if (magic.startsWith('fishead')) return 'Skeleton';
  return 'unknown';
}

function latin1(b: Uint8Array, at: number, len: number): string {
  return String.fromCharCode(...b.subarray(at, at + len));
}
