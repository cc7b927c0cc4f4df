import { EventEmitter } from 'node:events';
import type { Clock } from '../../core/clock.js';
import { diskUsage as statfsUsage } from './disk.js';

// Storage pressure on the box (issue 4, item 4; docs/storage.md). Recordings are never deleted
// to make room: unexpired audio stays until retention (R4) expires it. What the box does under
// pressure is warn, raise an alarm, and at the floor refuse new recordings, so that the store is
// never driven into a full disk.

export const DAY_MS = 86_400_000;
/** one megabyte, as `storage.minFreeMb` counts it (SI, like the sizes in the messages) */
export const MB = 1_000_000;
/** days of recording the rate is averaged over */
export const RATE_WINDOW_DAYS = 7;

export type PressureLevel = 'ok' | 'warning' | 'alarm' | 'floor';
/** the levels in order of severity */
export const pressureLevels: readonly PressureLevel[] = ['ok', 'warning', 'alarm', 'floor'];

export interface PressureThresholds {
  /** a warning from this used fraction on (default 0.8) */
  warnFraction: number;
  /** an alarm from this used fraction on (default 0.9) */
  alarmFraction: number;
  /** new recordings are refused from this used fraction on (default 0.97) … */
  floorFraction: number;
  /** … or when less than this many bytes are free (default 200 MB: `storage.minFreeMb`) */
  floorFreeBytes: number;
  /**
   * A level, once reached, is left only when the disk is this fraction of its capacity below
   * the level's threshold (default 0.01: one percentage point), so it does not flap.
   */
  hysteresisFraction: number;
}

export const defaultThresholds: Readonly<PressureThresholds> = Object.freeze({
  warnFraction: 0.8,
  alarmFraction: 0.9,
  floorFraction: 0.97,
  floorFreeBytes: 200 * MB,
  hysteresisFraction: 0.01,
});

/** Fills in the defaults and checks the thresholds are in order; a TypeError names what is wrong. */
export function pressureThresholds(partial: Partial<PressureThresholds> = {}): PressureThresholds {
  const th: PressureThresholds = { ...defaultThresholds };
  for (const [k, v] of Object.entries(partial) as [keyof PressureThresholds, unknown][]) {
    if (v === undefined) continue;
    if (!(k in defaultThresholds)) throw new TypeError(`unknown storage threshold ${String(k)}`);
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new TypeError(`storage threshold ${k} must be a finite number, not ${String(v)}`);
    th[k] = v;
  }
  const { warnFraction: w, alarmFraction: a, floorFraction: f, floorFreeBytes, hysteresisFraction: h } = th;
  if (!(w > 0 && w < a && a < f && f <= 1)) {
    throw new TypeError(`storage thresholds must be ordered 0 < warnFraction < alarmFraction < floorFraction <= 1, not ${w}, ${a}, ${f}`);
  }
  if (floorFreeBytes < 0) throw new TypeError(`storage threshold floorFreeBytes must be 0 or more, not ${floorFreeBytes}`);
  if (!(h >= 0 && h < w)) throw new TypeError(`storage threshold hysteresisFraction must be at least 0 and below warnFraction, not ${h}`);
  return th;
}

/** What `diskUsage` returns, or any other reading of a filesystem's size. */
export interface DiskSpace {
  totalBytes: number;
  freeBytes: number;
}

export interface PressureAssessment {
  level: PressureLevel;
  /** (total − free) / total, 0…1 */
  usedFraction: number;
  totalBytes: number;
  freeBytes: number;
  /** free space below which new recordings are refused: the larger of the two floors */
  reserveBytes: number;
  /** bytes recorded per day, averaged over the last 7 days; 0 when nothing was recorded in them */
  bytesPerDay: number;
  /** days until the floor at `bytesPerDay`; null when nothing was recorded in the last 7 days */
  daysLeft: number | null;
  /** true at the floor: the recorder must not start a recording */
  refuseNewRecordings: boolean;
  /** in plain words, for the technician: the status page, the log and the alarm */
  message: string;
}

/** The rate history, as a small JSON object, so a restart keeps the forecast. */
export interface PressureSnapshot {
  v: 1;
  /** ms since epoch from which recording was observed */
  since: number;
  /** [day number (UTC days since the epoch), bytes recorded that day], at most the last 7 days */
  days: [number, number][];
  /** the level last assessed, so hysteresis holds across a restart */
  level: PressureLevel;
}

const rank = (l: PressureLevel): number => pressureLevels.indexOf(l);
const dayOf = (ms: number): number => Math.floor(ms / DAY_MS);

/**
 * Tracks the recording rate and turns a reading of the disk into a level: `record` every sealed
 * chunk's bytes as it is written, `assess` with each reading of the disk. Pure: time comes from
 * the injected clock or the caller, the disk from the caller.
 *
 * The rate is the bytes recorded in the last 7 UTC days (today so far and the 6 days before)
 * divided by the time those days cover, counted from when tracking began if that is later, and
 * never less than one day (so a first morning's calls are not read as a whole day's pace).
 */
export class StoragePressure {
  private readonly thresholds: PressureThresholds;
  private readonly days = new Map<number, number>();
  private since: number;
  private current: PressureLevel = 'ok';

  constructor(private readonly clock: Clock, thresholds: Partial<PressureThresholds> = {}) {
    this.thresholds = pressureThresholds(thresholds);
    this.since = clock.now();
  }

  /** the level of the last assessment ('ok' before the first) */
  get level(): PressureLevel {
    return this.current;
  }

  /** Counts bytes written to the store at `atMs` (default now). */
  record(bytesWritten: number, atMs: number = this.clock.now()): void {
    if (!(Number.isFinite(bytesWritten) && bytesWritten >= 0)) throw new TypeError(`bytes written must be a finite number, 0 or more, not ${bytesWritten}`);
    if (!Number.isFinite(atMs)) throw new TypeError(`the time of a write must be a finite number, not ${atMs}`);
    const day = dayOf(atMs);
    this.days.set(day, (this.days.get(day) ?? 0) + bytesWritten);
    if (atMs < this.since) this.since = atMs;
    this.prune(Math.max(atMs, this.clock.now()));
  }

  /** Bytes per day over the last 7 days as of `nowMs`. */
  bytesPerDay(nowMs: number = this.clock.now()): number {
    const today = dayOf(nowMs);
    const first = today - (RATE_WINDOW_DAYS - 1);
    let sum = 0;
    for (const [day, bytes] of this.days) if (day >= first && day <= today) sum += bytes;
    if (sum === 0) return 0;
    const from = Math.max(first * DAY_MS, this.since);
    return (sum / Math.max(nowMs - from, DAY_MS)) * DAY_MS;
  }

  /**
   * The level for a reading of the disk. Going up happens at a threshold; going down only once
   * the disk is `hysteresisFraction` below it. `thresholds` overrides those given at construction.
   */
  assess(space: DiskSpace, nowMs: number = this.clock.now(), thresholds?: Partial<PressureThresholds>): PressureAssessment {
    const th = thresholds ? pressureThresholds({ ...this.thresholds, ...thresholds }) : this.thresholds;
    if (!(Number.isFinite(space.totalBytes) && Number.isFinite(space.freeBytes))) {
      throw new TypeError(`disk space must be finite numbers, not ${space.totalBytes} total, ${space.freeBytes} free`);
    }
    const totalBytes = Math.max(0, space.totalBytes);
    const freeBytes = Math.min(totalBytes, Math.max(0, space.freeBytes));
    const usedFraction = totalBytes > 0 ? (totalBytes - freeBytes) / totalBytes : 1;

    const raw = (used: number, free: number): PressureLevel =>
      used >= th.floorFraction || free < th.floorFreeBytes ? 'floor' : used >= th.alarmFraction ? 'alarm' : used >= th.warnFraction ? 'warning' : 'ok';
    const now = raw(usedFraction, freeBytes);
    // The previous level holds while the disk is within the hysteresis band below its threshold.
    const h = th.hysteresisFraction;
    const held = pressureLevels[Math.min(rank(this.current), rank(raw(usedFraction + h, freeBytes - h * totalBytes)))]!;
    const level = rank(held) > rank(now) ? held : now;
    this.current = level;

    const reserveBytes = Math.max(th.floorFreeBytes, Math.round((1 - th.floorFraction) * totalBytes));
    const bytesPerDay = this.bytesPerDay(nowMs);
    const daysLeft = bytesPerDay > 0 ? Math.max(0, freeBytes - reserveBytes) / bytesPerDay : null;
    const refuseNewRecordings = level === 'floor';
    return {
      level,
      usedFraction,
      totalBytes,
      freeBytes,
      reserveBytes,
      bytesPerDay,
      daysLeft: refuseNewRecordings && daysLeft !== null ? 0 : daysLeft,
      refuseNewRecordings,
      message: describe(level, usedFraction, freeBytes, refuseNewRecordings ? 0 : daysLeft, th),
    };
  }

  snapshot(): PressureSnapshot {
    this.prune(this.clock.now());
    return { v: 1, since: this.since, days: [...this.days].sort((a, b) => a[0] - b[0]), level: this.current };
  }

  /**
   * Adds a snapshot's history to this tracker (after a restart). A snapshot that is not one
   * throws a TypeError: start afresh then, the forecast needs a few days to be good again.
   */
  restore(snapshot: unknown): void {
    const s = snapshot as Partial<PressureSnapshot> | null;
    if (typeof s !== 'object' || s === null || s.v !== 1) throw new TypeError('not a storage pressure snapshot (v 1)');
    if (typeof s.since !== 'number' || !Number.isFinite(s.since)) throw new TypeError('storage pressure snapshot: since must be a time in ms');
    if (!Array.isArray(s.days) || !s.days.every((d) => Array.isArray(d) && d.length === 2 && Number.isInteger(d[0]) && Number.isFinite(d[1]) && d[1] >= 0)) {
      throw new TypeError('storage pressure snapshot: days must be [day, bytes] pairs');
    }
    if (s.level !== undefined && !pressureLevels.includes(s.level)) throw new TypeError(`storage pressure snapshot: unknown level ${String(s.level)}`);
    for (const [day, bytes] of s.days) this.days.set(day, (this.days.get(day) ?? 0) + bytes);
    this.since = Math.min(this.since, s.since);
    if (s.level !== undefined && rank(s.level) > rank(this.current)) this.current = s.level;
    this.prune(this.clock.now());
  }

  private prune(nowMs: number): void {
    const first = dayOf(nowMs) - (RATE_WINDOW_DAYS - 1);
    for (const day of this.days.keys()) if (day < first) this.days.delete(day);
  }
}

/** SI sizes, as a technician reads them off `df -H`. */
export function formatBytes(bytes: number): string {
  const units = ['bytes', 'kB', 'MB', 'GB', 'TB'];
  let v = bytes;
  let u = 0;
  while (v >= 1000 && u < units.length - 1) {
    v /= 1000;
    u++;
  }
  if (u === 0) return `${Math.round(v)} bytes`;
  return `${v < 10 ? (Math.floor(v * 10) / 10).toString() : Math.floor(v).toString()} ${units[u]}`;
}

const percent = (f: number): number => Math.floor(f * 100 + 1e-9);
const DELETE_NOTHING = 'delete nothing by hand — expired recordings are removed automatically';

function describe(level: PressureLevel, used: number, free: number, daysLeft: number | null, th: PressureThresholds): string {
  const head = `disk ${percent(used)} % full (${formatBytes(free)} free)`;
  const days = daysLeft === null ? 0 : Math.floor(daysLeft + 1e-9);
  const forecast =
    daysLeft === null
      ? 'no recordings in the last 7 days to forecast from'
      : daysLeft < 1
        ? "less than a day of recordings left at the last 7 days' rate"
        : `about ${days} day${days === 1 ? '' : 's'} of recordings left at the last 7 days' rate`;
  const floorAt = `${percent(th.floorFraction)} % full or under ${formatBytes(th.floorFreeBytes)} free`;
  switch (level) {
    case 'ok':
      return `${head}: ${forecast}`;
    case 'warning':
      return `${head}: ${forecast}; plan more storage; ${DELETE_NOTHING}`;
    case 'alarm':
      return `${head}: ${forecast}; add storage soon: new recordings will be refused at ${floorAt}; ${DELETE_NOTHING}`;
    case 'floor':
      return (
        `${head}: new recordings are refused, so that those already stored stay intact; ` +
        `add storage or free space that is not recordings (old logs, files left by hand); ${DELETE_NOTHING}; ` +
        'recording resumes by itself when space returns'
      );
  }
}

export interface MonitorTimers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const realTimers: MonitorTimers = {
  setTimeout: (fn, ms) => setTimeout(fn, ms).unref(),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

export interface PressureMonitorOptions {
  /** the storage directory (`storage.path`) */
  path: string;
  pressure: StoragePressure;
  /** between readings of the disk (default 60 s) */
  intervalMs?: number;
  /** reads the disk (default: `diskUsage` from disk.ts, statfs) */
  diskUsage?: (path: string) => Promise<DiskSpace>;
  timers?: MonitorTimers;
}

/**
 * Reads the disk every `intervalMs` and assesses it. Emits:
 * - 'assessment' (a: PressureAssessment) after every reading;
 * - 'level' (a: PressureAssessment, previous: PressureLevel) when the level differs from the
 *   last one emitted (which starts as 'ok', so a box that starts at a higher level hears of it);
 * - 'disk-error' (err: Error) when the disk cannot be read (or a listener above threw); the
 *   level is left as it was.
 * Readings never overlap: the next is scheduled when one ends.
 */
export class PressureMonitor extends EventEmitter {
  private readonly intervalMs: number;
  private readonly read: (path: string) => Promise<DiskSpace>;
  private readonly timers: MonitorTimers;
  private timer: unknown;
  private inFlight: Promise<PressureAssessment | undefined> | undefined;
  private running = false;
  private emitted: PressureLevel = 'ok';
  private latest: PressureAssessment | undefined;

  constructor(private readonly opts: PressureMonitorOptions) {
    super();
    this.intervalMs = opts.intervalMs ?? 60_000;
    if (!(Number.isFinite(this.intervalMs) && this.intervalMs > 0)) throw new TypeError(`intervalMs must be a positive number, not ${this.intervalMs}`);
    this.read = opts.diskUsage ?? statfsUsage;
    this.timers = opts.timers ?? realTimers;
  }

  /** the last assessment, if any reading succeeded */
  get last(): PressureAssessment | undefined {
    return this.latest;
  }

  /** whether the recorder must refuse to start a recording now */
  get refuseNewRecordings(): boolean {
    return this.latest?.refuseNewRecordings ?? false;
  }

  /** Reads the disk at once, then every `intervalMs`. Resolves with the first reading. */
  start(): Promise<PressureAssessment | undefined> {
    this.running = true;
    return this.tick();
  }

  /**
   * Reads the disk now (a write failed, or a recording is about to start); joins a reading
   * already under way. Resolves undefined when the disk could not be read.
   */
  check(): Promise<PressureAssessment | undefined> {
    this.inFlight ??= this.readOnce().finally(() => {
      this.inFlight = undefined;
    });
    return this.inFlight;
  }

  /** Stops the readings; resolves when a reading under way has ended. */
  async stop(): Promise<void> {
    this.running = false;
    if (this.timer !== undefined) this.timers.clearTimeout(this.timer);
    this.timer = undefined;
    await this.inFlight;
  }

  private async tick(): Promise<PressureAssessment | undefined> {
    this.timer = undefined;
    // A listener that throws must not end the readings (nor the process): it is reported.
    const a = await this.check().catch((err: unknown) => {
      this.emit('disk-error', err instanceof Error ? err : new Error(String(err)));
      return undefined;
    });
    if (this.running && this.timer === undefined) this.timer = this.timers.setTimeout(() => void this.tick(), this.intervalMs);
    return a;
  }

  private async readOnce(): Promise<PressureAssessment | undefined> {
    let space: DiskSpace;
    try {
      space = await this.read(this.opts.path);
    } catch (err) {
      this.emit('disk-error', err instanceof Error ? err : new Error(String(err)));
      return undefined;
    }
    const a = this.opts.pressure.assess(space);
    this.latest = a;
    const previous = this.emitted;
    this.emitted = a.level;
    this.emit('assessment', a);
    if (a.level !== previous) this.emit('level', a, previous);
    return a;
  }
}
