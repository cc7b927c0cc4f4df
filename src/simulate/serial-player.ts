import { open } from 'node:fs/promises';
import type { SerialLine } from './trunk.js';

/**
 * Writes a line unit's serial lines into a tty (one end of a pty pair) at their times, relative
 * to `t0` (performance.now() of trunk time 0) less `aheadMs`: the FIFO feeding the ALSA device
 * runs that far ahead, so a line arrives with the audio it belongs to.
 */
export async function playSerial(path: string, lines: readonly SerialLine[], t0: number, opts: { aheadMs: number; signal?: AbortSignal }): Promise<void> {
  const fh = await open(path, 'w');
  try {
    for (const line of lines) {
      const wait = t0 + line.atMs - opts.aheadMs - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      if (opts.signal?.aborted) return;
      await fh.write(`${line.text}\r\n`);
    }
  } finally {
    await fh.close();
  }
}
