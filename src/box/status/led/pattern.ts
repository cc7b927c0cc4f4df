// What the status LED shows, as a pure function of the box's state: the technician in the
// server room reads the box from this one light (docs/led.md), so the rules live here, apart
// from the sysfs writes, where a test can walk every case without a kernel.

/** The five things the LED can do. `off` is never a status: it means the service is not running. */
export type LedPattern = 'off' | 'steady' | 'slow-blink' | 'fast-blink' | 'heartbeat';

/** What the LED is told to show: a status, or the test pattern a technician asked for. */
export type LedShow = LedPattern | 'test';

export interface LedInputs {
  /** alarm kinds in force that count as faults, sorted */
  faults: string[];
  /** a call is being recorded on some line */
  recording: boolean;
  /** `none` when the box has no MQTT link configured */
  mqtt: 'none' | 'up' | 'down';
  /** events waiting for the indexer's acknowledgement */
  backlog: number;
}

/**
 * Alarm kinds known to be faults: the box is not doing its job, or will stop doing it soon,
 * and someone must act. `seal-key-missing` is listed ahead of the box raising it.
 */
export const FAULT_ALARMS: readonly string[] = Object.freeze([
  'capture-lost',
  'storage-write',
  'storage-alarm',
  'storage-floor',
  'seal-key-missing',
]);

/**
 * Alarm kinds that do not blink the LED. A storage warning (80 % full) is a planning notice
 * with days or weeks of forecast behind it and recording unaffected; docs/storage.md leaves it
 * to the status page and MQTT. Blinking on it would teach technicians to ignore the blink.
 */
export const ADVISORY_ALARMS: readonly string[] = Object.freeze(['storage-warning']);

/**
 * Whether an alarm kind blinks the LED. A kind this file does not know counts as a fault: an
 * alarm added elsewhere must not leave the LED looking healthy until someone lists it here.
 */
export function isFault(kind: string): boolean {
  return !ADVISORY_ALARMS.includes(kind);
}

/**
 * The one pattern for the state, most urgent first: a fault needs a person now; a backlog
 * that cannot drain means recordings are not reaching the indexer; recording is normal work;
 * steady is armed, synced and idle.
 */
export function ledPattern(i: LedInputs): LedPattern {
  if (i.faults.length > 0) return 'fast-blink';
  if (i.mqtt === 'down' && i.backlog > 0) return 'heartbeat';
  if (i.recording) return 'slow-blink';
  return 'steady';
}

/** What `ledInputs` reads of a box: the `Box` itself, or a test's stand-in. */
export interface LedSource {
  readonly alarms: ReadonlyMap<string, unknown>;
  readonly lines: readonly { readonly state: string }[];
}

/** The inputs from a box, its MQTT link (none when not configured) and its outbox backlog. */
export function ledInputs(box: LedSource, link: { readonly connected: boolean } | undefined, backlog: number): LedInputs {
  return {
    faults: [...box.alarms.keys()].filter(isFault).sort(),
    recording: box.lines.some((l) => l.state === 'active'),
    mqtt: link === undefined ? 'none' : link.connected ? 'up' : 'down',
    backlog,
  };
}
