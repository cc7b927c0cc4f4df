import { EventEmitter } from 'node:events';
import type { AbstractBatchOperation, AbstractSublevel } from 'abstract-level';
import type { Level } from 'level';
import { keyspaces } from '../store/keys.js';

type Db = Level<string, unknown>;

/** One event for the indexer: its per-box sequence number, the boot it was made in, and what happened. */
export interface OutboxEvent<T = unknown> {
  seq: number;
  boot: number;
  /** ms since epoch */
  ts: number;
  kind: string;
  body: T;
}

/** A batch operation that puts one event, for a store write that must carry its event atomically. */
export type OutboxOp = AbstractBatchOperation<Db, string, unknown>;

const seqKey = (seq: number) => seq.toString(16).padStart(16, '0');

/**
 * The box's outbox (issue 5): every state change the indexer must learn of, kept in LevelDB
 * with a gap-free per-box `seq` until the indexer acknowledges that seq. A change and its event
 * are written in one batch (`stage`), so a power cut cannot keep one without the other.
 * Publishing (MQTT QoS 1) is the sync's job; a broker's PUBACK is not an acknowledgement, so
 * nothing leaves on it. The `boot` counter rises at every start, so the indexer can tell a
 * restart from a gap. Emits 'appended' with each event once it is on disk.
 */
export class Outbox extends EventEmitter {
  private nextSeq = 1;
  private acked = 0;
  private count = 0;
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly db: Db,
    private readonly events: AbstractSublevel<Db, string | Buffer | Uint8Array, string, OutboxEvent>,
    private readonly meta: AbstractSublevel<Db, string | Buffer | Uint8Array, string, number>,
    readonly boot: number,
  ) {
    super();
  }

  static async open(db: Db): Promise<Outbox> {
    const events = db.sublevel<string, OutboxEvent>(keyspaces.outbox, { valueEncoding: 'json' });
    const meta = db.sublevel<string, number>(keyspaces.outboxMeta, { valueEncoding: 'json' });
    const boot = ((await meta.get('boot')) ?? 0) + 1;
    await db.batch([{ type: 'put', sublevel: meta, key: 'boot', value: boot }] as never, { sync: true });
    const outbox = new Outbox(db, events, meta, boot);
    // The next seq follows the last one ever given: the highest still queued, or the last acked.
    const [lastKey] = await events.keys({ reverse: true, limit: 1 }).all();
    outbox.acked = (await meta.get('acked')) ?? 0;
    outbox.nextSeq = Math.max(lastKey ? parseInt(lastKey, 16) : 0, outbox.acked) + 1;
    for await (const _ of events.keys()) outbox.count++;
    return outbox;
  }

  /**
   * Takes the next seq now and returns the put for the caller's own batch. Once that batch is
   * written, the caller hands the event to `committed`. A batch that fails poisons the store
   * (it refuses every later write until restarted), so a seq taken is never silently skipped.
   */
  stage<T>(kind: string, body: T, ts: number): { op: OutboxOp; event: OutboxEvent<T> } {
    const event: OutboxEvent<T> = { seq: this.nextSeq++, boot: this.boot, ts, kind, body };
    return { op: { type: 'put', sublevel: this.events, key: seqKey(event.seq), value: event } as unknown as OutboxOp, event };
  }

  /** The batches carrying these staged events are on disk: they may be published. */
  committed(events: readonly OutboxEvent[]): void {
    this.count += events.length;
    for (const event of events) this.emit('appended', event);
  }

  /** Appends an event on its own; resolves with it once it is on disk. */
  async append<T>(kind: string, body: T, ts: number): Promise<OutboxEvent<T>> {
    const { op, event } = this.stage(kind, body, ts);
    await this.db.batch([op] as never, { sync: true });
    this.committed([event]);
    return event;
  }

  /** The indexer has every event up to and including `seq`: they leave the outbox. Returns how many left. */
  async ack(seq: number): Promise<number> {
    if (!Number.isSafeInteger(seq) || seq < 1) throw new RangeError(`ack seq must be a positive integer, got ${seq}`);
    const run = this.queue.then(async () => {
      if (seq <= this.acked) return 0;
      // An ack beyond every seq ever given is not for this store (a retained ack from before
      // the store was replaced, say): obeying it would drop events the indexer never had.
      if (seq >= this.nextSeq) throw new RangeError(`ack ${seq} is beyond the last event ever queued (${this.nextSeq - 1})`);
      const upTo = seq;
      const keys = await this.events.keys({ gt: seqKey(this.acked), lte: seqKey(upTo) }).all();
      await this.events.batch(keys.map((key) => ({ type: 'del' as const, key })));
      await this.meta.put('acked', upTo);
      this.acked = upTo;
      this.count -= keys.length;
      return keys.length;
    });
    this.queue = run.catch(() => {});
    return run;
  }

  /** Events not yet acknowledged, oldest first, from `fromSeq` on (a resync asks from a seq). */
  async *pending(fromSeq = 1): AsyncGenerator<OutboxEvent> {
    for await (const event of this.events.values({ gte: seqKey(Math.max(fromSeq, this.acked + 1)) })) yield event;
  }

  /** At most `limit` unacknowledged events from `fromSeq` on, oldest first. */
  async page(fromSeq: number, limit: number): Promise<OutboxEvent[]> {
    return this.events.values({ gte: seqKey(Math.max(fromSeq, this.acked + 1)), limit }).all();
  }

  /** How many events wait for the indexer's ack: the backlog the status page shows. */
  async backlog(): Promise<number> {
    return this.count;
  }

  get lastAcked(): number {
    return this.acked;
  }

  /** The seq the next event will take. */
  get next(): number {
    return this.nextSeq;
  }
}
