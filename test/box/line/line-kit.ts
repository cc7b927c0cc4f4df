// What the line tests share: a line's options at 8 kHz, and feeding it audio in 20 ms frames.
import type { Line, LineOptions } from '../../../src/box/line/line.js';

export const R = 8000;
export const FRAME = 160;

export function lineOptions(overrides: Partial<LineOptions> = {}): LineOptions {
  return {
    id: 'line-1', sampleRate: R, vox: { onDbfs: -40, offDbfs: -46, attackMs: 200, hangMs: 3000, leadMs: 300 }, preRollMs: 2500, maxCallMs: 3_600_000,
    call: { hookSignalling: false, ringTimeoutMs: 8000, clipValidMs: 30_000, leadMs: 300, dialGapMs: 4000, stopCode: '*0#', stopCodeGapMs: 2000 },
    delayMs: 80,
    ...overrides,
  };
}

/** Feeds `pcm` to the line frame by frame on one capture timeline; `onFrame` hears the position after each. */
export function frameFeeder(line: Line) {
  let position = 0;
  const feed = (pcm: Int16Array, onFrame?: (position: number) => void) => {
    for (let i = 0; i + FRAME <= pcm.length; i += FRAME) {
      line.frame(position, pcm.subarray(i, i + FRAME));
      position += FRAME;
      onFrame?.(position);
    }
  };
  return { feed, position: () => position };
}
