import type { Logger } from 'pino';
import { PcmRing } from '../../core/dsp/ring.js';
import type { VoxOptions } from '../../core/dsp/vox.js';
import type { RecordingWriter } from '../recorder/recording-writer.js';
import type { RecordingRecord } from '../store/recording-record.js';
import { callStep, createCallFsm, stopCodePending, type CallFsm, type CallFsmOptions, type CallInfo, type LineAction, type LineInput, type StopBy, type UntimedInput } from './call-fsm.js';
import { VoxDetector, type LineDetector } from './detectors.js';
import type { Announcer, NoticeSession } from '../notice/announcer.js';
import type { Notice } from '../../core/protocol/messages.js';

export interface LineOptions {
  id: string;
  sampleRate: number;
  vox: Omit<VoxOptions, 'sampleRate' | 'lookbackMs'>;
  preRollMs: number;
  maxCallMs: number;
  call: Omit<CallFsmOptions, 'sampleRate'>;
  /** audio waits this long before the encoder, so a detector has time to act on it (stop code) */
  delayMs: number;
  /** detectors besides VOX: DTMF, caller ID, call-progress tones */
  detectors?: LineDetector[];
}

export interface LineDeps {
  /** wall-clock ms of a sample position on the capture timeline */
  timeOf(position: number): number;
  /** undefined: the box refuses new recordings now (storage at its floor); it has raised the alarm */
  startRecording(line: string, startMs: number, call: CallInfo): RecordingWriter | undefined;
  /** a recording was finished and fully written */
  onRecorded(record: RecordingRecord): void;
  /** a recording was stopped on a caller's request (R13): an audited event */
  onStopped(recordingId: string, by: StopBy): void;
  /** the recording announcement (R12): plays or verifies it on each call; none: mode off */
  announcer?: Announcer;
  /** a call's recording ended with this evidence: in the calls' order, as they end */
  noticeSettled?(line: string, call: CallInfo, notice: Notice): void;
  log: Logger;
}

interface Pending {
  position: number;
  frame: Int16Array;
}

/**
 * One trunk line. Its detectors (VOX always, DTMF, caller ID, tones when configured) and its
 * serial signalling feed one call state machine; the machine's actions start, update, stop and
 * end recordings. Audio reaches the encoder only after a short delay and never past:
 * - a possible stop code (R13): held until the code completes (then dropped) or fails;
 * - the last voiced sound of a VOX call: silence is held until the voice returns, or dropped
 *   when VOX ends the call, so the recording ends a short tail after the last word.
 */
export class Line {
  private readonly fsm: CallFsm;
  private readonly vox: VoxDetector;
  private readonly detectors: LineDetector[];
  private ring: PcmRing;
  /** capture position of the ring's sample 0: the ring restarts after a discontinuity */
  private ringBase = 0;
  private recording: RecordingWriter | undefined;
  /** the announcement's evidence for the recording in progress; the call it is about */
  private notice: NoticeSession | undefined;
  private call: CallInfo | undefined;
  private pending: Pending[] = [];
  private position = 0;
  private readonly delay: number;
  private readonly finishing = new Set<Promise<unknown>>();

  constructor(private readonly opts: LineOptions, private readonly deps: LineDeps) {
    this.vox = new VoxDetector({ ...opts.vox, sampleRate: opts.sampleRate, lookbackMs: opts.preRollMs });
    this.detectors = [this.vox, ...(opts.detectors ?? [])];
    this.fsm = createCallFsm({ ...opts.call, sampleRate: opts.sampleRate });
    this.ring = this.newRing();
    this.delay = Math.round((opts.delayMs / 1000) * opts.sampleRate);
  }

  get id(): string {
    return this.opts.id;
  }

  /** level of the latest audio, dBFS; for the status page's meter */
  get level(): number {
    return this.vox.level;
  }

  /** when the recording in progress began (ms since epoch), for the status page; undefined when none */
  get recordingSince(): number | undefined {
    return this.recording?.start;
  }

  /** idle, ringing, active (recording) or stopped (a call whose recording was stopped on request) */
  get state() {
    return this.fsm.state;
  }

  frame(position: number, frame: Int16Array): void {
    this.position = position + frame.length;
    this.ring.push(frame);
    if (this.recording) this.pending.push({ position, frame });
    this.notice?.feed(frame);
    // Most frames carry no event at all: nothing is allocated for them.
    let inputs: LineInput[] | undefined;
    for (const d of this.detectors) {
      const heard = d.rx(position, frame);
      if (heard.length > 0) (inputs ??= []).push(...heard);
    }
    if (inputs) for (const input of inputs.sort((a, b) => a.at - b.at)) this.apply(input);
    this.apply({ type: 'tick', at: this.position }); // no event lies past the frame's end
    if (this.recording) {
      this.release();
      if (this.recording.durationMs >= this.opts.maxCallMs) this.continueInNewRecording();
    }
  }

  /** An event from the line's serial signalling (line unit, modem, D-channel), timed now. */
  signal(input: UntimedInput): void {
    this.apply({ ...input, at: this.position } as LineInput);
  }

  /** Stops the recording of the call in progress at once (R13); false if nothing was recording. */
  stopRecording(by: StopBy): boolean {
    const was = this.fsm.state;
    this.apply({ type: 'stop-request', at: this.position, by });
    return was === 'active' && this.fsm.state === 'stopped';
  }

  /**
   * The capture lost its device (samples = 0) or came back after `samples` that never came:
   * a call in progress ends where its audio ended, and detection starts afresh.
   */
  discontinuity(position: number, samples: number): void {
    if (this.recording) this.finish(position, 'device-lost');
    this.fsm.state = 'idle';
    this.fsm.call = undefined;
    this.fsm.pendingClip = undefined;
    const resume = position + samples;
    for (const d of this.detectors) d.reset(resume);
    this.ring = this.newRing();
    this.ringBase = resume;
    this.position = resume;
  }

  /** Ends any call in progress and waits until every recording is written. */
  async close(position: number): Promise<void> {
    if (this.recording) this.finish(position, 'shutdown');
    await Promise.all(this.finishing);
  }

  private newRing(): PcmRing {
    return new PcmRing(Math.ceil((this.opts.preRollMs / 1000) * this.opts.sampleRate) + this.opts.sampleRate);
  }

  private apply(input: LineInput): void {
    for (const action of callStep(this.fsm, input)) this.act(action);
  }

  private act(a: LineAction): void {
    switch (a.type) {
      case 'start': {
        const from = Math.max(a.at, this.ring.oldestSample + this.ringBase);
        this.recording = this.deps.startRecording(this.opts.id, this.deps.timeOf(from), a.call);
        if (!this.recording) {
          this.deps.log.error({ line: this.opts.id, direction: a.call.direction }, 'call NOT recorded: the box refuses new recordings (storage floor)');
          break;
        }
        this.pending = [{ position: from, frame: this.ring.readFrom(from - this.ringBase, this.ring.endSample) }];
        this.call = a.call;
        this.beginNotice(this.recording, a.call, this.pending[0]!.frame);
        this.deps.log.info({ line: this.opts.id, recording: this.recording.id, direction: a.call.direction, source: a.call.source }, 'call started');
        break;
      }
      case 'update':
        this.call = a.call;
        this.recording?.setCall(a.call);
        break;
      case 'stop':
        if (this.recording) {
          this.deps.log.info({ line: this.opts.id, recording: this.recording.id, by: a.by }, 'recording stopped on request');
          this.deps.onStopped(this.recording.id, a.by);
          this.finish(a.at, 'stopped', { at: this.deps.timeOf(a.at), by: a.by });
        }
        break;
      case 'end':
        if (this.recording) this.finish(a.at, a.reason);
        break;
      case 'rearm-vox':
        this.vox.reset(this.position);
        break;
    }
  }

  /** The announcement's part in a new recording, fed the audio it already holds (the pre-roll). */
  private beginNotice(recording: RecordingWriter, call: CallInfo, held: Int16Array): void {
    if (!this.deps.announcer) return;
    this.notice = this.deps.announcer.begin(this.opts.id, call, (notice) => recording.setNotice(notice));
    this.notice.feed(held);
  }

  /** Hands the encoder every pending frame that is old enough and not held back. */
  private release(): void {
    let bound = this.position - this.delay;
    if (stopCodePending(this.fsm, this.position)) bound = Math.min(bound, this.fsm.code.from);
    if (this.fsm.call?.source === 'vox' && this.vox.lastVoiceEnd >= 0) bound = Math.min(bound, this.vox.lastVoiceEnd);
    this.feedUpTo(bound);
  }

  private feedUpTo(bound: number): void {
    const recording = this.recording!;
    while (this.pending.length > 0) {
      const p = this.pending[0]!;
      const keep = Math.min(p.frame.length, bound - p.position);
      if (keep <= 0) return;
      if (keep === p.frame.length) {
        recording.feed(p.frame);
        this.pending.shift();
      } else {
        recording.feed(p.frame.subarray(0, keep));
        this.pending[0] = { position: p.position + keep, frame: p.frame.subarray(keep) };
        return;
      }
    }
  }

  /** Keeps audio up to `end`, drops the rest, and finishes the recording. */
  private finish(end: number, reason: NonNullable<RecordingRecord['endReason']>, stopped?: { at: number; by: StopBy }): void {
    const recording = this.recording!;
    this.feedUpTo(end);
    this.pending = [];
    this.recording = undefined;
    if (this.notice) {
      // Settled before the final record is written, so that it goes out with the call.
      const notice = this.notice.end(this.call!);
      recording.setNotice(notice, false);
      this.notice = undefined;
      this.deps.noticeSettled?.(this.opts.id, this.call!, notice);
    }
    const done = recording.finish(reason, stopped).then((record) => {
      this.deps.log.info({ line: this.opts.id, recording: record.id, durationMs: record.durationMs, reason }, 'call recorded');
      this.deps.onRecorded(record);
    });
    this.finishing.add(done);
    void done.finally(() => this.finishing.delete(done));
  }

  /** A call longer than the limit continues in a new recording, so no chunk list grows unbounded. */
  private continueInNewRecording(): void {
    const call = this.fsm.call!;
    const at = this.position;
    this.finish(at, 'max-length');
    this.recording = this.deps.startRecording(this.opts.id, this.deps.timeOf(at), call);
    this.pending = [];
    // The caller was told (or not) at the call's start, which the previous recording holds.
    if (this.deps.announcer) this.recording?.setNotice({ status: 'not-applicable', reason: 'continuation' }, false);
  }
}
