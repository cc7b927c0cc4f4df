/**
 * Splits interleaved S16_LE periods into per-channel frames of a fixed length (20 ms), whatever
 * period size the device chose. Keeps the remainder between periods; allocates only the
 * frames it hands out.
 */
export class Demux {
  private readonly pending: Int16Array[];
  private fill = 0;

  constructor(
    readonly channels: number,
    readonly frameSamples: number,
  ) {
    this.pending = Array.from({ length: channels }, () => new Int16Array(frameSamples));
  }

  /** Feeds one period; calls `onFrame` with one Int16Array per channel for each whole frame. */
  push(period: Buffer, onFrame: (frames: Int16Array[]) => void): void {
    const { channels, frameSamples } = this;
    const total = period.byteLength >> 1;
    if (total % channels !== 0) throw new RangeError(`period of ${total} samples is not a whole number of ${channels}-channel frames`);
    // A Buffer from Node's pool may start at an odd offset; Int16Array needs it even.
    const aligned = period.byteOffset % 2 === 0 ? period : Buffer.from(period);
    const samples = new Int16Array(aligned.buffer, aligned.byteOffset, total);
    for (let i = 0; i < total; i += channels) {
      for (let c = 0; c < channels; c++) this.pending[c]![this.fill] = samples[i + c]!;
      if (++this.fill === frameSamples) {
        onFrame(this.pending.map((p) => p.slice()));
        this.fill = 0;
      }
    }
  }

  /** Samples per channel held back, waiting for a whole frame. */
  get held(): number {
    return this.fill;
  }

  /** Drops the partial frame, after a discontinuity. */
  reset(): void {
    this.fill = 0;
  }
}
