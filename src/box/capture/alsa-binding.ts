import { EventEmitter } from 'node:events';
import { createRequire } from 'node:module';
import type { CaptureBinding, CaptureParams, CaptureSource, DiscardReason } from './binding.js';

interface NativeCapture {
  on(event: string, listener: (...args: never[]) => void): void;
  close(): void;
}
type NativeCaptureCtor = new (opts: Record<string, unknown>) => NativeCapture;

const require = createRequire(import.meta.url);

/**
 * ALSA through the alsa-capture addon. Its worker thread sends, for every snd_pcm_readi(), an
 * event for an overrun, read error or short read and then *still* sends the buffer, which then
 * holds stale bytes: that buffer is discarded, never passed on as audio. A read error (device
 * unplugged: -ENODEV, -EIO) repeats in a tight loop, so the first one closes the source.
 */
class AlsaSource extends EventEmitter implements CaptureSource {
  private readonly native: NativeCapture;
  private readonly periodBytes: number;
  private pendingDiscard: DiscardReason | undefined;
  private closing: Promise<void> | undefined;
  private closed = false;

  constructor(Native: NativeCaptureCtor, private readonly params: CaptureParams) {
    super();
    this.periodBytes = params.periodFrames * params.channels * 2;
    this.native = new Native({
      device: params.device,
      rate: params.rate,
      channels: params.channels,
      format: 'S16_LE',
      periodSize: params.periodFrames,
    });
    this.native.on('audio', (data: Uint8Array) => this.onAudio(data));
    this.native.on('overrun', () => (this.pendingDiscard = 'overrun'));
    this.native.on('shortRead', () => (this.pendingDiscard = 'short-read'));
    this.native.on('readError', (message: string) => this.fail(new Error(`ALSA read error on ${params.device}: ${message}`)));
    this.native.on('rateDeviating', (rate: string) => this.emit('rate', Number(rate)));
    // The addon reports open and hw_params failures only through this listener.
    this.native.on('error', (err: Error) => this.fail(new Error(String(err instanceof Error ? err.message : err).trim())));
    this.native.on('close', () => this.emit('native-close'));
  }

  private onAudio(data: Uint8Array): void {
    if (this.closed) return;
    const frames = data.byteLength / (this.params.channels * 2);
    if (this.pendingDiscard) {
      const reason = this.pendingDiscard;
      this.pendingDiscard = undefined;
      this.emit('discard', reason, frames);
      return;
    }
    if (data.byteLength !== this.periodBytes) {
      this.emit('discard', 'wrong-size', frames);
      return;
    }
    // Copy: the addon's buffer is reused for the next read.
    this.emit('audio', Buffer.from(data));
  }

  private fail(err: Error): void {
    if (this.closed) return;
    this.emit('error', err);
    void this.close();
  }

  close(): Promise<void> {
    if (this.closing) return this.closing;
    this.closed = true;
    this.closing = new Promise<void>((resolve) => {
      // The native close waits for the read in progress; the worker then reports 'close'.
      const timer = setTimeout(resolve, 2000);
      this.once('native-close', () => {
        clearTimeout(timer);
        resolve();
      });
      try {
        this.native.close();
      } catch {
        clearTimeout(timer);
        resolve();
      }
    });
    return this.closing;
  }
}

export const alsaBinding: CaptureBinding = {
  name: 'alsa',
  open(params: CaptureParams): CaptureSource {
    const Native = require('alsa-capture') as NativeCaptureCtor;
    return new AlsaSource(Native, params);
  },
};
