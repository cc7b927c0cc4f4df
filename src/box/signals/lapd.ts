/**
 * LAPD (ITU-T Q.921 / ETSI EN 300 402) frame decoder: the layer-2 wrapper around every
 * D-channel message. Pure: bytes in, a frame or a typed error out; never throws.
 *
 * A trace line holds the frame as the controller delivered it: address, control and
 * information fields, with the HDLC flags, bit stuffing and FCS already removed.
 *
 *   address  octet 1: SAPI (6 bits) | C/R | EA0 = 0
 *            octet 2: TEI (7 bits)        | EA1 = 1
 *   control  I frame: N(S) << 1 | 0,        N(R) << 1 | P      (2 octets, modulo 128)
 *            S frame: 0000 SS 01,            N(R) << 1 | P/F    (2 octets; RR, RNR, REJ)
 *            U frame: MMM P/F MM 11                               (1 octet; UI, SABME, ...)
 *
 * Only I frames and UI frames carry an information field a layer-3 protocol reads; Q.931
 * travels on SAPI 0 (`carriesLayer3`).
 */

/** SAPI 0: call control (Q.931). */
export const SAPI_CALL_CONTROL = 0;
/** SAPI 63: layer-2 management (TEI assignment). */
export const SAPI_MANAGEMENT = 63;
/** TEI 127: broadcast data link (an incoming SETUP on a point-to-multipoint BRI arrives here). */
export const TEI_BROADCAST = 127;
/** N201: the largest information field Q.921 allows on the D channel. */
export const LAPD_MAX_INFO = 260;

export type Direction = 'to-network' | 'from-network';

export type SFrameKind = 'RR' | 'RNR' | 'REJ';
export type UFrameKind = 'UI' | 'SABME' | 'DM' | 'DISC' | 'UA' | 'FRMR' | 'XID';

export type LapdControl =
  | { format: 'I'; ns: number; nr: number; poll: boolean }
  | { format: 'S'; kind: SFrameKind; nr: number; pf: boolean }
  | { format: 'U'; kind: UFrameKind; pf: boolean };

export interface LapdFrame {
  sapi: number;
  /** The C/R bit as sent. Whether it marks a command depends on the sender (`lapdRole`). */
  cr: 0 | 1;
  tei: number;
  control: LapdControl;
  /** The information field (empty for S frames and most U frames); a view into the input. */
  info: Uint8Array;
}

export type LapdErrorCode =
  /** fewer octets than an address and a control field need */
  | 'LAPD_TOO_SHORT'
  /** EA0 is not 0 or EA1 is not 1: not a two-octet LAPD address */
  | 'LAPD_BAD_ADDRESS'
  /** a control field Q.921 does not define */
  | 'LAPD_BAD_CONTROL'
  /** an information field where the frame type allows none, or longer than N201 */
  | 'LAPD_BAD_LENGTH';

export interface LapdError {
  code: LapdErrorCode;
  detail: string;
}

export type LapdResult = { ok: true; frame: LapdFrame } | { ok: false; error: LapdError };

const S_KINDS: Readonly<Record<number, SFrameKind>> = { 0x01: 'RR', 0x05: 'RNR', 0x09: 'REJ' };
// U frame modifier with the P/F bit (0x10) masked off.
const U_KINDS: Readonly<Record<number, UFrameKind>> = {
  0x03: 'UI',
  0x6f: 'SABME',
  0x0f: 'DM',
  0x43: 'DISC',
  0x63: 'UA',
  0x87: 'FRMR',
  0xaf: 'XID',
};
// U frames that may carry an information field.
const U_WITH_INFO: ReadonlySet<UFrameKind> = new Set(['UI', 'FRMR', 'XID']);

function fail(code: LapdErrorCode, detail: string): LapdResult {
  return { ok: false, error: { code, detail } };
}

/** Decodes one LAPD frame (without flags or FCS). */
export function decodeLapd(bytes: Uint8Array): LapdResult {
  if (bytes.length < 3) return fail('LAPD_TOO_SHORT', `${bytes.length} octets; a frame has at least 3`);
  const a0 = bytes[0]!;
  const a1 = bytes[1]!;
  if ((a0 & 0x01) !== 0 || (a1 & 0x01) !== 1) {
    return fail('LAPD_BAD_ADDRESS', `address ${hex(a0)} ${hex(a1)}: EA0 must be 0 and EA1 1`);
  }
  const sapi = a0 >> 2;
  const cr = ((a0 >> 1) & 1) as 0 | 1;
  const tei = a1 >> 1;
  const c0 = bytes[2]!;

  let control: LapdControl;
  let infoStart: number;
  if ((c0 & 0x01) === 0) {
    if (bytes.length < 4) return fail('LAPD_TOO_SHORT', 'I frame without its second control octet');
    const c1 = bytes[3]!;
    control = { format: 'I', ns: c0 >> 1, nr: c1 >> 1, poll: (c1 & 1) === 1 };
    infoStart = 4;
  } else if ((c0 & 0x03) === 0x01) {
    const kind = S_KINDS[c0];
    if (kind === undefined) return fail('LAPD_BAD_CONTROL', `S frame control ${hex(c0)}`);
    if (bytes.length < 4) return fail('LAPD_TOO_SHORT', `${kind} without its second control octet`);
    const c1 = bytes[3]!;
    control = { format: 'S', kind, nr: c1 >> 1, pf: (c1 & 1) === 1 };
    infoStart = 4;
  } else {
    const kind = U_KINDS[c0 & 0xef];
    if (kind === undefined) return fail('LAPD_BAD_CONTROL', `U frame control ${hex(c0)}`);
    control = { format: 'U', kind, pf: (c0 & 0x10) !== 0 };
    infoStart = 3;
  }

  const infoLength = bytes.length - infoStart;
  const infoAllowed = control.format === 'I' || (control.format === 'U' && U_WITH_INFO.has(control.kind));
  if (infoLength > 0 && !infoAllowed) {
    return fail('LAPD_BAD_LENGTH', `${infoLength} octets of information in a ${control.format === 'S' ? control.kind : control.format === 'U' ? control.kind : 'I'} frame`);
  }
  if (infoLength > LAPD_MAX_INFO) return fail('LAPD_BAD_LENGTH', `information field of ${infoLength} octets exceeds N201 (${LAPD_MAX_INFO})`);
  return { ok: true, frame: { sapi, cr, tei, control, info: bytes.subarray(infoStart) } };
}

/**
 * Command or response, from the C/R bit and who sent the frame (Q.921 table 1): the network
 * sends commands with C/R = 1, the user side with C/R = 0; responses the other way round.
 */
export function lapdRole(cr: 0 | 1, direction: Direction): 'command' | 'response' {
  const fromNetwork = direction === 'from-network';
  return (cr === 1) === fromNetwork ? 'command' : 'response';
}

/**
 * The direction an I or UI frame must have travelled in: both are always commands, so the
 * C/R bit alone names the sender. `undefined` for frames that may be either.
 */
export function impliedDirection(frame: LapdFrame): Direction | undefined {
  const c = frame.control;
  if (c.format === 'I' || (c.format === 'U' && c.kind === 'UI')) return frame.cr === 1 ? 'from-network' : 'to-network';
  return undefined;
}

/**
 * True for the frames whose information field is a Q.931 message: I, or UI with the P bit 0
 * (Q.921 sends UI with P = 0; Wireshark does not read a UI with P = 1 as Q.931 either), on
 * SAPI 0, with a non-empty information field.
 */
export function carriesLayer3(frame: LapdFrame): boolean {
  const c = frame.control;
  return frame.sapi === SAPI_CALL_CONTROL && (c.format === 'I' || (c.format === 'U' && c.kind === 'UI' && !c.pf)) && frame.info.length > 0;
}

function hex(b: number): string {
  return b.toString(16).padStart(2, '0');
}

const S_CODES: Readonly<Record<SFrameKind, number>> = { RR: 0x01, RNR: 0x05, REJ: 0x09 };
const U_CODES: Readonly<Record<UFrameKind, number>> = { UI: 0x03, SABME: 0x6f, DM: 0x0f, DISC: 0x43, UA: 0x63, FRMR: 0x87, XID: 0xaf };

/**
 * Encodes a LAPD frame: the transmit side, for simulators and tests. Values are masked to
 * their field widths; it does not police Q.921 (an S frame with information is encodable).
 */
export function encodeLapd(f: { sapi: number; cr: 0 | 1; tei: number; control: LapdControl; info?: Uint8Array }): Uint8Array {
  const c = f.control;
  const head =
    c.format === 'I'
      ? [(c.ns & 0x7f) << 1, ((c.nr & 0x7f) << 1) | (c.poll ? 1 : 0)]
      : c.format === 'S'
        ? [S_CODES[c.kind], ((c.nr & 0x7f) << 1) | (c.pf ? 1 : 0)]
        : [U_CODES[c.kind] | (c.pf ? 0x10 : 0)];
  const info = f.info ?? new Uint8Array(0);
  const out = new Uint8Array(2 + head.length + info.length);
  out[0] = ((f.sapi & 0x3f) << 2) | ((f.cr & 1) << 1);
  out[1] = ((f.tei & 0x7f) << 1) | 1;
  out.set(head, 2);
  out.set(info, 2 + head.length);
  return out;
}
