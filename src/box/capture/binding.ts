// Capture hardware sits behind a binding, as node-serialport does it: the same capture logic
// runs on ALSA in production and on a replay source in unit tests and the benchmark.

export interface CaptureParams {
  device: string;
  rate: number;
  channels: number;
  /** frames per period */
  periodFrames: number;
}

/** Why a period of audio was thrown away instead of passed on. */
export type DiscardReason = 'overrun' | 'short-read' | 'read-error' | 'wrong-size';

export interface CaptureEvents {
  /** one period of interleaved S16_LE audio that the device really delivered */
  audio(period: Buffer): void;
  /** a period that must not be used as audio; its length still counts on the timeline */
  discard(reason: DiscardReason, frames: number): void;
  /** the device failed or vanished; the source is closed after this */
  error(err: Error): void;
  /** a deviating rate or period size the device chose; only rate matters to us */
  rate(actualRate: number): void;
}

export interface CaptureSource {
  on<E extends keyof CaptureEvents>(event: E, listener: CaptureEvents[E]): this;
  /** Stops the device; resolves when no more events will come. */
  close(): Promise<void>;
}

export interface CaptureBinding {
  readonly name: string;
  open(params: CaptureParams): CaptureSource;
}
