// When a recording's audio must be destroyed (R4). Pure: times are ms since the epoch, passed in.
//
// - Normal expiry: call start + `retentionMonths` calendar months (default 2) in Helsinki time.
// - Absolute limit: call start + 12 calendar months. No setting, command or hold goes past it.
// - A hold can only lengthen: the effective expiry is the latest of the normal expiry and every
//   hold, cut at the limit. A hold asked for beyond the limit is clamped, and says so.
// - A recording is expired from its effective expiry instant onwards (at it, not after it).

import { addCalendarMonths, checkEpochMs } from './calendar.js';

/** Retention is counted in the calendar of this zone: the one the privacy notice's readers live in. */
export const RETENTION_TIME_ZONE = 'Europe/Helsinki';
/** The privacy notice (section 5): recordings are kept 2 months. */
export const DEFAULT_RETENTION_MONTHS = 2;
/** The privacy notice (section 5): single recordings at most 12 months. */
export const MAX_RETENTION_MONTHS = 12;
export const MIN_RETENTION_MONTHS = 1;

/** Whether `months` is a retention period the configuration may hold: a whole number 1–12. */
export function isRetentionMonths(months: unknown): months is number {
  return typeof months === 'number' && Number.isInteger(months) && months >= MIN_RETENTION_MONTHS && months <= MAX_RETENTION_MONTHS;
}

/** Throws RangeError (TypeError for a non-number) unless `months` is a whole number 1–12. */
export function checkRetentionMonths(months: unknown): asserts months is number {
  if (typeof months !== 'number') {
    throw new TypeError(`retention must be a whole number of months from ${MIN_RETENTION_MONTHS} to ${MAX_RETENTION_MONTHS}, got ${typeof months}`);
  }
  if (!isRetentionMonths(months)) {
    throw new RangeError(
      `retention must be a whole number of months from ${MIN_RETENTION_MONTHS} to ${MAX_RETENTION_MONTHS}` +
        ` (12 months is the legal maximum, R4), got ${months}`,
    );
  }
}

/** Normal expiry: `retentionMonths` calendar months after the call started, Helsinki time. */
export function expiryOf(callStartMs: number, retentionMonths: number = DEFAULT_RETENTION_MONTHS): number {
  checkEpochMs(callStartMs, 'callStartMs');
  checkRetentionMonths(retentionMonths);
  return addCalendarMonths(callStartMs, retentionMonths, RETENTION_TIME_ZONE);
}

/** The absolute limit: 12 calendar months after the call started. Nothing keeps audio past it. */
export function maxExpiryOf(callStartMs: number): number {
  checkEpochMs(callStartMs, 'callStartMs');
  return addCalendarMonths(callStartMs, MAX_RETENTION_MONTHS, RETENTION_TIME_ZONE);
}

export interface HoldDecision {
  /** what the hold keeps the recording until: the date asked, or the limit if that was later */
  until: number;
  /** true when the date asked was past the limit and `until` is the limit instead */
  clamped: boolean;
  /** the limit for this recording: call start + 12 months */
  max: number;
}

/**
 * What a hold asked to last until `requestedUntilMs` may actually keep. A date before the normal
 * expiry is accepted as it is: it does not shorten anything (see effectiveExpiry).
 */
export function holdUntil(callStartMs: number, requestedUntilMs: number): HoldDecision {
  checkEpochMs(requestedUntilMs, 'requestedUntilMs');
  const max = maxExpiryOf(callStartMs);
  return requestedUntilMs > max ? { until: max, clamped: true, max } : { until: requestedUntilMs, clamped: false, max };
}

/** What retention needs to know of a recording. */
export interface RetentionFacts {
  /** call start, ms since the epoch */
  start: number;
  /** the configured retention when the call was recorded; default 2 */
  retentionMonths?: number;
  /** holds in force on this recording; only their end matters here */
  holds?: readonly { until: number }[];
}

/** The instant the recording's audio must be gone: min(max(normal expiry, ...holds), limit). */
export function effectiveExpiry(rec: RetentionFacts): number {
  const normal = expiryOf(rec.start, rec.retentionMonths ?? DEFAULT_RETENTION_MONTHS);
  const max = maxExpiryOf(rec.start);
  let latest = normal;
  for (const [i, hold] of (rec.holds ?? []).entries()) {
    checkEpochMs(hold.until, `holds[${i}].until`);
    if (hold.until > latest) latest = hold.until;
  }
  return Math.min(latest, max);
}

/** Whether the recording's audio must be destroyed at `nowMs`: true from its effective expiry on. */
export function isExpired(rec: RetentionFacts, nowMs: number): boolean {
  checkEpochMs(nowMs, 'nowMs');
  return nowMs >= effectiveExpiry(rec);
}
