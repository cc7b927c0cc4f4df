// One line of a CallerID.com "Whozz Calling?" unit's serial output, as a pure function.
// Formats (docs/signals-serial.md has the sources): detail events ("d" toggle) and the
// comprehensive call record ("X" toggle), each optionally led by "$" ("c" toggle):
//
//   01 R             11/07 07:43:52                                  detail, 31 chars
//   01 I S 0276 G B3 09/26 11:28 AM 800-555-1212   AT&T INFORMATIO   call record, 62 chars
//
// Columns are fixed; a line of the wrong width or with any field out of range yields nothing.

export type WhozzDetailKind = 'ring' | 'off-hook' | 'on-hook' | 'flash';
export type NumberStatus = 'ok' | 'withheld' | 'unavailable';

export interface WhozzDetail {
  kind: WhozzDetailKind;
  /** the unit's own line number (01–99, set on the unit); mapping to line ids happens later */
  unitLine: number;
  /** 'MMDD' and 'HHMMSS' (24 h) from the unit's clock; absent while the clock is unset (00/00) */
  date?: string;
  time?: string;
}

export interface WhozzCall {
  kind: 'call';
  unitLine: number;
  direction: 'in' | 'out';
  /** a record is sent when the call starts, when it ends, or both ("A"/"S" toggles) */
  phase: 'start' | 'end';
  /** off-hook to on-hook, seconds; end records only */
  durationS?: number;
  /** rings counted before answer (single digit on the wire) and distinctive-ring type; end records only */
  rings?: number;
  ringType?: 'A' | 'B' | 'C' | 'D';
  /** the unit's verdict on the caller-ID signal's own checksum; on 'bad' no number or name is given */
  cidChecksum: 'good' | 'bad';
  /** 'MMDD' and 'HHMM' (24 h) when the call began; absent while the unit's clock is unset */
  date?: string;
  time?: string;
  /** inbound: calling number; outbound: the dialled digits. Digits (and * # outbound) only. */
  number?: string;
  /** 'withheld' ("Private"), 'unavailable' ("Out-of-Area", "No-CallerID"), 'ok' when a number is given */
  numberStatus?: NumberStatus;
  /** inbound caller name; never set on outbound records (that field holds digits dialled after a pause) */
  name?: string;
}

export type WhozzRecord = WhozzDetail | WhozzCall;

export interface WhozzFormatOptions {
  /** order of the date field: 'MD' as in every CallerID.com example (default), 'DM' if a unit shows day first */
  dateOrder?: 'MD' | 'DM';
  /** accept call records whose trailing name padding was stripped (46–61 chars); see the docs */
  trimmedPadding?: boolean;
}

export type WhozzParse =
  | { ok: true; record: WhozzRecord }
  | { ok: false; reason: 'malformed' | 'unknown' | 'ignored' | 'width' };

const DETAIL_RE = /^(\d\d) ([RFNH]) {13}(\d\d\/\d\d) (\d\d):(\d\d):(\d\d)$/;
const CALL_HEAD_RE = /^\d\d [IO] [SE] \d{4} [GB] [A-D0]\d \d\d\/\d\d \d\d:\d\d [AP]M /;
const CALL_RE = /^(\d\d) ([IO]) ([SE]) (\d{4}) ([GB]) ([A-D0])(\d) (\d\d\/\d\d) (\d\d):(\d\d) ([AP]M) (.{14}) (.{15})$/;
const DETAIL_KIND = { R: 'ring', F: 'off-hook', N: 'on-hook', H: 'flash' } as const;
const CALL_WIDTH = 62;
const NUMBER_END = 46; // the number field ends at column 46: shorter lines cannot be trusted

type Fail = { ok: false; reason: 'malformed' };
const MALFORMED: Fail = { ok: false, reason: 'malformed' };
const pad2 = (n: number) => String(n).padStart(2, '0');

export function parseWhozzLine(line: string, opts: WhozzFormatOptions = {}): WhozzParse {
  let body = line.charCodeAt(0) === 0x24 /* $ */ ? line.slice(1) : line;
  const d = DETAIL_RE.exec(body);
  if (d) return detail(d, opts);
  if (CALL_HEAD_RE.test(body)) {
    if (body.length !== CALL_WIDTH) {
      if (!opts.trimmedPadding || body.length < NUMBER_END || body.length > CALL_WIDTH) return { ok: false, reason: 'width' };
      body = body.padEnd(CALL_WIDTH, ' ');
    }
    const c = CALL_RE.exec(body);
    return c ? call(c, opts) : MALFORMED;
  }
  if (/^V\d+\.\d+ /.test(body)) return { ok: false, reason: 'ignored' }; // "V" command: version and toggles
  return { ok: false, reason: 'unknown' };
}

function unitLine(s: string): number | undefined {
  const n = Number(s);
  return n >= 1 ? n : undefined;
}

/** 'MM/DD' → 'MMDD'; null for the unset clock (00/00); undefined when invalid. */
function date(s: string, order: 'MD' | 'DM' = 'MD'): string | null | undefined {
  if (s === '00/00') return null;
  const a = Number(s.slice(0, 2));
  const b = Number(s.slice(3, 5));
  const [m, day] = order === 'MD' ? [a, b] : [b, a];
  if (m < 1 || m > 12 || day < 1 || day > 31) return undefined;
  return pad2(m) + pad2(day);
}

function detail(m: RegExpExecArray, opts: WhozzFormatOptions): WhozzParse {
  const line = unitLine(m[1]!);
  const day = date(m[3]!, opts.dateOrder);
  const [h, min, s] = [Number(m[4]), Number(m[5]), Number(m[6])];
  if (line === undefined || day === undefined || h > 23 || min > 59 || s > 59) return MALFORMED;
  const record: WhozzDetail = { kind: DETAIL_KIND[m[2] as keyof typeof DETAIL_KIND], unitLine: line };
  if (day !== null) {
    record.date = day;
    record.time = m[4]! + m[5]! + m[6]!;
  }
  return { ok: true, record };
}

function call(m: RegExpExecArray, opts: WhozzFormatOptions): WhozzParse {
  const line = unitLine(m[1]!);
  const direction = m[2] === 'I' ? 'in' : 'out';
  const phase = m[3] === 'S' ? 'start' : 'end';
  const day = date(m[8]!, opts.dateOrder);
  let hour = Number(m[9]);
  const minute = Number(m[10]);
  if (line === undefined || day === undefined || minute > 59 || hour > 12) return MALFORMED;
  if (day !== null && hour === 0) return MALFORMED; // a set clock reads 12:xx, never 00:xx, on a 12-hour dial
  if (hour === 12) hour = 0;
  if (m[11] === 'PM') hour += 12;
  const num = numberField(m[12]!.trim(), direction);
  const name = direction === 'in' ? nameField(m[13]!.trim()) : null;
  if (num === undefined || name === undefined) return MALFORMED;

  const record: WhozzCall = { kind: 'call', unitLine: line, direction, phase, cidChecksum: m[5] === 'G' ? 'good' : 'bad' };
  if (phase === 'end') {
    record.durationS = Number(m[4]);
    record.rings = Number(m[7]);
    if (m[6] !== '0') record.ringType = m[6] as 'A' | 'B' | 'C' | 'D';
  }
  if (day !== null) {
    record.date = day;
    record.time = pad2(hour) + m[10]!;
  }
  if (record.cidChecksum === 'good') {
    if (num) Object.assign(record, num);
    if (name) record.name = name;
  }
  return { ok: true, record };
}

type NumberPart = { number?: string; numberStatus: NumberStatus } | null;

/** null: the field is empty; undefined: the field is invalid. */
function numberField(v: string, direction: 'in' | 'out'): NumberPart | undefined {
  if (v === '') return null;
  const word = v.toLowerCase();
  if (word === 'private') return { numberStatus: 'withheld' };
  if (word === 'out-of-area' || word === 'no-callerid') return { numberStatus: 'unavailable' };
  const digits = direction === 'in' ? /^\d+(?:-\d+)*$/ : /^[\d*#]+(?:-[\d*#]+)*$/;
  if (!digits.test(v)) return undefined;
  return { number: v.replaceAll('-', ''), numberStatus: 'ok' };
}

function nameField(v: string): string | null | undefined {
  if (v === '') return null;
  const word = v.toLowerCase();
  if (word === 'private' || word === 'out-of-area') return null;
  return /^[\x20-\x7e\xa0-\xff]+$/.test(v) ? v : undefined;
}
