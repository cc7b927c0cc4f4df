/**
 * D-channel trace reader: a Transform from the text of an ISDN D-channel trace (a file being
 * written, a serial port, a pipe) to decoded frames, one object per LAPD frame:
 *
 *   { direction, directionFrom, at?, bytes, lapd, role, q931?, q931Error?, line }
 *
 * Accepted line forms (docs/signals-isdn.md has them with examples):
 *
 *   A. marked frame, one per line:   [STAMP] MARK HEX [DD.MM. HH:MM:SS]
 *      MARK `>` user→network, `<` network→user; HEX pairs, contiguous or separated by blanks.
 *      This is mISDN's text_wireshark input (`> 0201...  05.06. 13:23:33`), the form text2pcap's
 *      regex mode reads, and what most serial D-channel monitors print.
 *   B. unmarked frame:               HEX            (direction from the C/R bit of I/UI frames)
 *   C. mISDN misdn_log:              [DD.MM.YYYY HH:MM:SS.ffffff] received N bytes prim = PPPP id=IIIIIIII [HEX]
 *      followed by continuation lines of HEX until N - 8 octets are read; the direction comes
 *      from the primitive and the card's role (option `misdnRole`).
 *   D. hexdump with offsets (text2pcap / od -Ax -tx1): an optional preamble line `[I|O|<|>] [STAMP]`,
 *      then `OFFSET  HH HH ...` lines, offset 0 starting a frame; an ASCII column after three or
 *      more blanks is ignored. A frame ends at the next offset 0, a line of another form, a blank
 *      line or the end of input.
 *
 * STAMP is `HH:MM:SS[.f]`, ISO 8601 date and time, `DD.MM.YYYY HH:MM:SS[.f]`, or epoch seconds
 * with a fraction, optionally in square brackets; it is passed on verbatim as `at`. Blank lines
 * and lines starting with `#` are ignored. Every other line is counted (`stats()`), never thrown.
 */
import { Transform, type TransformCallback } from 'node:stream';
import { carriesLayer3, decodeLapd, impliedDirection, lapdRole, type Direction, type LapdFrame } from './lapd.js';
import { decodeQ931, type Q931Error, type Q931Message } from './q931.js';

export interface DChannelOptions {
  /**
   * misdn_log lines (form C): the role of the card that wrote them, which decides what
   * PH_DATA_REQ and PH_DATA_IND mean. `te` (default): the card is on the user side
   * (REQ and E_IND user→network, IND network→user); `nt`: the card is the network side.
   */
  misdnRole?: 'te' | 'nt';
  /**
   * misdn_log lines: the card echoes what is sent on the bus as PH_DATA_E_IND, so the
   * PH_DATA_REQ records are duplicates and are skipped. Default false.
   */
  misdnEcho?: boolean;
  /** Longest line kept while waiting for its newline; a longer one is dropped and counted. Default 8192. */
  maxLineLength?: number;
}

export interface DChannelFrame {
  direction: Direction;
  /** `mark`: the trace said so; `cr`: read from the C/R bit of an I or UI frame (always a command). */
  directionFrom: 'mark' | 'cr';
  /** The timestamp text of the trace line, verbatim, when it had one. */
  at?: string;
  /** The frame as read from the trace. */
  bytes: Uint8Array;
  lapd: LapdFrame;
  role: 'command' | 'response';
  /** The Q.931 message an I or UI frame on SAPI 0 carried. */
  q931?: Q931Message;
  /** Why an I or UI frame on SAPI 0 did not decode as Q.931. */
  q931Error?: Q931Error;
  /** 1-based number of the frame's first line in the input. */
  line: number;
}

/**
 * Counters, all since construction or `resetStats()`. Every line lands in exactly one of
 * frameLines, ignoredLines, unrecognisedLines, badLines (once the stream has ended).
 */
export interface DChannelStats {
  lines: number;
  /** lines that made up a frame handed to the LAPD decoder */
  frameLines: number;
  /** blank lines, `#` comments, misdn_log records that carry no frame, a preamble with no frame after it */
  ignoredLines: number;
  /** lines in none of the accepted forms */
  unrecognisedLines: number;
  /** lines of an accepted form that broke: odd or non-hex digits, offsets out of step, too few or too many octets, too long */
  badLines: number;
  /** frames handed to the LAPD decoder */
  frames: number;
  /** frames the LAPD decoder refused */
  badFrames: number;
  /** frames without a direction mark that were not I or UI frames, so their direction is unknown; dropped */
  noDirection: number;
  /** I/UI frames whose C/R bit contradicts the direction mark (the mark is believed) */
  crMismatch: number;
  /** objects pushed downstream */
  emitted: number;
  /** Q.931 messages decoded */
  q931: number;
  /** I/UI frames on SAPI 0 that did not decode as Q.931 (not counting another protocol) */
  badQ931: number;
  /** I/UI frames on SAPI 0 with a protocol discriminator other than Q.931's */
  otherLayer3: number;
  /** IEs dropped because their contents broke their coding (messages still decoded) */
  ieProblems: number;
}

const zeroStats = (): DChannelStats => ({
  lines: 0,
  frameLines: 0,
  ignoredLines: 0,
  unrecognisedLines: 0,
  badLines: 0,
  frames: 0,
  badFrames: 0,
  noDirection: 0,
  crMismatch: 0,
  emitted: 0,
  q931: 0,
  badQ931: 0,
  otherLayer3: 0,
  ieProblems: 0,
});

// ---------------------------------------------------------------------------------------
// Line classification: pure.

export type TraceLine =
  | { kind: 'ignore' }
  | { kind: 'marked'; direction: Direction; at?: string; bytes: Uint8Array }
  | { kind: 'hex'; bytes: Uint8Array }
  | { kind: 'misdn'; at?: string; prim: number; octets: number; bytes: Uint8Array }
  | { kind: 'offset'; offset: number; bytes: Uint8Array }
  | { kind: 'preamble'; direction?: Direction; at?: string }
  | { kind: 'bad'; detail: string }
  | { kind: 'unrecognised' };

const TIME = String.raw`\d{1,2}:\d{2}:\d{2}(?:[.,]\d{1,9})?`;
const ZONE = String.raw`(?:Z|[+-]\d{2}:?\d{2})?`;
const STAMP_BARE = String.raw`(?:\d{4}-\d{2}-\d{2}[T ]${TIME}${ZONE}|\d{1,2}\.\d{1,2}\.\d{4} ${TIME}|${TIME}|\d{9,10}\.\d{1,9})`;
const STAMP = String.raw`(?:\[${STAMP_BARE}\]|${STAMP_BARE})`;
const HEXRUN = String.raw`[0-9A-Fa-f]{2}(?:[ \t]*[0-9A-Fa-f]{2})*`;

const MARKED = new RegExp(String.raw`^(?:(${STAMP})[ \t]+)?([<>])[ \t]*(${HEXRUN})(?:[ \t]+(\d{1,2}\.\d{1,2}\.[ \t]+${TIME}))?$`);
const MARKED_LOOSE = new RegExp(String.raw`^(?:${STAMP}[ \t]+)?[<>][ \t]*\S`);
const HEX_ONLY = new RegExp(String.raw`^${HEXRUN}$`);
const MISDN = new RegExp(
  String.raw`^(?:(\d{2}\.\d{2}\.\d{4} ${TIME})[ \t]+)?received[ \t]+(\d{1,5})[ \t]+bytes[ \t]+prim[ \t]*=[ \t]*([0-9A-Fa-f]{1,8})[ \t]+id=([0-9A-Fa-f]{1,8})(?:[ \t]+(${HEXRUN}))?$`,
);
const MISDN_LOOSE = /\breceived\s+\d+\s+bytes\s+prim\b/;
const OFFSET = /^([0-9A-Fa-f]{3,8}):?[ \t]+([0-9A-Fa-f]{2}(?:(?: {1,2}|\t)[0-9A-Fa-f]{2})*)(?:(?: {3,}|\t).*)?$/;
const OFFSET_ONLY = /^[0-9A-Fa-f]{3,8}$/;
const PREAMBLE = new RegExp(String.raw`^(?:([IO<>])(?:[ \t]+|$))?(${STAMP})?$`);

/** MISDN_HEADER_LEN: misdn_log's byte count includes the 8-octet mISDN header (prim, id). */
export const MISDN_HEADER_OCTETS = 8;

function hexBytes(run: string): Uint8Array | undefined {
  const digits = run.replace(/[ \t]+/g, '');
  if (digits.length % 2 !== 0) return undefined;
  const out = new Uint8Array(digits.length / 2);
  for (let i = 0; i < out.length; i++) {
    const v = parseInt(digits.slice(2 * i, 2 * i + 2), 16);
    if (Number.isNaN(v)) return undefined;
    out[i] = v;
  }
  return out;
}

const markDirection = (m: string): Direction => (m === '>' || m === 'O' ? 'to-network' : 'from-network');

/** Classifies one trace line (without its newline). */
export function parseTraceLine(raw: string): TraceLine {
  const line = raw.trim();
  if (line === '' || line.startsWith('#')) return { kind: 'ignore' };

  let m = MARKED.exec(line);
  if (m) {
    const bytes = hexBytes(m[3]!);
    if (!bytes) return { kind: 'bad', detail: 'odd number of hex digits' };
    const at = m[1] ?? m[4];
    return at === undefined ? { kind: 'marked', direction: markDirection(m[2]!), bytes } : { kind: 'marked', direction: markDirection(m[2]!), at: unbracket(at), bytes };
  }
  m = OFFSET.exec(line);
  if (m) {
    const bytes = hexBytes(m[2]!);
    if (!bytes) return { kind: 'bad', detail: 'odd number of hex digits' };
    return { kind: 'offset', offset: parseInt(m[1]!, 16), bytes };
  }
  if (HEX_ONLY.test(line)) {
    const bytes = hexBytes(line);
    return bytes ? { kind: 'hex', bytes } : { kind: 'bad', detail: 'odd number of hex digits' };
  }
  m = MISDN.exec(line);
  if (m) {
    const bytes = m[5] === undefined ? new Uint8Array(0) : hexBytes(m[5]);
    if (!bytes) return { kind: 'bad', detail: 'odd number of hex digits' };
    const rec: TraceLine = { kind: 'misdn', prim: parseInt(m[3]!, 16), octets: Number(m[2]) - MISDN_HEADER_OCTETS, bytes };
    if (m[1] !== undefined) rec.at = m[1];
    return rec;
  }
  m = PREAMBLE.exec(line);
  if (m && (m[1] !== undefined || m[2] !== undefined)) {
    const p: TraceLine = { kind: 'preamble' };
    if (m[1] !== undefined) p.direction = markDirection(m[1]);
    if (m[2] !== undefined) p.at = unbracket(m[2]);
    return p;
  }
  if (MARKED_LOOSE.test(line)) return { kind: 'bad', detail: 'direction mark without a clean run of hex octets' };
  if (MISDN_LOOSE.test(line)) return { kind: 'bad', detail: 'misdn_log record that does not parse' };
  return { kind: 'unrecognised' };
}

function unbracket(s: string): string {
  return s.startsWith('[') ? s.slice(1, -1) : s;
}

// mISDN primitives that carry a D-channel frame.
const PH_DATA_REQ = 0x2001;
const PH_DATA_IND = 0x2002;
const PH_DATA_E_IND = 0x3002;

// ---------------------------------------------------------------------------------------
// The stream.

interface Pending {
  form: 'misdn' | 'dump';
  direction?: Direction;
  at?: string;
  bytes: number[];
  /** misdn: the octets the header announced */
  need: number;
  lines: number;
  firstLine: number;
  broken: boolean;
  /** misdn: an echoed PH_DATA_REQ, read and thrown away */
  skip: boolean;
}

/** More than any LAPD frame can hold: a multi-line frame growing past it is broken. */
const MAX_FRAME_OCTETS = 1024;

function append(p: Pending, bytes: Uint8Array): void {
  if (p.bytes.length + bytes.length > MAX_FRAME_OCTETS) {
    p.broken = true;
    return;
  }
  for (const b of bytes) p.bytes.push(b);
}

export class DChannel extends Transform {
  private readonly role: 'te' | 'nt';
  private readonly echo: boolean;
  private readonly maxLine: number;
  private rest = '';
  private overlong = false;
  private lineNo = 0;
  private pending: Pending | undefined;
  private preamble: { direction?: Direction; at?: string; line: number } | undefined;
  private counters = zeroStats();

  constructor(options: DChannelOptions = {}) {
    if (options === null || typeof options !== 'object') throw new TypeError('options must be an object');
    const { misdnRole = 'te', misdnEcho = false, maxLineLength = 8192 } = options;
    if (misdnRole !== 'te' && misdnRole !== 'nt') throw new TypeError(`misdnRole must be 'te' or 'nt', not ${String(misdnRole)}`);
    if (typeof misdnEcho !== 'boolean') throw new TypeError('misdnEcho must be a boolean');
    if (!Number.isInteger(maxLineLength) || maxLineLength < 16) throw new TypeError('maxLineLength must be an integer of at least 16');
    super({ readableObjectMode: true, writableObjectMode: false });
    this.role = misdnRole;
    this.echo = misdnEcho;
    this.maxLine = maxLineLength;
  }

  /** The port was lost: a partial line or record before the loss must not join what comes after. */
  resync(): void {
    this.rest = '';
    this.overlong = false;
    this.pending = undefined;
    this.preamble = undefined;
  }

  /** A snapshot of the counters. */
  stats(): DChannelStats {
    return { ...this.counters };
  }

  resetStats(): void {
    this.counters = zeroStats();
  }

  override _transform(chunk: Buffer | string, _enc: BufferEncoding, done: TransformCallback): void {
    const text = typeof chunk === 'string' ? chunk : chunk.toString('latin1');
    let start = 0;
    for (;;) {
      const nl = text.indexOf('\n', start);
      if (nl < 0) break;
      const piece = text.slice(start, nl);
      start = nl + 1;
      if (this.overlong) {
        this.overlong = false;
        this.rest = '';
        continue;
      }
      const line = this.rest === '' ? piece : this.rest + piece;
      this.rest = '';
      this.line(line.endsWith('\r') ? line.slice(0, -1) : line);
    }
    if (!this.overlong) {
      this.rest += text.slice(start);
      if (this.rest.length > this.maxLine) {
        // Too long to be a frame: count it once, drop it and whatever follows up to the newline.
        this.rest = '';
        this.overlong = true;
        this.counters.lines++;
        this.counters.badLines++;
        this.lineNo++;
      }
    }
    done();
  }

  override _flush(done: TransformCallback): void {
    if (this.rest !== '' && !this.overlong) this.line(this.rest);
    this.rest = '';
    this.overlong = false;
    this.finishPending();
    this.dropPreamble();
    done();
  }

  private line(text: string): void {
    this.counters.lines++;
    const lineNo = ++this.lineNo;
    const t: TraceLine = text.length > this.maxLine ? { kind: 'bad', detail: 'line too long' } : parseTraceLine(text);
    const p = this.pending;

    // Continuations of a multi-line frame.
    if (p && p.form === 'misdn' && t.kind === 'hex') {
      p.lines++;
      append(p, t.bytes);
      if (p.bytes.length > p.need) p.broken = true;
      if (p.bytes.length >= p.need) this.finishPending();
      return;
    }
    if (p && p.form === 'dump' && OFFSET_ONLY.test(text.trim()) && parseInt(text, 16) === p.bytes.length) {
      // od's closing line: the offset after the last octet.
      p.lines++;
      this.finishPending();
      return;
    }
    if (p && p.form === 'dump' && t.kind === 'offset' && t.offset !== 0) {
      p.lines++;
      if (t.offset !== p.bytes.length) p.broken = true;
      append(p, t.bytes);
      return;
    }
    this.finishPending();

    switch (t.kind) {
      case 'ignore':
        this.dropPreamble();
        this.counters.ignoredLines++;
        return;
      case 'marked':
        this.dropPreamble();
        this.frame(t.bytes, t.direction, t.at, 1, lineNo);
        return;
      case 'hex':
        this.dropPreamble();
        this.frame(t.bytes, undefined, undefined, 1, lineNo);
        return;
      case 'misdn': {
        this.dropPreamble();
        const direction = this.misdnDirection(t.prim);
        if (direction === undefined || t.octets <= 0) {
          this.counters.ignoredLines++;
          return;
        }
        const rec: Pending = {
          form: 'misdn',
          direction,
          bytes: [...t.bytes],
          need: t.octets,
          lines: 1,
          firstLine: lineNo,
          broken: t.bytes.length > t.octets,
          // With an echo channel a PH_DATA_REQ duplicates the PH_DATA_E_IND that follows it.
          skip: this.echo && t.prim === PH_DATA_REQ,
        };
        if (t.at !== undefined) rec.at = t.at;
        this.pending = rec;
        if (rec.bytes.length >= rec.need) this.finishPending();
        return;
      }
      case 'offset': {
        const pre = this.preamble;
        this.preamble = undefined;
        const rec: Pending = { form: 'dump', bytes: [...t.bytes], need: 0, lines: 1, firstLine: lineNo, broken: t.offset !== 0, skip: false };
        if (pre) {
          rec.lines++;
          rec.firstLine = pre.line;
          if (pre.direction !== undefined) rec.direction = pre.direction;
          if (pre.at !== undefined) rec.at = pre.at;
        }
        this.pending = rec;
        return;
      }
      case 'preamble':
        this.dropPreamble();
        this.preamble = { line: lineNo };
        if (t.direction !== undefined) this.preamble.direction = t.direction;
        if (t.at !== undefined) this.preamble.at = t.at;
        return;
      case 'bad':
        this.dropPreamble();
        this.counters.badLines++;
        return;
      case 'unrecognised':
        this.dropPreamble();
        this.counters.unrecognisedLines++;
        return;
    }
  }

  private misdnDirection(prim: number): Direction | undefined {
    if (prim !== PH_DATA_REQ && prim !== PH_DATA_IND && prim !== PH_DATA_E_IND) return undefined;
    if (this.role === 'nt') return prim === PH_DATA_REQ ? 'from-network' : 'to-network';
    return prim === PH_DATA_IND ? 'from-network' : 'to-network';
  }

  private dropPreamble(): void {
    if (this.preamble) {
      this.counters.ignoredLines++;
      this.preamble = undefined;
    }
  }

  private finishPending(): void {
    const p = this.pending;
    if (!p) return;
    this.pending = undefined;
    if (p.skip && !p.broken && p.bytes.length === p.need) {
      this.counters.ignoredLines += p.lines;
      return;
    }
    if (p.broken || (p.form === 'misdn' && p.bytes.length !== p.need)) {
      this.counters.badLines += p.lines;
      return;
    }
    this.frame(Uint8Array.from(p.bytes), p.direction, p.at, p.lines, p.firstLine);
  }

  private frame(bytes: Uint8Array, marked: Direction | undefined, at: string | undefined, lines: number, lineNo: number): void {
    const c = this.counters;
    c.frameLines += lines;
    c.frames++;
    const l2 = decodeLapd(bytes);
    if (!l2.ok) {
      c.badFrames++;
      return;
    }
    const lapd = l2.frame;
    const implied = impliedDirection(lapd);
    let direction: Direction;
    let directionFrom: 'mark' | 'cr';
    if (marked !== undefined) {
      direction = marked;
      directionFrom = 'mark';
      if (implied !== undefined && implied !== marked) c.crMismatch++;
    } else if (implied !== undefined) {
      direction = implied;
      directionFrom = 'cr';
    } else {
      c.noDirection++;
      return;
    }
    const out: DChannelFrame = { direction, directionFrom, bytes, lapd, role: lapdRole(lapd.cr, direction), line: lineNo };
    if (at !== undefined) out.at = at;
    if (carriesLayer3(lapd)) {
      const l3 = decodeQ931(lapd.info);
      if (l3.ok) {
        c.q931++;
        c.ieProblems += l3.message.problems.length;
        out.q931 = l3.message;
      } else {
        if (l3.error.code === 'Q931_NOT_Q931') c.otherLayer3++;
        else c.badQ931++;
        out.q931Error = l3.error;
      }
    }
    c.emitted++;
    this.push(out);
  }
}
