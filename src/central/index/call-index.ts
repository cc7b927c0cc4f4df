// The indexer's call index (DESIGN, "Wire protocol", "Retention"): what every box reported of
// its calls, ingested exactly once per (box, seq) whatever the order of delivery, and searched
// through key-ordered indexes. Numbers are never stored: only their blind index.
import { Level } from 'level';
import type { AbstractBatchOperation, AbstractSublevel } from 'abstract-level';
import type { Clock } from '../../core/clock.js';
import { TalError } from '../../core/errors.js';
import type { EventMessage } from '../../core/protocol/messages.js';
import { apply, summary, type Entry } from './entry.js';
import { boxKey, encodeCursor, idOfKey, indexKeys, INDEX_NAMES, KEY_PART, keyspaces, seqHex, suffixOf, timeHex, type IndexName } from './keys.js';
import { blindIndex, normaliseNumber } from './numbers.js';
import { plan } from './query.js';
import { BoxSeqs } from './seqs.js';
import type { CallIndexApi, CallQuery, CallSummary, IndexedCall, IngestResult, SearchPage } from './types.js';
import { checkEvent } from './validate.js';

type Db = Level<string, unknown>;
type Sub<V> = AbstractSublevel<Db, string | Buffer | Uint8Array, string, V>;
type Op = AbstractBatchOperation<Db, string, unknown>;

export interface CallIndexOptions {
  /** the blind index key: without it a number cannot be looked up, nor the index reversed */
  blindKey: Buffer;
  /**
   * The numbers of a call, from its sealed metadata (the caller holds the controller key);
   * undefined when there are none. A throw indexes the call without numbers and says so in the
   * result (`numbersUnreadable`): one unreadable call must not hold up its box's whole queue.
   */
  openMeta: (call: IndexedCall) => { calling?: string; called?: string } | undefined;
  /** kept for the indexer's callers; the index itself takes every time it needs as an argument */
  clock: Clock;
  countryCode?: string;
  /** fsync every ingest batch (default true); a bulk build may turn it off */
  sync?: boolean;
}

export interface IngestItem {
  site: string;
  box: string;
  event: EventMessage;
}

const DEFAULT_OVERDUE_LIMIT = 100;

export class CallIndex implements CallIndexApi {
  private readonly calls: Sub<Entry>;
  private readonly wm: Sub<number>;
  private readonly seen: Sub<string>;
  private readonly meta: Sub<number>;
  private readonly ix: Record<IndexName, Sub<string>>;
  /** every box's seqs, loaded at open: this process is the index's only writer */
  private readonly boxes = new Map<string, BoxSeqs>();
  private total = 0;
  private queue: Promise<unknown> = Promise.resolve();
  private readonly countryCode: string;
  private readonly sync: boolean;

  private constructor(
    private readonly level: Db,
    private readonly opts: CallIndexOptions,
  ) {
    this.calls = level.sublevel<string, Entry>(keyspaces.calls, { valueEncoding: 'json' });
    this.wm = level.sublevel<string, number>(keyspaces.watermarks, { valueEncoding: 'json' });
    this.seen = level.sublevel<string, string>(keyspaces.seen, { valueEncoding: 'utf8' });
    this.meta = level.sublevel<string, number>(keyspaces.meta, { valueEncoding: 'json' });
    const ix = {} as Record<IndexName, Sub<string>>;
    for (const name of INDEX_NAMES) ix[name] = level.sublevel<string, string>(keyspaces[name], { valueEncoding: 'utf8' });
    this.ix = ix;
    this.countryCode = opts.countryCode ?? '358';
    this.sync = opts.sync ?? true;
  }

  static async open(path: string, opts: CallIndexOptions): Promise<CallIndex> {
    // Fail here, not at the first search: a wrong key or country code would find nothing.
    blindIndex(opts.blindKey, '112');
    normaliseNumber('112', opts.countryCode);
    const db: Db = new Level<string, unknown>(path, { valueEncoding: 'json' });
    try {
      await db.open();
    } catch (err) {
      const code = (err as { cause?: { code?: string }; code?: string }).cause?.code ?? (err as { code?: string }).code;
      if (code === 'LEVEL_LOCKED') throw new TalError('TAL_STORE_LOCKED', `call index ${path} is in use by another process (is the indexer running?)`, { cause: err });
      throw new TalError('TAL_STORE_NOT_OPEN', `call index ${path} could not be opened: ${(err as Error).message}`, { cause: err });
    }
    const index = new CallIndex(db, opts);
    await index.load();
    return index;
  }

  private async load(): Promise<void> {
    this.total = (await this.meta.get('count')) ?? 0;
    for await (const [key, w] of this.wm.iterator()) this.boxes.set(key, new BoxSeqs(w));
    for await (const key of this.seen.keys()) {
      const bang = key.lastIndexOf('!');
      const box = key.slice(0, bang);
      if (!this.boxes.has(box)) this.boxes.set(box, new BoxSeqs());
      this.boxes.get(box)!.above.add(parseInt(key.slice(bang + 1), 16));
    }
  }

  /** The LevelDB itself, so the indexer's audit log can share it (in its own 'audit' sublevel). */
  get db(): Db {
    return this.level;
  }

  ingest(site: string, box: string, event: EventMessage): Promise<IngestResult> {
    return this.ingestMany([{ site, box, event }]).then(([r]) => r!);
  }

  /** Several events in one LevelDB batch: all of them are in the index, or none. */
  ingestMany(items: readonly IngestItem[]): Promise<IngestResult[]> {
    try {
      for (const { site, box, event } of items) checkEvent(site, box, event);
    } catch (err) {
      return Promise.reject(err);
    }
    const run = this.queue.then(() => this.write(items));
    this.queue = run.catch(() => {});
    return run;
  }

  private async write(items: readonly IngestItem[]): Promise<IngestResult[]> {
    const seqs = new Map<string, BoxSeqs>();
    const seqsOf = (site: string, box: string): BoxSeqs => {
      const key = boxKey(site, box);
      let s = seqs.get(key);
      if (!s) seqs.set(key, (s = this.boxes.get(key)?.clone() ?? new BoxSeqs()));
      return s;
    };
    const ids = [...new Set(items.filter((i) => !seqsOf(i.site, i.box).has(i.event.seq)).map((i) => i.event.body.id))];
    const found = ids.length > 0 ? await this.calls.getMany(ids) : [];
    const before = new Map(ids.map((id, i) => [id, found[i]]));
    const after = new Map<string, Entry>();

    const results: IngestResult[] = [];
    for (const { site, box, event } of items) {
      const s = seqsOf(site, box);
      const duplicate = s.has(event.seq);
      let refused: IngestResult['refused'];
      let unreadable = false;
      if (!duplicate) {
        const id = event.body.id;
        const applied = apply(after.get(id) ?? before.get(id), site, box, event);
        if (applied.kind === 'foreign') refused = 'foreign-id';
        if (applied.kind === 'changed') {
          if (applied.reindexNumbers) {
            const blinds = this.blinds(applied.entry.call!);
            unreadable = blinds === undefined;
            applied.entry.blinds = blinds ?? [];
          }
          after.set(id, applied.entry);
        }
        s.add(event.seq);
      }
      const result: IngestResult = { duplicate, watermark: s.watermark };
      if (s.gapFrom !== undefined) result.gapFrom = s.gapFrom;
      if (refused) result.refused = refused;
      if (unreadable) result.numbersUnreadable = true;
      results.push(result);
    }

    const ops: unknown[] = [];
    let total = this.total;
    for (const [id, entry] of after) {
      const prev = before.get(id);
      if (entry.call && !prev?.call) total++;
      ops.push({ type: 'put', sublevel: this.calls, key: id, value: entry });
      this.indexOps(prev, entry, ops);
    }
    for (const [key, s] of seqs) this.seqOps(key, this.boxes.get(key), s, ops);
    if (total !== this.total) ops.push({ type: 'put', sublevel: this.meta, key: 'count', value: total });
    if (ops.length > 0) await this.level.batch(ops as Op[], { sync: this.sync });
    // Only a written batch changes what this process believes is on disk.
    for (const [key, s] of seqs) this.boxes.set(key, s);
    this.total = total;
    return results;
  }

  /** Undefined when the numbers could not be opened. */
  private blinds(call: IndexedCall): string[] | undefined {
    let meta: ReturnType<CallIndexOptions['openMeta']>;
    try {
      meta = this.opts.openMeta(call);
    } catch {
      // Not logged here: the error may quote what it failed to open.
      return undefined;
    }
    const out = new Set<string>();
    for (const raw of [meta?.calling, meta?.called]) {
      const n = typeof raw === 'string' ? normaliseNumber(raw, this.countryCode) : undefined;
      if (n !== undefined) out.add(blindIndex(this.opts.blindKey, n));
    }
    return [...out];
  }

  /** Old index keys out and new ones in, in the same batch as the entry itself. */
  private indexOps(prev: Entry | undefined, next: Entry, ops: unknown[]): void {
    const old = prev?.call ? indexKeys(prev.call, prev.blinds ?? []) : undefined;
    const now = next.call ? indexKeys(next.call, next.blinds ?? []) : undefined;
    for (const name of INDEX_NAMES) {
      const sublevel = this.ix[name];
      const was = old?.get(name);
      const is = now?.get(name);
      for (const key of was?.keys() ?? []) if (!is?.has(key)) ops.push({ type: 'del', sublevel, key });
      for (const [key, value] of is ?? []) if (was?.get(key) !== value) ops.push({ type: 'put', sublevel, key, value });
    }
  }

  private seqOps(key: string, was: BoxSeqs | undefined, is: BoxSeqs, ops: unknown[]): void {
    if (is.watermark !== (was?.watermark ?? 0)) ops.push({ type: 'put', sublevel: this.wm, key, value: is.watermark });
    for (const seq of was?.above ?? []) if (!is.above.has(seq)) ops.push({ type: 'del', sublevel: this.seen, key: `${key}!${seqHex(seq)}` });
    for (const seq of is.above) if (!was?.above.has(seq)) ops.push({ type: 'put', sublevel: this.seen, key: `${key}!${seqHex(seq)}`, value: '' });
  }

  async watermark(site: string, box: string): Promise<number> {
    return this.boxes.get(boxKey(site, box))?.watermark ?? 0;
  }

  /** Every box that ever sent an event, with its watermark: the fleet view starts from it. */
  watermarks(): { site: string; box: string; watermark: number }[] {
    return [...this.boxes].map(([key, s]) => {
      const [site = '', box = ''] = key.split('!');
      return { site, box, watermark: s.watermark };
    });
  }

  async search(q: CallQuery): Promise<SearchPage> {
    const p = plan(q, this.opts.blindKey, this.countryCode);
    if (!p) return { calls: [] };
    const need = p.limit + 1;
    let suffixes: string[] = [];
    for (const range of p.ranges) suffixes.push(...(await scan(this.ix[p.index], range, p.accept, need)));
    // Several ranges (a supervisor's sites) each came newest first: merge them.
    if (p.ranges.length > 1) suffixes = suffixes.sort().reverse().slice(0, need);
    const page = suffixes.slice(0, p.limit);
    const calls = await this.summaries(page.map(idOfKey));
    const result: SearchPage = { calls };
    if (suffixes.length > p.limit) result.next = encodeCursor(page[page.length - 1]!);
    return result;
  }

  async get(id: string): Promise<IndexedCall | undefined> {
    if (typeof id !== 'string' || !KEY_PART.test(id)) return undefined;
    return (await this.calls.get(id))?.call;
  }

  async overdue(now: number, graceMs: number, limit = DEFAULT_OVERDUE_LIMIT): Promise<CallSummary[]> {
    const cut = Math.ceil(now - graceMs);
    if (!(cut > 0) || !(limit > 0)) return [];
    const keys = await this.ix.byExpiry.keys({ lt: timeHex(cut), limit }).all();
    return (await this.summaries(keys.map(idOfKey))).filter((c) => !c.deleted);
  }

  /** Calls under a hold, newest first. */
  async held(limit = DEFAULT_OVERDUE_LIMIT): Promise<CallSummary[]> {
    const keys = await this.ix.holds.keys({ reverse: true, limit }).all();
    return this.summaries(keys.map(idOfKey));
  }

  /**
   * Rewrites the keyspaces deletions touch, so LevelDB's files no longer hold a deleted call's
   * wrapped key, sealed numbers or blind index in superseded records (a `del` only hides them
   * until compaction reaches them). Heavy on a big index: run it after a sweep, not per event.
   */
  async compact(): Promise<void> {
    const classic = this.level as unknown as { compactRange(start: string, end: string): Promise<void> };
    for (const space of [keyspaces.calls, keyspaces.byNumber]) await classic.compactRange(`!${space}!`, `!${space}"`);
  }

  async count(): Promise<number> {
    return this.total;
  }

  async close(): Promise<void> {
    await this.queue;
    await this.level.close();
  }

  private async summaries(ids: string[]): Promise<CallSummary[]> {
    if (ids.length === 0) return [];
    const entries = await this.calls.getMany(ids);
    return entries.flatMap((e) => (e?.call ? [summary(e.call)] : []));
  }
}

/** Up to `need` keys of a range, newest first, whose index value the filter accepts; their suffixes. */
async function scan(sub: Sub<string>, range: { gte?: string; lt?: string }, accept: (value: string) => boolean, need: number): Promise<string[]> {
  const out: string[] = [];
  const it = sub.iterator({ ...range, reverse: true });
  try {
    // The first read asks for just enough when nothing is filtered out; later reads grow.
    let size = need;
    while (out.length < need) {
      const batch = await it.nextv(size);
      if (batch.length === 0) break;
      for (const [key, value] of batch) {
        if (!accept(value)) continue;
        out.push(suffixOf(key));
        if (out.length === need) break;
      }
      size = Math.min(size * 4, 4096);
    }
  } finally {
    await it.close();
  }
  return out;
}
