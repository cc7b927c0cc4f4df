import type { AbstractSublevel } from 'abstract-level';
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

const seqKey = (seq: number) => seq.toString(16).padStart(16, '0');

/**
 * The box's outbox (issue 5): every state change the indexer must learn of, kept in LevelDB
 * with a gap-free per-box `seq` until the indexer acknowledges that seq. Publishing (MQTT QoS 1)
 * is the sync's job; a broker's PUBACK is not an acknowledgement, so nothing leaves on it.
 * The `boot` counter rises at every start, so the indexer can tell a restart from a gap.
 */
export class Outbox {
  private nextSeq = 1;
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly events: AbstractSublevel<Db, string | Buffer | Uint8Array, string, OutboxEvent>,
    private readonly meta: AbstractSublevel<Db, string | Buffer | Uint8Array, string, number>,
    readonly boot: number,
  ) {}

  static async open(db: Db): Promise<Outbox> {
    const events = db.sublevel<string, OutboxEvent>(keyspaces.outbox, { valueEncoding: 'json' });
    const meta = db.sublevel<string, number>(keyspaces.outboxMeta, { valueEncoding: 'json' });
    const boot = ((await meta.get('boot')) ?? 0) + 1;
    await meta.put('boot', boot);
    const outbox = new Outbox(events, meta, boot);
    // The next seq follows the last one ever given: the highest still queued, or the last acked.
    const [lastKey] = await events.keys({ reverse: true, limit: 1 }).all();
    const acked = (await meta.get('acked')) ?? 0;
    outbox.nextSeq = Math.max(lastKey ? parseInt(lastKey, 16) : 0, acked) + 1;
    return outbox;
  }

  /** Appends an event; resolves with it once it is on disk. Seqs are gap-free even when appends race. */
  append<T>(kind: string, body: T, ts: number): Promise<OutboxEvent<T>> {
    const run = this.queue.then(async () => {
      const event: OutboxEvent<T> = { seq: this.nextSeq, boot: this.boot, ts, kind, body };
      await this.events.put(seqKey(event.seq), event as OutboxEvent);
      this.nextSeq++;
      return event;
    });
    this.queue = run.catch(() => {});
    return run;
  }

  /** The indexer has every event up to and including `seq`: they leave the outbox. */
  async ack(seq: number): Promise<number> {
    if (!Number.isSafeInteger(seq) || seq < 1) throw new RangeError(`ack seq must be a positive integer, got ${seq}`);
    const run = this.queue.then(async () => {
      const keys = await this.events.keys({ lte: seqKey(seq) }).all();
      await this.events.batch(keys.map((key) => ({ type: 'del' as const, key })));
      const acked = (await this.meta.get('acked')) ?? 0;
      if (seq > acked) await this.meta.put('acked', Math.min(seq, this.nextSeq - 1));
      return keys.length;
    });
    this.queue = run.catch(() => {});
    return run;
  }

  /** Events not yet acknowledged, oldest first, from `fromSeq` on (a resync asks from a seq). */
  async *pending(fromSeq = 1): AsyncGenerator<OutboxEvent> {
    for await (const event of this.events.values({ gte: seqKey(fromSeq) })) yield event;
  }

  /** How many events wait for the indexer's ack: the backlog the status page shows. */
  async backlog(): Promise<number> {
    let n = 0;
    for await (const _ of this.events.keys()) n++;
    return n;
  }
}
