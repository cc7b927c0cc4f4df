// DTMF caller ID (CLIP): the calling number sent as DTMF digits before the first ring, as in
// Finland, Sweden, Denmark, Iceland and the Netherlands (ETSI EN 300 659-1 Annex B lists the
// DTMF-based variants; the exchange sends the burst after a polarity reversal or a ring alert and
// rings 200-500 ms after it).
//
// Two layers, as spandsp's adsi.c: a PURE parser over the digits of one burst
// (`parseDtmfClip`), and an incremental one (`createDtmfClipParser` / `dtmfClipRx`) that is fed
// the DtmfEvents of dtmf.ts and cuts the digit stream into bursts. Neither throws on bad input:
// a malformed burst gives a result with status 'error' and a reason, and is counted.
//
// FORMS (F is a field letter, the field's digits 0-9 follow it):
//   C-terminated (Sweden, Finland): one or more of  A<number>  D<redirecting number>  B<info code>
//       in any order, each at most once, then C.  e.g. A0401234567C, A0401234567D0912345C, B10C
//   #-terminated (Denmark):  A<number>#  or  D<info code>#.  e.g. A0401234567#, D1#
// Info codes say why there is no number. Operators differ (spandsp's adsi.h reads B00 as
// private and B10 as unavailable; the Swedish P8 description in Teltone's TLE-A manual and most
// CPE firmware read them the other way round), so the codes are options, with the defaults of
// the box's configuration (`clip.withheldCodes` / `clip.unavailableCodes`, Finnish practice):
//   withheldCodes    default ['10']   B10C: the caller restricted presentation
//   unavailableCodes default ['00']   B00C: the number is not available
// Danish exchanges send D1# (restricted), D2# (international call), D3# (technical reasons):
// for them add '1' to withheldCodes and '2', '3' to unavailableCodes.
// An info code in neither list gives status 'unknown-code' (with the code in `info`).
//
// BURSTS (incremental parser): a burst is digits with short gaps. It closes at its terminator
// (C or #), or when no digit starts within maxGapMs of the end of the last one (then it has no
// terminator and is an error 'no-end'), or at dtmfClipFlush. Any key may open a burst; one that
// does not open with a field letter is an error 'no-start'.

import type { DtmfEvent } from './dtmf.js';
import { DTMF_SAMPLE_RATES } from './dtmf.js';

export type ClipDtmfStatus = 'ok' | 'withheld' | 'unavailable' | 'unknown-code';

/** Why a burst is malformed. */
export type ClipDtmfErrorReason =
  /** No digits at all. */
  | 'empty'
  /** The burst does not open with a field letter (A, B or D; A or D before #). */
  | 'no-start'
  /** No terminator (C or #): the burst was cut off by a gap or the end of the stream. */
  | 'no-end'
  /** A digit that cannot be in a field (* in a number), or a character that is not a DTMF key. */
  | 'bad-digit'
  /** A field letter the form does not have (B before #, two fields before #). */
  | 'bad-field'
  /** The same field twice. */
  | 'repeated-field'
  /** A field letter with no digits after it. */
  | 'empty-field'
  /** A field longer than maxDigits, or a burst that grew past any well-formed length. */
  | 'too-long'
  /** Digits after the terminator. */
  | 'trailing';

export type ClipDtmfResult =
  | {
      readonly status: ClipDtmfStatus;
      /** Calling number (field A). */
      readonly number?: string;
      /** Redirecting (diverting) number (field D of the C form). */
      readonly redirecting?: string;
      /** Info code (field B of the C form, D of the # form). */
      readonly info?: string;
      /** The burst's digits as received, terminator included. */
      readonly raw: string;
    }
  | { readonly status: 'error'; readonly reason: ClipDtmfErrorReason; readonly detail: string; readonly raw: string };

/** A result of the incremental parser: where the burst's first and last digits began. */
export type ClipDtmfBurst = ClipDtmfResult & { readonly atSample: number; readonly lastDigitAt: number };

export const CLIP_DTMF_DEFAULTS = Object.freeze({
  withheldCodes: Object.freeze(['10']) as readonly string[],
  unavailableCodes: Object.freeze(['00']) as readonly string[],
  /** 20 digits per field: the longest E.164 number is 15, ETSI allows up to 20 in CLIP. */
  maxDigits: 20,
  sampleRate: 8000,
  /** A burst ends when no digit starts within 300 ms of the end of the last one (digits are sent
   * 50-70 ms on, 50-70 ms off; the first ring follows ≥ 200 ms after the burst). */
  maxGapMs: 300,
  /**
   * 100 ms: how long after a digit starts the receiver may report it (dtmf.ts: minOnMs + 10 ms).
   * A burst is closed by its gap only once nothing that started within the gap can still come.
   */
  latencyMs: 100,
});

export interface ClipDtmfOptions {
  withheldCodes?: readonly string[];
  unavailableCodes?: readonly string[];
  maxDigits?: number;
}

export interface ClipDtmfParserOptions extends ClipDtmfOptions {
  /** 8000 or 16000: the rate of the sample positions in the events (default 8000). */
  sampleRate?: number;
  maxGapMs?: number;
  latencyMs?: number;
}

export type ClipDtmfConfig = Readonly<Required<ClipDtmfParserOptions>>;

const PARSE_OPTIONS = ['withheldCodes', 'unavailableCodes', 'maxDigits'];
const PARSER_OPTIONS = new Set([...PARSE_OPTIONS, 'sampleRate', 'maxGapMs', 'latencyMs']);

function bad(name: string, must: string, got: unknown): TypeError {
  return new TypeError(`clip-dtmf: ${name} must be ${must}, got ${JSON.stringify(got)}`);
}

/** Validates options and fills defaults; throws a TypeError naming the bad option. */
export function resolveClipDtmfOptions(opts: ClipDtmfParserOptions = {}): ClipDtmfConfig {
  if (typeof opts !== 'object' || opts === null) throw new TypeError('clip-dtmf: options must be an object');
  for (const k of Object.keys(opts)) {
    if (!PARSER_OPTIONS.has(k)) throw new TypeError(`clip-dtmf: unknown option ${k}`);
  }
  const c = {
    withheldCodes: opts.withheldCodes ?? CLIP_DTMF_DEFAULTS.withheldCodes,
    unavailableCodes: opts.unavailableCodes ?? CLIP_DTMF_DEFAULTS.unavailableCodes,
    maxDigits: opts.maxDigits ?? CLIP_DTMF_DEFAULTS.maxDigits,
    sampleRate: opts.sampleRate ?? CLIP_DTMF_DEFAULTS.sampleRate,
    maxGapMs: opts.maxGapMs ?? CLIP_DTMF_DEFAULTS.maxGapMs,
    latencyMs: opts.latencyMs ?? CLIP_DTMF_DEFAULTS.latencyMs,
  };
  for (const k of ['withheldCodes', 'unavailableCodes'] as const) {
    const v = c[k];
    if (!Array.isArray(v) || !v.every((x) => typeof x === 'string' && /^[0-9]{1,20}$/.test(x))) {
      throw bad(k, 'an array of digit strings', v);
    }
  }
  const both = c.withheldCodes.filter((x) => c.unavailableCodes.includes(x));
  if (both.length > 0) throw bad('unavailableCodes', 'disjoint from withheldCodes', both);
  if (!Number.isInteger(c.maxDigits) || c.maxDigits < 1 || c.maxDigits > 64) throw bad('maxDigits', 'an integer from 1 to 64', c.maxDigits);
  if (!(DTMF_SAMPLE_RATES as readonly number[]).includes(c.sampleRate)) throw bad('sampleRate', '8000 or 16000', c.sampleRate);
  for (const k of ['maxGapMs', 'latencyMs'] as const) {
    if (typeof c[k] !== 'number' || !Number.isFinite(c[k]) || c[k] <= 0) throw bad(k, 'a positive number of milliseconds', c[k]);
  }
  return Object.freeze({
    ...c,
    withheldCodes: Object.freeze([...c.withheldCodes]),
    unavailableCodes: Object.freeze([...c.unavailableCodes]),
  });
}

function fail(reason: ClipDtmfErrorReason, detail: string, raw: string): ClipDtmfResult {
  return { status: 'error', reason, detail, raw };
}

/**
 * Parses the digits of one burst, terminator included (e.g. 'A0401234567C'). Never throws on
 * the digits; throws a TypeError only for bad options.
 */
export function parseDtmfClip(raw: string, opts: ClipDtmfOptions = {}): ClipDtmfResult {
  return parseWith(raw, resolveClipDtmfOptions(opts));
}

function parseWith(raw: string, c: ClipDtmfConfig): ClipDtmfResult {
  if (typeof raw !== 'string') return fail('bad-digit', 'not a string', String(raw));
  const s = raw.toUpperCase();
  if (s.length === 0) return fail('empty', 'no digits', raw);
  const badChar = [...s].find((ch) => !'0123456789*#ABCD'.includes(ch));
  if (badChar !== undefined) return fail('bad-digit', `not a DTMF key: ${JSON.stringify(badChar)}`, raw);

  let end = -1;
  for (let i = 0; i < s.length; i++) {
    if (s[i] === 'C' || s[i] === '#') {
      end = i;
      break;
    }
  }
  const form = end >= 0 ? s[end]! : '';
  const letters = form === '#' ? 'AD' : 'ABD';
  if (!letters.includes(s[0]!)) {
    return fail('no-start', `opens with ${JSON.stringify(s[0])}, not a field letter (${[...letters].join(', ')})`, raw);
  }
  if (end < 0) return fail('no-end', 'no terminator (C or #)', raw);
  if (end < s.length - 1) return fail('trailing', `${s.length - 1 - end} digit(s) after the terminator ${form}`, raw);

  const fields = new Map<string, string>();
  let field = '';
  for (let i = 0; i < end; i++) {
    const ch = s[i]!;
    if (ch >= '0' && ch <= '9') {
      const v = fields.get(field)! + ch;
      if (v.length > c.maxDigits) return fail('too-long', `field ${field} longer than ${c.maxDigits} digits`, raw);
      fields.set(field, v);
    } else if (ch === '*') {
      return fail('bad-digit', `* in field ${field}`, raw);
    } else if (!letters.includes(ch)) {
      return fail('bad-field', `field ${ch} before ${form}`, raw);
    } else if (fields.has(ch)) {
      return fail('repeated-field', `field ${ch} twice`, raw);
    } else {
      if (field !== '' && fields.get(field) === '') return fail('empty-field', `field ${field} has no digits`, raw);
      if (form === '#' && fields.size > 0) return fail('bad-field', `a second field (${ch}) before #`, raw);
      field = ch;
      fields.set(ch, '');
    }
  }
  if (fields.get(field) === '') return fail('empty-field', `field ${field} has no digits`, raw);

  const number = fields.get('A');
  const redirecting = form === 'C' ? fields.get('D') : undefined;
  const info = form === 'C' ? fields.get('B') : fields.get('D');
  let status: ClipDtmfStatus = 'ok';
  if (info !== undefined) {
    status = c.withheldCodes.includes(info) ? 'withheld' : c.unavailableCodes.includes(info) ? 'unavailable' : 'unknown-code';
  }
  return {
    status,
    ...(number !== undefined && { number }),
    ...(redirecting !== undefined && { redirecting }),
    ...(info !== undefined && { info }),
    raw,
  };
}

export interface ClipDtmfCounters {
  /** Bursts closed (each gives one result). */
  bursts: number;
  ok: number;
  withheld: number;
  unavailable: number;
  unknownCode: number;
  /** Bursts that gave an error result. */
  malformed: number;
}

export interface ClipDtmfParserState {
  readonly config: ClipDtmfConfig;
  readonly maxGapSamples: number;
  readonly latencySamples: number;
  /** Longest well-formed burst: three full fields, their letters and the terminator. */
  readonly maxBurst: number;
  /** Digits of the open burst ('' when none is open). */
  digits: string;
  /** Where the open burst's first and last digits began. */
  atSample: number;
  lastAt: number;
  /** Where the last digit's tone ended, or −1 while it is still on. */
  lastEnd: number;
  readonly counters: ClipDtmfCounters;
}

export function createDtmfClipParser(opts: ClipDtmfParserOptions = {}): ClipDtmfParserState {
  const config = resolveClipDtmfOptions(opts);
  const ms = (x: number) => Math.round((x * config.sampleRate) / 1000);
  return {
    config,
    maxGapSamples: ms(config.maxGapMs),
    latencySamples: ms(config.latencyMs),
    maxBurst: 3 * (config.maxDigits + 1) + 1,
    digits: '',
    atSample: 0,
    lastAt: 0,
    lastEnd: -1,
    counters: { bursts: 0, ok: 0, withheld: 0, unavailable: 0, unknownCode: 0, malformed: 0 },
  };
}

/**
 * Feeds the receiver's events (in order) and the stream position they were returned at (the
 * receiver's `samples`). Returns the bursts they closed. Which digits make up a burst depends
 * only on the digits' times, not on when the events arrive.
 */
export function dtmfClipRx(p: ClipDtmfParserState, events: readonly DtmfEvent[], nowSample: number): ClipDtmfBurst[] {
  const out: ClipDtmfBurst[] = [];
  for (const e of events) {
    if (e.type === 'end') {
      if (p.digits !== '' && e.atSample === p.lastAt) p.lastEnd = e.endSample;
      continue;
    }
    if (p.digits !== '' && p.lastEnd >= 0 && e.atSample - p.lastEnd > p.maxGapSamples) close(p, out);
    if (p.digits === '') p.atSample = e.atSample;
    p.digits += e.digit;
    p.lastAt = e.atSample;
    p.lastEnd = -1;
    if (e.digit === 'C' || e.digit === '#' || p.digits.length > p.maxBurst) close(p, out);
  }
  if (p.digits !== '' && p.lastEnd >= 0 && nowSample - p.lastEnd > p.maxGapSamples + p.latencySamples) close(p, out);
  return out;
}

/** The stream is over (or the line was seized, ringing started): closes an open burst. */
export function dtmfClipFlush(p: ClipDtmfParserState): ClipDtmfBurst[] {
  const out: ClipDtmfBurst[] = [];
  if (p.digits !== '') close(p, out);
  return out;
}

/** Zeroes the counters; an open burst is kept. */
export function dtmfClipResetCounters(p: ClipDtmfParserState): void {
  const c = p.counters;
  c.bursts = c.ok = c.withheld = c.unavailable = c.unknownCode = c.malformed = 0;
}

function close(p: ClipDtmfParserState, out: ClipDtmfBurst[]): void {
  const r =
    p.digits.length > p.maxBurst
      ? fail('too-long', `burst longer than ${p.maxBurst} digits`, p.digits)
      : parseWith(p.digits, p.config);
  const c = p.counters;
  c.bursts++;
  if (r.status === 'error') c.malformed++;
  else if (r.status === 'ok') c.ok++;
  else if (r.status === 'withheld') c.withheld++;
  else if (r.status === 'unavailable') c.unavailable++;
  else c.unknownCode++;
  out.push({ ...r, atSample: p.atSample, lastDigitAt: p.lastAt });
  p.digits = '';
  p.lastEnd = -1;
}
