import type { Logger } from 'pino';
import { uuidv7 } from '../../core/ids.js';
import { effectiveExpiry } from '../../core/retention/index.js';
import { newContentKey, packPackets, sealChunk, sealMetadata, wrapContentKey, type PublicSealingKey } from '../../core/seal/index.js';
import type { CallInfo, StopBy } from '../line/call-fsm.js';
import type { RecordingStore } from '../store/recording-store.js';
import type { OpusParams, RecordingRecord, SealedCallMeta } from '../store/recording-record.js';
import type { FrameEncoder } from './opus-encoder.js';
import type { Notice } from '../../core/protocol/messages.js';

export interface WriterDeps {
  store: RecordingStore;
  sealTo: PublicSealingKey;
  /** `packetsPerChunk`: at most this much audio is ever only in memory */
  audio: OpusParams;
  /** retention.months when the call starts (R4) */
  /** months a recording started now is kept (a command may change it between calls) */
  retentionMonths: number | (() => number);
  newEncoder(): FrameEncoder;
  log: Logger;
  /** a write failed: the alarm is the caller's to raise */
  onWriteError(err: Error): void;
  /** a sealed chunk reached the store: the disk's recording rate, for the capacity forecast */
  onWritten?(bytes: number): void;
}

/**
 * One recording on the box: PCM in, sealed ~1 s chunks of Opus packets out to the store.
 * The content key lives only in this object's memory; once it is gone, only the controller's
 * private key can reach the audio. Writes go through one queue per recording, in order.
 */
export class RecordingWriter {
  private record: RecordingRecord;
  private readonly contentKey: Buffer;
  private readonly encoder: FrameEncoder;
  private readonly frame: Int16Array;
  private fill = 0;
  private packets: Buffer[] = [];
  private nextIndex = 0;
  private totalPackets = 0;
  private queue: Promise<void>;
  private finished = false;

  private constructor(private readonly deps: WriterDeps, line: string, startMs: number, call: CallInfo) {
    this.contentKey = newContentKey();
    const id = uuidv7(startMs);
    const retentionMonths = typeof deps.retentionMonths === 'function' ? deps.retentionMonths() : deps.retentionMonths;
    this.record = {
      v: 1, id, line, start: Math.round(startMs), durationMs: 0, state: 'open', chunks: 0,
      audio: deps.audio, keyId: deps.sealTo.keyId,
      wrappedKey: wrapContentKey(this.contentKey, id, deps.sealTo).toString('base64'),
      gapMs: 0,
      retentionMonths,
      expiresAt: effectiveExpiry({ start: Math.round(startMs), retentionMonths }),
      ...this.callFields(id, call, 0),
    };
    this.encoder = deps.newEncoder();
    this.frame = new Int16Array((deps.audio.inputSampleRate * deps.audio.frameMs) / 1000);
    const first = this.record;
    this.queue = this.write(() => deps.store.putRecording(first));
  }

  static start(deps: WriterDeps, line: string, startMs: number, call: CallInfo): RecordingWriter {
    return new RecordingWriter(deps, line, startMs, call);
  }

  /**
   * What is known of the call changed (a number arrived, digits were dialled): the plaintext
   * record gets direction, signalling and caller-ID status; the numbers are sealed anew under
   * the next metadata counter and written with it.
   */
  setCall(call: CallInfo): void {
    if (this.finished) return;
    // A fresh counter for every re-seal: the metadata nonce must never repeat under one key.
    this.record = { ...this.record, ...this.callFields(this.record.id, call, (this.record.metaVersion ?? -1) + 1) };
    const snapshot = this.record;
    this.queue = this.write(() => this.deps.store.putRecording(snapshot));
  }

  private callFields(id: string, call: CallInfo, version: number): Pick<RecordingRecord, 'direction' | 'signalling' | 'clip' | 'sealedMeta' | 'metaVersion'> {
    const meta: SealedCallMeta = {};
    if (call.calling !== undefined) meta.calling = call.calling;
    if (call.called !== undefined) meta.called = call.called;
    if (call.name !== undefined) meta.name = call.name;
    const fields = { direction: call.direction, signalling: call.source, clip: call.clip };
    if (Object.keys(meta).length === 0) return fields;
    return { ...fields, sealedMeta: sealMetadata(this.contentKey, id, meta, version).toString('base64'), metaVersion: version };
  }

  /**
   * The evidence that the caller was told the call is recorded (R12). Written at once when it is
   * settled mid-call, so that a crash keeps it; at the call's end it goes with the final record.
   */
  setNotice(notice: Notice, write = true): void {
    if (this.finished) return;
    this.record = { ...this.record, notice };
    if (!write) return;
    const snapshot = this.record;
    this.queue = this.write(() => this.deps.store.putRecording(snapshot));
  }

  /** ms since epoch of the first sample kept (pre-roll included) */
  get start(): number {
    return this.record.start;
  }

  get id(): string {
    return this.record.id;
  }

  get startMs(): number {
    return this.record.start;
  }

  /** Audio encoded so far, in ms. */
  get durationMs(): number {
    return this.totalPackets * this.deps.audio.frameMs;
  }

  /** PCM of any length; encoded in whole frames. */
  feed(samples: Int16Array): void {
    if (this.finished) throw new Error(`recording ${this.id} is finished`);
    const frame = this.frame;
    let i = 0;
    while (i < samples.length) {
      const n = Math.min(frame.length - this.fill, samples.length - i);
      frame.set(samples.subarray(i, i + n), this.fill);
      this.fill += n;
      i += n;
      if (this.fill === frame.length) this.encodeFrame();
    }
  }

  /** Audio the capture lost inside this call, filled with silence by the capture. */
  countGap(ms: number): void {
    this.record = { ...this.record, gapMs: this.record.gapMs + ms };
  }

  /** Flushes the last partial frame (padded with silence) and writes the final chunk. */
  async finish(endReason: NonNullable<RecordingRecord['endReason']>, stopped?: { at: number; by: StopBy }): Promise<RecordingRecord> {
    if (!this.finished) {
      this.finished = true;
      if (this.fill > 0) {
        this.frame.fill(0, this.fill);
        this.encodeFrame();
      }
      if (stopped) this.record = { ...this.record, stopped: { at: Math.round(stopped.at), by: stopped.by } };
      this.sealAndWrite(true, endReason);
      this.contentKey.fill(0);
    }
    await this.queue;
    return this.record;
  }

  /** Resolves when every chunk handed to the store so far is written. */
  flushed(): Promise<void> {
    return this.queue;
  }

  private encodeFrame(): void {
    this.packets.push(this.encoder.encode(this.frame));
    this.totalPackets++;
    this.fill = 0;
    if (this.packets.length === this.deps.audio.packetsPerChunk) this.sealAndWrite(false);
  }

  private sealAndWrite(final: boolean, endReason?: RecordingRecord['endReason']): void {
    const index = this.nextIndex++;
    const sealed = sealChunk(this.contentKey, this.record.id, index, final, packPackets(this.packets));
    this.packets = [];
    if (!final) {
      // Only the chunk: the record is rewritten at the call's changes and at its end, not every second.
      this.queue = this.write(async () => {
        await this.deps.store.putChunk(this.record.id, index, sealed);
        this.deps.onWritten?.(sealed.length);
      });
      return;
    }
    const durationMs = this.durationMs;
    this.record = { ...this.record, chunks: index + 1, durationMs, state: 'closed', end: this.record.start + durationMs, endReason };
    const last = this.record;
    this.queue = this.write(async () => {
      await this.deps.store.putChunk(last.id, index, sealed, last);
      this.deps.onWritten?.(sealed.length);
    });
  }

  private write(op: () => Promise<void>): Promise<void> {
    return (this.queue ?? Promise.resolve()).then(op).catch((err: Error) => {
      this.deps.log.error({ recording: this.record.id, err: err.message }, 'recording write failed');
      this.deps.onWriteError(err);
    });
  }
}
