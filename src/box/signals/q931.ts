/**
 * Q.931 (ITU-T Q.931, ETSI EN 300 403-1 DSS1) message decoder and call-event mapper. Pure:
 * bytes in, a message or a typed error out; never throws.
 *
 *   octet 1      protocol discriminator, 0x08 for Q.931
 *   octet 2      0000 LLLL: call reference length (0 dummy, 1 on BRI, 2 on PRI)
 *   octets 3..   call reference: flag (bit 8 of the first octet) and value
 *   next         message type (bit 8 = 0)
 *   rest         information elements: single-octet (bit 8 = 1) or id, length, contents
 *
 * The IE walk stops at a segmented message IE (what follows is a segment of another message,
 * kept raw in `segment`). It follows codeset shifts (locking 1001 0CCC, non-locking 1001 1CCC for the next
 * IE only); only codeset-0 IEs are interpreted, the others are kept as raw octets. An IE whose
 * length runs past the end of the message makes the whole message invalid (its framing can
 * no longer be trusted); an IE whose contents break its coding is dropped and listed in
 * `problems`, and the rest of the message stands.
 */
import type { Direction, LapdFrame } from './lapd.js';
import {
  IE,
  SINGLE_OCTET,
  decodeBearerCapability,
  decodeCalledNumber,
  decodeCallingNumber,
  decodeCause,
  decodeChannelId,
  decodeDisplay,
  decodeKeypad,
  decodeProgress,
  type BearerCapability,
  type Cause,
  type ChannelId,
  type IeResult,
  type PartyNumber,
  type Presentation,
  type Progress,
} from './q931-ie.js';

export * from './q931-ie.js';

export const Q931_PD = 0x08;

/** Message types (Q.931 table 4-2) by value. */
export const MESSAGE_TYPES = Object.freeze({
  0x01: 'ALERTING',
  0x02: 'CALL PROCEEDING',
  0x03: 'PROGRESS',
  0x05: 'SETUP',
  0x07: 'CONNECT',
  0x0d: 'SETUP ACKNOWLEDGE',
  0x0f: 'CONNECT ACKNOWLEDGE',
  0x20: 'USER INFORMATION',
  0x21: 'SUSPEND REJECT',
  0x22: 'RESUME REJECT',
  0x25: 'SUSPEND',
  0x26: 'RESUME',
  0x2d: 'SUSPEND ACKNOWLEDGE',
  0x2e: 'RESUME ACKNOWLEDGE',
  0x45: 'DISCONNECT',
  0x46: 'RESTART',
  0x4d: 'RELEASE',
  0x4e: 'RESTART ACKNOWLEDGE',
  0x5a: 'RELEASE COMPLETE',
  0x60: 'SEGMENT',
  0x62: 'FACILITY',
  0x6e: 'NOTIFY',
  0x75: 'STATUS ENQUIRY',
  0x79: 'CONGESTION CONTROL',
  0x7b: 'INFORMATION',
  0x7d: 'STATUS',
} as const);

export type MessageName = (typeof MESSAGE_TYPES)[keyof typeof MESSAGE_TYPES];

export const MT = {
  ALERTING: 0x01,
  CALL_PROCEEDING: 0x02,
  PROGRESS: 0x03,
  SETUP: 0x05,
  CONNECT: 0x07,
  SETUP_ACKNOWLEDGE: 0x0d,
  CONNECT_ACKNOWLEDGE: 0x0f,
  DISCONNECT: 0x45,
  RELEASE: 0x4d,
  RELEASE_COMPLETE: 0x5a,
  INFORMATION: 0x7b,
} as const;

export interface CallReference {
  /** Octets of call reference value: 0 (dummy), 1 (BRI), 2 (PRI). */
  length: number;
  /**
   * 0: sent by the side that allocated the call reference (the originating side);
   * 1: sent to it.
   */
  flag: 0 | 1;
  /** 7 bits on BRI, 15 on PRI; 0 is the global call reference. */
  value: number;
}

/** One information element as it stood in the message. */
export interface RawIe {
  codeset: number;
  /** The identifier octet: for single-octet IEs the whole octet. */
  id: number;
  /** Offset of the identifier octet in the message. */
  offset: number;
  /** Contents after identifier and length; empty for single-octet IEs. */
  contents: Uint8Array;
  single: boolean;
}

export type Q931ProblemCode =
  /** an IE's contents do not follow its coding; the IE is not decoded */
  'Q931_IE_INVALID';

export interface Q931Problem {
  code: Q931ProblemCode;
  ie: number;
  offset: number;
  detail: string;
}

export interface Q931Message {
  callRef: CallReference;
  /** The message type octet. */
  type: number;
  /**
   * The type is the escape to a nationally specific message type (0x00). How many octets the
   * national type takes and what follows is national: nothing after the escape is read as
   * IEs, and the octets are kept in `nationalBody`.
   */
  national: boolean;
  nationalBody?: Uint8Array;
  /** Its Q.931 name; `undefined` for a type this table does not know. */
  name: MessageName | undefined;
  /** Every IE in order, codeset shifts resolved. */
  ies: RawIe[];
  /** Codeset-0 IEs decoded; the repeatable ones keep every occurrence, in order. */
  bearer?: BearerCapability;
  channel?: ChannelId;
  /** Every valid calling party number IE (ETSI allows two: user-provided and network-provided). */
  callingNumbers: PartyNumber[];
  called?: PartyNumber;
  connected?: PartyNumber;
  causes: Cause[];
  progress: Progress[];
  display?: string;
  keypad?: string;
  /** The single-octet "sending complete" IE was present. */
  sendingComplete: boolean;
  /**
   * After a segmented message IE (SEGMENT messages, Q.931 annex H): the octets that follow
   * are a piece of another message and are not read as IEs.
   */
  segment?: Uint8Array;
  problems: Q931Problem[];
}

export type Q931ErrorCode =
  /** fewer octets than protocol discriminator, call reference and message type need */
  | 'Q931_TOO_SHORT'
  /** the protocol discriminator is not 0x08: some other layer-3 protocol */
  | 'Q931_NOT_Q931'
  /** call reference length octet with spare bits set, longer than 2, or running past the end */
  | 'Q931_BAD_CALL_REF'
  /** message type octet with bit 8 set */
  | 'Q931_BAD_MESSAGE_TYPE'
  /** an IE's length runs past the end of the message */
  | 'Q931_IE_TRUNCATED';

export interface Q931Error {
  code: Q931ErrorCode;
  detail: string;
}

export type Q931Result = { ok: true; message: Q931Message } | { ok: false; error: Q931Error };

function fail(code: Q931ErrorCode, detail: string): Q931Result {
  return { ok: false, error: { code, detail } };
}

/** Decodes one Q.931 message (the information field of an I or UI frame on SAPI 0). */
export function decodeQ931(bytes: Uint8Array): Q931Result {
  if (bytes.length < 3) return fail('Q931_TOO_SHORT', `${bytes.length} octets; a message has at least 3`);
  if (bytes[0] !== Q931_PD) return fail('Q931_NOT_Q931', `protocol discriminator 0x${bytes[0]!.toString(16).padStart(2, '0')}`);
  const crOctet = bytes[1]!;
  if (crOctet & 0xf0) return fail('Q931_BAD_CALL_REF', `call reference length octet 0x${crOctet.toString(16)} has spare bits set`);
  const crLength = crOctet & 0x0f;
  if (crLength > 2) return fail('Q931_BAD_CALL_REF', `call reference of ${crLength} octets; DSS1 uses 1 or 2`);
  let pos = 2;
  if (pos + crLength >= bytes.length) return fail('Q931_TOO_SHORT', 'message ends inside the call reference or before the message type');
  let flag: 0 | 1 = 0;
  let value = 0;
  if (crLength > 0) {
    flag = (bytes[pos]! >> 7) as 0 | 1;
    value = bytes[pos]! & 0x7f;
    for (let i = 1; i < crLength; i++) value = (value << 8) | bytes[pos + i]!;
  }
  pos += crLength;
  const type = bytes[pos++]!;
  if (type & 0x80) return fail('Q931_BAD_MESSAGE_TYPE', `message type octet 0x${type.toString(16)} has bit 8 set`);
  const national = type === 0x00;

  const message: Q931Message = {
    callRef: { length: crLength, flag, value },
    type,
    national,
    name: national ? undefined : (MESSAGE_TYPES as Readonly<Record<number, MessageName>>)[type],
    ies: [],
    callingNumbers: [],
    causes: [],
    progress: [],
    sendingComplete: false,
    problems: [],
  };
  if (national) {
    message.nationalBody = bytes.subarray(pos);
    return { ok: true, message };
  }

  let locked = 0;
  let once: number | undefined;
  while (pos < bytes.length) {
    const offset = pos;
    const id = bytes[pos]!;
    const codeset = once ?? locked;
    if (id & 0x80) {
      pos++;
      if ((id & 0xf0) === SINGLE_OCTET.SHIFT) {
        const target = id & 0x07;
        if (id & 0x08) once = target;
        else {
          locked = target;
          once = undefined;
        }
        continue;
      }
      once = undefined;
      message.ies.push({ codeset, id, offset, contents: bytes.subarray(pos, pos), single: true });
      if (codeset === 0 && id === SINGLE_OCTET.SENDING_COMPLETE) message.sendingComplete = true;
      continue;
    }
    if (pos + 1 >= bytes.length) return fail('Q931_IE_TRUNCATED', `IE 0x${hex(id)} at offset ${offset} has no length octet`);
    const length = bytes[pos + 1]!;
    const start = pos + 2;
    if (start + length > bytes.length) {
      return fail('Q931_IE_TRUNCATED', `IE 0x${hex(id)} at offset ${offset} claims ${length} octets; ${bytes.length - start} remain`);
    }
    const contents = bytes.subarray(start, start + length);
    pos = start + length;
    once = undefined;
    message.ies.push({ codeset, id, offset, contents, single: false });
    if (codeset === 0 && id === IE.SEGMENTED_MESSAGE) {
      message.segment = bytes.subarray(pos);
      break;
    }
    if (codeset === 0) interpret(message, id, offset, contents);
  }
  return { ok: true, message };
}

function interpret(m: Q931Message, id: number, offset: number, c: Uint8Array): void {
  const take = <T>(r: IeResult<T>, use: (v: T) => void) => {
    if (r.ok) use(r.value);
    else m.problems.push({ code: 'Q931_IE_INVALID', ie: id, offset, detail: r.detail });
  };
  switch (id) {
    case IE.BEARER_CAPABILITY:
      return take(decodeBearerCapability(c), (v) => (m.bearer ??= v));
    case IE.CHANNEL_ID:
      return take(decodeChannelId(c), (v) => (m.channel ??= v));
    case IE.CALLING_NUMBER:
      return take(decodeCallingNumber(c), (v) => m.callingNumbers.push(v));
    case IE.CALLED_NUMBER:
      return take(decodeCalledNumber(c), (v) => (m.called ??= v));
    case IE.CONNECTED_NUMBER:
      return take(decodeCallingNumber(c), (v) => (m.connected ??= v));
    case IE.CAUSE:
      return take(decodeCause(c), (v) => m.causes.push(v));
    case IE.PROGRESS:
      return take(decodeProgress(c), (v) => m.progress.push(v));
    case IE.DISPLAY:
      return take(decodeDisplay(c), (v) => (m.display ??= v));
    case IE.KEYPAD:
      return take(decodeKeypad(c), (v) => (m.keypad ??= v));
    default:
      return;
  }
}

function hex(b: number): string {
  return b.toString(16).padStart(2, '0');
}

// ---------------------------------------------------------------------------------------
// Call events

/** Where a decoded message came from: what `DChannel` emits, or any object of that shape. */
export interface Q931Source {
  direction: Direction;
  lapd?: Pick<LapdFrame, 'tei'>;
  /** Absent (a frame without Q.931): no events. */
  q931?: Q931Message;
  at?: string;
}

export type CallDirection = 'incoming' | 'outgoing';
export type ChannelRef = 'B1' | 'B2' | number;

interface CallEventBase {
  /** The call reference value. */
  callRef: number;
  /**
   * A key that names the call on this D channel: the network allocates call references for
   * incoming calls (`in:5`); each terminal allocates its own for outgoing ones, so the TEI
   * is part of those (`out:64:5`; TEI 0 on a PRI or point-to-point BRI).
   */
  callKey: string;
  /** Who set up the call, read from the call reference flag and the message's direction. */
  direction: CallDirection;
  /** The message the event came from. */
  message: MessageName;
  at?: string;
}

export type CallEvent =
  | (CallEventBase & {
      kind: 'setup';
      calling?: string;
      called?: string;
      presentation: Presentation;
      channel?: ChannelRef;
      /** Every calling party number IE, when there was more than one (user- and network-provided). */
      callingNumbers?: PartyNumber[];
      display?: string;
      /** The called number is complete (sending complete IE): no overlap digits follow. */
      complete: boolean;
    })
  | (CallEventBase & { kind: 'proceeding'; channel?: ChannelRef })
  | (CallEventBase & { kind: 'alerting'; channel?: ChannelRef })
  | (CallEventBase & { kind: 'connect'; channel?: ChannelRef; connected?: string })
  | (CallEventBase & { kind: 'digits'; digits: string; complete: boolean })
  | (CallEventBase & { kind: 'disconnect'; cause?: Cause })
  | (CallEventBase & { kind: 'release'; cause?: Cause });

/** The single B channel a channel identification names, if it names exactly one. */
export function channelRef(id: ChannelId | undefined): ChannelRef | undefined {
  if (id === undefined || id.dChannel) return undefined;
  if (id.selection === 'B1' || id.selection === 'B2') return id.selection;
  if (id.selection === 'indicated' && id.channels?.length === 1) return id.channels[0];
  return undefined;
}

/**
 * Turns one decoded message into call events (zero or one today). Pure: the call's
 * direction comes from the call reference flag (0 = sent by the side that allocated it)
 * and the message's direction, so every message of a call, not only its SETUP, knows
 * whether the call is incoming or outgoing. Messages on the dummy or global call
 * reference, and message types without a call event (CONNECT ACKNOWLEDGE, STATUS, ...),
 * give none.
 */
export function q931Events(src: Q931Source): CallEvent[] {
  const m = src.q931;
  if (m === undefined || m.callRef.length === 0 || m.callRef.value === 0 || m.name === undefined) return [];
  const sentByOriginator = m.callRef.flag === 0;
  const networkOriginated = sentByOriginator === (src.direction === 'from-network');
  const direction: CallDirection = networkOriginated ? 'incoming' : 'outgoing';
  const callKey = networkOriginated ? `in:${m.callRef.value}` : `out:${src.lapd?.tei ?? 0}:${m.callRef.value}`;
  const base: CallEventBase = { callRef: m.callRef.value, callKey, direction, message: m.name };
  if (src.at !== undefined) base.at = src.at;
  const channel = channelRef(m.channel);
  const withChannel = <T extends object>(e: T): T & { channel?: ChannelRef } => (channel === undefined ? e : { ...e, channel });

  switch (m.type) {
    case MT.SETUP: {
      const calling = m.callingNumbers[0];
      const e: CallEvent = {
        ...base,
        kind: 'setup',
        presentation: calling?.presentation ?? 'unavailable',
        complete: m.sendingComplete,
      };
      if (calling !== undefined && calling.digits !== '') e.calling = calling.digits;
      if (m.called !== undefined && m.called.digits !== '') e.called = m.called.digits;
      if (channel !== undefined) e.channel = channel;
      if (m.callingNumbers.length > 1) e.callingNumbers = m.callingNumbers;
      if (m.display !== undefined) e.display = m.display;
      return [e];
    }
    case MT.CALL_PROCEEDING:
    case MT.SETUP_ACKNOWLEDGE:
      return [withChannel({ ...base, kind: 'proceeding' as const })];
    case MT.ALERTING:
      return [withChannel({ ...base, kind: 'alerting' as const })];
    case MT.CONNECT: {
      const e = withChannel({ ...base, kind: 'connect' as const }) as CallEvent & { kind: 'connect' };
      if (m.connected !== undefined && m.connected.digits !== '') e.connected = m.connected.digits;
      return [e];
    }
    case MT.INFORMATION: {
      // Overlap dialling: digits travel in a called party number IE (DSS1) or a keypad IE.
      const digits = m.called?.digits ?? m.keypad ?? '';
      if (digits === '' && !m.sendingComplete) return [];
      return [{ ...base, kind: 'digits', digits, complete: m.sendingComplete }];
    }
    case MT.DISCONNECT:
      return [withCause({ ...base, kind: 'disconnect' as const }, m.causes[0])];
    case MT.RELEASE:
    case MT.RELEASE_COMPLETE:
      return [withCause({ ...base, kind: 'release' as const }, m.causes[0])];
    default:
      return [];
  }
}

function withCause<T extends object>(e: T, cause: Cause | undefined): T & { cause?: Cause } {
  return cause === undefined ? e : { ...e, cause };
}

/**
 * Encodes a Q.931 message: the transmit side, for simulators and tests. `ies` are whole IEs
 * as `encodeIe` (or a single octet such as 0xA1, or a shift) writes them, in order.
 */
export function encodeQ931(callRef: CallReference, type: number, ies: readonly (Uint8Array | number)[] = []): Uint8Array {
  const out: number[] = [Q931_PD, callRef.length & 0x0f];
  for (let i = callRef.length - 1; i >= 0; i--) {
    let b = (callRef.value >> (8 * i)) & 0xff;
    if (i === callRef.length - 1) b = (b & 0x7f) | (callRef.flag << 7);
    out.push(b);
  }
  out.push(type & 0xff);
  for (const ie of ies) {
    if (typeof ie === 'number') out.push(ie & 0xff);
    else for (const b of ie) out.push(b);
  }
  return Uint8Array.from(out);
}
