import { Level } from 'level';
import type { AbstractBatchOperation, AbstractSublevel } from 'abstract-level';
import { TalError } from '../../core/errors.js';
import { chunkIndexOf, chunkKey, chunkRange, expiredRange, expiryKey, idOfExpiryKey, keyspaces } from './keys.js';
import type { RecordingRecord, Tombstone } from './recording-record.js';
import { changeEvent, deletedEvent, type ChangeEvent } from '../sync/events.js';
import { Outbox, type OutboxEvent } from '../sync/outbox.js';
import { systemClock, type Clock } from '../../core/clock.js';

export interface StoredChunk {
  /** the index the chunk's key claims */
  index: number;
  sealed: Buffer;
}

export interface StoreOptions {
  /** fsync every write, so that a power cut loses at most the chunk being written (default true) */
  sync?: boolean;
  /** the time events for the indexer are stamped with */
  clock?: Clock;
}

type Db = Level<string, unknown>;
type Sublevel<V> = AbstractSublevel<Db, string | Buffer | Uint8Array, string, V>;

type Op = AbstractBatchOperation<Db, string, unknown>;

/**
 * The box's LevelDB: recordings, their sealed chunks, the expiry index, tombstones, each in
 * its own key range. A record, its expiry index entry and the outbox event that tells the
 * indexer of the change are always written in one batch.
 */
export class RecordingStore {
  private readonly recordings: Sublevel<RecordingRecord>;
  private readonly chunks: Sublevel<Buffer>;
  private readonly expiry: Sublevel<string>;
  private readonly tombstones: Sublevel<Tombstone>;
  private readonly stateRange: Sublevel<unknown>;
  /** the first failed write: LevelDB may take later writes on this handle and lose them on reopen */
  private failed: Error | undefined;

  private constructor(
    private readonly db: Db,
    private readonly sync: boolean,
    /** events for the indexer, written with the changes they announce */
    readonly outbox: Outbox,
    private readonly clock: Clock,
  ) {
    this.recordings = db.sublevel<string, RecordingRecord>(keyspaces.recordings, { valueEncoding: 'json' });
    this.chunks = db.sublevel<string, Buffer>(keyspaces.chunks, { valueEncoding: 'buffer' });
    this.expiry = db.sublevel<string, string>(keyspaces.expiry, { valueEncoding: 'utf8' });
    this.tombstones = db.sublevel<string, Tombstone>(keyspaces.tombstones, { valueEncoding: 'json' });
    this.stateRange = db.sublevel<string, unknown>(keyspaces.state, { valueEncoding: 'json' });
  }

  /** The LevelDB itself, for the audit log that shares it. */
  get level(): Db {
    return this.db;
  }

  /** A record write, with its expiry index entry moved along if the expiry changed, and its event. */
  private async recordOps(record: RecordingRecord, events: OutboxEvent[]): Promise<Op[]> {
    const old = await this.recordings.get(record.id);
    const ops: unknown[] = [];
    const change = changeEvent(old, record);
    if (change) ops.push(this.stage(change, events));
    if (old && old.expiresAt !== record.expiresAt) ops.push({ type: 'del', sublevel: this.expiry, key: expiryKey(old.expiresAt, old.id) });
    if (!old || old.expiresAt !== record.expiresAt) ops.push({ type: 'put', sublevel: this.expiry, key: expiryKey(record.expiresAt, record.id), value: '' });
    ops.push({ type: 'put', sublevel: this.recordings, key: record.id, value: record });
    return ops as Op[];
  }

  private stage(change: ChangeEvent, events: OutboxEvent[]): Op {
    const { op, event } = this.outbox.stage(change.kind, change.body, this.clock.now());
    events.push(event);
    return op as Op;
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
    return new RecordingStore(db, options.sync ?? true, await Outbox.open(db), options.clock ?? systemClock);
  }

  async close(): Promise<void> {
    await this.db.close();
  }

  /** Every write goes through here: after one failure the store refuses, so nothing is lost silently. */
  private async write(ops: Op[], events: OutboxEvent[] = []): Promise<void> {
    if (this.failed) throw new TalError('TAL_STORE_FAILED', `the store refuses writes since an earlier one failed: ${this.failed.message}`, { cause: this.failed });
    try {
      await this.db.batch(ops, { sync: this.sync });
    } catch (err) {
      this.failed = err as Error;
      throw new TalError('TAL_STORE_FAILED', `a write to the store failed: ${(err as Error).message}`, { cause: err });
    }
    this.outbox.committed(events);
  }

  /** The write that made the store refuse further writes, if any. */
  get failure(): Error | undefined {
    return this.failed;
  }

  /**
   * A read through LevelDB's own thread, for the service watchdog: resolves while the store is
   * open and its I/O answers; throws once a write has failed or the store is closed.
   */
  async probe(): Promise<void> {
    if (this.failed) throw this.failed;
    await this.stateRange.get('probe');
  }

  async putRecording(record: RecordingRecord): Promise<void> {
    const events: OutboxEvent[] = [];
    await this.write(await this.recordOps(record, events), events);
  }

  /** Writes one sealed chunk; with the last, the finished record too, atomically. */
  async putChunk(id: string, index: number, sealed: Buffer, record?: RecordingRecord): Promise<void> {
    const ops: unknown[] = [{ type: 'put', sublevel: this.chunks, key: chunkKey(id, index), value: sealed }];
    const events: OutboxEvent[] = [];
    if (record) ops.push(...(await this.recordOps(record, events)));
    await this.write(ops as Op[], events);
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

  /** Ids of recordings whose expiry index entry is due at or before `nowMs`, in expiry order. */
  async *dueAt(nowMs: number): AsyncGenerator<string> {
    for await (const key of this.expiry.keys(expiredRange(nowMs))) yield idOfExpiryKey(key);
  }

  /** Drops an expiry index entry that no record stands behind (a sweep finished before a crash). */
  async dropExpiryEntry(expiresAt: number, id: string): Promise<void> {
    await this.expiry.del(expiryKey(expiresAt, id));
  }

  /** Step 1 of destroying: the wrapped content key goes first, so the audio is gone at once. */
  async shredKey(record: RecordingRecord): Promise<RecordingRecord> {
    const shredding: RecordingRecord = { ...record, state: 'shredding', wrappedKey: '' };
    delete shredding.sealedMeta;
    await this.putRecording(shredding);
    return shredding;
  }

  /** Step 2: every chunk of the recording, in one range delete. */
  async clearChunks(id: string): Promise<void> {
    if (this.failed) throw new TalError('TAL_STORE_FAILED', `the store refuses writes since an earlier one failed: ${this.failed.message}`);
    await this.chunks.clear(chunkRange(id));
  }

  /** Step 3: the tombstone replaces the record and its index entry, in one batch. */
  async bury(record: RecordingRecord, tombstone: Tombstone): Promise<void> {
    const events: OutboxEvent[] = [];
    await this.write(
      [
        { type: 'put', sublevel: this.tombstones, key: record.id, value: tombstone },
        { type: 'del', sublevel: this.recordings, key: record.id },
        { type: 'del', sublevel: this.expiry, key: expiryKey(record.expiresAt, record.id) },
        this.stage(deletedEvent(tombstone), events),
      ] as unknown as Op[],
      events,
    );
  }

  async getTombstone(id: string): Promise<Tombstone | undefined> {
    return this.tombstones.get(id);
  }

  async *listTombstones(): AsyncGenerator<Tombstone> {
    for await (const value of this.tombstones.values()) yield value;
  }

  /** Gives the space of deleted chunks back to the filesystem. */
  async compactChunks(): Promise<void> {
    // A sublevel's keys are stored as `!name!key`: this range is exactly the chunk keyspace.
    const classic = this.db as unknown as { compactRange(start: string, end: string): Promise<void> };
    await classic.compactRange(`!${keyspaces.chunks}!`, `!${keyspaces.chunks}"`);
  }

  async getState<T>(key: string): Promise<T | undefined> {
    return (await this.stateRange.get(key)) as T | undefined;
  }

  async putState(key: string, value: unknown): Promise<void> {
    await this.write([{ type: 'put', sublevel: this.stateRange, key, value }] as unknown as Op[]);
  }

  /** Raw access for tests and tools that must tamper with or inspect stored bytes. */
  get raw(): { chunks: Sublevel<Buffer>; recordings: Sublevel<RecordingRecord>; expiry: Sublevel<string> } {
    return { chunks: this.chunks, recordings: this.recordings, expiry: this.expiry };
  }
}
