// The arguments of each signed command, checked before anything acts on them. A signature
// proves who sent a command, not that its arguments make sense: a bug at the centre must not
// reach retention or the recorder. Problems name the argument and never echo its value, since
// free text (a case reference, a reason) is not for logs or replies.

import { HOLD_REASONS, type HoldReason } from '../store/recording-record.js';
import { MAX_RETENTION_MONTHS, MIN_RETENTION_MONTHS } from '../../core/retention/index.js';
import type { CommandVerb } from '../../core/protocol/topics.js';

export interface CommandArgs {
  hold: { id: string; reason: HoldReason; caseRef: string; by: string } & ({ until: number; months?: undefined } | { months: number; until?: undefined });
  release: { id: string; by: string; caseRef?: string };
  delete: { id: string; by: string; reason: string };
  'stop-recording': { line: string; by: string };
  fetch: { id: string; from: number };
  'set-retention': { months: number; by: string };
  resync: { from: number };
  'led-test': { seconds: number };
}

export type ParsedCommand = { [V in CommandVerb]: { verb: V; args: CommandArgs[V] } }[CommandVerb];

export type ArgsResult = { ok: true; command: ParsedCommand } | { ok: false; detail: string };

/** Seconds the LED test runs when the command does not say. */
export const LED_TEST_DEFAULT_SECONDS = 10;
export const LED_TEST_MAX_SECONDS = 300;

// Recording ids are UUIDv7 today; any plain id is accepted so the format can change without a
// protocol change, but nothing that could smuggle structure into a log line or an audit target.
const ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
// Line ids are config names, which are MQTT topic segments.
const LINE = /^[a-z0-9][a-z0-9-]{0,62}$/;
// `by` becomes part of an audit actor (`central:<by>`): a staff user id, not free text.
const USER = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,127}$/;
const CONTROL = /[\u0000-\u001f\u007f]/;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
// ms since the epoch that a Date can hold: what the retention calendar accepts.
const MAX_EPOCH_MS = 8.64e15;

class BadArgs extends Error {}

/** Reads one command's flat args; every read marks the arg used, so leftovers are refused. */
class ArgReader {
  private readonly used = new Set<string>();

  constructor(private readonly args: Readonly<Record<string, string | number | boolean>>) {}

  has(name: string): boolean {
    return Object.hasOwn(this.args, name);
  }

  private take(name: string): unknown {
    this.used.add(name);
    return Object.hasOwn(this.args, name) ? this.args[name] : undefined;
  }

  string(name: string, pattern: RegExp, expects: string): string;
  string(name: string, pattern: RegExp, expects: string, optional: true): string | undefined;
  string(name: string, pattern: RegExp, expects: string, optional = false): string | undefined {
    const v = this.take(name);
    if (v === undefined && optional) return undefined;
    if (v === undefined) throw new BadArgs(`args.${name} is required: ${expects}`);
    if (typeof v !== 'string' || !pattern.test(v)) throw new BadArgs(`args.${name} must be ${expects}`);
    return v;
  }

  text(name: string, max: number, what: string, optional = false): string | undefined {
    const v = this.take(name);
    if (v === undefined && optional) return undefined;
    if (v === undefined) throw new BadArgs(`args.${name} is required: ${what}`);
    if (typeof v !== 'string' || v.trim() === '') throw new BadArgs(`args.${name} must be non-empty text: ${what}`);
    if (v.length > max) throw new BadArgs(`args.${name} is longer than ${max} characters`);
    if (CONTROL.test(v) || LONE_SURROGATE.test(v)) throw new BadArgs(`args.${name} must be plain text, without control characters or broken Unicode`);
    return v.trim();
  }

  int(name: string, min: number, max: number, fallback?: number): number {
    const v = this.take(name);
    if (v === undefined && fallback !== undefined) return fallback;
    if (v === undefined) throw new BadArgs(`args.${name} is required: a whole number from ${min} to ${max}`);
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min || v > max) throw new BadArgs(`args.${name} must be a whole number from ${min} to ${max}`);
    return v;
  }

  oneOf<T extends string>(name: string, values: readonly T[]): T {
    const v = this.take(name);
    if (v === undefined) throw new BadArgs(`args.${name} is required: one of ${values.join(', ')}`);
    if (typeof v !== 'string' || !(values as readonly string[]).includes(v)) throw new BadArgs(`args.${name} must be one of ${values.join(', ')}`);
    return v as T;
  }

  /** Anything not read is an argument this verb does not take: refused, not ignored. */
  done(): void {
    const extra = Object.keys(this.args).filter((k) => !this.used.has(k));
    if (extra.length > 0) throw new BadArgs(`args.${extra[0]!.slice(0, 64)} is not an argument of this command`);
  }
}

const RECORDING_ID = 'a recording id';
const USER_ID = 'the id of the staff user at the centre who asked';

function read(verb: CommandVerb, a: ArgReader): ParsedCommand {
  const id = () => a.string('id', ID, RECORDING_ID);
  const by = () => a.string('by', USER, USER_ID);
  switch (verb) {
    case 'hold': {
      const common = { id: id(), reason: a.oneOf('reason', HOLD_REASONS), caseRef: a.text('caseRef', 256, 'the case the hold is for')!, by: by() };
      if (a.has('until') === a.has('months')) {
        throw new BadArgs('args.until or args.months is required (exactly one): how long the hold lasts');
      }
      const args: CommandArgs['hold'] = a.has('until')
        ? { ...common, until: a.int('until', 0, MAX_EPOCH_MS) }
        : { ...common, months: a.int('months', MIN_RETENTION_MONTHS, MAX_RETENTION_MONTHS) };
      return { verb, args };
    }
    case 'release': {
      const args: CommandArgs['release'] = { id: id(), by: by() };
      const caseRef = a.text('caseRef', 256, 'the case whose holds are lifted', true);
      if (caseRef !== undefined) args.caseRef = caseRef;
      return { verb, args };
    }
    case 'delete':
      return { verb, args: { id: id(), by: by(), reason: a.text('reason', 512, 'why the recording is deleted early')! } };
    case 'stop-recording':
      return { verb, args: { line: a.string('line', LINE, 'a line id of this box'), by: by() } };
    case 'fetch':
      return { verb, args: { id: id(), from: a.int('from', 0, Number.MAX_SAFE_INTEGER, 0) } };
    case 'set-retention':
      return { verb, args: { months: a.int('months', MIN_RETENTION_MONTHS, MAX_RETENTION_MONTHS), by: by() } };
    case 'resync':
      return { verb, args: { from: a.int('from', 0, Number.MAX_SAFE_INTEGER) } };
    case 'led-test':
      return { verb, args: { seconds: a.int('seconds', 1, LED_TEST_MAX_SECONDS, LED_TEST_DEFAULT_SECONDS) } };
  }
}

/** The args of a verified command, checked for its verb; a problem names the argument. */
export function parseCommandArgs(verb: CommandVerb, args: Readonly<Record<string, string | number | boolean>>): ArgsResult {
  const reader = new ArgReader(args);
  try {
    const command = read(verb, reader);
    reader.done();
    return { ok: true, command };
  } catch (err) {
    if (err instanceof BadArgs) return { ok: false, detail: err.message };
    throw err;
  }
}
