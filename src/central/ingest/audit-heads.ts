// The audit chain heads the boxes publish on `audit` (`{ head: { seq, hash }, ts }`, DESIGN "Wire
// protocol"), one per box, and what they say when compared with the heads before them. A box's log
// only grows: a head below the one it published before means entries were cut off its end; the
// same seq with another hash means the log was rewritten (or replaced by another one). The box's
// own log then no longer verifies against what it published; the technician checks it on the box.
//
// Kept in memory: after a restart the indexer knows each box's head again from its next report
// (every status interval), but forgets the regressions it saw before. The warnings stay in the
// indexer's log, which outlives the process.
import { parseAuditHead, type AuditHead } from '../../core/audit/entry.js';

/** A head as a box published it. */
export interface PublishedHead extends AuditHead {
  /** when the box published it, by its own clock (ms since the epoch) */
  ts: number;
}

/** consistent: every head the box published continued the one before it. */
export type HeadStatus = 'consistent' | 'regressed' | 'rewritten';
export type HeadProblemReason = Exclude<HeadStatus, 'consistent'>;

/** One head that did not continue what the box published before. */
export interface HeadRegression {
  reason: HeadProblemReason;
  /** the head it is compared with: the last one before it (or, for `rewritten`, the highest) */
  previous: PublishedHead;
  head: PublishedHead;
}

/** What the indexer knows of one box's chain. Its own fields are the last head the box published. */
export interface BoxAuditHead extends PublishedHead {
  site: string;
  box: string;
  /** the head with the highest seq the box has published since the indexer started */
  highest: PublishedHead;
  /** the worst the box has done since the indexer started: a regression stays until a restart */
  status: HeadStatus;
  /** the latest regressions (at most MAX_REGRESSIONS_KEPT), oldest first */
  regressions: readonly HeadRegression[];
  /** every regression seen, also those no longer kept */
  regressionCount: number;
}

export type HeadVerdict =
  | { ok: true; /** the same head as the last one, published again */ duplicate: boolean }
  | { ok: false; reason: HeadProblemReason; previous: PublishedHead };

export const MAX_REGRESSIONS_KEPT = 20;

export const headKey = (site: string, box: string): string => `${site}/${box}`;

const copy = (h: PublishedHead): PublishedHead => ({ seq: h.seq, hash: h.hash, ts: h.ts });

/**
 * Every box's last published head, by `site/box`; readable as a map of heads (what the console
 * and the API are given), written only through accept().
 */
export class AuditHeads implements ReadonlyMap<string, BoxAuditHead> {
  private readonly boxes = new Map<string, BoxAuditHead>();

  /**
   * Takes a head a box published and compares it with the last and the highest before it.
   * Throws TAL_AUDIT_INVALID when `head` is not a head; `ts` that is not a time is refused with a TypeError.
   */
  accept(site: string, box: string, head: AuditHead, ts: number): HeadVerdict {
    const h = parseAuditHead(head);
    if (!Number.isFinite(ts)) throw new TypeError(`ts must be a time in ms, got ${ts}`);
    const now: PublishedHead = { seq: h.seq, hash: h.hash, ts };
    const key = headKey(site, box);
    const before = this.boxes.get(key);
    if (!before) {
      this.boxes.set(key, { site, box, ...now, highest: copy(now), status: 'consistent', regressions: [], regressionCount: 0 });
      return { ok: true, duplicate: false };
    }
    const last = copy(before);
    let verdict: HeadVerdict;
    if (now.seq < last.seq) verdict = { ok: false, reason: 'regressed', previous: last };
    else if (now.seq === last.seq) verdict = now.hash === last.hash ? { ok: true, duplicate: true } : { ok: false, reason: 'rewritten', previous: last };
    // Back at the highest seq after a cut: it must be the same entry as before the cut.
    else if (now.seq === before.highest.seq && now.hash !== before.highest.hash) verdict = { ok: false, reason: 'rewritten', previous: copy(before.highest) };
    else verdict = { ok: true, duplicate: false };

    const next: BoxAuditHead = { ...before, ...now, highest: now.seq > before.highest.seq ? copy(now) : before.highest };
    if (!verdict.ok) {
      next.status = verdict.reason;
      next.regressions = [...before.regressions, { reason: verdict.reason, previous: verdict.previous, head: copy(now) }].slice(-MAX_REGRESSIONS_KEPT);
      next.regressionCount = before.regressionCount + 1;
    }
    this.boxes.set(key, next);
    return verdict;
  }

  /** Every box, by site and then box. */
  list(): BoxAuditHead[] {
    return [...this.boxes.values()].sort(bySiteAndBox);
  }

  get size(): number {
    return this.boxes.size;
  }
  get(key: string): BoxAuditHead | undefined {
    return this.boxes.get(key);
  }
  has(key: string): boolean {
    return this.boxes.has(key);
  }
  forEach(fn: (value: BoxAuditHead, key: string, map: ReadonlyMap<string, BoxAuditHead>) => void, thisArg?: unknown): void {
    for (const [k, v] of this.boxes) fn.call(thisArg, v, k, this);
  }
  entries(): MapIterator<[string, BoxAuditHead]> {
    return this.boxes.entries();
  }
  keys(): MapIterator<string> {
    return this.boxes.keys();
  }
  values(): MapIterator<BoxAuditHead> {
    return this.boxes.values();
  }
  [Symbol.iterator](): MapIterator<[string, BoxAuditHead]> {
    return this.boxes[Symbol.iterator]();
  }
}

function bySiteAndBox(a: { site: string; box: string }, b: { site: string; box: string }): number {
  return a.site < b.site ? -1 : a.site > b.site ? 1 : a.box < b.box ? -1 : a.box > b.box ? 1 : 0;
}

/**
 * Any map of heads by `site/box` as rows with a status, by site and box: an AuditHeads as it is;
 * a plain map's head (no history known) as consistent, its own highest.
 */
export function boxHeadsOf(heads: ReadonlyMap<string, PublishedHead>): BoxAuditHead[] {
  if (heads instanceof AuditHeads) return heads.list();
  const rows: BoxAuditHead[] = [];
  for (const [key, v] of heads) {
    const full = v as Partial<BoxAuditHead>;
    if (full.status !== undefined && full.highest !== undefined && full.regressions !== undefined && typeof full.site === 'string' && typeof full.box === 'string') {
      rows.push(full as BoxAuditHead);
      continue;
    }
    const cut = key.indexOf('/');
    const head = copy(v);
    rows.push({ site: cut < 0 ? key : key.slice(0, cut), box: cut < 0 ? '' : key.slice(cut + 1), ...head, highest: copy(head), status: 'consistent', regressions: [], regressionCount: 0 });
  }
  return rows.sort(bySiteAndBox);
}
