/**
 * Q.931 information-element decoders (ITU-T Q.931, Q.850; ETSI EN 300 403-1): one pure
 * function per IE, each given the IE's contents (the octets after identifier and length)
 * and returning the decoded value or a reason. An IE whose octets do not follow the coding
 * is never half-decoded: the caller gets `{ ok: false }` and drops it.
 *
 * Spare bits are ignored, as Q.931 asks of a receiver; reserved *code points* that change the
 * meaning of a field (presentation indicator 11, a channel number outside 1..31) make the IE
 * invalid.
 */

/** Codeset-0 IE identifiers this module decodes, and the others a trace commonly shows. */
export const IE = {
  /** Q.931 annex H: the rest of the message is a segment of a longer one, not IEs. */
  SEGMENTED_MESSAGE: 0x00,
  BEARER_CAPABILITY: 0x04,
  CAUSE: 0x08,
  CALL_IDENTITY: 0x10,
  CALL_STATE: 0x14,
  CHANNEL_ID: 0x18,
  FACILITY: 0x1c,
  PROGRESS: 0x1e,
  NETWORK_FACILITIES: 0x20,
  NOTIFICATION: 0x27,
  DISPLAY: 0x28,
  DATE_TIME: 0x29,
  KEYPAD: 0x2c,
  SIGNAL: 0x34,
  CONNECTED_NUMBER: 0x4c,
  CALLING_NUMBER: 0x6c,
  CALLING_SUBADDRESS: 0x6d,
  CALLED_NUMBER: 0x70,
  CALLED_SUBADDRESS: 0x71,
  REDIRECTING_NUMBER: 0x74,
  TRANSIT_NETWORK: 0x78,
  RESTART_INDICATOR: 0x79,
  LOW_LAYER_COMPAT: 0x7c,
  HIGH_LAYER_COMPAT: 0x7d,
  USER_USER: 0x7e,
} as const;

/** Single-octet IEs (bit 8 set); the low nibble or octet carries their value. */
export const SINGLE_OCTET = {
  /** 1001 L CCC: shift to codeset CCC; L = 1 non-locking (next IE only). */
  SHIFT: 0x90,
  MORE_DATA: 0xa0,
  SENDING_COMPLETE: 0xa1,
  CONGESTION_LEVEL: 0xb0,
  REPEAT_INDICATOR: 0xd0,
} as const;

export type IeResult<T> = { ok: true; value: T } | { ok: false; detail: string };

const ok = <T>(value: T): IeResult<T> => ({ ok: true, value });
const bad = <T>(detail: string): IeResult<T> => ({ ok: false, detail });
const ext = (b: number) => (b & 0x80) !== 0;

export type CodingStandard = 'itu-t' | 'iso-iec' | 'national' | 'network-specific';
const CODING: readonly CodingStandard[] = ['itu-t', 'iso-iec', 'national', 'network-specific'];

// ---------------------------------------------------------------------------------------
// Party numbers: calling (0x6C), called (0x70), connected (0x4C)

export type TypeOfNumber = 'unknown' | 'international' | 'national' | 'network-specific' | 'subscriber' | 'abbreviated' | 'reserved';
const TON: readonly TypeOfNumber[] = ['unknown', 'international', 'national', 'network-specific', 'subscriber', 'reserved', 'abbreviated', 'reserved'];

export type NumberingPlan = 'unknown' | 'isdn' | 'data' | 'telex' | 'national' | 'private' | 'reserved';
const NPI: Readonly<Record<number, NumberingPlan>> = { 0: 'unknown', 1: 'isdn', 3: 'data', 4: 'telex', 8: 'national', 9: 'private' };

export type Presentation = 'allowed' | 'restricted' | 'unavailable';
const PRESENTATION: readonly (Presentation | undefined)[] = ['allowed', 'restricted', 'unavailable', undefined];

export type Screening = 'user-not-screened' | 'user-verified-passed' | 'user-verified-failed' | 'network';
const SCREENING: readonly Screening[] = ['user-not-screened', 'user-verified-passed', 'user-verified-failed', 'network'];

export interface PartyNumber {
  /** The digits as signalled: IA5 `0`–`9`, `*`, `#`; may be empty (e.g. presentation restricted). */
  digits: string;
  typeOfNumber: TypeOfNumber;
  numberingPlan: NumberingPlan;
  /** Octet 3a; when the IE omits it, Q.931 says to assume presentation allowed. */
  presentation: Presentation;
  /** Octet 3a; absent when the IE omits it. */
  screening?: Screening;
}

const DIGIT_OK = (b: number) => (b >= 0x30 && b <= 0x39) || b === 0x2a || b === 0x23;

function digitsOf(c: Uint8Array, from: number, what: string): IeResult<string> {
  let s = '';
  for (let i = from; i < c.length; i++) {
    const b = c[i]!;
    if (!DIGIT_OK(b)) return bad(`${what}: octet ${i + 3} (0x${b.toString(16).padStart(2, '0')}) is not an IA5 digit, * or #`);
    s += String.fromCharCode(b);
  }
  return ok(s);
}

/**
 * Calling or connected party number: octet 3 (type of number, numbering plan), octet 3a
 * (presentation, screening) when octet 3's extension bit is 0, then digits.
 */
export function decodeCallingNumber(c: Uint8Array): IeResult<PartyNumber> {
  if (c.length < 1) return bad('calling number: empty');
  const o3 = c[0]!;
  let presentation: Presentation = 'allowed';
  let screening: Screening | undefined;
  let i = 1;
  if (!ext(o3)) {
    if (c.length < 2) return bad('calling number: octet 3a missing');
    const o3a = c[1]!;
    if (!ext(o3a)) return bad('calling number: octet 3a does not end the group');
    const p = PRESENTATION[(o3a >> 5) & 3];
    if (p === undefined) return bad('calling number: reserved presentation indicator');
    presentation = p;
    screening = SCREENING[o3a & 3]!;
    i = 2;
  }
  const digits = digitsOf(c, i, 'calling number');
  if (!digits.ok) return digits;
  const n: PartyNumber = { digits: digits.value, typeOfNumber: TON[(o3 >> 4) & 7]!, numberingPlan: NPI[o3 & 0x0f] ?? 'reserved', presentation };
  if (screening !== undefined) n.screening = screening;
  return ok(n);
}

/** Called party number: octet 3 (type of number, numbering plan; extension bit 1), digits. */
export function decodeCalledNumber(c: Uint8Array): IeResult<PartyNumber> {
  if (c.length < 1) return bad('called number: empty');
  const o3 = c[0]!;
  if (!ext(o3)) return bad('called number: octet 3 must end its group');
  const digits = digitsOf(c, 1, 'called number');
  if (!digits.ok) return digits;
  return ok({ digits: digits.value, typeOfNumber: TON[(o3 >> 4) & 7]!, numberingPlan: NPI[o3 & 0x0f] ?? 'reserved', presentation: 'allowed' });
}

// ---------------------------------------------------------------------------------------
// Channel identification (0x18)

export type ChannelSelection = 'none' | 'B1' | 'B2' | 'any' | 'indicated';

export interface ChannelId {
  interfaceType: 'basic' | 'primary';
  /** Only the indicated channel is acceptable (otherwise it is preferred). */
  exclusive: boolean;
  /** The D channel is indicated. */
  dChannel: boolean;
  /** Octet 3.1, when the interface is identified explicitly. */
  interfaceId?: number;
  selection: ChannelSelection;
  /** Primary rate, channel indicated by number: the time slots (E1: 1..31; T1: 1..24). */
  channels?: number[];
  /** Primary rate, channel indicated by slot map: the map octets as sent. */
  slotMap?: Uint8Array;
  /** Primary rate: octet 3.2's coding standard; channel numbers are read for ITU-T only. */
  codingStandard?: CodingStandard;
}

const B_CHANNEL_UNITS = 0x3;
const BRI_SELECTION: readonly ChannelSelection[] = ['none', 'B1', 'B2', 'any'];
const PRI_SELECTION: readonly ChannelSelection[] = ['none', 'indicated', 'none', 'any']; // 10 is reserved, refused above

/**
 * Channel identification. Basic rate: octet 3 alone (B1, B2, any, none). Primary rate with
 * "as indicated in the following octets": octet 3.2 (coding standard, number/map, channel
 * type) and 3.3 (channel numbers, extension bit 1 on the last, or a slot map).
 */
export function decodeChannelId(c: Uint8Array): IeResult<ChannelId> {
  if (c.length < 1) return bad('channel id: empty');
  const o3 = c[0]!;
  if (!ext(o3)) return bad('channel id: octet 3 must end its group');
  const primary = (o3 & 0x20) !== 0;
  const sel = o3 & 0x03;
  if (primary && sel === 2) return bad('channel id: reserved channel selection');
  const id: ChannelId = {
    interfaceType: primary ? 'primary' : 'basic',
    exclusive: (o3 & 0x08) !== 0,
    dChannel: (o3 & 0x04) !== 0,
    selection: (primary ? PRI_SELECTION : BRI_SELECTION)[sel]!,
  };
  let i = 1;
  if (o3 & 0x40) {
    // Octet 3.1: interface identifier, extension-terminated.
    let v = 0;
    let n = 0;
    for (;;) {
      if (i >= c.length) return bad('channel id: interface identifier runs past the end');
      const b = c[i++]!;
      if (++n > 4) return bad('channel id: interface identifier longer than 4 octets');
      v = v * 128 + (b & 0x7f);
      if (ext(b)) break;
    }
    id.interfaceId = v;
  }
  if (!primary || sel !== 1) {
    if (i !== c.length) return bad(`channel id: ${c.length - i} octet(s) after octet 3 where none belong`);
    return ok(id);
  }
  // Primary rate, channel indicated in octets 3.2 and 3.3.
  if (i >= c.length) return bad('channel id: octet 3.2 missing');
  const o32 = c[i++]!;
  if (!ext(o32)) return bad('channel id: octet 3.2 must end its group');
  id.codingStandard = CODING[(o32 >> 5) & 3]!;
  const map = (o32 & 0x10) !== 0;
  if (i >= c.length) return bad('channel id: octet 3.3 missing');
  if (map) {
    id.slotMap = c.slice(i);
    return ok(id);
  }
  const channels: number[] = [];
  for (;;) {
    if (i >= c.length) return bad('channel id: channel number list runs past the end');
    const b = c[i++]!;
    channels.push(b & 0x7f);
    if (ext(b)) break;
  }
  if (i !== c.length) return bad(`channel id: ${c.length - i} octet(s) after the channel numbers`);
  if (id.codingStandard === 'itu-t' && (o32 & 0x0f) === B_CHANNEL_UNITS) {
    for (const ch of channels) if (ch < 1 || ch > 31) return bad(`channel id: channel number ${ch} outside 1..31`);
    id.channels = channels;
  }
  return ok(id);
}

// ---------------------------------------------------------------------------------------
// Cause (0x08), Q.850

export type CauseLocation =
  | 'user'
  | 'private-local'
  | 'public-local'
  | 'transit'
  | 'public-remote'
  | 'private-remote'
  | 'international'
  | 'beyond-interworking'
  | 'reserved';
const LOCATION: Readonly<Record<number, CauseLocation>> = {
  0: 'user',
  1: 'private-local',
  2: 'public-local',
  3: 'transit',
  4: 'public-remote',
  5: 'private-remote',
  7: 'international',
  10: 'beyond-interworking',
};

/** Q.850 cause values (the ones a trunk line shows in practice). */
export const CAUSE_NAMES: Readonly<Record<number, string>> = Object.freeze({
  1: 'unallocated number',
  2: 'no route to specified transit network',
  3: 'no route to destination',
  6: 'channel unacceptable',
  7: 'call awarded and being delivered in an established channel',
  16: 'normal call clearing',
  17: 'user busy',
  18: 'no user responding',
  19: 'no answer from user (user alerted)',
  20: 'subscriber absent',
  21: 'call rejected',
  22: 'number changed',
  26: 'non-selected user clearing',
  27: 'destination out of order',
  28: 'invalid number format (address incomplete)',
  29: 'facility rejected',
  30: 'response to STATUS ENQUIRY',
  31: 'normal, unspecified',
  34: 'no circuit/channel available',
  38: 'network out of order',
  41: 'temporary failure',
  42: 'switching equipment congestion',
  43: 'access information discarded',
  44: 'requested circuit/channel not available',
  47: 'resource unavailable, unspecified',
  49: 'quality of service not available',
  50: 'requested facility not subscribed',
  57: 'bearer capability not authorized',
  58: 'bearer capability not presently available',
  63: 'service or option not available, unspecified',
  65: 'bearer capability not implemented',
  66: 'channel type not implemented',
  69: 'requested facility not implemented',
  79: 'service or option not implemented, unspecified',
  81: 'invalid call reference value',
  82: 'identified channel does not exist',
  88: 'incompatible destination',
  95: 'invalid message, unspecified',
  96: 'mandatory information element is missing',
  97: 'message type non-existent or not implemented',
  98: 'message not compatible with call state',
  99: 'information element non-existent or not implemented',
  100: 'invalid information element contents',
  101: 'message not compatible with call state',
  102: 'recovery on timer expiry',
  111: 'protocol error, unspecified',
  127: 'interworking, unspecified',
});

export interface Cause {
  codingStandard: CodingStandard;
  location: CauseLocation;
  /** Octet 3a, when present. */
  recommendation?: number;
  /** The cause value (7 bits); Q.850 meaning when `codingStandard` is `itu-t`. */
  value: number;
  /** Q.850 name, for ITU-T coded causes this module knows. */
  name?: string;
  /** Octets 5 onwards, as sent. */
  diagnostics: Uint8Array;
}

/** Cause: octet 3 (coding standard, location), optional 3a (recommendation), 4 (value), diagnostics. */
export function decodeCause(c: Uint8Array): IeResult<Cause> {
  if (c.length < 2) return bad('cause: shorter than 2 octets');
  const o3 = c[0]!;
  let i = 1;
  let recommendation: number | undefined;
  if (!ext(o3)) {
    const o3a = c[i++]!;
    if (!ext(o3a)) return bad('cause: octet 3a must end its group');
    recommendation = o3a & 0x7f;
  }
  if (i >= c.length) return bad('cause: octet 4 (cause value) missing');
  const o4 = c[i++]!;
  if (!ext(o4)) return bad('cause: octet 4 must end its group');
  const codingStandard = CODING[(o3 >> 5) & 3]!;
  const value = o4 & 0x7f;
  const cause: Cause = { codingStandard, location: LOCATION[o3 & 0x0f] ?? 'reserved', value, diagnostics: c.slice(i) };
  if (recommendation !== undefined) cause.recommendation = recommendation;
  const name = codingStandard === 'itu-t' ? CAUSE_NAMES[value] : undefined;
  if (name !== undefined) cause.name = name;
  return ok(cause);
}

// ---------------------------------------------------------------------------------------
// Bearer capability (0x04)

export type TransferCapability = 'speech' | 'unrestricted-digital' | 'restricted-digital' | '3.1khz-audio' | 'unrestricted-digital-tones' | 'video' | 'reserved';
const CAPABILITY: Readonly<Record<number, TransferCapability>> = {
  0x00: 'speech',
  0x08: 'unrestricted-digital',
  0x09: 'restricted-digital',
  0x10: '3.1khz-audio',
  0x11: 'unrestricted-digital-tones',
  0x18: 'video',
};
const RATE: Readonly<Record<number, string>> = { 0x00: 'packet', 0x10: '64k', 0x11: '2x64k', 0x13: '384k', 0x15: '1536k', 0x17: '1920k', 0x18: 'multirate' };
const L1: Readonly<Record<number, string>> = {
  1: 'v110',
  2: 'g711-ulaw',
  3: 'g711-alaw',
  4: 'g721',
  5: 'h221',
  6: 'h223',
  7: 'non-itu',
  8: 'v120',
  9: 'x31',
};

/**
 * Octets 3 onwards are read only under ITU-T coding; a bearer capability under another
 * coding standard carries just `codingStandard`.
 */
export interface BearerCapability {
  codingStandard: CodingStandard;
  capability?: TransferCapability;
  transferMode?: 'circuit' | 'packet' | 'reserved';
  /** `64k`, `2x64k`, ..., `packet`, `multirate`, or `reserved`. */
  rate?: string;
  /** Octet 4.1 with a multirate transfer. */
  multiplier?: number;
  /** User information layer 1 protocol (octet 5): `g711-alaw`, `g711-ulaw`, `v110`, ... */
  layer1?: string;
}

/**
 * Bearer capability: octets 3 and 4 (each ending its group: DSS1 has no 3a, 4a or 4b), 4.1
 * for multirate, then the layer 1/2/3 octet groups in order.
 */
export function decodeBearerCapability(c: Uint8Array): IeResult<BearerCapability> {
  if (c.length < 2) return bad('bearer capability: shorter than 2 octets');
  const o3 = c[0]!;
  const codingStandard = CODING[(o3 >> 5) & 3]!;
  if (codingStandard !== 'itu-t') return ok({ codingStandard });
  if (!ext(o3)) return bad('bearer capability: octet 3 must end its group');
  const o4 = c[1]!;
  if (!ext(o4)) return bad('bearer capability: octet 4 must end its group');
  const mode = (o4 >> 5) & 3;
  const bc: BearerCapability = {
    codingStandard,
    capability: CAPABILITY[o3 & 0x1f] ?? 'reserved',
    transferMode: mode === 0 ? 'circuit' : mode === 2 ? 'packet' : 'reserved',
    rate: RATE[o4 & 0x1f] ?? 'reserved',
  };
  let i = 2;
  if ((o4 & 0x1f) === 0x18) {
    if (i >= c.length) return bad('bearer capability: octet 4.1 (rate multiplier) missing');
    const o41 = c[i++]!;
    if (!ext(o41)) return bad('bearer capability: octet 4.1 must end its group');
    bc.multiplier = o41 & 0x7f;
  }
  let layer = 0;
  while (i < c.length) {
    const head = c[i++]!;
    const id = (head >> 5) & 3;
    if (id === 0 || id <= layer) return bad(`bearer capability: octet ${i + 2} is not a layer 1, 2 or 3 identification in order`);
    layer = id;
    if (id === 1) bc.layer1 = L1[head & 0x1f] ?? 'reserved';
    let g = head;
    while (!ext(g)) {
      if (i >= c.length) return bad(`bearer capability: layer ${id} octet group runs past the end`);
      g = c[i++]!;
    }
  }
  return ok(bc);
}

// ---------------------------------------------------------------------------------------
// Progress indicator (0x1E)

export interface Progress {
  codingStandard: CodingStandard;
  location: CauseLocation;
  /** 1 not end-to-end ISDN, 2 destination non-ISDN, 3 origination non-ISDN, 4 returned to ISDN, 5 interworking, 8 in-band information available. */
  description: number;
}

export function decodeProgress(c: Uint8Array): IeResult<Progress> {
  if (c.length !== 2) return bad(`progress: ${c.length} octets; it has 2`);
  const o3 = c[0]!;
  const o4 = c[1]!;
  if (!ext(o3) || !ext(o4)) return bad('progress: octets 3 and 4 must each end their group');
  return ok({ codingStandard: CODING[(o3 >> 5) & 3]!, location: LOCATION[o3 & 0x0f] ?? 'reserved', description: o4 & 0x7f });
}

// ---------------------------------------------------------------------------------------
// Display (0x28), keypad facility (0x2C): IA5 text

const PRINTABLE = (b: number) => b >= 0x20 && b <= 0x7e;

/**
 * Display: printable IA5 characters. (QSIG and some national variants put a character-set
 * octet with bit 8 set first; DSS1 does not, and skipping it would hide a corrupted first
 * character, so such a display is refused.)
 */
export function decodeDisplay(c: Uint8Array): IeResult<string> {
  return ia5(c, 0, 'display');
}

/** Keypad facility: IA5 characters (overlap-dialled digits, `*`/`#` codes). */
export function decodeKeypad(c: Uint8Array): IeResult<string> {
  return ia5(c, 0, 'keypad');
}

function ia5(c: Uint8Array, from: number, what: string): IeResult<string> {
  let s = '';
  for (let i = from; i < c.length; i++) {
    const b = c[i]!;
    if (!PRINTABLE(b)) return bad(`${what}: octet ${i + 3} (0x${b.toString(16).padStart(2, '0')}) is not a printable IA5 character`);
    s += String.fromCharCode(b);
  }
  return ok(s);
}

// ---------------------------------------------------------------------------------------
// Encoders: the transmit side, for simulators and tests. They write the codings the
// decoders above read; out-of-range values are masked, not refused.

const indexOf = <T>(table: readonly T[], v: T, fallback: number) => {
  const i = table.indexOf(v);
  return i < 0 ? fallback : i;
};
const keyOf = <T>(table: Readonly<Record<number, T>>, v: T, fallback: number) => {
  for (const [k, x] of Object.entries(table)) if (x === v) return Number(k);
  return fallback;
};
const ascii = (s: string) => Uint8Array.from(s, (ch) => ch.charCodeAt(0) & 0xff);

/** One variable-length IE: identifier, length, contents. */
export function encodeIe(id: number, contents: Uint8Array): Uint8Array {
  const out = new Uint8Array(2 + contents.length);
  out[0] = id & 0x7f;
  out[1] = contents.length & 0xff;
  out.set(contents, 2);
  return out;
}

export interface PartyNumberInit {
  digits: string;
  typeOfNumber?: TypeOfNumber;
  numberingPlan?: NumberingPlan;
  /** Calling/connected only: given (or `screening` given), octet 3a is written. */
  presentation?: Presentation;
  screening?: Screening;
}

function octet3(n: PartyNumberInit, last: boolean): number {
  return (last ? 0x80 : 0) | (indexOf(TON, n.typeOfNumber ?? 'unknown', 0) << 4) | keyOf(NPI, n.numberingPlan ?? 'isdn', 1);
}

/** Calling (0x6C) or connected (0x4C) party number contents. */
export function encodeCallingNumber(n: PartyNumberInit): Uint8Array {
  const with3a = n.presentation !== undefined || n.screening !== undefined;
  const head = with3a
    ? [octet3(n, false), 0x80 | (indexOf(PRESENTATION, n.presentation ?? 'allowed', 0) << 5) | indexOf(SCREENING, n.screening ?? 'user-not-screened', 0)]
    : [octet3(n, true)];
  return Uint8Array.from([...head, ...ascii(n.digits)]);
}

/** Called party number (0x70) contents. */
export function encodeCalledNumber(n: PartyNumberInit): Uint8Array {
  return Uint8Array.from([octet3(n, true), ...ascii(n.digits)]);
}

export interface ChannelIdInit {
  interfaceType: 'basic' | 'primary';
  exclusive?: boolean;
  dChannel?: boolean;
  interfaceId?: number;
  /** Basic: none/B1/B2/any. Primary: none/any, or give `channels`. */
  selection?: ChannelSelection;
  /** Primary rate time slots (written as a channel number list). */
  channels?: number[];
}

/** Channel identification (0x18) contents. */
export function encodeChannelId(c: ChannelIdInit): Uint8Array {
  const primary = c.interfaceType === 'primary';
  const selection = c.channels !== undefined ? 'indicated' : (c.selection ?? 'any');
  const sel = primary ? indexOf(PRI_SELECTION, selection, 3) : indexOf(BRI_SELECTION, selection, 3);
  const out = [0x80 | (c.interfaceId !== undefined ? 0x40 : 0) | (primary ? 0x20 : 0) | (c.exclusive ? 0x08 : 0) | (c.dChannel ? 0x04 : 0) | sel];
  if (c.interfaceId !== undefined) out.push(0x80 | (c.interfaceId & 0x7f));
  if (primary && c.channels !== undefined) {
    out.push(0x80 | B_CHANNEL_UNITS); // ITU-T coding, channel number, B-channel units
    c.channels.forEach((ch, i) => out.push((i === c.channels!.length - 1 ? 0x80 : 0) | (ch & 0x7f)));
  }
  return Uint8Array.from(out);
}

export interface CauseInit {
  value: number;
  location?: CauseLocation;
  codingStandard?: CodingStandard;
  recommendation?: number;
  diagnostics?: Uint8Array;
}

/** Cause (0x08) contents. */
export function encodeCause(c: CauseInit): Uint8Array {
  const o3 = (indexOf(CODING, c.codingStandard ?? 'itu-t', 0) << 5) | keyOf(LOCATION, c.location ?? 'user', 0);
  const head = c.recommendation === undefined ? [0x80 | o3] : [o3, 0x80 | (c.recommendation & 0x7f)];
  return Uint8Array.from([...head, 0x80 | (c.value & 0x7f), ...(c.diagnostics ?? [])]);
}

export interface BearerInit {
  capability?: TransferCapability;
  rate?: string;
  layer1?: string;
}

/** Bearer capability (0x04) contents: circuit mode, ITU-T coding. */
export function encodeBearerCapability(b: BearerInit = {}): Uint8Array {
  const out = [0x80 | keyOf(CAPABILITY, b.capability ?? 'speech', 0), 0x80 | keyOf(RATE, b.rate ?? '64k', 0x10)];
  if (b.layer1 !== undefined) out.push(0x80 | 0x20 | keyOf(L1, b.layer1, 3));
  return Uint8Array.from(out);
}

/** Progress indicator (0x1E) contents. */
export function encodeProgress(p: { description: number; location?: CauseLocation }): Uint8Array {
  return Uint8Array.from([0x80 | keyOf(LOCATION, p.location ?? 'user', 0), 0x80 | (p.description & 0x7f)]);
}

/** Display (0x28) or keypad (0x2C) contents: the text's characters as IA5 octets. */
export function encodeText(text: string): Uint8Array {
  return ascii(text);
}
