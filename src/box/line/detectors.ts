import { createVox, voxReset, voxRx, type VoxOptions, type VoxState } from '../../core/dsp/vox.js';
import type { LineInput } from './call-fsm.js';

/** What a detector returns for the (many) frames in which it heard nothing. */
export const NOTHING: readonly LineInput[] = Object.freeze([]);

/** Something that listens to a line's audio and says what it heard, in call-machine terms. */
export interface LineDetector {
  rx(position: number, frame: Int16Array): readonly LineInput[];
  /** the capture lost audio: start afresh at `position` */
  reset(position: number): void;
}

/** VOX: the fallback that finds calls by their sound alone (R1). */
export class VoxDetector implements LineDetector {
  readonly state: VoxState;
  constructor(opts: VoxOptions) {
    this.state = createVox(opts);
  }
  rx(_position: number, frame: Int16Array): readonly LineInput[] {
    const e = voxRx(this.state, frame);
    if (!e) return NOTHING;
    return [{ type: e.type === 'start' ? 'vox-start' : 'vox-end', at: e.atSample }];
  }
  reset(position: number): void {
    voxReset(this.state, position);
  }
  /** Level of the latest 10 ms block, dBFS: the status page's meter. */
  get level(): number {
    const s = this.state;
    return s.blocks === 0 ? -Infinity : s.levels[(s.blocks - 1) % s.levels.length]!;
  }

  /** While a call is on: one past the last voiced sample. */
  get lastVoiceEnd(): number {
    return this.state.active ? this.state.lastVoiceEnd : -1;
  }
}
