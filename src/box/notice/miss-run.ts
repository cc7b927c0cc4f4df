// R12 broken in practice: incoming calls, one after another, reaching staff without the
// announcement. A run of them on a line is an alarm; one call told clears it.
import { noticeMissed } from '../../core/protocol/messages.js';
import type { RecordingRecord } from '../store/recording-record.js';

export class NoticeMissRuns {
  private readonly runs = new Map<string, number>();

  /** `alarmAfter`: misses in a row that make an alarm; 0 never does. */
  constructor(private readonly alarmAfter: number, saved?: Record<string, number>) {
    for (const [line, run] of Object.entries(saved ?? {})) if (Number.isInteger(run) && run > 0) this.runs.set(line, run);
  }

  /** A finished recording. Returns true when it changed a line's run. */
  observe(r: Pick<RecordingRecord, 'line' | 'direction' | 'notice'>): boolean {
    if (r.direction !== 'incoming' || !r.notice) return false;
    const before = this.runs.get(r.line) ?? 0;
    if (noticeMissed(r.notice)) this.runs.set(r.line, before + 1);
    else if (r.notice.status === 'played' || r.notice.status === 'heard') this.runs.delete(r.line);
    return (this.runs.get(r.line) ?? 0) !== before;
  }

  /** Lines whose run reached the alarm, and their runs; empty when all is well. */
  get alarming(): { line: string; run: number }[] {
    if (this.alarmAfter === 0) return [];
    return [...this.runs].filter(([, run]) => run >= this.alarmAfter).map(([line, run]) => ({ line, run }));
  }

  /** For the store: the runs survive a restart, so a box that restarts often still raises it. */
  snapshot(): Record<string, number> {
    return Object.fromEntries(this.runs);
  }
}
