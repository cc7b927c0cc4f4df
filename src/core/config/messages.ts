// The wording of every config problem. A problem is read by a technician in a server room:
// it names the field, says what is wrong with the value found, and what would be right.
// Nothing here knows about zod; schema.ts and checks.ts call these to build their reasons.

import { suggest } from './suggest.js';

export type PathSegment = string | number;

/** One problem in a config file: `path` is the field, `reason` what is wrong with it. */
export interface ConfigProblem {
  /** The field as an operator writes it: `lines[1].channel`; empty for the whole file. */
  readonly path: string;
  readonly reason: string;
}

/** A problem before its path is formatted; `at` is the path as segments. */
export interface Finding {
  readonly at: readonly PathSegment[];
  readonly reason: string;
  /** A required key that is not there. */
  readonly missing?: boolean;
  /** For an unknown key: the known key it is probably a misspelling of. */
  readonly meant?: string;
}

const PLAIN_KEY = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/** `['lines', 1, 'channel']` → `lines[1].channel`. Odd keys are quoted: `capture["a b"]`. */
export function formatPath(path: readonly PathSegment[]): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (PLAIN_KEY.test(segment)) out += out === '' ? segment : `.${segment}`;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out;
}

/** A value as found in the file, for use after "not": `the text "8000"`, `the number 5`. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'an empty value';
  if (typeof value === 'string') return value === '' ? 'empty text' : `the text ${JSON.stringify(value)}`;
  if (typeof value === 'number') return `the number ${String(value)}`;
  if (typeof value === 'boolean') return `${String(value)} (a yes/no value)`;
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a section of key: value settings';
  return `a value of type ${typeof value}`;
}

/** A value quoted the way it would be written: `44100`, `"LPR-1"`. */
export function show(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value) : String(value);
}

/** `[8000, 16000]` → `8000 or 16000`; `[10, 20, 40]` → `10, 20 or 40`. */
export function orList(values: readonly unknown[]): string {
  const shown = values.map(show);
  if (shown.length <= 1) return shown.join('');
  return `${shown.slice(0, -1).join(', ')} or ${shown[shown.length - 1]}`;
}

export interface RangeSpec {
  readonly min: number;
  readonly max?: number;
  /** Shown after the range: `ms`, `MB`, `bit/s`. */
  readonly unit?: string;
}

/** `20–2000 ms`, `0 or more MB`. */
export function rangeText({ min, max, unit }: RangeSpec): string {
  const span = max === undefined ? `${min} or more` : `${min}–${max}`;
  return unit ? `${span} ${unit}` : span;
}

export const say = {
  missing: (expects: string) => `is missing (expected ${expects})`,
  missingSection: (required: readonly string[]) =>
    required.length > 0
      ? `this section is missing; it needs at least: ${required.join(', ')}`
      : 'this section is missing',
  emptySection: (required: readonly string[], known: readonly string[]) =>
    required.length > 0
      ? `this section is empty; it needs at least: ${required.join(', ')}`
      : `this section is empty; remove it, or set some of: ${known.join(', ')}`,
  empty: (expects: string) => `is empty (expected ${expects})`,

  /** `wanted` is the kind of value the schema takes: `number`, `string`, `object`, … */
  wrongType(expects: string, value: unknown, wanted: string): string {
    let hint = '';
    if (wanted === 'number' && typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) {
      hint = ' (write numbers without quotes)';
    } else if (wanted === 'string' && (typeof value === 'number' || typeof value === 'boolean')) {
      hint = ` (put it in quotes to make it text: "${String(value)}")`;
    }
    return `must be ${expects}, not ${describeValue(value)}${hint}`;
  },

  notFinite: (value: number) => `${String(value)} is not a usable number`,
  notWhole: (value: number, range: RangeSpec) => `${value} must be a whole number (${rangeText(range)})`,
  outOfRange: (value: number, range: RangeSpec) => `${value} is out of range (${rangeText(range)})`,
  notMultiple: (value: number, of: number, why: string) => `${value} must be a multiple of ${of} (${why})`,
  notOneOf: (value: unknown, allowed: readonly unknown[], unit?: string) =>
    `${show(value)} is not supported; use ${orList(allowed)}${unit ? ` (${unit})` : ''}`,

  notLogLevel(value: string, levels: readonly string[]): string {
    const guess = suggest(value, levels);
    const hint = guess ? ` (did you mean "${guess}"?)` : '';
    return `${show(value)} is not a log level; use one of ${levels.join(', ')}${hint}`;
  },

  badName(value: string, why: string): string {
    const lower = value.toLowerCase();
    const hint = lower !== value && NAME_PATTERN.test(lower) ? ` (did you mean "${lower}"?)` : '';
    return (
      `${show(value)} is not allowed: use only lowercase letters a–z, digits and "-", ` +
      `not starting with "-", at most 63 characters, because ${why}${hint}`
    );
  },

  unknownKey(key: string, known: readonly string[], isSection: boolean, guess = suggest(key, known)): string {
    const what = isSection ? 'unknown section' : 'unknown key';
    if (guess) return `${what} (did you mean "${guess}"?)`;
    return `${what}; the known ${isSection ? 'sections' : 'keys'} here are: ${known.join(', ')}`;
  },

  emptyList: (what: string) => `the list is empty; at least one ${what} is needed`,
  longList: (count: number, max: number, what: string) => `has ${count} entries; at most ${max} ${what} are allowed`,

  channelTooHigh(channel: number, channels: number): string {
    const valid = channels === 1 ? 'so the only channel is 0' : `so channels are 0–${channels - 1}`;
    return `${channel} is out of range (capture.channels is ${channels}, ${valid})`;
  },
  fractionalChannel: (channel: number) => `${channel} must be a whole number (channels are numbered 0, 1, 2, …)`,
  negativeChannel: (channel: number) => `${channel} is out of range (channels are numbered from 0)`,
  duplicateId: (id: string, first: string) => `${show(id)} is already the id of ${first}; each line needs its own id`,
  duplicateChannel: (channel: number, first: string, firstId: unknown) =>
    `channel ${channel} is already used by ${first}${typeof firstId === 'string' ? ` (${show(firstId)})` : ''}; ` +
    'two lines cannot share a channel',

  offNotBelowOn: (off: number, on: string) =>
    `${off} must be below ${on}: the voice detector must switch off at a lower level than it switches on`,
  onNotAboveOff: (on: number, off: string) =>
    `${on} must be above ${off}: the voice detector must switch off at a lower level than it switches on`,

  /** A value that is not one of a few words: `"modme" is not a signalling source type; use line-unit, modem or isdn (did you mean "modem"?)`. */
  notAWord(value: string, what: string, words: readonly string[]): string {
    const guess = suggest(value, words);
    const hint = guess ? ` (did you mean "${guess}"?)` : '';
    return `${show(value)} is not ${what}; use ${orList(words).replaceAll('"', '')}${hint}`;
  },

  stopCodeTooLong: (code: string, max: number) =>
    `${show(code)} is ${[...code].length} keys long; a stop code is 1–${max} DTMF keys (0–9, *, #, A–D), or "" to turn the code off`,
  notDtmfKeys(code: string, bad: readonly string[]): string {
    const upper = code.toUpperCase();
    const hint = upper !== code && /^[0-9*#A-D]+$/.test(upper) ? ` (did you mean "${upper}"?)` : '';
    const which = bad.length === 1 ? `${show(bad[0])}, which is not a DTMF key` : `${orList(bad).replace(' or ', ' and ')}, which are not DTMF keys`;
    return `${show(code)} has ${which}; use only 0–9, *, # and A–D, or "" to turn the code off${hint}`;
  },

  unquotedCode: (value: number) =>
    `must be written in quotes, such as "10", not as the number ${String(value)}: unquoted, YAML reads digits as a number ` +
    'and drops leading zeros (00 becomes 0)',
  badCode: (value: string) => `${show(value)} is not a code; a code is 1–4 digits 0–9, such as "10"`,
  duplicateCode: (code: string, first: string) => `${show(code)} is already listed at ${first}; list each code once`,
  codeInBoth: (code: string, other: string) =>
    `${show(code)} is also listed in ${other}; a code cannot mean both "withheld" and "unavailable"`,

  notDevicePath: (value: string) =>
    `${show(value)} is not a device path; write the full path, such as "/dev/ttyUSB0" ` +
    '(a /dev/serial/by-id/… path stays the same when adapters are replugged)',
  noSignalledLines: () =>
    'maps no lines; map at least one of the source\'s lines to a line id, such as { "1": line-1 }',
  badSignalKey: (key: string, type: string, valid: string, hint?: string) =>
    `${show(key)} is not a line of ${/^[aeiou]/.test(type) ? 'an' : 'a'} ${type} source; use ${valid}${hint ? ` (${hint})` : ''}`,
  dChannelTimeslot: (key: string) =>
    `${show(key)} is not a line of an isdn source: timeslot 16 of an E1 PRI carries the D-channel itself, never a call; ` +
    'use the timeslots 1–15 and 17–31, or "B1" and "B2" on a BRI',
  mixedIsdnKeys: (bri: readonly string[], pri: readonly string[]) =>
    `mixes BRI channels (${bri.join(', ')}) with PRI timeslots (${pri.join(', ')}); ` +
    'one D-channel trace is either a BRI (B1, B2) or a PRI (timeslots 1–31)',
  modemLines: (count: number) =>
    `maps ${count} lines; a modem reports the one line it is plugged into: map it as { "1": <line id> }`,
  unknownLine(id: string, ids: readonly string[]): string {
    const guess = suggest(id, ids);
    if (guess) return `${show(id)} is not the id of any line (did you mean "${guess}"?)`;
    return ids.length > 0
      ? `${show(id)} is not the id of any line; the lines are: ${ids.join(', ')}`
      : `${show(id)} is not the id of any line`;
  },
  lineMappedTwice: (id: string, first: string) =>
    `${show(id)} is already mapped by ${first}; a line takes its signalling from one source, once`,
  sharedPort: (port: string, first: string) =>
    `${show(port)} is already the port of ${first}; two sources cannot share a serial port`,

  unreadableKey(written: string, resolved: string, reason: string): string {
    const where = written === resolved ? resolved : `${JSON.stringify(written)}, resolved to ${resolved}`;
    return `cannot read the public key file ${where}: ${reason}`;
  },
} as const;

/** Lowercase letters, digits and dashes, not starting with a dash, 1–63 characters. */
export const NAME_PATTERN = /^[a-z0-9][a-z0-9-]{0,62}$/;

/** An OS error as a technician reads it: `no such file or directory (ENOENT)`. */
export function osReason(err: unknown): string {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  const text = code ? OS_REASONS[code] : undefined;
  if (code && text) return `${text} (${code})`;
  if (err instanceof Error) return err.message;
  return String(err);
}

const OS_REASONS: Record<string, string> = {
  ENOENT: 'no such file or directory',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EISDIR: 'it is a directory, not a file',
  ENOTDIR: 'a part of the path is not a directory',
  ELOOP: 'too many levels of symbolic links',
  ENAMETOOLONG: 'the path is too long',
  EIO: 'input/output error (a failing disk?)',
  EMFILE: 'too many open files',
  ENFILE: 'too many open files in the system',
};
