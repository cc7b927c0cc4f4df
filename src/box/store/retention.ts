import type { Logger } from 'pino';
import type { Clock } from '../../core/clock.js';
import { TalError } from '../../core/errors.js';
import { effectiveExpiry, holdUntil } from '../../core/retention/index.js';
import { HOLD_REASONS, type Hold, type HoldReason, type RecordingRecord, type Tombstone } from './recording-record.js';
import type { RecordingStore } from './recording-store.js';

/** Where retention's actions are recorded: the box's hash-chained audit log. */
export interface AuditSink {
  append(entry: {
    actor: string;
    action: string;
    target?: string;
    purpose?: string;
    caseRef?: string;
    result: 'ok' | 'refused' | 'error';
    detail?: Record<string, string | number | boolean>;
  }): Promise<unknown>;
}

export interface HoldRequest {
  reason: HoldReason;
  caseRef: string;
  /** who asks: a user id */
  by: string;
  /** ms since epoch */
  until: number;
}

export interface SweepResult {
  destroyed: number;
  /** the wall clock jumped against the monotonic clock since the last pass (ms; + forward) */
  clockJumpMs?: number;
  /** destroying was put off because the clock jumped forward: the next pass decides */
  deferred: boolean;
}

export interface RetentionOptions {
  clock: Clock;
  /** a clock that never jumps (performance.now), to tell a clock change from time passing */
  monotonic?: () => number;
  audit: AuditSink;
  log: Logger;
}

/** A jump of the wall clock against the monotonic one beyond this is logged and audited. */
const CLOCK_JUMP_MS = 60_000;

/**
 * R4, kept by the machine: holds that extend one recording up to call start + 12 months and
 * never further, release, early deletion, and the sweeper that destroys expired recordings.
 * Destroying is crypto-shredding in three idempotent steps — the wrapped key, then the chunks,
 * then record → tombstone — so a crash anywhere is finished by the next pass.
 */
export class Retention {
  private last: { wall: number; mono: number } | undefined;
  private readonly monotonic: () => number;

  constructor(private readonly store: RecordingStore, private readonly o: RetentionOptions) {
    this.monotonic = o.monotonic ?? (() => performance.now());
  }

  hold(id: string, req: HoldRequest): Promise<{ expiresAt: number; until: number; clamped: boolean; max: number }> {
    return this.audited('hold', req.by, id, () => this.doHold(id, req));
  }

  private async doHold(id: string, req: HoldRequest): Promise<{ expiresAt: number; until: number; clamped: boolean; max: number }> {
    if (!HOLD_REASONS.includes(req.reason)) throw invalid(`reason must be one of ${HOLD_REASONS.join(', ')}, not "${String(req.reason)}"`);
    if (!req.caseRef?.trim()) throw invalid('caseRef is required: every hold names the case it is for');
    if (!req.by?.trim()) throw invalid('by is required: who places the hold');
    if (!Number.isFinite(req.until)) throw invalid('until must be a date');
    const rec = await this.live(id);
    const decision = holdUntil(rec.start, req.until);
    const hold: Hold = { reason: req.reason, caseRef: req.caseRef.trim(), by: req.by.trim(), until: decision.until, at: this.o.clock.now() };
    const holds = [...(rec.holds ?? []), hold];
    const expiresAt = effectiveExpiry({ start: rec.start, retentionMonths: rec.retentionMonths, holds });
    await this.store.putRecording({ ...rec, holds, expiresAt });
    await this.o.audit.append({
      actor: hold.by, action: 'hold', target: id, purpose: hold.reason, caseRef: hold.caseRef, result: 'ok',
      detail: { until: new Date(decision.until).toISOString(), clamped: decision.clamped, expiresAt: new Date(expiresAt).toISOString() },
    });
    return { expiresAt, until: decision.until, clamped: decision.clamped, max: decision.max };
  }

  /** Lifts the holds of one case (or every hold); a recording already past its normal expiry goes at once. */
  release(id: string, req: { by: string; caseRef?: string }): Promise<{ expiresAt: number; destroyed: boolean }> {
    return this.audited('release', req.by, id, () => this.doRelease(id, req));
  }

  private async doRelease(id: string, req: { by: string; caseRef?: string }): Promise<{ expiresAt: number; destroyed: boolean }> {
    if (!req.by?.trim()) throw invalid('by is required: who releases the hold');
    const rec = await this.live(id);
    const holds = (rec.holds ?? []).filter((h) => req.caseRef !== undefined && h.caseRef !== req.caseRef.trim());
    if (holds.length === (rec.holds ?? []).length) throw invalid(req.caseRef ? `recording ${id} has no hold for case ${req.caseRef}` : `recording ${id} has no hold`);
    const expiresAt = effectiveExpiry({ start: rec.start, retentionMonths: rec.retentionMonths, holds });
    const updated: RecordingRecord = { ...rec, holds, expiresAt };
    if (holds.length === 0) delete updated.holds;
    await this.store.putRecording(updated);
    await this.o.audit.append({ actor: req.by.trim(), action: 'release', target: id, ...(req.caseRef ? { caseRef: req.caseRef.trim() } : {}), result: 'ok', detail: { expiresAt: new Date(expiresAt).toISOString() } });
    const now = this.o.clock.now();
    if (expiresAt <= now) {
      await this.destroy(updated, 'expired', now);
      return { expiresAt, destroyed: true };
    }
    return { expiresAt, destroyed: false };
  }

  /** Early deletion by a privacy officer, with the reason (kept in the audit log, not the tombstone). */
  delete(id: string, req: { by: string; reason: string }): Promise<Tombstone> {
    return this.audited('delete', req.by, id, () => this.doDelete(id, req));
  }

  private async doDelete(id: string, req: { by: string; reason: string }): Promise<Tombstone> {
    if (!req.by?.trim()) throw invalid('by is required: who deletes');
    if (!req.reason?.trim()) throw invalid('reason is required: an early deletion states why');
    const rec = await this.live(id);
    const tomb = await this.destroy(rec, 'early-deletion', this.o.clock.now());
    await this.o.audit.append({ actor: req.by.trim(), action: 'delete', target: id, result: 'ok', detail: { reason: req.reason.trim() } });
    return tomb;
  }

  /** One pass: destroys every recording whose expiry is due. Safe to run at any time, and again. */
  async sweep(): Promise<SweepResult> {
    const now = this.o.clock.now();
    const mono = this.monotonic();
    const jump = this.last ? now - this.last.wall - (mono - this.last.mono) : 0;
    this.last = { wall: now, mono };
    const result: SweepResult = { destroyed: 0, deferred: false };
    if (Math.abs(jump) > CLOCK_JUMP_MS) {
      result.clockJumpMs = jump;
      this.o.log.warn({ jumpMs: Math.round(jump) }, jump > 0 ? 'the clock jumped forward' : 'the clock jumped backward');
      await this.o.audit.append({ actor: 'system', action: 'clock-jump', result: 'ok', detail: { jumpMs: Math.round(jump), to: new Date(now).toISOString() } });
      // A clock set wrongly ahead must not destroy recordings: the next pass decides.
      if (jump > 0) {
        result.deferred = true;
        return result;
      }
    }
    for await (const id of this.store.dueAt(now)) {
      const rec = await this.store.getRecording(id);
      if (!rec) continue; // a tombstone already; the index entry went with it
      if (rec.state === 'open') continue; // still being recorded: its end decides
      const expiresAt = effectiveExpiry({ start: rec.start, retentionMonths: rec.retentionMonths, holds: rec.holds ?? [] });
      if (expiresAt > now && rec.state !== 'shredding') {
        await this.store.putRecording({ ...rec, expiresAt }); // an index entry left behind by an interrupted update
        continue;
      }
      await this.destroy(rec, 'expired', now);
      result.destroyed++;
    }
    if (result.destroyed > 0) {
      await this.o.audit.append({ actor: 'system', action: 'sweep', result: 'ok', detail: { destroyed: result.destroyed } });
      await this.store.compactChunks();
      this.o.log.info({ destroyed: result.destroyed }, 'expired recordings destroyed');
    }
    return result;
  }

  /** A refused request is an audit entry too (R9): who asked what, and why it was refused. */
  private async audited<T>(action: string, by: string | undefined, id: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (err) {
      if (err instanceof TalError) {
        await this.o.audit.append({ actor: by?.trim() || 'unknown', action, target: id, result: 'refused', detail: { code: err.code, why: err.message.slice(0, 300) } });
      }
      throw err;
    }
  }

  private async live(id: string): Promise<RecordingRecord> {
    const rec = await this.store.getRecording(id);
    if (rec && rec.state !== 'shredding') return rec;
    if (rec || (await this.store.getTombstone(id))) throw new TalError('TAL_RECORDING_DESTROYED', `recording ${id} was destroyed; only its tombstone remains`);
    throw new TalError('TAL_RECORDING_NOT_FOUND', `no recording ${id}`);
  }

  private async destroy(rec: RecordingRecord, reason: Tombstone['reason'], now: number): Promise<Tombstone> {
    const shredding = rec.state === 'shredding' ? rec : await this.store.shredKey(rec);
    await this.store.clearChunks(rec.id);
    const tomb: Tombstone = {
      v: 1, id: rec.id, line: rec.line, start: rec.start, ...(rec.end !== undefined ? { end: rec.end } : {}),
      expiresAt: shredding.expiresAt, deletedAt: now, reason,
    };
    await this.store.bury(shredding, tomb);
    await this.o.audit.append({ actor: 'system', action: 'destroy', target: rec.id, result: 'ok', detail: { reason } });
    return tomb;
  }
}

function invalid(message: string): TalError {
  return new TalError('TAL_HOLD_INVALID', message);
}
