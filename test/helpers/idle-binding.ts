import { EventEmitter } from 'node:events';
import type { CaptureBinding, CaptureSource } from '../../src/box/capture/binding.js';

/** A capture device that opens and stays silent: a box whose lines are all idle, for sync tests. */
export const idleBinding: CaptureBinding = {
  name: 'idle',
  open(): CaptureSource {
    const source = new EventEmitter() as EventEmitter & CaptureSource;
    source.close = async () => {};
    return source;
  },
};
