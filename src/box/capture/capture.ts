import { EventEmitter } from 'node:events';
import type { Logger } from 'pino';
import type { Clock } from '../../core/clock.js';
import type { CaptureBinding, CaptureParams, CaptureSource, DiscardReason } from './binding.js';
import { Demux } from './demux.js';

/** Where demultiplexed audio goes: the lines. Positions count samples per channel since start. */
export interface CaptureSink {
  /** one frame per channel, starting at sample `position` */
  frames(position: number, frames: Int16Array[]): void;
  /** the device was lost (samples = 0), or came back after `samples` that never arrived */
  discontinuity(position: number, samples: number): void;
}

export type CaptureState = 'starting' | 'running' | 'lost' | 'stopped';

export interface CaptureStats {
  state: CaptureState;
  periods: number;
  overruns: number;
  shortReads: number;
  readErrors: number;
  wrongSize: number;
  /** samples per channel replaced by silence because the device delivered none or stale ones */
  discardedSamples: number;
  reopens: number;
  lastError?: string;
}

export interface CaptureOptions {
  binding: CaptureBinding;
  params: CaptureParams;
  frameSamples: number;
  sink: CaptureSink;
  clock: Clock;
  log: Logger;
  /** back-off between reopen attempts: doubles from initial up to max */
  backoff?: { initialMs: number; maxMs: number };
  /** injected so tests of the reopen logic never sleep */
  setTimer?: (fn: () => void, ms: number) => { cancel(): void };
}

const defaultTimer = (fn: () => void, ms: number) => {
  const t = setTimeout(fn, ms);
  return { cancel: () => clearTimeout(t) };
};

/**
 * One capture device: opens it, turns periods into per-line frames on a sample timeline,
 * counts every period it could not use, and reopens a lost device with back-off.
 * Emits 'state' (CaptureState) whenever the device comes or goes.
 */
export class Capture extends EventEmitter {
  readonly stats: CaptureStats = {
    state: 'stopped', periods: 0, overruns: 0, shortReads: 0, readErrors: 0, wrongSize: 0, discardedSamples: 0, reopens: 0,
  };
  private readonly demux: Demux;
  private source: CaptureSource | undefined;
  private position = 0;
  private anchorMs: number | undefined;
  private nextBackoffMs: number;
  private retry: { cancel(): void } | undefined;
  private stopping = false;
  private readonly periodMs: number;

  constructor(private readonly opts: CaptureOptions) {
    super();
    this.demux = new Demux(opts.params.channels, opts.frameSamples);
    this.nextBackoffMs = opts.backoff?.initialMs ?? 500;
    this.periodMs = (opts.params.periodFrames / opts.params.rate) * 1000;
  }

  /** Wall-clock time (ms) of a sample position, anchored when the first period arrived. */
  timeOf(position: number): number {
    return (this.anchorMs ?? this.opts.clock.now()) + (position / this.opts.params.rate) * 1000;
  }

  /** Samples per channel delivered (or accounted for) so far. */
  get samples(): number {
    return this.position;
  }

  start(): void {
    this.stopping = false;
    this.openDevice();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.retry?.cancel();
    const source = this.source;
    this.source = undefined;
    await source?.close();
    this.setState('stopped');
  }

  /**
   * Closes the device and opens it again at once (the technician's "restart capture"). Calls in
   * progress end where the audio stopped; the time the device was closed is accounted for as
   * missing audio, as after a loss.
   */
  async restart(): Promise<void> {
    if (this.stopping) return;
    this.retry?.cancel();
    this.retry = undefined;
    const source = this.source;
    this.source = undefined;
    await source?.close();
    this.opts.sink.discontinuity(this.position, 0);
    this.nextBackoffMs = this.opts.backoff?.initialMs ?? 500;
    this.stats.reopens++;
    this.openDevice();
  }

  private setState(state: CaptureState): void {
    if (this.stats.state === state) return;
    this.stats.state = state;
    this.emit('state', state);
  }

  private openDevice(): void {
    const { binding, params, log } = this.opts;
    this.setState(this.stats.reopens === 0 && this.anchorMs === undefined ? 'starting' : this.stats.state);
    let source: CaptureSource;
    try {
      source = binding.open(params);
    } catch (err) {
      this.lost(err as Error);
      return;
    }
    this.source = source;
    let first = true;
    source.on('audio', (period) => {
      if (source !== this.source) return;
      if (first) {
        first = false;
        this.resumeTimeline();
        this.nextBackoffMs = this.opts.backoff?.initialMs ?? 500;
        this.setState('running');
        log.info({ device: params.device, anchor: new Date(this.timeOf(this.position)).toISOString(), position: this.position }, 'capture running');
      }
      this.stats.periods++;
      this.deliver(period);
    });
    source.on('discard', (reason, frames) => {
      if (source !== this.source) return;
      this.countDiscard(reason, frames);
      // Silence keeps every line's timeline whole; the stale bytes never reach a line.
      this.deliver(Buffer.alloc(frames * params.channels * 2));
    });
    source.on('rate', (rate) => {
      log.error({ device: params.device, requested: params.rate, actual: rate }, 'capture device runs at another rate');
    });
    source.on('error', (err) => {
      if (source !== this.source) return;
      this.source = undefined;
      this.lost(err);
    });
  }

  private deliver(period: Buffer): void {
    this.demux.push(period, (frames) => {
      const at = this.position;
      this.position += this.opts.frameSamples;
      this.opts.sink.frames(at, frames);
    });
  }

  private countDiscard(reason: DiscardReason, frames: number): void {
    const s = this.stats;
    if (reason === 'overrun') s.overruns++;
    else if (reason === 'short-read') s.shortReads++;
    else if (reason === 'read-error') s.readErrors++;
    else s.wrongSize++;
    s.discardedSamples += frames;
  }

  /** On the first period after (re)opening: anchor the timeline, or account for the time the device was away. */
  private resumeTimeline(): void {
    const now = this.opts.clock.now();
    if (this.anchorMs === undefined) {
      this.anchorMs = now - this.periodMs;
      return;
    }
    const expected = this.timeOf(this.position + this.demux.held);
    const missingMs = now - this.periodMs - expected;
    const samples = Math.max(0, Math.round((missingMs / 1000) * this.opts.params.rate)) + this.demux.held;
    this.demux.reset();
    this.opts.sink.discontinuity(this.position, samples);
    this.position += samples;
  }

  private lost(err: Error): void {
    const { log, params } = this.opts;
    this.stats.readErrors += err.message.includes('read error') ? 1 : 0;
    this.stats.lastError = err.message;
    this.setState('lost');
    // Calls in progress end where the audio ended; nothing waits for a device that may not return.
    this.opts.sink.discontinuity(this.position, 0);
    if (this.stopping) return;
    const delay = this.nextBackoffMs;
    this.nextBackoffMs = Math.min(delay * 2, this.opts.backoff?.maxMs ?? 30_000);
    log.error({ device: params.device, err: err.message, retryInMs: delay }, 'capture device lost; reopening');
    this.retry = (this.opts.setTimer ?? defaultTimer)(() => {
      this.retry = undefined;
      if (this.stopping) return;
      this.stats.reopens++;
      this.openDevice();
    }, delay);
  }
}
