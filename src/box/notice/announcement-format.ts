// Tells an announcement file's format by its first bytes, never by its name: a technician may well copy an MP3
// to "tiedote.wav". For what we cannot read, says what the file looks like, so the message points at the fix.

export type FileKind = { kind: 'wav' } | { kind: 'ogg' } | { kind: 'other'; looksLike: string };

export function fileKind(bytes: Uint8Array): FileKind {
  const tag = (at: number, len: number): string => latin1(bytes.subarray(at, at + len));
  const head = tag(0, 4);
  if ((head === 'RIFF' || head === 'RIFX' || head === 'RF64') && tag(8, 4) === 'WAVE') return { kind: 'wav' };
  if (head === 'OggS') return { kind: 'ogg' };
  return { kind: 'other', looksLike: describe(bytes, tag) };
}

function describe(b: Uint8Array, tag: (at: number, len: number) => string): string {
  const head = tag(0, 4);
  if (head === 'RIFF' || head === 'RIFX') return `a RIFF file of type "${printable(tag(8, 4)).trim()}", not WAVE`;
  if (tag(0, 3) === 'ID3') return 'an MP3 file';
  if (b.length >= 2 && b[0] === 0xff && (b[1]! & 0xe0) === 0xe0) {
    // MPEG audio frame sync; layer bits 00 mean ADTS (AAC) rather than MPEG layer I-III.
    return (b[1]! & 0x06) === 0 ? 'an AAC file' : 'an MP3 file';
  }
  if (head === 'fLaC') return 'a FLAC file';
  if (head === 'FORM' && (tag(8, 4) === 'AIFF' || tag(8, 4) === 'AIFC')) return 'an AIFF file';
  if (tag(4, 4) === 'ftyp') return 'an MP4/M4A file';
  if (head === '\x1a\x45\xdf\xa3') return 'a Matroska/WebM file';
  if (tag(0, 5) === '#!AMR') return 'an AMR file';
  if (head === '.snd') return 'an AU file';
  if (head === 'caff') return 'a CAF file';
  if (head === 'PK\x03\x04') return 'a ZIP archive';
  if (head === '%PDF') return 'a PDF document';
  if (b[0] === 0x1f && b[1] === 0x8b) return 'a gzip archive';
  const text = asText(b.subarray(0, 512));
  if (text !== undefined) {
    const start = text.trim().split('\n')[0]!.slice(0, 30);
    return start ? `a text file (it begins "${start}")` : 'a text file';
  }
  const hex = Array.from(b.subarray(0, 4), (x) => x.toString(16).padStart(2, '0')).join(' ');
  return `a file of unknown type (it begins with the bytes ${hex})`;
}

/** The bytes as text if they are UTF-8 with no control characters but tab and line breaks. */
function asText(b: Uint8Array): string | undefined {
  let s: string;
  try {
    // A multi-byte character cut at the 512-byte limit is fine; `stream` keeps it from failing the whole check.
    s = new TextDecoder('utf-8', { fatal: true }).decode(b, { stream: true });
  } catch {
    return undefined;
  }
  return /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]/.test(s) ? undefined : s;
}

function latin1(b: Uint8Array): string {
  return String.fromCharCode(...b);
}

function printable(s: string): string {
  return s.replace(/[^\x20-\x7e]/g, '?');
}
