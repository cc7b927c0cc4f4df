// Between the browser's date inputs (datetime-local, date: wall-clock text without a zone) and
// ms since epoch. The console's wall clock is Helsinki's, whatever the browser's own zone; the
// conversion is retention's own, so a hold's date and its expiry agree on what a day is.
import { instantOfWallTime, RETENTION_TIME_ZONE } from '../../../core/retention/index.js';
import { helsinkiParts } from '../i18n/format.js';

const LOCAL = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2}))?$/;

/** `2026-11-28T09:05`: a datetime-local input's value for `ms`. */
export function localInputValue(ms: number): string {
  const p = helsinkiParts(ms);
  return `${p.year}-${p.month}-${p.day}T${p.hour}:${p.minute}`;
}

/** `2026-11-28`: a date input's value for `ms`. */
export function localDateValue(ms: number): string {
  const p = helsinkiParts(ms);
  return `${p.year}-${p.month}-${p.day}`;
}

/**
 * A datetime-local (`2026-11-28T09:05`) or date (`2026-11-28`, its midnight) value read as
 * Helsinki time; undefined when it is not a real date and time. A time the spring change skips
 * is the first instant after it; one the autumn change repeats is the first of the two.
 */
export function parseLocalInput(text: string): number | undefined {
  const m = LOCAL.exec(text);
  if (!m) return undefined;
  const [year, month, day, hour = 0, minute = 0] = m.slice(1).map((x) => (x === undefined ? undefined : Number(x))) as [number, number, number, number?, number?];
  const check = new Date(Date.UTC(year, month - 1, day));
  if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day || hour > 23 || minute > 59) return undefined;
  return instantOfWallTime({ year, month, day, hour, minute, second: 0, millisecond: 0 }, RETENTION_TIME_ZONE);
}
