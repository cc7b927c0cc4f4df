// The bounded line splitter shared by the serial parsers (Whozz Calling? units, Hayes modems).
// Bytes are copied into one fixed buffer, never concatenated per chunk; a line longer than the
// bound is dropped (counted once) and the bytes up to its terminator are skipped.

/** Why a line was not passed on. The line's content is never kept or logged: it may hold a number. */
export type BadLineReason =
  | 'overlong' // longer than maxLineBytes; dropped up to the next CR/LF
  | 'binary' // a control byte (NUL, BEL, ESC, …) inside the line
  | 'truncated' // a partial line discarded at resync or end of stream
  | 'malformed' // a known kind of line whose fields do not validate
  | 'unknown'; // no known kind of line

/** Counters every line parser keeps; read them at any time, reset them with `resetStats`. */
export interface LineStats {
  /** terminated, non-blank lines seen, bad ones included */
  lines: number;
  /** records pushed */
  records: number;
  /** known lines that carry nothing to pass on (version banners, echoes, distinctive-ring reports) */
  ignored: number;
  /** the sum of the five counters below */
  bad: number;
  overlong: number;
  binary: number;
  truncated: number;
  malformed: number;
  unknown: number;
}

export function newLineStats(): LineStats {
  return { lines: 0, records: 0, ignored: 0, bad: 0, overlong: 0, binary: 0, truncated: 0, malformed: 0, unknown: 0 };
}

export function resetLineStats(s: LineStats): void {
  Object.assign(s, newLineStats());
}

export function countBad(s: LineStats, reason: BadLineReason): void {
  s.bad++;
  s[reason]++;
}

export interface LineSink {
  /** a complete line without its terminator, decoded as latin1 (one char per byte) */
  line(text: string): void;
  /** `bytes`: the line's length so far (an overlong line is dropped at the bound) */
  bad(reason: 'overlong' | 'binary', bytes: number): void;
}

export const DEFAULT_MAX_LINE_BYTES = 256;

const CR = 0x0d;
const LF = 0x0a;

/**
 * Splits a byte stream on CR, LF or CRLF (blank lines vanish). NUL bytes between lines are
 * idle padding and skipped; a NUL or other control byte inside a line marks the line binary.
 */
export class LineReader {
  private readonly buf: Buffer;
  private len = 0;
  private skipping = false;
  private binary = false;

  constructor(readonly maxLineBytes = DEFAULT_MAX_LINE_BYTES) {
    if (!Number.isInteger(maxLineBytes) || maxLineBytes < 16 || maxLineBytes > 65536) {
      throw new TypeError('maxLineBytes must be an integer from 16 to 65536');
    }
    this.buf = Buffer.alloc(maxLineBytes);
  }

  push(chunk: Uint8Array, sink: LineSink): void {
    for (let i = 0; i < chunk.length; i++) {
      const b = chunk[i]!;
      if (b === CR || b === LF) {
        this.end(sink);
      } else if (this.skipping || (b === 0 && this.len === 0)) {
        continue;
      } else if (this.len === this.maxLineBytes) {
        this.skipping = true;
        this.len = 0;
        this.binary = false;
        sink.bad('overlong', this.maxLineBytes);
      } else {
        if (b < 0x20 || b === 0x7f) this.binary = true;
        this.buf[this.len++] = b;
      }
    }
  }

  /** Drops a partial line (the port was lost, or the stream ended). True if there was one. */
  reset(): boolean {
    const partial = this.len > 0 || this.skipping;
    this.len = 0;
    this.skipping = false;
    this.binary = false;
    return partial;
  }

  private end(sink: LineSink): void {
    if (this.skipping) {
      this.skipping = false;
    } else if (this.len > 0) {
      if (this.binary) sink.bad('binary', this.len);
      else sink.line(this.buf.toString('latin1', 0, this.len));
    }
    this.len = 0;
    this.binary = false;
  }
}
