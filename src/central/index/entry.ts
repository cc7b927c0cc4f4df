// How events change one call's entry. Events of a box may arrive in any order (redelivery,
// resends after a gap), so each part of an entry remembers the seq that last set it and an
// event changes only the parts it is newer for: the result is the same for every order.
import type { DeletedEvent, EventMessage, ExpiryEvent, HoldInfo, RecordingEvent } from '../../core/protocol/messages.js';
import type { CallSummary, IndexedCall } from './types.js';

export interface Entry {
  site: string;
  box: string;
  /** seq of the recording event applied; 0 while a stub (an expiry or deletion came first) */
  rec: number;
  /** seq of the last event that set expiresAt and holds (a recording or an expiry) */
  exp: number;
  /** seq of the deleted event; 0 while the box keeps the recording */
  del: number;
  /** absent while a stub */
  call?: IndexedCall;
  /** a stub's knowledge, folded into `call` when the recording arrives */
  expiresAt?: number;
  holds?: HoldInfo[];
  deleted?: IndexedCall['deleted'];
  /** blind indexes of the call's numbers, kept so deletion can drop them without unsealing */
  blinds?: string[];
}

export type Applied =
  /** nothing changes: the entry already reflects something newer */
  | { kind: 'stale' }
  /** the id belongs to a call of another box: a box may not touch another's calls */
  | { kind: 'foreign' }
  /** `recording` says the call's numbers must be (re)indexed */
  | { kind: 'changed'; entry: Entry; reindexNumbers: boolean };

export function apply(prev: Entry | undefined, site: string, box: string, event: EventMessage): Applied {
  if (prev && (prev.site !== site || prev.box !== box)) return { kind: 'foreign' };
  const base: Entry = prev ?? { site, box, rec: 0, exp: 0, del: 0 };
  switch (event.kind) {
    case 'recording':
      return applyRecording(base, site, box, event.seq, event.body);
    case 'expiry':
      return applyExpiry(base, event.seq, event.body);
    case 'deleted':
      return applyDeleted(base, event.seq, event.body);
  }
}

function applyRecording(prev: Entry, site: string, box: string, seq: number, b: RecordingEvent): Applied {
  if (seq <= prev.rec) return { kind: 'stale' };
  const expiryNewer = prev.exp > seq;
  const expiresAt = expiryNewer ? (prev.call?.expiresAt ?? prev.expiresAt ?? b.expiresAt) : b.expiresAt;
  const holds = expiryNewer ? (prev.call?.holds ?? prev.holds ?? b.holds) : b.holds;
  const deleted = prev.call?.deleted ?? prev.deleted;
  const call: IndexedCall = {
    id: b.id, site, box, line: b.line, start: b.start, end: b.end, durationMs: b.durationMs, direction: b.direction,
    clip: b.clip, state: b.state, retentionMonths: b.retentionMonths, expiresAt, holds, seq: 0,
  };
  if (b.endReason !== undefined) call.endReason = b.endReason;
  if (b.stopped !== undefined) call.stopped = b.stopped;
  if (b.notice !== undefined) call.notice = b.notice;
  if (deleted) call.deleted = deleted;
  else {
    call.sealed = { wrappedKey: b.wrappedKey, keyId: b.keyId, chunks: b.chunks, audio: b.audio };
    if (b.sealedMeta !== undefined) call.sealed.sealedMeta = b.sealedMeta;
    if (b.metaVersion !== undefined) call.sealed.metaVersion = b.metaVersion;
  }
  const entry: Entry = { site, box, rec: seq, exp: Math.max(prev.exp, seq), del: prev.del, call };
  call.seq = lastChange(entry);
  return { kind: 'changed', entry, reindexNumbers: !deleted };
}

function applyExpiry(prev: Entry, seq: number, b: ExpiryEvent): Applied {
  if (seq <= prev.exp) return { kind: 'stale' };
  const entry = withExpiry(prev, seq, b.expiresAt, b.holds);
  return { kind: 'changed', entry, reindexNumbers: false };
}

function applyDeleted(prev: Entry, seq: number, b: DeletedEvent): Applied {
  // Deletion is final: a second tombstone for the same id says nothing new.
  if (prev.del > 0) return { kind: 'stale' };
  const at = { at: b.deletedAt, reason: b.reason };
  // The tombstone's expiresAt is the one the last expiry event already carried: taking it here
  // too would make the outcome depend on which of the two arrived first.
  const entry: Entry = { ...prev, del: seq };
  // The box shredded the key: so does the index, with the sealed numbers and their blind index.
  delete entry.blinds;
  if (entry.call) {
    const { sealed: _, ...rest } = entry.call;
    entry.call = { ...rest, deleted: at };
  } else entry.deleted = at;
  if (entry.call) entry.call.seq = lastChange(entry);
  return { kind: 'changed', entry, reindexNumbers: false };
}

function withExpiry(prev: Entry, seq: number, expiresAt: number, holds: HoldInfo[]): Entry {
  const entry: Entry = { ...prev, exp: seq };
  if (entry.call) {
    entry.call = { ...entry.call, expiresAt, holds };
    entry.call.seq = lastChange(entry);
  } else {
    entry.expiresAt = expiresAt;
    entry.holds = holds;
  }
  return entry;
}

const lastChange = (e: Entry): number => Math.max(e.rec, e.exp, e.del);

/** The list view of a call: never its sealed parts. */
export function summary(call: IndexedCall): CallSummary {
  const { sealed: _s, seq: _q, ...rest } = call;
  return rest;
}
