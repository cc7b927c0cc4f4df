import type { Logger } from 'pino';
import { frameDbfs } from '../../core/dsp/level.js';
import { PcmRing } from '../../core/dsp/ring.js';
import { createVox, voxReset, voxRx, type VoxOptions } from '../../core/dsp/vox.js';
import type { RecordingWriter } from '../recorder/recording-writer.js';
import type { RecordingRecord } from '../store/recording-record.js';

export type LineState = 'idle' | 'recording';

export interface LineOptions {
  id: string;
  sampleRate: number;
  vox: Omit<VoxOptions, 'sampleRate' | 'lookbackMs'>;
  preRollMs: number;
  maxCallMs: number;
}

export interface LineDeps {
  /** wall-clock ms of a sample position on the capture timeline */
  timeOf(position: number): number;
  startRecording(line: string, startMs: number): RecordingWriter;
  /** a recording was finished and fully written */
  onRecorded(record: RecordingRecord): void;
  log: Logger;
}

/**
 * One trunk line, first form: VOX decides when a call starts and ends (R1: a line with no
 * signalling at all still gets every call recorded). A pre-roll ring keeps the seconds before
 * VOX triggers, so the caller's first words are in the recording. Silence after the last word
 * is held back, not encoded, until the voice returns or VOX ends the call: the recording then
 * ends a short tail after the last word instead of a whole hang time later.
 */
export class Line {
  state: LineState = 'idle';
  /** level of the latest frame, dBFS; for the status page's meter */
  level = -Infinity;
  private readonly vox;
  private ring: PcmRing;
  /** capture position of the ring's sample 0: the ring restarts after a discontinuity */
  private ringBase = 0;
  private recording: RecordingWriter | undefined;
  /** frames after the last voiced frame, not yet encoded */
  private held: { position: number; frame: Int16Array }[] = [];
  private readonly finishing = new Set<Promise<unknown>>();

  constructor(private readonly opts: LineOptions, private readonly deps: LineDeps) {
    this.vox = createVox({ ...opts.vox, sampleRate: opts.sampleRate, lookbackMs: opts.preRollMs });
    this.ring = this.newRing();
  }

  private newRing(): PcmRing {
    return new PcmRing(Math.ceil((this.opts.preRollMs / 1000) * this.opts.sampleRate) + this.opts.sampleRate);
  }

  get id(): string {
    return this.opts.id;
  }

  frame(position: number, frame: Int16Array): void {
    this.level = frameDbfs(frame);
    this.ring.push(frame);
    const event = voxRx(this.vox, frame);
    if (this.recording === undefined) {
      if (event?.type === 'start') this.begin(event.atSample, position + frame.length);
      return;
    }
    if (event?.type === 'end') {
      this.held.push({ position, frame });
      this.end('silence', event.atSample);
      return;
    }
    // VOX knows where the last voiced block ended; silence after it waits in `held`.
    if (this.vox.lastVoiceEnd > position) {
      this.releaseHeld();
      this.recording.feed(frame);
    } else {
      this.held.push({ position, frame });
    }
    if (this.recording.durationMs >= this.opts.maxCallMs) {
      // A call longer than the limit continues in a new recording, so no chunk list grows unbounded.
      const next = position + frame.length;
      this.releaseHeld();
      this.end('max-length', next);
      this.begin(next, next);
    }
  }

  /**
   * The capture lost its device (samples = 0) or came back after `samples` that never came:
   * a call in progress ends where its audio ended, and detection starts afresh.
   */
  discontinuity(position: number, samples: number): void {
    if (this.recording) this.end('device-lost', position);
    voxReset(this.vox, position + samples);
    this.ring = this.newRing();
    this.ringBase = position + samples;
  }

  /** Ends any call in progress and waits until every recording is written. */
  async close(position: number): Promise<void> {
    if (this.recording) this.end('shutdown', position);
    await Promise.all(this.finishing);
  }

  private begin(onset: number, now: number): void {
    const from = Math.max(onset, this.ring.oldestSample + this.ringBase);
    this.recording = this.deps.startRecording(this.opts.id, this.deps.timeOf(from));
    this.state = 'recording';
    this.recording.feed(this.ring.readFrom(from - this.ringBase, now - this.ringBase));
    this.deps.log.info({ line: this.opts.id, recording: this.recording.id }, 'call started');
  }

  private releaseHeld(): void {
    for (const h of this.held) this.recording!.feed(h.frame);
    this.held = [];
  }

  /** Keeps held silence up to `endPosition`, drops the rest, and finishes the recording. */
  private end(reason: NonNullable<RecordingRecord['endReason']>, endPosition: number): void {
    const recording = this.recording!;
    for (const h of this.held) {
      const keep = Math.min(h.frame.length, endPosition - h.position);
      if (keep <= 0) break;
      recording.feed(h.frame.subarray(0, keep));
    }
    this.held = [];
    this.recording = undefined;
    this.state = 'idle';
    const done = recording.finish(reason).then((record) => {
      this.deps.log.info({ line: this.opts.id, recording: record.id, durationMs: record.durationMs, reason }, 'call recorded');
      this.deps.onRecorded(record);
    });
    this.finishing.add(done);
    void done.finally(() => this.finishing.delete(done));
  }
}
