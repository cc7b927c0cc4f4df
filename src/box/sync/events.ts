// Which change of a recording the indexer must hear of, and in what words (src/core/protocol/messages.ts).
import type { DeletedEvent, EventBodies, EventKind, ExpiryEvent, RecordingEvent } from '../../core/protocol/messages.js';
import type { RecordingRecord, Tombstone } from '../store/recording-record.js';

export type ChangeEvent = { [K in EventKind]: { kind: K; body: EventBodies[K] } }[EventKind];

const finished = (r: RecordingRecord | undefined): boolean => r?.state === 'closed' || r?.state === 'truncated';

/**
 * A recording is announced once, when it is finished (closed, or truncated by a crash); after
 * that only its expiry can change (a hold placed or lifted). An open recording is not announced:
 * the status shows a line recording, the index holds calls that can be heard.
 */
export function changeEvent(old: RecordingRecord | undefined, next: RecordingRecord): ChangeEvent | undefined {
  if (!finished(next)) return undefined;
  if (!finished(old)) return { kind: 'recording', body: recordingEvent(next) };
  if (old!.expiresAt !== next.expiresAt || JSON.stringify(old!.holds ?? []) !== JSON.stringify(next.holds ?? [])) {
    const body: ExpiryEvent = { id: next.id, expiresAt: next.expiresAt, holds: next.holds ?? [] };
    return { kind: 'expiry', body };
  }
  return undefined;
}

export function recordingEvent(r: RecordingRecord): RecordingEvent {
  return {
    id: r.id, line: r.line, start: r.start, end: r.end ?? r.start + r.durationMs, durationMs: r.durationMs,
    state: r.state as RecordingEvent['state'],
    ...(r.endReason ? { endReason: r.endReason } : {}),
    direction: r.direction, signalling: r.signalling, clip: r.clip,
    ...(r.sealedMeta !== undefined ? { sealedMeta: r.sealedMeta, metaVersion: r.metaVersion ?? 0 } : {}),
    wrappedKey: r.wrappedKey, keyId: r.keyId, chunks: r.chunks, gapMs: r.gapMs,
    ...(r.stopped ? { stopped: r.stopped } : {}),
    ...(r.notice ? { notice: r.notice } : {}),
    retentionMonths: r.retentionMonths, expiresAt: r.expiresAt, holds: r.holds ?? [], audio: r.audio,
  };
}

export function deletedEvent(t: Tombstone): ChangeEvent {
  const body: DeletedEvent = { id: t.id, line: t.line, start: t.start, expiresAt: t.expiresAt, deletedAt: t.deletedAt, reason: t.reason };
  return { kind: 'deleted', body };
}
