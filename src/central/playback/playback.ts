// A recording opened for listening: from the central sealed copy when there is one (no load on
// the box, and the only way once a box is gone), else fetched sealed from its box. Unsealed in
// memory, never written to disk: the Ogg Opus bytes live in the caller's hands only.
import { exportOgg } from '../../core/recording/export-ogg.js';
import type { PrivateSealingKey } from '../../core/seal/index.js';
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
  key: PrivateSealingKey;
}

export class Playback {
  constructor(private readonly o: PlaybackOptions) {}

  async open(call: { id: string; site: string; box: string }): Promise<OpenedRecording> {
    const copy = await this.o.copies.get(call.id);
    const fetched = copy ?? (await this.o.fetch(call.site, call.box, call.id));
    const { ogg } = await exportOgg({ ...fetched.record, id: call.id }, fetched.chunks, this.o.key);
    return { ogg, source: copy ? 'central-copy' : 'box' };
  }
}
