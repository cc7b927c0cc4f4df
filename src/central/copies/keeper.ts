// Keeps the central sealed copies in step with the holds (issue 8): a held recording gets a copy
// as soon as its box can be asked, and the copy goes when the recording does: at its expiry
// (holds counted, at most 12 months from the call's start), or when the box reports it deleted.
// A box that has vanished reports nothing, so its copies are destroyed on the clock alone.
import type { Logger } from 'pino';
import type { Clock } from '../../core/clock.js';
import type { AuditInput } from '../../core/audit/entry.js';
import type { CallSummary, IndexedCall } from '../index/types.js';
import type { FetchedRecording } from '../ingest/fetch-assembler.js';
import type { CopyInfo, CopyStore } from './store.js';

export interface CopyKeeperOptions {
  store: CopyStore;
  index: { get(id: string): Promise<IndexedCall | undefined>; held(limit?: number): Promise<CallSummary[]> };
  /** the recording's sealed chunks, from its box */
  fetch(site: string, box: string, id: string): Promise<FetchedRecording>;
  /** whether a box is connected now (a lost box is not asked) */
  online(site: string, box: string): boolean;
  audit: { append(entry: AuditInput): Promise<unknown> };
  clock: Clock;
  log: Logger;
}

type CallRef = Pick<CallSummary, 'id' | 'site' | 'box' | 'expiresAt'>;

export class CopyKeeper {
  /** copies being taken, so a hold and the periodic check do not fetch one recording twice */
  private readonly taking = new Map<string, Promise<CopyInfo>>();

  constructor(private readonly o: CopyKeeperOptions) {}

  infoOf(id: string): Promise<CopyInfo | undefined> {
    return this.o.store.infoOf(id);
  }

  /** A copy of a held recording; `expiresAt` is its expiry with the hold counted. */
  ensure(call: CallRef, expiresAt = call.expiresAt): Promise<CopyInfo> {
    const running = this.taking.get(call.id);
    if (running) return running;
    const run = (async () => {
      const had = await this.o.store.infoOf(call.id);
      if (had) {
        await this.o.store.setExpiry(call.id, Math.max(had.expiresAt, expiresAt));
        return { ...had, expiresAt: Math.max(had.expiresAt, expiresAt) };
      }
      const fetched = await this.o.fetch(call.site, call.box, call.id);
      const info = await this.o.store.keep(call.site, call.box, fetched, { keptAt: this.o.clock.now(), expiresAt });
      await this.o.audit.append({ actor: 'system', action: 'central-copy', target: call.id, result: 'ok', detail: { event: 'kept', site: call.site, box: call.box, chunks: fetched.chunks.length } });
      this.o.log.info({ recording: call.id, site: call.site, box: call.box }, 'sealed copy of a held recording kept');
      return info;
    })().finally(() => this.taking.delete(call.id));
    this.taking.set(call.id, run);
    return run;
  }

  /**
   * One pass: copies for held recordings that lack one (their box online), then every copy's
   * expiry brought in line with the index and the expired or deleted ones destroyed.
   */
  async reconcile(): Promise<{ kept: number; destroyed: number; failed: number }> {
    const now = this.o.clock.now();
    let kept = 0;
    let destroyed = 0;
    let failed = 0;
    for (const call of await this.o.index.held()) {
      if (call.deleted || call.expiresAt <= now || !this.o.online(call.site, call.box)) continue;
      if (await this.o.store.has(call.id)) continue;
      try {
        await this.ensure(call);
        kept++;
      } catch (err) {
        failed++;
        this.o.log.warn({ recording: call.id, site: call.site, box: call.box, error: (err as Error).message }, 'a held recording could not be copied; trying again later');
      }
    }
    for (const info of await this.o.store.list()) {
      const call = await this.o.index.get(info.id);
      // The index follows the box: a release shortens the expiry, a new hold lengthens it.
      const expiresAt = call && !call.deleted ? call.expiresAt : info.expiresAt;
      const why = call?.deleted ? `deleted-on-box:${call.deleted.reason}` : expiresAt <= now ? 'expired' : undefined;
      if (why) {
        await this.destroy(info, why);
        destroyed++;
      } else if (expiresAt !== info.expiresAt) {
        await this.o.store.setExpiry(info.id, expiresAt);
      }
    }
    return { kept, destroyed, failed };
  }

  private async destroy(info: CopyInfo, reason: string): Promise<void> {
    await this.o.store.destroy(info.id);
    await this.o.audit.append({ actor: 'system', action: 'central-copy', target: info.id, result: 'ok', detail: { event: 'destroyed', reason, site: info.site, box: info.box } });
    this.o.log.info({ recording: info.id, reason }, 'sealed copy destroyed');
  }
}
