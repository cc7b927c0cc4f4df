import { EventEmitter } from 'node:events';
import { closeSync, openSync, readSync } from 'node:fs';
import type { CaptureBinding, CaptureParams, CaptureSource } from '../box/capture/binding.js';

/** Where replayed periods come from: the next whole period of interleaved S16_LE, or undefined at the end. */
export interface PeriodSource {
  next(periodBytes: number): Buffer | undefined;
  close?(): void;
}

/** Periods cut from trunk audio held in memory; each is a fresh copy, as the ALSA binding hands out. */
export function memoryPeriods(audio: Buffer): PeriodSource {
  let at = 0;
  return {
    next(periodBytes) {
      if (at + periodBytes > audio.length) return undefined;
      const period = Buffer.from(audio.subarray(at, at + periodBytes));
      at += periodBytes;
      return period;
    },
  };
}

/** Periods read from a raw S16_LE file one at a time, so the trunk never sits in this process's memory. */
export function filePeriods(path: string): PeriodSource {
  const fd = openSync(path, 'r');
  let at = 0;
  let closed = false;
  return {
    next(periodBytes) {
      if (closed) return undefined;
      const period = Buffer.allocUnsafe(periodBytes);
      const n = readSync(fd, period, 0, periodBytes, at);
      if (n < periodBytes) return undefined;
      at += n;
      return period;
    },
    close() {
      if (!closed) closeSync(fd);
      closed = true;
    },
  };
}

export interface ReplayOptions {
  /** periods emitted per turn of the event loop; between turns, I/O callbacks (LevelDB writes) run */
  batchPeriods?: number;
  /** called once when the last period was emitted */
  onEnd?: () => void;
}

/**
 * A capture binding that replays recorded trunk audio as fast as the consumer takes it: a batch
 * of periods per turn of the event loop, setImmediate between batches so that the store's
 * writes complete in between, and nothing after the audio ends (the device goes quiet, as a
 * stalled one would; the Box's stopAfterSamples ends the run).
 */
export function replayBinding(source: PeriodSource, opts: ReplayOptions = {}): CaptureBinding & { readonly periods: number } {
  const batch = opts.batchPeriods ?? 50;
  let emitted = 0;
  let opened = false;
  return {
    name: 'replay',
    get periods() {
      return emitted;
    },
    open(params: CaptureParams): CaptureSource {
      if (opened) throw new Error('replay binding: the trunk can be replayed once; make a new binding');
      opened = true;
      const periodBytes = params.periodFrames * params.channels * 2;
      const src = new ReplaySource();
      const turn = () => {
        src.timer = undefined;
        for (let i = 0; i < batch && !src.closed; i++) {
          const period = source.next(periodBytes);
          if (period === undefined) {
            source.close?.();
            opts.onEnd?.();
            return;
          }
          emitted++;
          src.emit('audio', period);
        }
        if (!src.closed) src.timer = setImmediate(turn);
      };
      // Capture registers its listeners after open() returns: start on the next turn.
      src.timer = setImmediate(turn);
      src.onClose = () => source.close?.();
      return src;
    },
  };
}

class ReplaySource extends EventEmitter implements CaptureSource {
  closed = false;
  timer: NodeJS.Immediate | undefined;
  onClose: (() => void) | undefined;

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearImmediate(this.timer);
    this.timer = undefined;
    this.onClose?.();
  }
}
