// The schema of the box's config file (docs/config.md explains every field to operators).
//
// Field checks that need a range or a fixed set of values are built here with their own
// plain-language reasons (from messages.ts); zod's generic issues (wrong type, missing key,
// unknown key) are worded by format-errors.ts. Checks that span fields — channels against
// capture.channels, unique ids, offDbfs below onDbfs, the lines a signalling source maps,
// caller-ID codes listed twice — live in checks.ts so that they run even when some other
// field is wrong, and every problem is reported at once.
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

/** How a line's caller ID (CLIP) is sent before or between the rings: DTMF (Finland and
 *  much of northern Europe), FSK after ITU-T V.23 (ETSI), FSK after Bell 202 (North
 *  America), or not listened for. */
export type ClipMode = 'dtmf' | 'fsk-v23' | 'fsk-bell202' | 'off';
export const CLIP_MODES: readonly ClipMode[] = Object.freeze(['dtmf', 'fsk-v23', 'fsk-bell202', 'off'] as const);

/** A serial signalling source: a line unit (Whozz Calling?-style), a Hayes voice modem with
 *  caller ID, or an ISDN D-channel trace. */
export type SignalSourceType = 'line-unit' | 'modem' | 'isdn';
export const SIGNAL_SOURCE_TYPES: readonly SignalSourceType[] = Object.freeze(['line-unit', 'modem', 'isdn'] as const);

/** What the box does about the recording announcement (R12): nothing, play it onto an incoming
 *  call, or verify that the exchange played it. */
export type AnnouncementMode = 'off' | 'play' | 'verify';
export const ANNOUNCEMENT_MODES: readonly AnnouncementMode[] = Object.freeze(['off', 'play', 'verify'] as const);

export type Baud = 1200 | 2400 | 4800 | 9600 | 19200 | 38400 | 57600 | 115200;
export const BAUD_RATES: readonly Baud[] = Object.freeze([1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200] as const);

/** The longest stop code, in DTMF keys. */
export const MAX_STOP_CODE = 8;

/** Every default, in one place. `lines` and `signals` hold the defaults of fields of each
 *  entry of those lists (`lines[].clip`, `signals[].baud`). */
export const DEFAULTS = Object.freeze({
  capture: Object.freeze({ periodMs: 20 as const }),
  lines: Object.freeze({ clip: 'dtmf' as ClipMode, farEndTones: true }),
  signals: Object.freeze({ baud: 9600 as Baud }),
  vox: Object.freeze({ onDbfs: -40, offDbfs: -46, attackMs: 200, hangMs: 8000, leadMs: 300 }),
  call: Object.freeze({
    stopCode: '*0#',
    ringTimeoutMs: 8000,
    clipValidMs: 30000,
    dialGapMs: 4000,
    stopCodeGapMs: 2000,
    delayMs: 80,
  }),
  clip: Object.freeze({
    withheldCodes: Object.freeze(['10']) as readonly string[],
    unavailableCodes: Object.freeze(['00']) as readonly string[],
  }),
  recorder: Object.freeze({ preRollMs: 2500, chunkMs: 960, maxCallMinutes: 240 }),
  retention: Object.freeze({ months: 2 }),
  opus: Object.freeze({ bitrate: 12000 }),
  storage: Object.freeze({ minFreeMb: 200, floorPercent: 97 }),
  log: Object.freeze({ level: 'info' as LogLevel }),
  mqtt: Object.freeze({ statusIntervalS: 60, keepaliveS: 30, reconnectMaxS: 60 }),
  status: Object.freeze({ host: '0.0.0.0', port: 8080, users: 'users.json', sessionMinutes: 30 }),
  announcement: Object.freeze({
    text: 'Puhelut tallennetaan asiakaspalvelumme laadun kehittämiseksi.',
    mode: 'off' as AnnouncementMode,
    maxOffsetMs: 1500,
    missAlarm: 3,
  }),
  led: Object.freeze({ names: Object.freeze(['led0']) as readonly string[], sysfs: '/sys/class/leds' }),
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

/** One of a few words: `clip: dtmf`. `what` names the kind: `a caller-ID method`. */
function word<const T extends string>(words: readonly T[], what: string) {
  const schema = z
    .string()
    .check((ctx) => {
      if (!(words as readonly string[]).includes(ctx.value)) {
        ctx.issues.push({ code: 'custom', input: ctx.value, message: say.notAWord(ctx.value, what, words) });
      }
    })
    .meta({ expects: `one of ${words.join(', ')}` });
  return schema as unknown as z.ZodType<T, T>;
}

const DTMF_KEY = /^[0-9*#A-D]$/;
const STOP_CODE_EXPECTS = 'DTMF keys in quotes, such as "*0#", or "" to turn the code off';

/** A DTMF code of 1–MAX_STOP_CODE keys, or "" for none. */
function stopCode() {
  return z
    .string()
    .check((ctx) => {
      const v = ctx.value;
      const keys = [...v];
      const bad = [...new Set(keys.filter((k) => !DTMF_KEY.test(k)))];
      let message: string | undefined;
      if (bad.length > 0) message = say.notDtmfKeys(v, bad);
      else if (keys.length > MAX_STOP_CODE) message = say.stopCodeTooLong(v, MAX_STOP_CODE);
      if (message) ctx.issues.push({ code: 'custom', input: v, message });
    })
    .meta({ expects: STOP_CODE_EXPECTS });
}

const CODE_EXPECTS = 'a code of 1–4 digits in quotes, such as "10"';

/** A caller-ID information code: 1–4 digits, written as text so that leading zeros stay. A
 *  number gets its own message: `00` unquoted reads as 0, and quoting that would be wrong. */
function digitCode() {
  const schema = z
    .unknown()
    .check((ctx) => {
      const v = ctx.value;
      let message: string | undefined;
      if (typeof v === 'number') message = say.unquotedCode(v);
      else if (typeof v !== 'string') message = v === null ? say.empty(CODE_EXPECTS) : say.wrongType(CODE_EXPECTS, v, 'string');
      else if (!/^[0-9]{1,4}$/.test(v)) message = say.badCode(v);
      if (message) ctx.issues.push({ code: 'custom', input: v, message });
    })
    .meta({ expects: CODE_EXPECTS });
  return schema as unknown as z.ZodType<string, string>;
}

const PORT_EXPECTS = 'the path of a serial device, such as "/dev/ttyUSB0"';

/** A serial device path. It is not looked for at load: a USB adapter may appear later, and
 *  the source keeps trying to open it. */
function devicePath() {
  return z
    .string()
    .check((ctx) => {
      const v = ctx.value;
      if (v.trim() === '') ctx.issues.push({ code: 'custom', input: v, message: say.empty(PORT_EXPECTS) });
      else if (!v.startsWith('/')) ctx.issues.push({ code: 'custom', input: v, message: say.notDevicePath(v) });
    })
    .meta({ expects: PORT_EXPECTS });
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

// Where the box speaks onto a line (announcement.mode play); channel < channels: checks.ts.
const playback = z.strictObject({
  device: text('an ALSA playback device name, such as "plughw:1,0"'),
  channels: int({ min: 1, max: MAX_CHANNELS }).default(1),
  channel: int({ min: 0, max: MAX_CHANNELS - 1 }).default(0),
});

// Per-line signalling fields stay optional in the output, like `vox`: the config keeps what
// the file says, and lineSignalling() applies DEFAULTS.lines.
const line = z
  .strictObject({
    id: name('it names the line in MQTT messages and on the status page'),
    channel,
    vox: voxOverride.optional(),
    clip: word(CLIP_MODES, 'a caller-ID method').optional(),
    farEndTones: z.boolean().optional(),
    playback: playback.optional(),
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

// Which keys `lines` takes depends on `type`, and the ids must be those of lines: checks.ts.
const signalLines = z
  .record(z.string(), z.string().meta({ expects: 'the id of a line in lines, such as "line-1"' }))
  .check((ctx) => {
    if (Object.keys(ctx.value).length === 0) ctx.issues.push({ code: 'custom', input: ctx.value, message: say.noSignalledLines() });
  })
  .meta({ expects: 'a section mapping the source\'s own line names to line ids, such as { "1": line-1 }' });

const signal = z
  .strictObject({
    type: word(SIGNAL_SOURCE_TYPES, 'a signalling source type'),
    port: devicePath(),
    baud: oneOf(BAUD_RATES, 'bit/s').default(DEFAULTS.signals.baud),
    lines: signalLines,
  })
  .meta({ expects: 'a signalling source with type, port and lines' });

/** Optional; left out or left empty, there are none. */
const signals = z.preprocess(
  (v) => (v === null ? undefined : v),
  z.array(signal).meta({ expects: 'a list of signalling sources, each with type, port and lines' }).default(() => []),
);

const call = defaultedSection(
  z.strictObject({
    stopCode: stopCode().default(DEFAULTS.call.stopCode),
    ringTimeoutMs: int({ min: 1000, max: 60000, unit: 'ms' }).default(DEFAULTS.call.ringTimeoutMs),
    clipValidMs: int({ min: 1000, max: 60000, unit: 'ms' }).default(DEFAULTS.call.clipValidMs),
    dialGapMs: int({ min: 500, max: 20000, unit: 'ms' }).default(DEFAULTS.call.dialGapMs),
    stopCodeGapMs: int({ min: 200, max: 5000, unit: 'ms' }).default(DEFAULTS.call.stopCodeGapMs),
    delayMs: int({ min: 0, max: 500, unit: 'ms' }, { of: 20, why: 'audio is held back in 20 ms frames' })
      .default(DEFAULTS.call.delayMs),
  }),
);

const codes = z.array(digitCode()).meta({ expects: 'a list of codes in quotes, such as ["10"]' });

const clip = defaultedSection(
  z.strictObject({
    withheldCodes: codes.default(() => [...DEFAULTS.clip.withheldCodes]),
    unavailableCodes: codes.default(() => [...DEFAULTS.clip.unavailableCodes]),
  }),
);

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
  floorPercent: int({ min: 91, max: 99, unit: '% full' }).default(DEFAULTS.storage.floorPercent),
});

const seal = z.strictObject({
  publicKey: text('the path of the controller\'s public key file'),
});

// R4: the privacy notice keeps recordings 2 months, and no recording longer than 12.
const retention = defaultedSection(
  z.strictObject({
    months: int({ min: 1, max: 12, unit: 'months; 12 is the legal maximum (R4)' }).default(DEFAULTS.retention.months),
  }),
);

const log = defaultedSection(
  z.strictObject({
    level: logLevel().default(DEFAULTS.log.level),
  }),
);

const BROKER_EXPECTS = 'a broker URL, such as "mqtts://broker.example.fi:8883" (mqtt:// only on loopback)';

function brokerUrl() {
  return z
    .string()
    .check((ctx) => {
      const v = ctx.value;
      let url: URL | undefined;
      try {
        url = new URL(v);
      } catch {
        ctx.issues.push({ code: 'custom', input: v, message: `"${v}" is not a URL; expected ${BROKER_EXPECTS}` });
        return;
      }
      if (!['mqtt:', 'mqtts:'].includes(url.protocol)) ctx.issues.push({ code: 'custom', input: v, message: `"${url.protocol}" is not mqtt: or mqtts:; expected ${BROKER_EXPECTS}` });
      else if (url.protocol === 'mqtt:' && !['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname)) {
        // Call metadata leaves the box only encrypted in transit: plain MQTT is for a broker on the box itself.
        ctx.issues.push({ code: 'custom', input: v, message: `plain mqtt:// to ${url.hostname} would send call events unencrypted; use mqtts:// with a client certificate (plain is allowed on loopback only)` });
      }
    })
    .meta({ expects: BROKER_EXPECTS });
}

const pemPath = (what: string) => text(`the path of ${what}`);

/** Optional: a box without it records on its own and syncs nothing. */
const mqtt = z
  .strictObject({
    url: brokerUrl(),
    ca: pemPath('the CA certificate that signed the broker\'s certificate (PEM)').optional(),
    cert: pemPath('this box\'s client certificate (PEM)').optional(),
    key: pemPath('this box\'s client certificate key (PEM)').optional(),
    commandKeys: z
      .array(pemPath('a central command public key (PEM)'))
      .check((ctx) => {
        if (ctx.value.length === 0) ctx.issues.push({ code: 'custom', input: ctx.value, message: say.emptyList('command key') });
      })
      .meta({ expects: 'a list of paths of the central command public keys (PEM)' }),
    statusIntervalS: int({ min: 5, max: 3600, unit: 's' }).default(DEFAULTS.mqtt.statusIntervalS),
    keepaliveS: int({ min: 5, max: 120, unit: 's' }).default(DEFAULTS.mqtt.keepaliveS),
    reconnectMaxS: int({ min: 1, max: 600, unit: 's' }).default(DEFAULTS.mqtt.reconnectMaxS),
  })
  .optional();

// The technician's status page (issue 6): on the local network, TLS when a certificate is given.
const status = defaultedSection(
  z.strictObject({
    host: text('an address to listen on, such as "0.0.0.0" (every interface) or "127.0.0.1"').default(DEFAULTS.status.host),
    port: int({ min: 0, max: 65535 }).default(DEFAULTS.status.port),
    cert: pemPath('the status page\'s TLS certificate (PEM)').optional(),
    key: pemPath('the status page\'s TLS key (PEM)').optional(),
    users: text('the path of the accounts file that `tallennin user add` writes').default(DEFAULTS.status.users),
    sessionMinutes: int({ min: 1, max: 720, unit: 'minutes' }).default(DEFAULTS.status.sessionMinutes),
  }),
);

// R12: callers are told at the start of the call that it is recorded. A file is needed when the
// box plays or verifies it, and each line a playback device when it plays: checks.ts.
const announcement = defaultedSection(
  z.strictObject({
    text: text('the words of the announcement').default(DEFAULTS.announcement.text),
    mode: word(ANNOUNCEMENT_MODES, 'an announcement mode').default(DEFAULTS.announcement.mode),
    file: text('the path of the announcement audio file (WAV or Ogg Opus)').optional(),
    maxOffsetMs: int({ min: 0, max: 5000, unit: 'ms' }).default(DEFAULTS.announcement.maxOffsetMs),
    threshold: decimal({ min: 0.05, max: 0.99 }).optional(),
    missAlarm: int({ min: 0, max: 100, unit: 'calls; 0 for never' }).default(DEFAULTS.announcement.missAlarm),
  }),
);

const LED_NAME = /^[A-Za-z0-9_:.+-]{1,64}$/;

// The status LED through the Linux LED class: /sys/class/leds/<name>/{trigger,brightness,delay_on,delay_off}.
const led = defaultedSection(
  z.strictObject({
    names: z
      .array(z.string().regex(LED_NAME, 'an LED name as under /sys/class/leds, such as "led0" or "ACT"'))
      .meta({ expects: 'a list of LED names, such as ["led0"]; [] for none' })
      .default(() => [...DEFAULTS.led.names]),
    sysfs: text('the folder of the LED class, /sys/class/leds').default(DEFAULTS.led.sysfs),
  }),
);

export const configSchema = z.strictObject({
  box,
  capture,
  lines,
  signals,
  vox,
  call,
  clip,
  recorder,
  retention,
  opus,
  storage,
  seal,
  log,
  mqtt,
  status,
  led,
  announcement,
});

/** What the schema yields: every default filled in, paths still as written. */
export type ConfigData = z.output<typeof configSchema>;

/** Field builders for the indexer's config (src/central/config.ts), so both files word problems alike. */
export const fields = { int, text, name, logLevel, word, brokerUrl, pemPath, defaultedSection };
