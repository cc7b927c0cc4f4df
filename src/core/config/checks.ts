// Checks that span fields. They read the parsed YAML directly (not zod's output) so that they
// run even when an unrelated field is wrong, and they look only at values that are themselves
// valid, so one mistake is reported once.

import { DEFAULTS, MAX_CHANNELS } from './schema.js';
import { formatPath, say, type Finding, type PathSegment } from './messages.js';

type Dict = Record<string, unknown>;

const isDict = (v: unknown): v is Dict => typeof v === 'object' && v !== null && !Array.isArray(v);
const field = (v: unknown, key: string): unknown => (isDict(v) ? v[key] : undefined);
const has = (v: unknown, key: string): boolean => isDict(v) && Object.hasOwn(v, key);

const isWhole = (v: unknown, min: number, max: number): v is number =>
  typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max;
const isDbfs = (v: unknown): v is number => typeof v === 'number' && v >= -96 && v <= 0;

export function crossChecks(data: unknown): Finding[] {
  return [...lineChecks(data), ...voxChecks(data)];
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
