// One line of a Hayes voice modem's output, as a pure function. Caller ID in formatted
// presentation (AT+VCID=1, IS-101 / TIA-602; AT#CID=1 on Rockwell-family chips) is a block of
// "<TAG> = <value>" lines after the first RING (docs/signals-serial.md has the sources):
//
//   RING
//   DATE = 0321        MMDD
//   TIME = 1405        HHMM, 24 h
//   NMBR = 0401234567  or P (private) or O (out of area); DDN_NMBR on some chips
//   NAME = A N OTHER   or P / O
//   MESG = 110101      an MDMF parameter the modem did not know, as hex: tag, length, data[, checksum]
//   RING

export type HayesResultCode = 'OK' | 'ERROR' | 'NO CARRIER' | 'BUSY' | 'NO DIALTONE' | 'NO ANSWER' | 'CONNECT';
export type CallerIdStatus = 'ok' | 'withheld' | 'unavailable';

export type HayesField =
  | { tag: 'DATE'; value: string }
  | { tag: 'TIME'; value: string }
  | { tag: 'NMBR'; number?: string; status: CallerIdStatus }
  | { tag: 'NAME'; name?: string }
  /** reason for absence of number (MDMF 0x04) or name (0x08); other parameters carry nothing we use */
  | { tag: 'MESG'; numberAbsent?: 'withheld' | 'unavailable'; nameAbsent?: boolean };

export type HayesLine =
  | { kind: 'ring' }
  | { kind: 'result'; code: HayesResultCode }
  /** a command echoed back (echo on); carries nothing and does not end a caller-ID block */
  | { kind: 'echo' }
  | { kind: 'ignored' }
  | { kind: 'field'; field: HayesField }
  /** the tag was recognised but the value is not valid; `tag` tells how much the block can trust */
  | { kind: 'malformed'; tag?: HayesField['tag'] }
  | { kind: 'unknown' };

export interface HayesFormatOptions {
  /** shortest calling number accepted (default 3): a shorter one is more likely a fragment */
  minNumberDigits?: number;
}

const FIELD_RE = /^(DATE|TIME|NMBR|DDN_NMBR|DDN|NAME|MESG) ?= ?(.*)$/;
const TAG_INSIDE_RE = /(?:DATE|TIME|NMBR|NAME|MESG) ?=/;
const RESULTS = new Set<string>(['OK', 'ERROR', 'NO CARRIER', 'BUSY', 'NO DIALTONE', 'NO ANSWER']);
const WITHHELD = new Set(['P', 'PRIVATE', 'ANONYMOUS', 'WITHHELD']);
const UNAVAILABLE = new Set(['O', 'OUT OF AREA', 'OUT-OF-AREA', 'UNAVAILABLE', 'UNKNOWN']);

export function parseHayesLine(line: string, opts: HayesFormatOptions = {}): HayesLine {
  const text = line.trim();
  if (text === 'RING') return { kind: 'ring' };
  if (RESULTS.has(text)) return { kind: 'result', code: text as HayesResultCode };
  if (text === 'NO DIAL TONE') return { kind: 'result', code: 'NO DIALTONE' };
  if (/^CONNECT(?: [\x20-\x7e]*)?$/.test(text)) return { kind: 'result', code: 'CONNECT' };
  if (/^AT/i.test(text)) return { kind: 'echo' };
  if (/^DRO[NF]=\d+$/.test(text)) return { kind: 'ignored' }; // distinctive-ring cadence (+VDR)
  const m = FIELD_RE.exec(text);
  if (!m) return { kind: 'unknown' };
  const tag = m[1]!.startsWith('DDN') ? 'NMBR' : (m[1] as HayesField['tag']);
  const value = m[2]!.trim();
  // "NAME=ARCHER L       NMBR=5071234567": two fields on one line cannot be split safely
  const field = TAG_INSIDE_RE.test(value) ? undefined : parseField(tag, value, opts.minNumberDigits ?? 3);
  return field ? { kind: 'field', field } : { kind: 'malformed', tag };
}

function parseField(tag: HayesField['tag'], v: string, minDigits: number): HayesField | undefined {
  switch (tag) {
    case 'DATE': {
      const m = /^(\d\d)(\d\d)$/.exec(v);
      const [mo, d] = [Number(m?.[1]), Number(m?.[2])];
      return m && mo >= 1 && mo <= 12 && d >= 1 && d <= 31 ? { tag, value: v } : undefined;
    }
    case 'TIME': {
      const m = /^(\d\d)(\d\d)$/.exec(v);
      return m && Number(m[1]) <= 23 && Number(m[2]) <= 59 ? { tag, value: v } : undefined;
    }
    case 'NMBR': {
      const word = v.toUpperCase();
      if (WITHHELD.has(word)) return { tag, status: 'withheld' };
      if (UNAVAILABLE.has(word)) return { tag, status: 'unavailable' };
      const digits = v.startsWith('+') ? v.slice(1) : v;
      if (!/^\d+$/.test(digits) || digits.length < minDigits || digits.length > 20) return undefined;
      return { tag, number: v, status: 'ok' };
    }
    case 'NAME': {
      const word = v.toUpperCase();
      if (WITHHELD.has(word) || UNAVAILABLE.has(word)) return { tag };
      return v.length >= 1 && v.length <= 50 && /^[\x20-\x7e\xa0-\xff]+$/.test(v) ? { tag, name: v } : undefined;
    }
    case 'MESG':
      return mesg(v);
  }
}

/** MESG = <tag><length><data>[<checksum>], printable hex. Only reasons for absence are used. */
function mesg(v: string): HayesField | undefined {
  if (!/^(?:[0-9A-Fa-f]{2}){2,}$/.test(v)) return undefined;
  const bytes = Buffer.from(v, 'hex');
  const [param, len] = [bytes[0]!, bytes[1]!];
  if (bytes.length !== 2 + len && bytes.length !== 3 + len) return undefined;
  const data = bytes.subarray(2, 2 + len).toString('latin1');
  if (param === 0x04 && len === 1) {
    if (data === 'P') return { tag: 'MESG', numberAbsent: 'withheld' };
    if (data === 'O') return { tag: 'MESG', numberAbsent: 'unavailable' };
    return undefined;
  }
  if (param === 0x08 && len === 1) return data === 'P' || data === 'O' ? { tag: 'MESG', nameAbsent: true } : undefined;
  return { tag: 'MESG' };
}
