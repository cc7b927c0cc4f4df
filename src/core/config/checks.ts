// Checks that span fields. They read the parsed YAML directly (not zod's output) so that they
// run even when an unrelated field is wrong, and they look only at values that are themselves
// valid, so one mistake is reported once.

import { posix } from 'node:path';
import { DEFAULTS, MAX_CHANNELS, SIGNAL_SOURCE_TYPES, type SignalSourceType } from './schema.js';
import { formatPath, say, show, type Finding, type PathSegment } from './messages.js';

type Dict = Record<string, unknown>;

const isDict = (v: unknown): v is Dict => typeof v === 'object' && v !== null && !Array.isArray(v);
const field = (v: unknown, key: string): unknown => (isDict(v) ? v[key] : undefined);
const has = (v: unknown, key: string): boolean => isDict(v) && Object.hasOwn(v, key);

const isWhole = (v: unknown, min: number, max: number): v is number =>
  typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max;
const isDbfs = (v: unknown): v is number => typeof v === 'number' && v >= -96 && v <= 0;

export function crossChecks(data: unknown): Finding[] {
  return [...lineChecks(data), ...signalChecks(data), ...voxChecks(data), ...clipChecks(data), ...pairChecks(data), ...announcementChecks(data)];
}

/** Playing or verifying needs the announcement's audio; playing, a device on every line. */
function announcementChecks(data: unknown): Finding[] {
  const out: Finding[] = [];
  const section = field(data, 'announcement');
  const mode = field(section, 'mode');
  if ((mode === 'play' || mode === 'verify') && !has(section, 'file')) {
    out.push({ at: ['announcement', 'file'], reason: `is missing: announcement.mode ${mode} needs the announcement's audio (a WAV or Ogg Opus file)` });
  }
  const lines = field(data, 'lines');
  if (!Array.isArray(lines)) return out;
  lines.forEach((line, i) => {
    const playback = field(line, 'playback');
    if (mode === 'play' && playback === undefined) {
      out.push({ at: ['lines', i, 'playback'], reason: `is missing: announcement.mode play needs the ALSA device that speaks onto line ${show(field(line, 'id'))}` });
    }
    const channels = field(playback, 'channels') ?? 1;
    const channel = field(playback, 'channel');
    if (isWhole(channels, 1, MAX_CHANNELS) && isWhole(channel, 0, MAX_CHANNELS) && channel >= channels) {
      out.push({ at: ['lines', i, 'playback', 'channel'], reason: `${channel} is not a channel of a device opened with ${channels} channel${channels === 1 ? '' : 's'} (0–${channels - 1})` });
    }
  });
  return out;
}

/** A certificate goes with its key: TLS needs both, and one alone is a half-finished edit. */
function pairChecks(data: unknown): Finding[] {
  const out: Finding[] = [];
  for (const section of ['status', 'mqtt']) {
    const s = field(data, section);
    const cert = field(s, 'cert');
    const key = field(s, 'key');
    if ((cert === undefined) !== (key === undefined)) {
      const [has, lacks] = cert === undefined ? ['key', 'cert'] : ['cert', 'key'];
      out.push({ at: [section, lacks], reason: `${section}.${has} is given without ${section}.${lacks}: a TLS certificate and its key go together` });
    }
  }
  return out;
}

/** Channels within capture.channels; line ids and channels unique. */
function lineChecks(data: unknown): Finding[] {
  const out: Finding[] = [];
  const lines = field(data, 'lines');
  if (!Array.isArray(lines)) return out;
  const channels = field(field(data, 'capture'), 'channels');
  const channelCount = isWhole(channels, 1, MAX_CHANNELS) ? channels : undefined;
  const firstWithId = new Map<string, number>();
  const firstOnChannel = new Map<number, number>();

  lines.forEach((line, i) => {
    const id = field(line, 'id');
    if (typeof id === 'string') {
      const first = firstWithId.get(id);
      if (first === undefined) firstWithId.set(id, i);
      else out.push({ at: ['lines', i, 'id'], reason: say.duplicateId(id, formatPath(['lines', first])) });
    }

    const channel = field(line, 'channel');
    if (!isWhole(channel, 0, Number.MAX_SAFE_INTEGER)) return; // the schema reports it
    if (channelCount !== undefined && channel >= channelCount) {
      out.push({ at: ['lines', i, 'channel'], reason: say.channelTooHigh(channel, channelCount) });
      return;
    }
    const first = firstOnChannel.get(channel);
    if (first === undefined) firstOnChannel.set(channel, i);
    else {
      out.push({
        at: ['lines', i, 'channel'],
        reason: say.duplicateChannel(channel, formatPath(['lines', first]), field(lines[first], 'id')),
      });
    }
  });
  return out;
}

interface Level {
  readonly value: number;
  /** The value and where it came from, for the message: `vox.onDbfs (-40, the default)`. */
  readonly from: string;
  /** Written in the section being checked (not inherited, not a default). */
  readonly here: boolean;
}

/** A dBFS level from `section`, else `inherited`; undefined when what is written there is
 *  itself invalid (the schema reports that). */
function level(
  section: unknown,
  sectionPath: readonly PathSegment[],
  key: 'onDbfs' | 'offDbfs',
  inherited: Level,
): Level | undefined {
  if (!has(section, key)) return { ...inherited, here: false };
  const v = field(section, key);
  return isDbfs(v) ? { value: v, from: `${formatPath([...sectionPath, key])} (${v})`, here: true } : undefined;
}

/** offDbfs below onDbfs: box-wide, and for each line after its overrides are applied. */
function voxChecks(data: unknown): Finding[] {
  const out: Finding[] = [];
  const vox = field(data, 'vox');
  const defaultOn: Level = { value: DEFAULTS.vox.onDbfs, from: `vox.onDbfs (${DEFAULTS.vox.onDbfs}, the default)`, here: false };
  const defaultOff: Level = { value: DEFAULTS.vox.offDbfs, from: `vox.offDbfs (${DEFAULTS.vox.offDbfs}, the default)`, here: false };
  const on = level(vox, ['vox'], 'onDbfs', defaultOn);
  const off = level(vox, ['vox'], 'offDbfs', defaultOff);
  check(['vox'], on, off, out);

  const lines = field(data, 'lines');
  if (!Array.isArray(lines) || !on || !off) return out;
  lines.forEach((line, i) => {
    const override = field(line, 'vox');
    if (!has(override, 'onDbfs') && !has(override, 'offDbfs')) return; // nothing of its own
    check(
      ['lines', i, 'vox'],
      level(override, ['lines', i, 'vox'], 'onDbfs', on),
      level(override, ['lines', i, 'vox'], 'offDbfs', off),
      out,
    );
  });
  return out;
}

/** Adds a finding when off is not below on, on the field written in this section (offDbfs
 *  when both are). A pair that is fine, or cannot be judged, adds nothing. */
function check(section: readonly PathSegment[], on: Level | undefined, off: Level | undefined, out: Finding[]): void {
  if (!on || !off || off.value < on.value) return;
  if (off.here) out.push({ at: [...section, 'offDbfs'], reason: say.offNotBelowOn(off.value, on.from) });
  else if (on.here) out.push({ at: [...section, 'onDbfs'], reason: say.onNotAboveOff(on.value, off.from) });
}

// ---- signalling sources ----------------------------------------------------------------

/** Whether `key` names a line of a source of `type`; when not, the valid keys in words and
 *  perhaps a hint (`"01"` → `"1"`, `b1` → `B1`). */
function signalKey(
  type: SignalSourceType,
  key: string,
): { ok: true } | { ok: false; valid: string; hint?: string | undefined; reason?: string } {
  const number = /^[0-9]{1,3}$/.test(key) ? Number(key) : undefined;
  const plain = number !== undefined && String(number) === key;
  const meant = (k: string) => `did you mean "${k}"?`;
  switch (type) {
    case 'line-unit': {
      if (plain && number >= 1 && number <= 32) return { ok: true };
      const hint = number !== undefined && number >= 1 && number <= 32 ? meant(String(number)) : undefined;
      return { ok: false, valid: '"1" to "32" (the unit\'s line numbers)', hint };
    }
    case 'modem': {
      if (key === '1') return { ok: true };
      return { ok: false, valid: '"1" (a modem reports the one line it is plugged into)' };
    }
    case 'isdn': {
      if (key === 'B1' || key === 'B2') return { ok: true };
      if (plain && number >= 1 && number <= 31 && number !== 16) return { ok: true };
      const valid = '"B1" or "B2" (the B channels of a BRI) or "1" to "31" (the timeslots of a PRI)';
      if (number === 16 && plain) return { ok: false, valid, reason: say.dChannelTimeslot(key) };
      const upper = key.toUpperCase();
      if (upper === 'B1' || upper === 'B2') return { ok: false, valid, hint: meant(upper) };
      if (number !== undefined && number >= 1 && number <= 31) return { ok: false, valid, hint: meant(String(number)) };
      return { ok: false, valid };
    }
  }
}

/** The lines each source maps: keys valid for its type, ids that exist, each line mapped by
 *  one source only and once, a modem one line; and no two sources on one port. */
function signalChecks(data: unknown): Finding[] {
  const out: Finding[] = [];
  const signals = field(data, 'signals');
  if (!Array.isArray(signals)) return out;
  const lines = field(data, 'lines');
  const ids = Array.isArray(lines)
    ? lines.map((l) => field(l, 'id')).filter((id): id is string => typeof id === 'string')
    : undefined;
  const firstMapping = new Map<string, PathSegment[]>();
  const firstOnPort = new Map<string, number>();

  signals.forEach((source, i) => {
    const port = field(source, 'port');
    if (typeof port === 'string' && port.startsWith('/')) {
      const normal = posix.normalize(port).replace(/(?<=.)\/+$/, '');
      const first = firstOnPort.get(normal);
      if (first === undefined) firstOnPort.set(normal, i);
      else out.push({ at: ['signals', i, 'port'], reason: say.sharedPort(port, formatPath(['signals', first])) });
    }

    const map = field(source, 'lines');
    if (!isDict(map)) return; // the schema reports it
    const type = field(source, 'type');
    const known = SIGNAL_SOURCE_TYPES.find((t) => t === type);
    const keys = Object.keys(map);
    const at = (key: string): PathSegment[] => ['signals', i, 'lines', key];

    if (known === 'modem' && keys.length > 1) out.push({ at: ['signals', i, 'lines'], reason: say.modemLines(keys.length) });
    else if (known !== undefined) {
      const bad = new Set<string>();
      for (const key of keys) {
        const verdict = signalKey(known, key);
        if (!verdict.ok) {
          bad.add(key);
          out.push({ at: at(key), reason: verdict.reason ?? say.badSignalKey(key, known, verdict.valid, verdict.hint) });
        }
      }
      if (known === 'isdn') {
        const good = keys.filter((k) => !bad.has(k));
        const bri = good.filter((k) => k.startsWith('B'));
        const pri = good.filter((k) => !k.startsWith('B'));
        if (bri.length > 0 && pri.length > 0) out.push({ at: ['signals', i, 'lines'], reason: say.mixedIsdnKeys(bri, pri) });
      }
    }

    for (const key of keys) {
      const id = map[key];
      if (typeof id !== 'string') continue; // the schema reports it
      if (ids !== undefined && !ids.includes(id)) {
        out.push({ at: at(key), reason: say.unknownLine(id, ids) });
        continue;
      }
      const first = firstMapping.get(id);
      if (first === undefined) firstMapping.set(id, at(key));
      else out.push({ at: at(key), reason: say.lineMappedTwice(id, formatPath(first)) });
    }
  });
  return out;
}

// ---- caller-ID codes --------------------------------------------------------------------

const isCode = (v: unknown): v is string => typeof v === 'string' && /^[0-9]{1,4}$/.test(v);

/** Each code listed once, and none meaning both "withheld" and "unavailable" (a list left
 *  out is its default, which counts too). */
function clipChecks(data: unknown): Finding[] {
  const out: Finding[] = [];
  const clip = field(data, 'clip');
  const list = (key: 'withheldCodes' | 'unavailableCodes') => {
    const here = has(clip, key);
    const v = here ? field(clip, key) : DEFAULTS.clip[key];
    return { key, here, codes: Array.isArray(v) ? (v as unknown[]) : undefined };
  };
  const withheld = list('withheldCodes');
  const unavailable = list('unavailableCodes');

  for (const { key, here, codes } of [withheld, unavailable]) {
    if (!here || !codes) continue;
    const first = new Map<string, number>();
    codes.forEach((code, k) => {
      if (!isCode(code)) return; // the schema reports it
      const at = first.get(code);
      if (at === undefined) first.set(code, k);
      else out.push({ at: ['clip', key, k], reason: say.duplicateCode(code, formatPath(['clip', key, at])) });
    });
  }

  // Report on the list written in the file; when both are, on unavailableCodes.
  if (!withheld.codes || !unavailable.codes || (!withheld.here && !unavailable.here)) return out;
  const [on, other] = unavailable.here ? [unavailable, withheld] : [withheld, unavailable];
  const otherCodes = new Set(other.codes!.filter(isCode));
  const otherName = other.here
    ? `clip.${other.key}`
    : `clip.${other.key} ([${other.codes!.map(show).join(', ')}], the default)`;
  const reported = new Set<string>();
  on.codes!.forEach((code, k) => {
    if (!isCode(code) || !otherCodes.has(code) || reported.has(code)) return;
    reported.add(code);
    out.push({ at: ['clip', on.key, k], reason: say.codeInBoth(code, otherName) });
  });
  return out;
}
