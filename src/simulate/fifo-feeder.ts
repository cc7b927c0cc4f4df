import { open, type FileHandle } from 'node:fs/promises';

export interface FeederOptions {
  rate: number;
  channels: number;
  /** how far ahead of real time the FIFO is kept; the file plugin pads a short read with stale bytes */
  leadMs?: number;
  /** keep writing silence after the audio until stopped (the file plugin never sees an end) */
  padWithSilence?: boolean;
}

/**
 * Writes trunk audio into a FIFO at real-time pace, always about `leadMs` ahead, so the ALSA
 * file plugin (one read() per period) always finds a whole period waiting.
 */
export class FifoFeeder {
  private stopped = false;
  private fh: FileHandle | undefined;
  /** performance.now() of trunk time 0, moved on by the time spent paused */
  private t0 = 0;
  private pausedAt: number | undefined;
  /** ms of audio written so far */
  writtenMs = 0;
  readonly done: Promise<void>;
  /** resolves with performance.now() of trunk time 0, once a reader has opened the FIFO */
  readonly started: Promise<number>;
  private markStarted!: (t0: number) => void;

  constructor(path: string, audio: Buffer, private readonly opts: FeederOptions) {
    this.started = new Promise((resolve) => (this.markStarted = resolve));
    this.done = this.run(path, audio).catch((err: NodeJS.ErrnoException) => {
      // The reader went away (recorder stopped or was killed): that ends the feed.
      if (err.code !== 'EPIPE' && !this.stopped) throw err;
    });
  }

  /**
   * Stops writing but keeps the FIFO open: the device's read() then blocks, as a capture
   * interface that stopped delivering would (closing would give end of file instead).
   */
  pause(): void {
    this.pausedAt ??= performance.now();
  }

  /** Writes again from where it paused, without making up the paused time in a burst. */
  resume(): void {
    if (this.pausedAt === undefined) return;
    this.t0 += performance.now() - this.pausedAt;
    this.pausedAt = undefined;
  }

  stop(): Promise<void> {
    this.stopped = true;
    return this.done;
  }

  private async run(path: string, audio: Buffer): Promise<void> {
    const { rate, channels } = this.opts;
    const lead = this.opts.leadMs ?? 500;
    const bytesPerMs = (rate * channels * 2) / 1000;
    const step = Math.round(20 * bytesPerMs);
    this.fh = await open(path, 'w');
    this.t0 = performance.now();
    this.markStarted(this.t0);
    let offset = 0;
    const silence = Buffer.alloc(step);
    try {
      while (!this.stopped) {
        if (this.pausedAt !== undefined) {
          await new Promise((r) => setTimeout(r, 20));
          continue;
        }
        const ahead = this.writtenMs - (performance.now() - this.t0);
        if (ahead > lead) {
          await new Promise((r) => setTimeout(r, Math.min(20, ahead - lead)));
          continue;
        }
        let piece: Buffer;
        if (offset < audio.length) {
          piece = audio.subarray(offset, offset + step);
          offset += piece.length;
        } else if (this.opts.padWithSilence ?? true) {
          piece = silence;
        } else break;
        await this.fh.write(piece);
        this.writtenMs += piece.length / bytesPerMs;
      }
    } finally {
      await this.fh.close().catch(() => {});
    }
  }
}
