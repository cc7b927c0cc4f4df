// The schema of the box's config file (docs/config.md explains every field to operators).
//
// Field checks that need a range or a fixed set of values are built here with their own
// plain-language reasons (from messages.ts); zod's generic issues (wrong type, missing key,
// unknown key) are worded by format-errors.ts. Checks that span fields — channels against
// capture.channels, unique ids, offDbfs below onDbfs — live in checks.ts so that they run
// even when some other field is wrong, and every problem is reported at once.
//
// Every object is strict: an unknown key is an error, usually a misspelling.
// `.meta({ expects })` says, in words, what a field takes; format-errors.ts reads it back.

import { z } from 'zod';
import type { LevelWithSilent } from 'pino';
import { NAME_PATTERN, orList, say, type RangeSpec } from './messages.js';

export type LogLevel = LevelWithSilent;

/** pino's levels, most severe first; `silent` turns logging off. */
export const LOG_LEVELS: readonly LogLevel[] = Object.freeze([
  'fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent',
] as const);

/** Every default, in one place. */
export const DEFAULTS = Object.freeze({
  capture: Object.freeze({ periodMs: 20 as const }),
  vox: Object.freeze({ onDbfs: -40, offDbfs: -46, attackMs: 200, hangMs: 8000, leadMs: 300 }),
  recorder: Object.freeze({ preRollMs: 2500, chunkMs: 960, maxCallMinutes: 240 }),
  opus: Object.freeze({ bitrate: 12000 }),
  storage: Object.freeze({ minFreeMb: 200 }),
  log: Object.freeze({ level: 'info' as LogLevel }),
});

export const MAX_CHANNELS = 32;
export const MAX_LINES = 32;

// ---- field builders ---------------------------------------------------------------------

/** A whole number within `range`; optionally a multiple of `step.of`. */
function int(range: RangeSpec, step?: { of: number; why: string }) {
  return z
    .number()
    .check((ctx) => {
      const v = ctx.value;
      let message: string | undefined;
      if (!Number.isInteger(v)) message = say.notWhole(v, range);
      else if (v < range.min || (range.max !== undefined && v > range.max)) message = say.outOfRange(v, range);
      else if (step && v % step.of !== 0) message = say.notMultiple(v, step.of, step.why);
      if (message) ctx.issues.push({ code: 'custom', input: v, message });
    })
    .meta({ expects: `a whole number, ${rangeWords(range)}` });
}

/** A number (fractions allowed) within `range`. */
function decimal(range: RangeSpec & { max: number }) {
  return z
    .number()
    .check((ctx) => {
      const v = ctx.value;
      if (v < range.min || v > range.max) ctx.issues.push({ code: 'custom', input: v, message: say.outOfRange(v, range) });
    })
    .meta({ expects: `a number, ${rangeWords(range)}` });
}

/** One of a few numbers: `rate` 8000 or 16000. */
function oneOf<const T extends number>(values: readonly T[], unit?: string) {
  const schema = z
    .number()
    .check((ctx) => {
      if (!(values as readonly number[]).includes(ctx.value)) {
        ctx.issues.push({ code: 'custom', input: ctx.value, message: say.notOneOf(ctx.value, values, unit) });
      }
    })
    .meta({ expects: orList(values) + (unit ? ` (${unit})` : '') });
  return schema as unknown as z.ZodType<T, T>;
}

const NAME_EXPECTS = 'a name in lowercase letters, digits and "-", such as "lpr-1"';

/** A name that is safe as an MQTT topic segment: `lpr-1`. */
function name(why: string) {
  return z
    .string()
    .check((ctx) => {
      const v = ctx.value;
      if (v === '') ctx.issues.push({ code: 'custom', input: v, message: say.empty(NAME_EXPECTS) });
      else if (!NAME_PATTERN.test(v)) ctx.issues.push({ code: 'custom', input: v, message: say.badName(v, why) });
    })
    .meta({ expects: NAME_EXPECTS });
}

/** Text that must not be empty. */
function text(expects: string) {
  return z
    .string()
    .check((ctx) => {
      if (ctx.value.trim() === '') ctx.issues.push({ code: 'custom', input: ctx.value, message: say.empty(expects) });
    })
    .meta({ expects });
}

function logLevel() {
  const schema = z
    .string()
    .check((ctx) => {
      if (!(LOG_LEVELS as readonly string[]).includes(ctx.value)) {
        ctx.issues.push({ code: 'custom', input: ctx.value, message: say.notLogLevel(ctx.value, LOG_LEVELS) });
      }
    })
    .meta({ expects: `one of ${LOG_LEVELS.join(', ')}` });
  return schema as unknown as z.ZodType<LogLevel, LogLevel>;
}

/** A section whose every field has a default: it may be left out, or left empty (`vox:` with
 *  all its lines commented out reads as null). */
function defaultedSection<T extends z.ZodObject>(section: T) {
  return z.preprocess((v) => (v === null ? undefined : v), section.prefault({} as z.input<T>));
}

function rangeWords({ min, max, unit }: RangeSpec): string {
  const span = max === undefined ? `${min} or more` : `${min} to ${max}`;
  return unit ? `${span} ${unit}` : span;
}

// ---- sections ---------------------------------------------------------------------------

const MQTT_SEGMENT = 'it becomes a segment of the box\'s MQTT topics (tallennin/v1/<site>/<box>/…)';

const box = z.strictObject({
  id: name(MQTT_SEGMENT),
  site: name(MQTT_SEGMENT),
});

const capture = z.strictObject({
  device: text('an ALSA capture device name, such as "hw:1,0"'),
  rate: oneOf([8000, 16000], 'samples per second'),
  channels: int({ min: 1, max: MAX_CHANNELS }),
  periodMs: oneOf([10, 20, 40], 'ms').default(DEFAULTS.capture.periodMs),
});

const dbfs = decimal({ min: -96, max: 0, unit: 'dBFS' });

const voxFields = {
  onDbfs: dbfs,
  offDbfs: dbfs,
  attackMs: int({ min: 20, max: 2000, unit: 'ms' }),
  hangMs: int({ min: 500, max: 60000, unit: 'ms' }),
  leadMs: int({ min: 0, max: 2000, unit: 'ms' }),
};

const vox = defaultedSection(
  z.strictObject({
    onDbfs: voxFields.onDbfs.default(DEFAULTS.vox.onDbfs),
    offDbfs: voxFields.offDbfs.default(DEFAULTS.vox.offDbfs),
    attackMs: voxFields.attackMs.default(DEFAULTS.vox.attackMs),
    hangMs: voxFields.hangMs.default(DEFAULTS.vox.hangMs),
    leadMs: voxFields.leadMs.default(DEFAULTS.vox.leadMs),
  }),
);

const voxOverride = z.strictObject(voxFields).partial();

// The upper bound of `channel` depends on capture.channels: checks.ts checks it.
const channel = z
  .number()
  .check((ctx) => {
    const v = ctx.value;
    if (!Number.isInteger(v)) ctx.issues.push({ code: 'custom', input: v, message: say.fractionalChannel(v) });
    else if (v < 0) ctx.issues.push({ code: 'custom', input: v, message: say.negativeChannel(v) });
  })
  .meta({ expects: 'a capture channel number, counted from 0' });

const line = z
  .strictObject({
    id: name('it names the line in MQTT messages and on the status page'),
    channel,
    vox: voxOverride.optional(),
  })
  .meta({ expects: 'a line with id and channel' });

const lines = z
  .array(line)
  .check((ctx) => {
    const n = ctx.value.length;
    if (n === 0) ctx.issues.push({ code: 'custom', input: ctx.value, message: say.emptyList('line') });
    else if (n > MAX_LINES) ctx.issues.push({ code: 'custom', input: ctx.value, message: say.longList(n, MAX_LINES, 'lines') });
  })
  .meta({ expects: 'a list of lines, each with id and channel' });

const recorder = defaultedSection(
  z.strictObject({
    preRollMs: int({ min: 0, max: 5000, unit: 'ms' }).default(DEFAULTS.recorder.preRollMs),
    chunkMs: int({ min: 200, max: 5000, unit: 'ms' }, { of: 20, why: 'audio is encoded in 20 ms frames' })
      .default(DEFAULTS.recorder.chunkMs),
    maxCallMinutes: int({ min: 1, max: 1440, unit: 'minutes' }).default(DEFAULTS.recorder.maxCallMinutes),
  }),
);

const opus = defaultedSection(
  z.strictObject({
    bitrate: int({ min: 6000, max: 64000, unit: 'bit/s' }).default(DEFAULTS.opus.bitrate),
  }),
);

const storage = z.strictObject({
  path: text('the path of the recordings directory'),
  minFreeMb: int({ min: 0, unit: 'MB' }).default(DEFAULTS.storage.minFreeMb),
});

const seal = z.strictObject({
  publicKey: text('the path of the controller\'s public key file'),
});

const log = defaultedSection(
  z.strictObject({
    level: logLevel().default(DEFAULTS.log.level),
  }),
);

export const configSchema = z.strictObject({
  box,
  capture,
  lines,
  vox,
  recorder,
  opus,
  storage,
  seal,
  log,
});

/** What the schema yields: every default filled in, paths still as written. */
export type ConfigData = z.output<typeof configSchema>;
