import { HOLD_REASONS, type HoldReason } from '../box/store/recording-record.js';
import { TalError } from '../core/errors.js';
import { addCalendarMonths, instantOfWallTime, RETENTION_TIME_ZONE } from '../core/retention/index.js';
import { parse, required } from './args.js';
import { withBoxStore } from './box-store.js';

const iso = (ms: number) => new Date(ms).toISOString();

/** `--until 2027-01-31`: to the end of that day, Helsinki time; or a full ISO 8601 instant. */
function parseUntil(text: string, usage: string): number {
  const day = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (day) {
    const [, y, m, d] = day.map(Number) as [number, number, number, number];
    const next = new Date(Date.UTC(y, m - 1, d + 1)); // the following calendar day
    return instantOfWallTime(
      { year: next.getUTCFullYear(), month: next.getUTCMonth() + 1, day: next.getUTCDate(), hour: 0, minute: 0, second: 0, millisecond: 0 },
      RETENTION_TIME_ZONE,
    );
  }
  const ms = Date.parse(text);
  if (!/^\d{4}-\d{2}-\d{2}T/.test(text) || Number.isNaN(ms)) throw new TalError('TAL_USAGE', `--until must be a date (2027-01-31) or an ISO 8601 time, not "${text}"\nusage: ${usage}`);
  return ms;
}

const holdUsage = `tallennin hold --config FILE --id ID --reason ${HOLD_REASONS.join('|')} --case REF --by USER (--until DATE | --months N)`;

/** `hold`: keeps one recording past its normal expiry, never past call start + 12 months (R4). */
export async function hold(argv: string[]): Promise<void> {
  const a = parse(argv, { config: { type: 'string' }, id: { type: 'string' }, reason: { type: 'string' }, case: { type: 'string' }, by: { type: 'string' }, until: { type: 'string' }, months: { type: 'string' } }, holdUsage);
  const id = required(a.id, '--id', holdUsage);
  if ((a.until === undefined) === (a.months === undefined)) throw new TalError('TAL_USAGE', `give either --until or --months\nusage: ${holdUsage}`);
  await withBoxStore(required(a.config, '--config', holdUsage), async ({ store, retention }) => {
    let until: number;
    if (a.months !== undefined) {
      const months = Number(a.months);
      if (!Number.isInteger(months) || months < 1) throw new TalError('TAL_USAGE', `--months must be a whole number of months, not "${a.months}"\nusage: ${holdUsage}`);
      const rec = await store.getRecording(id);
      until = rec ? addCalendarMonths(rec.start, months) : Date.now();
    } else {
      until = parseUntil(a.until!, holdUsage);
    }
    const r = await retention.hold(id, { reason: a.reason as HoldReason, caseRef: a.case ?? '', by: a.by ?? '', until });
    process.stdout.write(
      `held ${id} until ${iso(r.until)}; it now expires ${iso(r.expiresAt)}` +
        (r.clamped ? `\nnote: the date asked was past the legal limit, call start + 12 months (${iso(r.max)}); the hold ends there\n` : '\n'),
    );
  });
}

const releaseUsage = 'tallennin release --config FILE --id ID --by USER [--case REF]';

/** `release`: lifts a case's hold (or every hold); a recording already past its normal expiry is destroyed at once. */
export async function release(argv: string[]): Promise<void> {
  const a = parse(argv, { config: { type: 'string' }, id: { type: 'string' }, case: { type: 'string' }, by: { type: 'string' } }, releaseUsage);
  const id = required(a.id, '--id', releaseUsage);
  await withBoxStore(required(a.config, '--config', releaseUsage), async ({ retention }) => {
    const r = await retention.release(id, { by: a.by ?? '', ...(a.case !== undefined ? { caseRef: a.case } : {}) });
    process.stdout.write(r.destroyed ? `released ${id}; it was past its expiry and has been destroyed\n` : `released ${id}; it now expires ${iso(r.expiresAt)}\n`);
  });
}

const deleteUsage = 'tallennin delete --config FILE --id ID --by USER --reason TEXT';

/** `delete`: early deletion by a privacy officer, with the reason; audited. */
export async function deleteRecording(argv: string[]): Promise<void> {
  const a = parse(argv, { config: { type: 'string' }, id: { type: 'string' }, by: { type: 'string' }, reason: { type: 'string' } }, deleteUsage);
  const id = required(a.id, '--id', deleteUsage);
  await withBoxStore(required(a.config, '--config', deleteUsage), async ({ retention }) => {
    const tomb = await retention.delete(id, { by: a.by ?? '', reason: a.reason ?? '' });
    process.stdout.write(`destroyed ${id} at ${iso(tomb.deletedAt)}; its tombstone remains\n`);
  });
}

const sweepUsage = 'tallennin sweep --config FILE';

/** `sweep`: one sweeper pass now (the recorder runs one every minute). */
export async function sweep(argv: string[]): Promise<void> {
  const a = parse(argv, { config: { type: 'string' } }, sweepUsage);
  await withBoxStore(required(a.config, '--config', sweepUsage), async ({ retention }) => {
    const r = await retention.sweep();
    process.stdout.write(`sweep: ${r.destroyed} expired recording(s) destroyed${r.deferred ? ' (deferred: the clock jumped forward)' : ''}\n`);
  });
}
