import { EventEmitter } from 'node:events';
import type { Logger } from 'pino';
import { systemClock, type Clock } from '../core/clock.js';
import type { AnnouncementMode, Config } from '../core/config/index.js';
import type { Notice } from '../core/protocol/messages.js';
import { lineSignalling, lineVox } from '../core/config/index.js';
import { OPUS_PRESKIP_48K } from '../core/ogg/index.js';
import type { PublicSealingKey } from '../core/seal/index.js';
import { alsaBinding } from './capture/alsa-binding.js';
import type { CaptureBinding } from './capture/binding.js';
import { Capture, type CaptureSink } from './capture/capture.js';
import type { Direction, StopBy } from './line/call-fsm.js';
import { lineDetectors } from './line/line-detectors.js';
import { Line } from './line/line.js';
import { startSignalSources, type RunningSource } from './signals/router.js';
import { createOpusEncoder } from './recorder/opus-encoder.js';
import { RecordingWriter, type WriterDeps } from './recorder/recording-writer.js';
import type { RecordingRecord } from './store/recording-record.js';
import { RecordingStore } from './store/recording-store.js';
import { Retention } from './store/retention.js';
import { MB, PressureMonitor, StoragePressure, type PressureAssessment } from './store/pressure.js';
import { AuditLog } from '../core/audit/index.js';
import { TalError } from '../core/errors.js';
import type { Announcer } from './notice/announcer.js';
import { loadAnnouncer } from './notice/load-announcer.js';
import { NoticeMissRuns } from './notice/miss-run.js';
import type { PlayerOptions } from './notice/player.js';

const FRAME_MS = 20;
const SWEEP_INTERVAL_MS = 60_000;

export type AlarmKind = 'capture-lost' | 'storage-write' | 'storage-warning' | 'storage-alarm' | 'storage-floor' | 'notice-missing';

export interface Alarm {
  kind: AlarmKind;
  message: string;
  /** ms since epoch */
  since: number;
}

export interface BoxOptions {
  config: Config;
  sealTo: PublicSealingKey;
  log: Logger;
  binding?: CaptureBinding;
  clock?: Clock;
  /** stop capturing after this many samples per channel (the `--duration` of `record`) */
  stopAfterSamples?: number;
  /** the config file and the SHA-256 of its text, for the audit log's config-load entry */
  configSource?: { file: string; sha256: string };
  /** how the announcement is played (aplay's command and environment) */
  player?: PlayerOptions;
}

/**
 * The appliance's recording path: one capture device, its channels mapped to lines, each line
 * deciding when a call runs, each call sealed into the store. Emits 'recorded' with every
 * finished recording, 'done' once `stopAfterSamples` of audio were captured, 'alarm' when a
 * fault begins and 'alarm-cleared' when it ends. `alarms` holds those in force, for the status
 * page, the LED and MQTT.
 */
export class Box extends EventEmitter {
  readonly lines: Line[];
  readonly capture: Capture;
  readonly alarms = new Map<AlarmKind, Alarm>();
  private sources: RunningSource[] = [];
  private stopped: Promise<void> | undefined;
  private ending: Promise<void> | undefined;

  private sweeper: ReturnType<typeof setInterval> | undefined;
  readonly retention: Retention;
  readonly pressure: StoragePressure;
  readonly monitor: PressureMonitor;
  /** calls not recorded because storage was at its floor (R1: each is behind the raised alarm) */
  refusedCalls = 0;
  /** ms since epoch when each line's last recording ended, for the status (no numbers) */
  readonly lastCallEnd = new Map<string, number>();
  /** months new recordings are kept: the config's, or what a `set-retention` command set since */
  private retentionMonthsNow: number;
  readonly startedAt: number;
  /** the announcement's evidence on each line's last incoming call (R12), for the status */
  readonly lastNotice = new Map<string, Notice>();
  /** incoming calls in a row without the announcement, per line (R12) */
  private readonly noticeMisses: NoticeMissRuns;

  private constructor(
    readonly store: RecordingStore,
    readonly audit: AuditLog,
    private readonly opts: BoxOptions,
    announcer: Announcer,
    savedMisses: Record<string, number> | undefined,
  ) {
    super();
    const { config, log } = opts;
    this.retentionMonthsNow = config.retention.months;
    this.noticeMisses = new NoticeMissRuns(config.announcement.missAlarm, savedMisses);
    this.startedAt = (opts.clock ?? systemClock).now();
    this.retention = new Retention(store, { clock: opts.clock ?? systemClock, audit, log });
    this.pressure = new StoragePressure(opts.clock ?? systemClock, { floorFreeBytes: config.storage.minFreeMb * MB, floorFraction: config.storage.floorPercent / 100 });
    this.monitor = new PressureMonitor({ path: config.storage.path, pressure: this.pressure });
    this.monitor.on('level', (a: PressureAssessment) => this.storageLevel(a));
    this.monitor.on('disk-error', (err: Error) => log.error({ err: err.message }, 'cannot read the disk\'s free space'));
    const rate = config.capture.rate;
    const writerDeps: WriterDeps = {
      store,
      sealTo: opts.sealTo,
      audio: {
        codec: 'opus',
        inputSampleRate: rate,
        frameMs: FRAME_MS,
        preSkip: OPUS_PRESKIP_48K,
        bitrate: config.opus.bitrate,
        packetsPerChunk: Math.round(config.recorder.chunkMs / FRAME_MS),
      },
      retentionMonths: () => this.retentionMonthsNow,
      newEncoder: () => createOpusEncoder(rate, config.opus.bitrate),
      log,
      onWriteError: (err) => this.writeFailed(err),
      onWritten: (bytes) => this.pressure.record(bytes),
    };
    const byChannel = new Map<number, Line>();
    this.lines = config.lines.map((l) => {
      const vox = lineVox(config, l.id);
      const signalling = lineSignalling(config, l.id);
      const { delayMs, ...call } = config.call;
      const line = new Line(
        {
          id: l.id,
          sampleRate: rate,
          vox,
          preRollMs: config.recorder.preRollMs,
          maxCallMs: config.recorder.maxCallMinutes * 60_000,
          call: { ...call, hookSignalling: signalling.hookSignalling, leadMs: vox.leadMs },
          delayMs,
          detectors: lineDetectors(rate, signalling, config.clip),
        },
        {
          timeOf: (position) => this.capture.timeOf(position),
          startRecording: (lineId, startMs, callInfo) => {
            if (this.monitor.refuseNewRecordings || store.failure) {
              this.refusedCalls++;
              return undefined;
            }
            return RecordingWriter.start(writerDeps, lineId, startMs, callInfo);
          },
          onRecorded: (record: RecordingRecord) => {
            this.lastCallEnd.set(record.line, record.end ?? record.start + record.durationMs);
            this.emit('recorded', record);
          },
          announcer,
          noticeSettled: (line, call, notice) => this.noticeGiven({ line, direction: call.direction, notice }),
          onStopped: (recordingId, by) => void this.audit.append({ actor: `stop:${by}`, action: 'stop-recording', target: recordingId, result: 'ok', detail: { line: l.id } }),
          log,
        },
      );
      byChannel.set(l.channel, line);
      return line;
    });
    const limit = opts.stopAfterSamples ?? Infinity;
    const sink: CaptureSink = {
      frames: (position, frames) => {
        if (position >= limit) return;
        for (const [channel, line] of byChannel) line.frame(position, frames[channel]!);
        if (position + frames[0]!.length >= limit) {
          // Enough audio: stop reading at once (a file-backed device would run on as fast as the CPU allows).
          void this.capture.stop();
          this.emit('done');
        }
      },
      discontinuity: (position, samples) => {
        for (const line of this.lines) line.discontinuity(position, samples);
      },
    };
    this.capture = new Capture({
      binding: opts.binding ?? alsaBinding,
      params: { device: config.capture.device, rate, channels: config.capture.channels, periodFrames: (rate * config.capture.periodMs) / 1000 },
      frameSamples: (rate * FRAME_MS) / 1000,
      sink,
      clock: opts.clock ?? systemClock,
      log,
    });
    this.capture.on('state', (state) => {
      if (state === 'lost') this.raise('capture-lost', this.capture.stats.lastError ?? 'capture device lost');
      if (state === 'running') this.clear('capture-lost');
    });
  }

  /** One storage alarm at a time, for the level the disk is at; none when it is ok. */
  private storageLevel(a: PressureAssessment): void {
    const kinds = { warning: 'storage-warning', alarm: 'storage-alarm', floor: 'storage-floor' } as const;
    for (const [level, kind] of Object.entries(kinds)) if (level !== a.level) this.clear(kind);
    if (a.level !== 'ok') this.raise(kinds[a.level], a.message);
    this.opts.log[a.level === 'ok' ? 'info' : 'warn']({ level: a.level, usedPercent: Math.round(a.usedFraction * 100), daysLeft: a.daysLeft }, a.message);
  }

  /**
   * A write failed (disk full, I/O error): the store refuses every later write, since LevelDB
   * may accept them and lose them on reopen. The alarm goes up and 'fatal' tells the service to
   * stop; systemd starts it again, and opening the store succeeds once there is space.
   */
  private writeFailed(err: Error): void {
    if (this.alarms.has('storage-write')) return;
    this.raise('storage-write', err.message);
    void this.monitor.check();
    this.emit('fatal', err);
  }

  /** Counts incoming calls without the announcement; a run of them on any line is an alarm. */
  private noticeGiven(call: { line: string; direction: Direction; notice: Notice }): void {
    if (call.direction === 'incoming' && call.notice.status !== 'not-applicable') this.lastNotice.set(call.line, call.notice);
    if (!this.noticeMisses.observe(call)) return;
    if (!this.store.failure) void this.store.putState('notice-misses', this.noticeMisses.snapshot()).catch(() => {});
    this.noticeAlarm();
  }

  private noticeAlarm(): void {
    const lines = this.noticeMisses.alarming;
    const runs = lines.map((l) => `${l.line}: the last ${l.run} incoming calls went without the recording announcement`);
    const message = lines.length > 0 ? `${runs.join('; ')} (R12: callers must be told the call is recorded)` : undefined;
    if (this.alarms.get('notice-missing')?.message === message) return;
    this.clear('notice-missing');
    if (message) this.raise('notice-missing', message);
  }

  private raise(kind: AlarmKind, message: string): void {
    if (this.alarms.has(kind)) return;
    const alarm: Alarm = { kind, message, since: (this.opts.clock ?? systemClock).now() };
    this.alarms.set(kind, alarm);
    this.emit('alarm', alarm);
  }

  private clear(kind: AlarmKind): void {
    const alarm = this.alarms.get(kind);
    if (!alarm) return;
    this.alarms.delete(kind);
    this.emit('alarm-cleared', alarm);
  }

  /**
   * Stops recording the call in progress on a line at once, on a caller's request (R13): the
   * one call behind the DTMF code, the status page, the console and MQTT commands.
   */
  stopRecording(lineId: string, by: StopBy): { stopped: boolean; reason?: string } {
    const line = this.lines.find((l) => l.id === lineId);
    if (!line) return { stopped: false, reason: `no line ${lineId}` };
    if (line.state !== 'active') return { stopped: false, reason: line.state === 'stopped' ? 'recording already stopped' : 'no call is being recorded' };
    return { stopped: line.stopRecording(by) };
  }

  get announcementMode(): AnnouncementMode {
    return this.opts.config.announcement.mode;
  }

  /** The words of the recording announcement (R12), as configured: the privacy notice quotes them. */
  get announcementText(): string {
    return this.opts.config.announcement.text;
  }

  get sampleRate(): number {
    return this.opts.config.capture.rate;
  }

  get retentionMonths(): number {
    return this.retentionMonthsNow;
  }

  /**
   * Sets how long new recordings are kept (R4: 1–12 months), from a signed `set-retention`
   * command; kept across restarts until the config file says otherwise. Recordings already
   * made keep the retention they were made with.
   */
  async setRetentionMonths(months: number, by: string): Promise<void> {
    if (!Number.isInteger(months) || months < 1 || months > 12) {
      throw new TalError('TAL_HOLD_INVALID', `retention must be a whole number of months from 1 to 12 (R4), not ${months}`);
    }
    const from = this.retentionMonthsNow;
    await this.store.putState('retention-months', { months, configMonths: this.opts.config.retention.months });
    this.retentionMonthsNow = months;
    await this.audit.append({ actor: by, action: 'set-retention', result: 'ok', detail: { from, to: months } });
  }

  /** Closes and reopens the capture device, on a technician's request; audited. */
  async restartCapture(by: string): Promise<void> {
    await this.capture.restart();
    await this.audit.append({ actor: by, action: 'capture-restart', result: 'ok', detail: { device: this.opts.config.capture.device } });
  }

  /** Lights the LED's test pattern for a while (the status LED of issue 6 listens for 'led-test'). */
  ledTest(seconds: number): void {
    this.emit('led-test', seconds);
  }

  /** Opens the store, finalises what a crash left open, and starts capturing. */
  static async start(opts: BoxOptions): Promise<Box> {
    const clock = opts.clock ?? systemClock;
    const { config } = opts;
    // Before the store: a bad announcement stops the start with nothing opened.
    const announcer = await loadAnnouncer(config, { clock, ...(opts.player ? { player: opts.player } : {}) });
    const store = await RecordingStore.open(config.storage.path, { clock });
    const audit = await AuditLog.open(store.level, { clock });
    await audit.append({
      actor: 'system', action: 'service-start', result: 'ok',
      detail: { box: config.box.id, site: config.box.site, lines: config.lines.length, keyId: opts.sealTo.keyId, retentionMonths: config.retention.months },
    });
    const lastKeyId = await store.getState<string>('seal-key-id');
    if (lastKeyId !== opts.sealTo.keyId) {
      // A new controller key: recordings from now on are sealed to it (the old ones keep theirs).
      await audit.append({ actor: 'system', action: 'key-change', result: 'ok', detail: { from: lastKeyId ?? 'none', to: opts.sealTo.keyId } });
      await store.putState('seal-key-id', opts.sealTo.keyId);
    }
    if (opts.configSource) {
      await audit.append({ actor: 'system', action: 'config-load', target: opts.configSource.file, result: 'ok', detail: { sha256: opts.configSource.sha256 } });
    }
    const recovered = await store.recoverOpen();
    for (const r of recovered) {
      opts.log.warn({ recording: r.id, line: r.line, durationMs: r.durationMs }, 'recording left open by a crash finalised as truncated');
      await audit.append({ actor: 'system', action: 'recover', target: r.id, result: 'ok', detail: { durationMs: r.durationMs } });
    }
    const box = new Box(store, audit, opts, announcer, await store.getState<Record<string, number>>('notice-misses'));
    box.noticeAlarm();
    const set = await store.getState<{ months: number; configMonths: number }>('retention-months');
    // A command's retention holds until the config file itself is changed.
    if (set && set.configMonths === config.retention.months) box.retentionMonthsNow = set.months;
    try {
      box.pressure.restore(await store.getState('storage-pressure'));
    } catch {
      // no forecast saved yet, or one from another version: start counting afresh
    }
    await box.monitor.start();
    await box.sweep();
    box.sweeper = setInterval(() => void box.sweep(), SWEEP_INTERVAL_MS);
    box.capture.start();
    box.sources = startSignalSources(
      opts.config.signals,
      (lineId, input) => box.lines.find((l) => l.id === lineId)?.signal(input),
      opts.log,
      opts.clock ?? systemClock,
    );
    return box;
  }

  /** One sweeper pass (every minute while recording): expired recordings are destroyed. */
  private sweeping: Promise<void> | undefined;
  async sweep(): Promise<void> {
    this.sweeping ??= this.retention
      .sweep()
      .then(() => this.store.putState('storage-pressure', this.pressure.snapshot()))
      .catch((err: Error) => this.opts.log.error({ err: err.message }, 'sweep failed; the next pass tries again'))
      .finally(() => (this.sweeping = undefined));
    return this.sweeping;
  }

  /** Stops capture and signalling, ends the calls in progress and waits until every recording is written. */
  endCalls(): Promise<void> {
    this.ending ??= (async () => {
      await Promise.all(this.sources.map((s) => s.close()));
      await this.capture.stop();
      const end = Math.min(this.capture.samples, this.opts.stopAfterSamples ?? Infinity);
      await Promise.all(this.lines.map((l) => l.close(end)));
    })();
    return this.ending;
  }

  /** Stops capture, ends calls in progress, writes everything and closes the store. */
  stop(): Promise<void> {
    this.stopped ??= (async () => {
      clearInterval(this.sweeper);
      await this.sweeping;
      await this.monitor.stop();
      await this.endCalls();
      if (!this.store.failure) {
        await this.store.putState('storage-pressure', this.pressure.snapshot()).catch(() => {});
        await this.audit.append({ actor: 'system', action: 'service-stop', result: 'ok', detail: { refusedCalls: this.refusedCalls } }).catch(() => {});
        await this.audit.idle().catch(() => {});
      }
      await this.store.close();
    })();
    return this.stopped;
  }
}
