// One snapshot of the box for the status page, its JSON and /healthz: what a technician needs to
// see at a glance, and nothing that names a caller or a recording (no numbers, no recording ids).
// Disk, CPU, memory, clock and version come from boxStatus() (the same health the box publishes
// over MQTT), read at most every few seconds because it runs system tools; line states, levels,
// alarms, capture and sync are read live on every request, so a 1 s poll sees a call at once.
import type { Clock } from '../../../core/clock.js';
import type { NoticeStatus, StatusPayload } from '../../../core/protocol/messages.js';
import type { Box } from '../../box.js';
import type { BoxSync } from '../../sync/start-sync.js';
import { boxStatus } from '../../sync/status.js';
import { adviceFor, type AnyAlarmKind, type Severity } from './advice.js';
import { bytes, duration, formats, type Formats } from './format.js';

/** dBFS at and below which the level meter reads empty */
export const METER_FLOOR_DBFS = -90;
const HEALTH_EVERY_MS = 5000;

export type LineWord = 'idle' | 'ringing' | 'recording' | 'stopped';
export type SyncState = 'none' | 'up' | 'down';

export interface LineView {
  id: string;
  state: LineWord;
  /** the state in words: "recording since 14:03:07" */
  words: string;
  /** when the recording in progress began (ms since epoch) */
  since?: number;
  /** dBFS of the latest audio, METER_FLOOR_DBFS at the least */
  level: number;
  lastCallEnd?: number;
  /** "14:03:07", "2026-03-01 09:12" or "none yet" */
  lastCall: string;
}

export interface AlarmView {
  kind: AnyAlarmKind | (string & {});
  severity: Severity;
  title: string;
  message: string;
  since: number;
  sinceText: string;
  /** what to do about it */
  todo: string;
}

export interface StatusView {
  ts: number;
  box: { id: string; site: string };
  version: string;
  uptimeS: number;
  summary: { level: 'ok' | Severity; text: string };
  /** lines recording a call now */
  recording: number;
  lines: LineView[];
  capture: { state: string; overruns: number; shortReads: number; gapsMs: number };
  sync: { state: SyncState; backlog: number; lastSyncAt?: number };
  disk: StatusPayload['disk'];
  cpu: StatusPayload['cpu'];
  memory: StatusPayload['memory'];
  clock: { synced?: boolean };
  alarms: AlarmView[];
  /** calls not recorded since start because the disk was at its floor */
  refusedCalls: number;
  /** the display text of each simple field, by its `data-field` name on the page */
  fields: Record<string, string>;
}

export interface ViewDeps {
  box: Box;
  sync?: BoxSync | undefined;
  clock: Clock;
  boxId: string;
  site: string;
  timeZone?: string;
  /** whether the system clock is synchronised; default: ask timedatectl */
  clockSynced?: () => Promise<boolean | undefined>;
}

const LINE_WORDS: Record<string, LineWord> = { idle: 'idle', ringing: 'ringing', active: 'recording', stopped: 'stopped' };

const MODE_WORDS = {
  off: 'off: the box neither plays nor checks it',
  play: 'played by the box on each incoming call',
  verify: 'played by the exchange, checked on each call',
} as const;
const NOTICE_WORDS: Record<NoticeStatus, string> = {
  played: 'played', heard: 'heard', 'not-heard': 'NOT heard', 'not-played': 'NOT played', 'not-applicable': 'not applicable',
};

/** "played by the exchange, checked on each call; last incoming call: line-1 heard, line-2 NOT heard" */
function announcementWords(box: Box): string {
  const last = box.lines.filter((l) => box.lastNotice.has(l.id)).map((l) => `${l.id} ${NOTICE_WORDS[box.lastNotice.get(l.id)!.status]}`);
  return MODE_WORDS[box.announcementMode] + (last.length > 0 ? `; last incoming call: ${last.join(', ')}` : '');
}

export class StatusViews {
  private readonly fmt: Formats;
  private health: { at: number; status: Promise<StatusPayload> } | undefined;

  constructor(private readonly deps: ViewDeps) {
    this.fmt = formats(deps.timeZone);
  }

  /** The slow part of the health, cached; a failed reading is not kept. */
  private slowHealth(now: number): Promise<StatusPayload> {
    const h = this.health;
    if (h && now - h.at < HEALTH_EVERY_MS && now >= h.at) return h.status;
    const { box, clockSynced } = this.deps;
    const status = boxStatus(box, box.store.outbox, now, clockSynced ? { synced: clockSynced } : {});
    this.health = { at: now, status };
    status.catch(() => (this.health = undefined));
    return status;
  }

  async snapshot(): Promise<StatusView> {
    const { box, sync, clock } = this.deps;
    const now = clock.now();
    const fmt = this.fmt;
    const health = await this.slowHealth(now);
    const backlog = await box.store.outbox.backlog();
    const cap = box.capture.stats;

    const lines: LineView[] = box.lines.map((l) => {
      const state = LINE_WORDS[l.state] ?? 'idle';
      const since = state === 'recording' ? l.recordingSince : undefined;
      const end = box.lastCallEnd.get(l.id);
      const words =
        state === 'recording' ? (since !== undefined ? `recording since ${fmt.clock(since)}` : 'recording')
        : state === 'stopped' ? 'stopped on request'
        : state;
      return {
        id: l.id, state, words,
        ...(since !== undefined ? { since } : {}),
        level: Number.isFinite(l.level) ? Math.max(METER_FLOOR_DBFS, Math.round(l.level)) : METER_FLOOR_DBFS,
        ...(end !== undefined ? { lastCallEnd: end } : {}),
        lastCall: end !== undefined ? fmt.time(end, now) : 'none yet',
      };
    });

    const syncState: SyncState = !sync ? 'none' : sync.link.connected ? 'up' : 'down';
    const lastSyncAt = sync?.publisher.lastAckAt;
    const alarms: AlarmView[] = [...box.alarms.values()].map((a) => this.alarm(a.kind, a.message, a.since, now));
    if (syncState === 'down' && backlog > 0) {
      alarms.push(this.alarm('sync-down', `${backlog} event${backlog === 1 ? '' : 's'} waiting to be sent`, lastSyncAt ?? box.startedAt, now));
    }
    if (health.clock.synced === false) alarms.push(this.alarm('clock-unsynced', 'the system clock is not NTP-synchronised', health.ts, now));
    // Faults first: the one that stops recording is what the technician reads first.
    alarms.sort((a, b) => Number(b.severity === 'fault') - Number(a.severity === 'fault') || a.since - b.since);

    const recording = lines.filter((l) => l.state === 'recording').length;
    const faults = alarms.filter((a) => a.severity === 'fault');
    const summary: StatusView['summary'] =
      faults.length > 0 ? { level: 'fault', text: `NOT RECORDING: ${faults[0]!.title.replace(/:.*$/, '')}` }
      : alarms.length > 0 ? { level: 'warning', text: 'Recording every line, but something needs attention' }
      : { level: 'ok', text: `Recording every line (${lines.length} line${lines.length === 1 ? '' : 's'})` };

    const disk = health.disk;
    const uptimeS = Math.max(0, Math.round((now - box.startedAt) / 1000));
    const synced = health.clock.synced;
    const view: Omit<StatusView, 'fields'> = {
      ts: now,
      box: { id: this.deps.boxId, site: this.deps.site },
      version: health.version,
      uptimeS,
      summary,
      recording,
      lines,
      capture: { state: cap.state, overruns: cap.overruns, shortReads: cap.shortReads, gapsMs: Math.round((cap.discardedSamples / box.sampleRate) * 1000) },
      sync: { state: syncState, backlog, ...(lastSyncAt !== undefined ? { lastSyncAt } : {}) },
      disk, cpu: health.cpu, memory: health.memory,
      clock: synced !== undefined ? { synced } : {},
      alarms,
      refusedCalls: box.refusedCalls,
    };
    const fields: Record<string, string> = {
      summary: summary.text,
      updated: fmt.clock(now),
      uptime: duration(uptimeS * 1000),
      clock: synced === undefined ? 'unknown (no time service found)' : synced ? 'synchronised' : 'NOT synchronised',
      cpu: `load ${health.cpu.load1.toFixed(2)}` + (health.cpu.temperatureC !== undefined ? `, ${Math.round(health.cpu.temperatureC)} °C` : ', temperature unknown'),
      memory: `${bytes(health.memory.freeBytes)} free of ${bytes(health.memory.totalBytes)}; service uses ${bytes(health.memory.rssBytes)}`,
      disk: disk.totalBytes > 0 ? `${disk.usedPercent} % used, ${bytes(disk.freeBytes)} free of ${bytes(disk.totalBytes)}` : 'not read yet',
      forecast: disk.daysLeft !== undefined ? `about ${disk.daysLeft} day${disk.daysLeft === 1 ? '' : 's'} of recordings left` : 'no recent recordings to forecast from',
      capture: { running: 'running', starting: 'starting', lost: 'LOST: not recording', stopped: 'stopped' }[cap.state] ?? cap.state,
      xruns: `${cap.overruns} overrun${cap.overruns === 1 ? '' : 's'}, ${cap.shortReads} short read${cap.shortReads === 1 ? '' : 's'}`,
      sync: { none: 'not configured', up: 'connected', down: 'DOWN' }[syncState],
      backlog: `${backlog} event${backlog === 1 ? '' : 's'} waiting`,
      'last-sync': lastSyncAt !== undefined ? fmt.time(lastSyncAt, now) : syncState === 'none' ? 'not configured' : 'none since start',
      refused: `${box.refusedCalls}`,
      announcement: announcementWords(box),
    };
    return { ...view, fields };
  }

  private alarm(kind: string, message: string, since: number, now: number): AlarmView {
    const a = adviceFor(kind);
    return { kind, severity: a.severity, title: a.title, message, since, sinceText: this.fmt.time(since, now), todo: a.todo };
  }
}
