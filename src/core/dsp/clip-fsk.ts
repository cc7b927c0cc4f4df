// FSK caller ID (CLIP): bytes → framed, checksummed messages → fields. The top layers of
//   fsk.ts (audio → bits) → uart.ts (bits → bytes) → framer (bytes → message) → clipFields.
//
// Message format, ETSI EN 300 659-3 and Bellcore GR-30 (they agree on the frame):
//   type (1 byte) · length L (1 byte) · body (L bytes) · checksum (1 byte)
// The checksum is the two's complement of the sum of all the bytes before it, modulo 256, so
// the sum of every byte of a good message is 0 mod 256.
//   MDMF (multiple data message format; ETSI uses nothing else): the body is parameters, each
//     type (1) · length (1) · value. Message types 0x80 call set-up, 0x82 message waiting,
//     0x86 advice of charge, 0x89 SMS.
//   SDMF (single data message format, Bellcore only): type 0x04, the body is 8 digits MMDDHHMM
//     then the calling number, or a single 'P' (private) or 'O' (out of area, unavailable).
// Other message types (e.g. Bellcore's SDMF message waiting, 0x06) are not framed.
//
// Finding a message in the bytes (the framer): a message starts with a byte of a known type
// preceded by at least `minMarkBits` idle mark bits: the mark signal, 180 ± 25 bits on hook
// and 80 ± 25 off hook, less the 10 or so bits the FSK receiver's carrier detect takes (it comes
// up on the steady mark tone, so the channel seizure before it is never even seen as bits).
// Nothing else starts one: not a byte in the middle of something else, not the bytes that speech
// after a message makes of a carrier still up (speech does not hold a type byte after 25 marks
// often, and when it does the message fails its checksum and is counted).
// Then the length byte says how many bytes follow. A started message ends as:
//   - a message, when all L + 3 bytes are in and the checksum and layout are good;
//   - 'bad-checksum', when all bytes are in but they do not sum to 0;
//   - 'bad-length', when the checksum is good but the parameters do not fill the body exactly
//     (one runs past its end, or an SDMF body is too short for its date);
//   - 'truncated', when the carrier drops, or more than `maxGapBits` idle bits pass between two
//     bytes (ETSI allows 10 mark bits between characters, Bellcore 20), before the last byte;
//   - 'framing', when a byte's stop bit is 0.
// Every ending is returned as an event and counted; nothing throws on what the line brings.

import { createFskRx, fskRx, fskRxResetCounters, type FskRxOptions, type FskRxState, type FskSpec, type FskSpecName } from './fsk.js';
import { createUartRx, uartRx, uartRxResetCounters, type UartEvent, type UartRxState } from './uart.js';

export type ClipFormat = 'mdmf' | 'sdmf';

/** Message types the framer accepts. */
export const CLIP_MESSAGE_TYPES: Readonly<Record<number, Readonly<{ format: ClipFormat; name: string }>>> = Object.freeze({
  0x80: Object.freeze({ format: 'mdmf', name: 'call-setup' }),
  0x82: Object.freeze({ format: 'mdmf', name: 'message-waiting' }),
  0x86: Object.freeze({ format: 'mdmf', name: 'advice-of-charge' }),
  0x89: Object.freeze({ format: 'mdmf', name: 'sms' }),
  0x04: Object.freeze({ format: 'sdmf', name: 'call-setup' }),
});

/** MDMF parameter types, ETSI EN 300 659-3 (Bellcore uses 0x01–0x08 the same way). */
export const CLIP_PARAMETERS: Readonly<Record<number, string>> = Object.freeze({
  0x01: 'date-time',
  0x02: 'calling-number',
  0x03: 'called-number',
  0x04: 'absence-of-number',
  0x07: 'calling-name',
  0x08: 'absence-of-name',
  0x0b: 'visual-indicator',
  0x0d: 'message-id',
  0x0e: 'last-message-cli',
  0x0f: 'complementary-date-time',
  0x10: 'complementary-calling-number',
  0x11: 'call-type',
  0x12: 'first-called-number',
  0x13: 'number-of-messages',
  0x15: 'type-of-forwarded-call',
  0x16: 'type-of-calling-user',
  0x1a: 'redirecting-number',
  0x20: 'charge',
  0x21: 'additional-charge',
  0x23: 'call-duration',
  0x50: 'display-information',
  0x55: 'service-information',
});

export const CLIP_DATE_TIME = 0x01;
export const CLIP_CALLING_NUMBER = 0x02;
export const CLIP_ABSENCE_OF_NUMBER = 0x04;
export const CLIP_CALLING_NAME = 0x07;
export const CLIP_ABSENCE_OF_NAME = 0x08;

export type ClipStatus = 'ok' | 'withheld' | 'unavailable';

export interface ClipField {
  /** Parameter type (for SDMF, the MDMF type of the same meaning). */
  readonly type: number;
  /** From CLIP_PARAMETERS, or `param-0xNN`. */
  readonly name: string;
  /** The bytes as text, one character per byte (Latin-1). */
  readonly value: string;
  readonly bytes: Uint8Array;
}

export interface ClipMessage {
  readonly type: ClipFormat;
  /** The message type byte (0x80, 0x04, …). */
  readonly messageType: number;
  /** 'MMDD' and 'HHMM', when the date-time parameter is 8 digits. */
  readonly date?: string;
  readonly time?: string;
  readonly number?: string;
  readonly name?: string;
  /** 'ok' with a number; 'withheld' for reason 'P'; 'unavailable' for 'O' or no number at all. */
  readonly status: ClipStatus;
  readonly fields: readonly ClipField[];
  /** The whole message: type, length, body, checksum. */
  readonly bytes: Uint8Array;
  /** Set by the line receiver: sample positions of the first byte's start and last byte's stop bit. */
  readonly startSample?: number;
  readonly atSample?: number;
}

export type ClipErrorCode = 'bad-checksum' | 'truncated' | 'bad-length' | 'framing' | 'unknown-type';

export interface ClipError {
  readonly type: 'error';
  readonly code: ClipErrorCode;
  readonly detail: string;
  /** The bytes received of the message. */
  readonly bytes: Uint8Array;
  readonly startSample?: number;
  readonly atSample?: number;
}

export type ClipEvent = ClipMessage | ClipError;

// ---- Pure message layer ---------------------------------------------------------------------

/** The checksum byte for `bytes` (type, length, body): two's complement of their sum mod 256. */
export function clipChecksum(bytes: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < bytes.length; i++) sum += bytes[i]!;
  return -sum & 0xff;
}

function latin1(b: Uint8Array): string {
  let s = '';
  for (let i = 0; i < b.length; i++) s += String.fromCharCode(b[i]!);
  return s;
}

function toBytes(v: string | ArrayLike<number>, what: string): Uint8Array {
  if (typeof v === 'string') {
    const out = new Uint8Array(v.length);
    for (let i = 0; i < v.length; i++) {
      const c = v.charCodeAt(i);
      if (c > 255) throw new TypeError(`clip: ${what} has a character outside Latin-1: ${JSON.stringify(v[i])}`);
      out[i] = c;
    }
    return out;
  }
  const out = Uint8Array.from(v);
  if (out.length !== v.length || Array.from(v).some((x, i) => x !== out[i])) throw new TypeError(`clip: ${what} must be bytes 0..255`);
  return out;
}

/** type · length · body · checksum. Throws a TypeError for a body over 255 bytes. */
export function encodeClipMessage(messageType: number, body: string | ArrayLike<number>): Uint8Array {
  if (!Number.isInteger(messageType) || messageType < 0 || messageType > 255) throw new TypeError(`clip: message type must be a byte, got ${messageType}`);
  const b = toBytes(body, 'body');
  if (b.length > 255) throw new TypeError(`clip: body is ${b.length} bytes, at most 255 fit`);
  const out = new Uint8Array(b.length + 3);
  out[0] = messageType;
  out[1] = b.length;
  out.set(b, 2);
  out[out.length - 1] = clipChecksum(out.subarray(0, out.length - 1));
  return out;
}

/** An MDMF message (default: 0x80 call set-up) of `params`, in the order given. */
export function encodeMdmf(params: ReadonlyArray<{ type: number; value: string | ArrayLike<number> }>, messageType = 0x80): Uint8Array {
  const body: number[] = [];
  for (const p of params) {
    if (!Number.isInteger(p.type) || p.type < 0 || p.type > 255) throw new TypeError(`clip: parameter type must be a byte, got ${p.type}`);
    const v = toBytes(p.value, `parameter 0x${p.type.toString(16)}`);
    if (v.length > 255) throw new TypeError(`clip: parameter 0x${p.type.toString(16)} is ${v.length} bytes, at most 255 fit`);
    body.push(p.type, v.length, ...v);
  }
  return encodeClipMessage(messageType, body);
}

/** A Bellcore SDMF call set-up (0x04): 'MMDDHHMM' then the number, or 'P' / 'O'. */
export function encodeSdmf(dateTime: string, number: string): Uint8Array {
  if (!/^\d{8}$/.test(dateTime)) throw new TypeError(`clip: SDMF date-time must be 8 digits MMDDHHMM, got ${JSON.stringify(dateTime)}`);
  return encodeClipMessage(0x04, dateTime + number);
}

function field(type: number, bytes: Uint8Array): ClipField {
  return { type, name: CLIP_PARAMETERS[type] ?? `param-0x${type.toString(16).padStart(2, '0')}`, value: latin1(bytes), bytes };
}

/**
 * The parameters of a message (type, length, body[, checksum]), in order, as a pure walk:
 * nothing is checked but that each parameter fits in the body; the walk stops at the first that
 * does not (decodeClipMessage reports that as 'bad-length'). For SDMF it yields the date-time and
 * the calling number (or absence of number, for 'P' / 'O') as the MDMF parameters of the same
 * meaning. Message types neither in CLIP_MESSAGE_TYPES nor with the MDMF bit (0x80) yield nothing.
 */
export function* clipFields(message: ArrayLike<number>): Generator<ClipField> {
  if (message.length < 2) return;
  const m = Uint8Array.from(message);
  const end = Math.min(2 + m[1]!, m.length);
  const format = CLIP_MESSAGE_TYPES[m[0]!]?.format ?? (m[0]! & 0x80 ? 'mdmf' : undefined);
  if (format === 'sdmf') {
    if (end - 2 < 8) return;
    yield field(CLIP_DATE_TIME, m.slice(2, 10));
    const rest = m.slice(10, end);
    if (rest.length === 1 && (rest[0] === 0x50 || rest[0] === 0x4f)) yield field(CLIP_ABSENCE_OF_NUMBER, rest);
    else if (rest.length > 0) yield field(CLIP_CALLING_NUMBER, rest);
    return;
  }
  if (format !== 'mdmf') return;
  let p = 2;
  while (p + 2 <= end) {
    const len = m[p + 1]!;
    if (p + 2 + len > end) return;
    yield field(m[p]!, m.slice(p + 2, p + 2 + len));
    p += 2 + len;
  }
}

function error(code: ClipErrorCode, detail: string, bytes: Uint8Array): ClipError {
  return { type: 'error', code, detail, bytes };
}

/** Checks and reads one whole message (type, length, body, checksum). Never throws. */
export function decodeClipMessage(message: ArrayLike<number>): ClipEvent {
  const m = Uint8Array.from(message);
  if (m.length < 3) return error('truncated', `${m.length} bytes: a message has at least 3`, m);
  const len = m[1]!;
  if (m.length < len + 3) return error('truncated', `${m.length} of ${len + 3} bytes`, m);
  if (m.length > len + 3) return error('bad-length', `${m.length} bytes, but the length byte says ${len + 3}`, m);
  let sum = 0;
  for (const b of m) sum += b;
  if (sum & 0xff) return error('bad-checksum', `bytes sum to 0x${(sum & 0xff).toString(16).padStart(2, '0')} mod 256, not 0`, m);
  const kind = CLIP_MESSAGE_TYPES[m[0]!];
  if (!kind) return error('unknown-type', `message type 0x${m[0]!.toString(16).padStart(2, '0')}`, m);

  const fields = [...clipFields(m)];
  if (kind.format === 'sdmf') {
    if (len < 8) return error('bad-length', `SDMF body of ${len} bytes: the date alone is 8`, m);
  } else {
    let used = 0;
    for (const f of fields) used += 2 + f.bytes.length;
    if (len < 2 || used !== len) return error('bad-length', `parameters fill ${used} of the body's ${len} bytes`, m);
  }

  const get = (type: number) => fields.find((f) => f.type === type)?.value;
  const out: { -readonly [K in keyof ClipMessage]: ClipMessage[K] } = { type: kind.format, messageType: m[0]!, status: 'unavailable', fields, bytes: m };
  const dt = get(CLIP_DATE_TIME);
  if (dt !== undefined && /^\d{8}$/.test(dt)) {
    out.date = dt.slice(0, 4);
    out.time = dt.slice(4, 8);
  }
  const number = get(CLIP_CALLING_NUMBER);
  const name = get(CLIP_CALLING_NAME);
  if (name !== undefined && name !== '') out.name = name;
  if (number !== undefined && number !== '') {
    out.number = number;
    out.status = 'ok';
  } else if (get(CLIP_ABSENCE_OF_NUMBER) === 'P') {
    out.status = 'withheld';
  }
  return out;
}

// ---- Framer: UART events → messages ---------------------------------------------------------

export const CLIP_FRAMER_DEFAULTS = Object.freeze({
  /** 40 mark bits (33 ms) before the type byte start a message: under the 55 of the shortest
   *  legal mark (80 − 25, off hook), far over what speech or noise holds steady. */
  minMarkBits: 25,
  /** More than 30 idle bits between two bytes of a message truncate it (ETSI allows 10 mark bits
   *  between characters, Bellcore 16.7 ms = 20). */
  maxGapBits: 30,
});

export interface ClipFramerOptions {
  minMarkBits?: number;
  maxGapBits?: number;
}

export interface ClipCounters {
  messages: number;
  badChecksum: number;
  truncated: number;
  badLength: number;
  framing: number;
}

export interface ClipFramerState {
  readonly minMarkBits: number;
  readonly maxGapBits: number;
  /** Bytes of the message under way; empty while hunting for a start. */
  readonly buf: number[];
  startSample: number;
  readonly counters: ClipCounters;
}

const COUNTER_OF: Record<ClipErrorCode, keyof ClipCounters | undefined> = {
  'bad-checksum': 'badChecksum',
  truncated: 'truncated',
  'bad-length': 'badLength',
  framing: 'framing',
  'unknown-type': undefined,
};

export function createClipFramer(opts: ClipFramerOptions = {}): ClipFramerState {
  if (typeof opts !== 'object' || opts === null) throw new TypeError('clip: options must be an object');
  const minMarkBits = opts.minMarkBits ?? CLIP_FRAMER_DEFAULTS.minMarkBits;
  const maxGapBits = opts.maxGapBits ?? CLIP_FRAMER_DEFAULTS.maxGapBits;
  for (const [k, v] of [['minMarkBits', minMarkBits], ['maxGapBits', maxGapBits]] as const) {
    if (!Number.isSafeInteger(v) || v < 1) throw new TypeError(`clip: ${k} must be a whole number of bits at or above 1, got ${v}`);
  }
  return { minMarkBits, maxGapBits, buf: [], startSample: 0, counters: { messages: 0, badChecksum: 0, truncated: 0, badLength: 0, framing: 0 } };
}

function finish(s: ClipFramerState, ev: ClipEvent, atSample: number, out: ClipEvent[]): void {
  s.buf.length = 0;
  if (ev.type === 'error') {
    const c = COUNTER_OF[ev.code];
    if (c) s.counters[c]++;
  } else {
    s.counters.messages++;
  }
  out.push({ ...ev, startSample: s.startSample, atSample });
}

/** Feeds UART events; returns the messages and errors they complete. */
export function clipFramerRx(s: ClipFramerState, events: readonly UartEvent[]): ClipEvent[] {
  const out: ClipEvent[] = [];
  for (const ev of events) {
    if (ev.type !== 'byte') {
      const stopped = ev.type === 'carrier-down' || ev.type === 'carrier-up' || ev.idleBits > s.maxGapBits;
      if (s.buf.length > 0 && stopped) {
        const why = ev.type === 'idle' ? `${ev.idleBits} idle bits after byte ${s.buf.length}` : `carrier ${ev.type === 'carrier-up' ? 'restarted' : 'lost'} after byte ${s.buf.length}`;
        finish(s, error('truncated', why, Uint8Array.from(s.buf)), ev.atSample, out);
      }
      continue;
    }
    if (s.buf.length > 0) {
      if (ev.idleBits > s.maxGapBits) {
        finish(s, error('truncated', `${ev.idleBits} idle bits after byte ${s.buf.length}`, Uint8Array.from(s.buf)), ev.startSample, out);
        // …and the byte may start the next message: fall through to the hunt.
      } else if (ev.framingError) {
        s.buf.push(ev.value);
        finish(s, error('framing', `byte ${s.buf.length} has no stop bit`, Uint8Array.from(s.buf)), ev.atSample, out);
        continue;
      } else {
        s.buf.push(ev.value);
        if (s.buf.length >= 2 && s.buf.length === s.buf[1]! + 3) finish(s, decodeClipMessage(s.buf), ev.atSample, out);
        continue;
      }
    }
    if (!ev.framingError && ev.idleBits >= s.minMarkBits && CLIP_MESSAGE_TYPES[ev.value]) {
      s.buf.push(ev.value);
      s.startSample = ev.startSample;
    }
  }
  return out;
}

export function clipFramerResetCounters(s: ClipFramerState): void {
  for (const k of Object.keys(s.counters) as (keyof ClipCounters)[]) s.counters[k] = 0;
}

// ---- The line: audio → events ---------------------------------------------------------------

export interface ClipFskRxOptions extends FskRxOptions, ClipFramerOptions {}

export interface ClipFskRxState {
  readonly fsk: FskRxState;
  readonly uart: UartRxState;
  readonly framer: ClipFramerState;
  /** The framer's counters (the FSK and UART layers keep their own). */
  readonly counters: ClipCounters;
}

/** A caller-ID receiver for one line: FSK receiver, UART and framer, created together. */
export function createClipFskRx(spec: FskSpec | FskSpecName, opts: ClipFskRxOptions): ClipFskRxState {
  if (typeof opts !== 'object' || opts === null) throw new TypeError('clip: options must be an object');
  const { minMarkBits, maxGapBits, ...fskOpts } = opts;
  const framer = createClipFramer({ minMarkBits, maxGapBits });
  return {
    fsk: createFskRx(spec, fskOpts),
    uart: createUartRx({ idleEventBits: framer.maxGapBits + 1 }),
    framer,
    counters: framer.counters,
  };
}

/** Feeds samples (any length). Returns the messages and errors completed, with sample positions. */
export function clipFskRx(s: ClipFskRxState, samples: Int16Array): ClipEvent[] {
  const { bits, at } = fskRx(s.fsk, samples);
  if (bits.length === 0) return [];
  return clipFramerRx(s.framer, uartRx(s.uart, bits, at));
}

/** Zeroes the counters of all three layers. */
export function clipFskResetCounters(s: ClipFskRxState): void {
  fskRxResetCounters(s.fsk);
  uartRxResetCounters(s.uart);
  clipFramerResetCounters(s.framer);
}
