// A recording opened for listening: from the central sealed copy when there is one (no load on
// the box, and the only way once a box is gone), else fetched sealed from its box. Unsealed in
// memory, never written to disk: the Ogg Opus bytes live in the caller's hands only.
import { exportOgg } from '../../core/recording/export-ogg.js';
import { keyForWrapped, type UnsealingKeys } from '../../core/seal/index.js';
import type { CopyStore } from '../copies/store.js';
import type { FetchedRecording } from '../ingest/fetch-assembler.js';

export type AudioSource = 'central-copy' | 'box';

export interface OpenedRecording {
  ogg: Buffer;
  source: AudioSource;
}

export interface PlaybackOptions {
  copies: Pick<CopyStore, 'get'>;
  fetch(site: string, box: string, id: string): Promise<FetchedRecording>;
  /** the controller key, or the indexer's ring: a recording opens with the key its wrapped key names */
  key: UnsealingKeys;
}

export class Playback {
  constructor(private readonly o: PlaybackOptions) {}

  async open(call: { id: string; site: string; box: string }): Promise<OpenedRecording> {
    const copy = await this.o.copies.get(call.id);
    const fetched = copy ?? (await this.o.fetch(call.site, call.box, call.id));
    // exportOgg takes one key: pick it here, by the key id the wrapped key carries.
    const key = keyForWrapped(this.o.key, fetched.record.wrappedKey);
    const { ogg } = await exportOgg({ ...fetched.record, id: call.id }, fetched.chunks, key);
    return { ogg, source: copy ? 'central-copy' : 'box' };
  }
}
