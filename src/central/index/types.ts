// What the indexer keeps of a call, and how it is searched. Numbers are never stored in the
// clear: `sealedMeta` (opened only with the controller key, for a stated purpose) and a keyed
// blind index (HMAC-SHA-256 of the normalised number) that finds calls by number without
// holding the number.
import type { EventMessage, HoldInfo, Notice, NoticeStatus, RecordingEvent } from '../../core/protocol/messages.js';

export type Direction = RecordingEvent['direction'];

export interface IndexedCall {
  id: string;
  site: string;
  box: string;
  line: string;
  start: number;
  end: number;
  durationMs: number;
  direction: Direction;
  clip: RecordingEvent['clip'];
  state: RecordingEvent['state'];
  endReason?: string;
  stopped?: { at: number; by: string };
  /** whether the caller was told the call is recorded (R12), as the box found */
  notice?: Notice;
  retentionMonths: number;
  expiresAt: number;
  holds: HoldInfo[];
  /** what playback needs (all sealed to the controller key); dropped when the box reports deletion */
  sealed?: Pick<RecordingEvent, 'wrappedKey' | 'keyId' | 'sealedMeta' | 'metaVersion' | 'chunks' | 'audio'>;
  /** the box destroyed the recording: what is left is this entry without key or numbers */
  deleted?: { at: number; reason: 'expired' | 'early-deletion' };
  /** seq of the event that last changed this entry (events apply only forward) */
  seq: number;
}

/** The list view: no sealed parts. */
export type CallSummary = Omit<IndexedCall, 'sealed' | 'seq'>;

export interface CallQuery {
  /** start time window, ms since epoch: from ≤ start < to */
  from?: number;
  to?: number;
  /** only these sites (a supervisor's own); undefined = all */
  sites?: readonly string[];
  site?: string;
  line?: string;
  box?: string;
  direction?: Direction;
  /** the announcement's evidence: `not-heard` finds the callers who were not told (R12) */
  notice?: NoticeStatus;
  /** a phone number in any common spelling (040 123 4567, +358401234567, 00358…) */
  number?: string;
  /** default 50, at most 500 */
  limit?: number;
  /** from the previous page's `next` */
  cursor?: string;
}

export interface SearchPage {
  /** newest first */
  calls: CallSummary[];
  next?: string;
}

export interface IngestResult {
  /** already in the index (seq at or below the watermark, or seen above it) */
  duplicate: boolean;
  /** every seq up to and including this one is in the index: what the `ack` says */
  watermark: number;
  /** seqs missing below the highest one seen: ask the box to resend from here */
  gapFrom?: number;
  /** counted as ingested (so the box is not stuck resending it) but not applied: the event
   *  names a call id that belongs to another box, and no box may change another's calls */
  refused?: 'foreign-id';
  /** the call is indexed, but opening its numbers failed (`openMeta` threw): it cannot be found
   *  by number. An alarm for the operator, not a reason to block the box's queue. */
  numbersUnreadable?: true;
}

export interface CallIndexApi {
  ingest(site: string, box: string, event: EventMessage): Promise<IngestResult>;
  watermark(site: string, box: string): Promise<number>;
  search(q: CallQuery): Promise<SearchPage>;
  get(id: string): Promise<IndexedCall | undefined>;
  /** Calls whose expiry passed more than `graceMs` ago with no `deleted` event: a box missed it. */
  overdue(now: number, graceMs: number, limit?: number): Promise<CallSummary[]>;
  count(): Promise<number>;
  close(): Promise<void>;
}
