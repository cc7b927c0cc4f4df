import { Level } from 'level';
import type { AbstractBatchOperation, AbstractSublevel } from 'abstract-level';
import { TalError } from '../../core/errors.js';
import { chunkIndexOf, chunkKey, chunkRange, keyspaces } from './keys.js';
import type { RecordingRecord } from './recording-record.js';

export interface StoredChunk {
  /** the index the chunk's key claims */
  index: number;
  sealed: Buffer;
}

export interface StoreOptions {
  /** fsync every write, so that a power cut loses at most the chunk being written (default true) */
  sync?: boolean;
}

type Db = Level<string, unknown>;
type Sublevel<V> = AbstractSublevel<Db, string | Buffer | Uint8Array, string, V>;

/**
 * The box's LevelDB: recordings and their sealed chunks, each in its own key range.
 * Chunk and recording record are written in one batch, so a crash leaves them consistent.
 */
export class RecordingStore {
  private readonly recordings: Sublevel<RecordingRecord>;
  private readonly chunks: Sublevel<Buffer>;

  private constructor(
    private readonly db: Db,
    private readonly sync: boolean,
  ) {
    this.recordings = db.sublevel<string, RecordingRecord>(keyspaces.recordings, { valueEncoding: 'json' });
    this.chunks = db.sublevel<string, Buffer>(keyspaces.chunks, { valueEncoding: 'buffer' });
  }

  static async open(path: string, options: StoreOptions = {}): Promise<RecordingStore> {
    const db: Db = new Level<string, unknown>(path, { valueEncoding: 'json' });
    try {
      await db.open();
    } catch (err) {
      const code = (err as { cause?: { code?: string }; code?: string }).cause?.code ?? (err as { code?: string }).code;
      if (code === 'LEVEL_LOCKED') {
        throw new TalError('TAL_STORE_LOCKED', `store ${path} is in use by another process (is the recorder running?)`, { cause: err });
      }
      throw new TalError('TAL_STORE_NOT_OPEN', `store ${path} could not be opened: ${(err as Error).message}`, { cause: err });
    }
    return new RecordingStore(db, options.sync ?? true);
  }

  async close(): Promise<void> {
    await this.db.close();
  }

  async putRecording(record: RecordingRecord): Promise<void> {
    await this.db.batch([{ type: 'put', sublevel: this.recordings, key: record.id, value: record }], { sync: this.sync });
  }

  /** Writes one sealed chunk; with the last, the finished record too, atomically. */
  async putChunk(id: string, index: number, sealed: Buffer, record?: RecordingRecord): Promise<void> {
    const ops: unknown[] = [{ type: 'put', sublevel: this.chunks, key: chunkKey(id, index), value: sealed }];
    if (record) ops.push({ type: 'put', sublevel: this.recordings, key: record.id, value: record });
    await this.db.batch(ops as AbstractBatchOperation<Db, string, unknown>[], { sync: this.sync });
  }

  /** Chunks stored for a recording, counted by their keys alone. */
  async countChunks(id: string): Promise<number> {
    let n = 0;
    for await (const _ of this.chunks.keys(chunkRange(id))) n++;
    return n;
  }

  async getRecording(id: string): Promise<RecordingRecord | undefined> {
    return this.recordings.get(id);
  }

  async *listRecordings(): AsyncGenerator<RecordingRecord> {
    for await (const value of this.recordings.values()) yield value;
  }

  async *readChunks(id: string): AsyncGenerator<StoredChunk> {
    for await (const [key, sealed] of this.chunks.iterator(chunkRange(id))) {
      yield { index: chunkIndexOf(key), sealed };
    }
  }

  /**
   * After a crash: every recording still open is finalised as truncated, keeping every chunk
   * written. Its duration is what its chunks hold; the content key died with the process, so
   * no final chunk can ever be added. Returns the recordings it finalised.
   */
  async recoverOpen(): Promise<RecordingRecord[]> {
    const recovered: RecordingRecord[] = [];
    for await (const record of this.listRecordings()) {
      if (record.state !== 'open') continue;
      // Every chunk of an open recording is a full one: its length follows from their number.
      const chunks = await this.countChunks(record.id);
      const durationMs = chunks * record.audio.packetsPerChunk * record.audio.frameMs;
      const done: RecordingRecord = { ...record, state: 'truncated', chunks, durationMs, end: record.start + durationMs, endReason: 'crash' };
      await this.putRecording(done);
      recovered.push(done);
    }
    return recovered;
  }

  /** Raw access for tests and tools that must tamper with or inspect stored bytes. */
  get raw(): { chunks: Sublevel<Buffer>; recordings: Sublevel<RecordingRecord> } {
    return { chunks: this.chunks, recordings: this.recordings };
  }
}
