// The fleet as the indexer sees it: each box's own word on its state, its latest health report,
// when it was last heard from, and how far its events are indexed. Kept in memory for the
// console and written through to LevelDB so a restarted indexer still knows its boxes.
import type { Level } from 'level';
import type { AbstractSublevel } from 'abstract-level';
import type { StatePayload, StatusPayload } from '../../core/protocol/messages.js';
import { boxKey, keyspaces } from '../index/keys.js';
import type { BoxView } from './types.js';

type Db = Level<string, unknown>;

export interface FleetOptions {
  /** silence longer than this shows a box as `lost`, whatever it last said */
  lostAfterMs: number;
}

export class Fleet {
  private readonly boxes = new Map<string, BoxView>();
  private writes: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly store: AbstractSublevel<Db, string | Buffer | Uint8Array, string, BoxView>,
    private readonly lostAfterMs: number,
  ) {}

  static async open(db: Db, opts: FleetOptions): Promise<Fleet> {
    if (!(opts.lostAfterMs > 0)) throw new TypeError('lostAfterMs: must be a positive number of ms');
    const store = db.sublevel<string, BoxView>(keyspaces.fleet, { valueEncoding: 'json' });
    const fleet = new Fleet(store, opts.lostAfterMs);
    for await (const [key, view] of store.iterator()) fleet.boxes.set(key, view);
    return fleet;
  }

  /** `$state`: the box's word, or its last will `lost`. Arrival order is the box's order (one topic, QoS 1). */
  onState(site: string, box: string, payload: StatePayload, now: number): Promise<void> {
    return this.update(site, box, now, (v) => (v.state = payload.state));
  }

  onStatus(site: string, box: string, payload: StatusPayload, now: number): Promise<void> {
    return this.update(site, box, now, (v) => (v.status = payload));
  }

  /** Any other message from the box (an event, an audit entry): it is alive. */
  seen(site: string, box: string, now: number): Promise<void> {
    return this.update(site, box, now, () => {});
  }

  setWatermark(site: string, box: string, n: number): Promise<void> {
    return this.update(site, box, undefined, (v) => (v.watermark = Math.max(v.watermark, n)));
  }

  /** Every box, by site and box id; `lost` for a box silent longer than `lostAfterMs`. */
  list(now: number): BoxView[] {
    return [...this.boxes.values()]
      .map((v) => (now - v.lastSeen > this.lostAfterMs ? { ...v, state: 'lost' as const } : { ...v }))
      .sort((a, b) => (a.site === b.site ? cmp(a.box, b.box) : cmp(a.site, b.site)));
  }

  /** Changes apply in memory at once, in call order; writes follow one at a time, so the last lands last. */
  private update(site: string, box: string, now: number | undefined, change: (v: BoxView) => void): Promise<void> {
    const key = boxKey(site, box);
    // A box first heard of only through its watermark (seeded from the index) has not been seen yet.
    const view: BoxView = { ...(this.boxes.get(key) ?? { site, box, state: 'init', lastSeen: 0, watermark: 0 }) };
    change(view);
    if (now !== undefined) view.lastSeen = Math.max(view.lastSeen, now);
    this.boxes.set(key, view);
    const run = this.writes.then(() => this.store.put(key, view));
    this.writes = run.catch(() => {});
    return run;
  }
}

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
