import type { Logger } from 'pino';
import type { Clock } from '../../core/clock.js';
import { parseAuditHead, type AuditHead } from '../../core/audit/entry.js';
import type { StatusPayload } from '../../core/protocol/messages.js';
import { parseEventMessage, parseStatePayload } from '../../core/protocol/parse.js';
import { boxTopics, parseTopic } from '../../core/protocol/topics.js';
import type { Fleet } from '../fleet/fleet.js';
import type { IngestItem } from '../index/call-index.js';
import type { CallIndexApi, IngestResult } from '../index/types.js';
import { AuditHeads } from './audit-heads.js';

/** The index as ingest uses it: events go in batches, one fsync for all that arrived meanwhile. */
export type IngestIndex = CallIndexApi & { ingestMany(items: readonly IngestItem[]): Promise<IngestResult[]> };

const MAX_BATCH = 500;

export interface IngestOptions {
  index: IngestIndex;
  fleet: Fleet;
  clock: Clock;
  log: Logger;
  /** QoS 1 publish through the indexer's session */
  publish(topic: string, payload: string, opts?: { retain?: boolean }): Promise<void>;
  /** asks a box to publish its outbox again from `from` (a signed `resync` command) */
  resync(site: string, box: string, from: number): Promise<void>;
  /** an ack waits this long for more events to cover (default 50 ms) */
  ackDelayMs?: number;
  /** a gap is asked about at most this often per box (default 10 s) */
  resyncEveryMs?: number;
  /** a recording its box reports destroyed, once in the index: what else holds it lets go of it */
  onDeleted?(id: string): void;
}

export interface IngestStats {
  ingested: number;
  duplicates: number;
  rejected: number;
  resyncs: number;
  /** destroyed recordings reported since the index was last compacted */
  deletions: number;
}

/**
 * Box messages into the index and the fleet view. Events are applied one at a time in arrival
 * order (the index is idempotent by box and seq), and acknowledged by a retained `ack` carrying
 * the box's watermark, so a box whose connection dropped learns on return what it may let go.
 */
export class Ingest {
  readonly stats: IngestStats = { ingested: 0, duplicates: 0, rejected: 0, resyncs: 0, deletions: 0 };
  /** boxes whose calls came with numbers the controller key cannot open (sealed to another key?) */
  readonly unreadableNumbers = new Map<string, { site: string; box: string; since: number }>();
  /** the last audit chain head each box published (what its audit log must still verify against), and any regressions */
  readonly auditHeads = new AuditHeads();
  private pending: IngestItem[] = [];
  private draining: Promise<void> | undefined;
  private readonly acks = new Map<string, { site: string; box: string; seq: number }>();
  private ackTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly lastResync = new Map<string, { from: number; at: number }>();
  /** the site each box id was first heard from: box ids are unique across the fleet */
  private readonly homeSite = new Map<string, string>();

  constructor(private readonly o: IngestOptions) {
    for (const b of o.fleet.list(o.clock.now())) this.homeSite.set(b.box, b.site);
  }

  /**
   * Every message from the broker comes here; a bad one is logged by its topic kind and dropped.
   * `retained` marks what the broker kept from before this indexer subscribed.
   */
  onMessage(topic: string, payload: Buffer, retained = false): void {
    const t = parseTopic(topic);
    if (!t || t.kind === 'reply' || t.kind === 'cmd' || t.kind === 'ack') return;
    // The broker's ACL binds a box to its own id under any site: the site is held to the first one.
    const home = this.homeSite.get(t.box);
    if (home === undefined) this.homeSite.set(t.box, t.site);
    else if (home !== t.site) return this.reject(t, `box ${t.box} belongs to site ${home}`);
    const now = this.o.clock.now();
    switch (t.kind) {
      case 'evt': {
        const r = parseEventMessage(payload);
        if (!r.ok) return this.reject(t, r.error);
        this.pending.push({ site: t.site, box: t.box, event: r.value });
        this.draining ??= this.drain();
        return;
      }
      case '$state': {
        const r = parseStatePayload(payload);
        if (!r.ok) return this.reject(t, r.error);
        this.fleetWrite(this.o.fleet.onState(t.site, t.box, r.value, now));
        // A box that was already up when this indexer subscribed published its backlog to no one:
        // ask for what follows the watermark.
        if (retained && r.value.state !== 'lost') void this.resyncAfterWatermark(t.site, t.box);
        return;
      }
      case 'status': {
        let status: StatusPayload;
        try {
          status = JSON.parse(payload.toString('utf8')) as StatusPayload;
          if (typeof status !== 'object' || status === null || typeof status.ts !== 'number') throw new Error('no ts');
        } catch (err) {
          return this.reject(t, `status: ${(err as Error).message}`);
        }
        this.fleetWrite(this.o.fleet.onStatus(t.site, t.box, status, now));
        return;
      }
      case 'audit': {
        let head: AuditHead;
        let ts: number;
        try {
          const v = JSON.parse(payload.toString('utf8')) as { head?: unknown; ts?: unknown } | null;
          head = parseAuditHead(v?.head);
          ts = typeof v?.ts === 'number' && Number.isFinite(v.ts) ? v.ts : now;
        } catch (err) {
          return this.reject(t, `audit: ${(err as Error).message}`);
        }
        const verdict = this.auditHeads.accept(t.site, t.box, head, ts);
        if (!verdict.ok) {
          this.o.log.warn(
            { site: t.site, box: t.box, reason: verdict.reason, seq: head.seq, previousSeq: verdict.previous.seq },
            verdict.reason === 'regressed'
              ? 'a box published an audit chain head below the one it published before: entries were cut off its audit log'
              : 'a box published another audit chain head for a seq it published before: its audit log was rewritten',
          );
        }
        return;
      }
      default:
        return; // replies and our own cmd/ack come back on shared wildcards: not ours to ingest
    }
  }

  /** Resolves once every event received so far is in the index. */
  async idle(): Promise<void> {
    while (this.draining) await this.draining;
  }

  private fleetWrite(p: Promise<void>): void {
    p.catch((err: Error) => this.o.log.error({ err: err.message }, 'fleet view not saved'));
  }

  private async drain(): Promise<void> {
    try {
      while (this.pending.length > 0) {
        const batch = this.pending.splice(0, MAX_BATCH);
        try {
          await this.events(batch);
        } catch (err) {
          // Not acknowledged, so not lost: the box sends these again.
          this.o.log.error({ err: (err as Error).message, events: batch.length }, 'ingest failed; the boxes will send the events again');
        }
      }
    } finally {
      this.draining = undefined;
    }
  }

  private reject(t: { site: string; box: string; kind: string }, error: string): void {
    this.stats.rejected++;
    this.o.log.warn({ site: t.site, box: t.box, kind: t.kind, error: error.slice(0, 300) }, 'message refused');
  }

  private async events(batch: IngestItem[]): Promise<void> {
    const results = await this.o.index.ingestMany(batch);
    const now = this.o.clock.now();
    const last = new Map<string, { site: string; box: string; result: IngestResult }>();
    results.forEach((result, i) => {
      const { site, box, event } = batch[i]!;
      if (result.duplicate) this.stats.duplicates++;
      else this.stats.ingested++;
      if (!result.duplicate && event.kind === 'deleted') {
        this.stats.deletions++;
        this.o.onDeleted?.(event.body.id);
      }
      if (result.refused) this.reject({ site, box, kind: 'evt' }, `seq ${event.seq}: ${result.refused}: the call belongs to another box`);
      if (result.numbersUnreadable && !this.unreadableNumbers.has(`${site}/${box}`)) {
        this.unreadableNumbers.set(`${site}/${box}`, { site, box, since: now });
        this.o.log.error({ site, box, seq: event.seq }, 'a call\'s numbers cannot be opened with the controller key: is the box sealing to another key?');
      }
      last.set(`${site}/${box}`, { site, box, result });
    });
    for (const { site, box, result } of last.values()) {
      this.fleetWrite(this.o.fleet.seen(site, box, now));
      this.fleetWrite(this.o.fleet.setWatermark(site, box, result.watermark));
      this.scheduleAck(site, box, result.watermark);
      if (result.gapFrom !== undefined) this.askResync(site, box, result.gapFrom);
    }
  }

  private scheduleAck(site: string, box: string, seq: number): void {
    if (seq < 1) return;
    this.acks.set(`${site}/${box}`, { site, box, seq });
    this.ackTimer ??= setTimeout(() => void this.flushAcks(), this.o.ackDelayMs ?? 50);
  }

  private async flushAcks(): Promise<void> {
    this.ackTimer = undefined;
    const acks = [...this.acks.values()];
    this.acks.clear();
    await Promise.all(
      acks.map((a) =>
        // Retained: a box that reconnects learns at once how far the index has got.
        this.o.publish(boxTopics(a.site, a.box).ack, JSON.stringify({ seq: a.seq }), { retain: true }).catch((err: Error) => {
          this.o.log.warn({ site: a.site, box: a.box, err: err.message }, 'ack not sent; the next one covers it');
        }),
      ),
    );
  }

  private async resyncAfterWatermark(site: string, box: string): Promise<void> {
    this.askResync(site, box, (await this.o.index.watermark(site, box)) + 1);
  }

  private askResync(site: string, box: string, from: number): void {
    const key = `${site}/${box}`;
    const now = this.o.clock.now();
    const last = this.lastResync.get(key);
    if (last && last.from === from && now - last.at < (this.o.resyncEveryMs ?? 10_000)) return;
    this.lastResync.set(key, { from, at: now });
    this.stats.resyncs++;
    this.o.log.info({ site, box, from }, 'gap in a box\'s events; asking it to send again');
    // Not awaited: waiting for the box's answer would hold up every other box's events.
    void this.o.resync(site, box, from).catch((err: Error) => this.o.log.warn({ site, box, err: err.message }, 'resync not answered'));
  }

  async stop(): Promise<void> {
    await this.idle();
    clearTimeout(this.ackTimer);
    await this.flushAcks();
  }
}
