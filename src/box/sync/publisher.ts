import type { Logger } from 'pino';
import type { Clock } from '../../core/clock.js';
import type { Link } from './link.js';
import type { Outbox, OutboxEvent } from './outbox.js';

export interface PublisherOptions {
  /** events published and not yet PUBACKed at once: bounds memory however long the backlog */
  window?: number;
  /** with events waiting and no ack for this long, publish again from the first unacknowledged
   *  (an indexer that crashed between receiving and storing them has lost them); default 30 s */
  retryMs?: number;
  clock: Clock;
  log: Logger;
}

const PAGE = 256;

/**
 * Moves the outbox to `evt` at QoS 1 while the link is up, oldest first, and lets events go
 * only on the indexer's `ack` (never on a PUBACK). Each time the link comes up it starts again
 * from the first unacknowledged seq; a `resync` rewinds to the seq asked for. Publishing one
 * twice is harmless: the indexer ingests by (box, seq).
 */
export class EventPublisher {
  private cursor = 1;
  private generation = 0;
  private wake: (() => void) | undefined;
  private lastProgressAt: number;
  private retryTimer: ReturnType<typeof setInterval> | undefined;
  /** ms since epoch of the last ack from the indexer */
  lastAckAt: number | undefined;

  constructor(
    private readonly outbox: Outbox,
    private readonly link: Link,
    private readonly o: PublisherOptions,
  ) {
    this.lastProgressAt = o.clock.now();
    link.on('up', () => {
      this.lastProgressAt = o.clock.now();
      this.cursor = outbox.lastAcked + 1;
      void this.pump(++this.generation);
    });
    link.on('down', () => {
      this.generation++;
      this.poke();
    });
    outbox.on('appended', (event: OutboxEvent) => {
      // A batch that committed after a later one (two writes racing): send it on its own.
      if (link.connected && event.seq < this.cursor) this.send(event).catch(() => {});
      this.poke();
    });
    link.on('message', (topic: string, payload: Buffer) => {
      if (topic === link.topics.ack) void this.acked(payload);
    });
  }

  /** Starts the retransmission check; `stop` ends it. */
  start(): void {
    const retryMs = this.o.retryMs ?? 30_000;
    this.retryTimer ??= setInterval(() => void this.retryIfStalled(retryMs), Math.max(100, retryMs / 4));
  }

  stop(): void {
    clearInterval(this.retryTimer);
    this.retryTimer = undefined;
    this.generation++;
    this.poke();
  }

  /**
   * Resolves once the indexer has acknowledged every event, or `timeoutMs` passed (the link may
   * still be coming up): a recorder that stops (an update, a restart) first hands over what it has.
   */
  async drained(timeoutMs: number): Promise<boolean> {
    const until = this.o.clock.now() + timeoutMs;
    for (;;) {
      if ((await this.outbox.backlog()) === 0) return true;
      if (this.o.clock.now() >= until) return false;
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** An ack is overdue: everything not acknowledged goes again (the indexer ingests by seq, so twice is harmless). */
  async retryIfStalled(retryMs: number): Promise<boolean> {
    const now = this.o.clock.now();
    if (!this.link.connected || (await this.outbox.backlog()) === 0 || now - this.lastProgressAt < retryMs) return false;
    this.lastProgressAt = now;
    this.o.log.info({ from: this.outbox.lastAcked + 1 }, 'no ack from the indexer; publishing the unacknowledged events again');
    this.cursor = this.outbox.lastAcked + 1;
    this.poke();
    return true;
  }

  /** Publishes again from `fromSeq` (the indexer saw a gap). Returns how many events that covers. */
  async resync(fromSeq: number): Promise<number> {
    const from = Math.max(fromSeq, this.outbox.lastAcked + 1);
    this.cursor = Math.min(this.cursor, from);
    this.poke();
    return Math.max(0, this.outbox.next - from);
  }

  private poke(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }

  private send(event: OutboxEvent): Promise<void> {
    return this.link.publish(this.link.topics.evt, JSON.stringify(event));
  }

  private async pump(generation: number): Promise<void> {
    const window = this.o.window ?? 512;
    const inflight = new Set<Promise<void>>();
    try {
      while (generation === this.generation) {
        const page = await this.outbox.page(this.cursor, PAGE);
        if (page.length === 0) {
          await new Promise<void>((resolve) => (this.wake = resolve));
          continue;
        }
        for (const event of page) {
          if (generation !== this.generation) return;
          const p = this.send(event).finally(() => inflight.delete(p));
          inflight.add(p);
          this.cursor = Math.max(this.cursor, event.seq + 1);
          if (inflight.size >= window) await Promise.race(inflight);
        }
      }
    } catch (err) {
      // The link went down mid-publish: the next 'up' starts over from the first unacknowledged seq.
      this.o.log.debug({ err: (err as Error).message }, 'publishing paused');
    }
  }

  private async acked(payload: Buffer): Promise<void> {
    let seq: unknown;
    try {
      seq = (JSON.parse(payload.toString('utf8')) as { seq?: unknown }).seq;
    } catch {
      this.o.log.warn({ bytes: payload.length }, 'an ack that is not JSON was ignored');
      return;
    }
    if (!Number.isSafeInteger(seq) || (seq as number) < 0) {
      this.o.log.warn('an ack without a valid seq was ignored');
      return;
    }
    if (seq === 0) return;
    try {
      const n = await this.outbox.ack(seq as number);
      this.lastAckAt = this.o.clock.now();
      if (n > 0) this.lastProgressAt = this.lastAckAt;
      if (n > 0) this.o.log.debug({ seq, n }, 'events acknowledged by the indexer');
    } catch (err) {
      this.o.log.warn({ err: (err as Error).message }, 'an ack was refused');
    }
  }
}
