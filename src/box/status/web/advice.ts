// What a technician standing at the box should do about each alarm, in plain words. One table,
// typed by the box's AlarmKind, so a new kind of alarm does not build until it has its advice.
import type { AlarmKind } from '../../box.js';

/** Conditions the page raises itself from what it sees, besides the box's own alarms. */
export type PageAlarmKind = 'sync-down' | 'clock-unsynced';
export type AnyAlarmKind = AlarmKind | PageAlarmKind;

/**
 * fault: calls are not being recorded now (R1), so /healthz answers 503;
 * warning: recording goes on, but someone must act before it stops.
 */
export type Severity = 'fault' | 'warning';

export interface Advice {
  severity: Severity;
  /** a short title for the alarm */
  title: string;
  /** what to do, in the order to try it */
  todo: string;
}

const DELETE_NOTHING = 'Delete no recordings by hand: expired ones are removed automatically.';

export const ADVICE: Readonly<Record<AnyAlarmKind, Advice>> = Object.freeze({
  'capture-lost': {
    severity: 'fault',
    title: 'Audio capture lost: calls are NOT being recorded',
    todo:
      "Check the USB audio adapter's cable and that the adapter is seated; check the line-tap cables into the adapter. " +
      "Then press \"Restart capture\". If it fails again, move the adapter to another USB port or replace it.",
  },
  'storage-write': {
    severity: 'fault',
    title: 'Writing to the disk failed: calls are NOT being recorded',
    todo:
      'The service restarts itself and resumes once the disk can be written. If this stays, check that the disk is not full ' +
      'and that its cable or card is seated, and read the service log (journalctl -u tallennin). ' + DELETE_NOTHING,
  },
  'storage-floor': {
    severity: 'fault',
    title: 'Disk full: new calls are NOT being recorded',
    todo:
      'Add storage, or free space that is not recordings (old logs, files left by hand). Recording resumes by itself when space returns. ' +
      DELETE_NOTHING,
  },
  'storage-alarm': {
    severity: 'warning',
    title: 'Disk nearly full',
    todo: 'Add storage soon: new recordings will be refused when the disk reaches its floor. ' + DELETE_NOTHING,
  },
  'storage-warning': {
    severity: 'warning',
    title: 'Disk filling up',
    todo: 'Plan more storage for this box. ' + DELETE_NOTHING,
  },
  'notice-missing': {
    severity: 'warning',
    title: 'Callers are not hearing the recording announcement',
    todo:
      'Calls are recorded, but several incoming calls in a row went without the announcement that tells callers so. ' +
      'Play it on the line with `tallennin announce play --line LINE` and listen. In play mode, check the playback cable from the adapter into the line; ' +
      "in verify mode, ask the exchange's administrator whether the announcement still plays at the start of each call.",
  },
  'sync-down': {
    severity: 'warning',
    title: 'No link to the central indexer',
    todo:
      'Recordings are kept safely on the box and are sent when the link returns. Check the network cable and the switch port, ' +
      "that the box has an address on the network, and that the broker is reachable from here (ask the network's administrator).",
  },
  'clock-unsynced': {
    severity: 'warning',
    title: 'The clock is not synchronised',
    todo:
      'Call times and retention depend on the clock. Check that the box reaches its time server (NTP, UDP port 123) on the network.',
  },
});

export function adviceFor(kind: string): Advice {
  return (ADVICE as Record<string, Advice>)[kind] ?? { severity: 'warning', title: kind, todo: 'See the service log (journalctl -u tallennin).' };
}
