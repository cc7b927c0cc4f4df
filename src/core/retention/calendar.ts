// Calendar arithmetic in a named time zone, with nothing but Intl (Node 20 ships full ICU).
// Pure: every time is milliseconds since the Unix epoch, passed in; the clock is never read.
//
// Rules of addCalendarMonths (R4 counts retention in calendar months of Helsinki time):
// - the local wall-clock date and time are kept, `months` later;
// - a day that the target month lacks is clamped to its last day (31 Dec + 2 months = 28/29 Feb);
// - a local time that does not exist that day (the spring-forward gap) becomes the first instant
//   that does exist after it, i.e. the moment the clocks jump;
// - a local time that exists twice (the autumn fold) is taken at its earlier occurrence.
//
// Assumption, true of every zone in the tz database for the dates a recording can have: no two
// offset changes less than a day apart, and every offset under 24 h.

export const DAY_MS = 86_400_000;

/** A local wall-clock reading. `month` is 1–12. */
export interface WallTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  millisecond: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (f === undefined) {
    // Throws RangeError for a zone ICU does not know; only known zones are cached.
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      era: 'short',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** Throws unless `ms` is a whole number of milliseconds a Date can hold. */
export function checkEpochMs(ms: unknown, name: string): asserts ms is number {
  if (typeof ms !== 'number') throw new TypeError(`${name} must be a number of milliseconds since the epoch, got ${typeof ms}`);
  if (!Number.isInteger(ms) || Math.abs(ms) > 8.64e15) {
    throw new RangeError(`${name} must be a whole number of milliseconds within the Date range, got ${ms}`);
  }
}

/** The wall-clock reading in `timeZone` at the instant `ms`. */
export function wallTimeAt(ms: number, timeZone: string): WallTime {
  checkEpochMs(ms, 'ms');
  const whole = Math.floor(ms / 1000) * 1000;
  const w: WallTime = { year: 0, month: 0, day: 0, hour: 0, minute: 0, second: 0, millisecond: ms - whole };
  let bc = false;
  for (const p of formatterFor(timeZone).formatToParts(whole)) {
    switch (p.type) {
      case 'era': bc = p.value === 'BC' || p.value === 'B'; break;
      case 'year': w.year = Number(p.value); break;
      case 'month': w.month = Number(p.value); break;
      case 'day': w.day = Number(p.value); break;
      case 'hour': w.hour = Number(p.value) % 24; break; // some ICU versions said "24" at midnight
      case 'minute': w.minute = Number(p.value); break;
      case 'second': w.second = Number(p.value); break;
    }
  }
  if (bc) w.year = 1 - w.year;
  return w;
}

/** The wall-clock reading as if it were UTC, in ms (proleptic Gregorian, any year). */
export function wallAsUtc(w: WallTime): number {
  const d = new Date(0);
  d.setUTCFullYear(w.year, w.month - 1, w.day); // not Date.UTC: it maps years 0–99 to 1900–1999
  d.setUTCHours(w.hour, w.minute, w.second, w.millisecond);
  return d.getTime();
}

/** Local time minus UTC at the instant `ms`, in ms (Helsinki: +2 h in winter, +3 h in summer). */
export function offsetAt(ms: number, timeZone: string): number {
  return wallAsUtc(wallTimeAt(ms, timeZone)) - ms;
}

export function isLeapYear(year: number): boolean {
  return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
}

/** Days in `month` (1–12) of `year`. */
export function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/**
 * The instant at which `timeZone` shows the wall time `w`: the earlier one where it shows it
 * twice (autumn fold), the moment the clocks jump where it never shows it (spring-forward gap).
 */
export function instantOfWallTime(w: WallTime, timeZone: string): number {
  const wall = wallAsUtc(w);
  if (!Number.isFinite(wall)) throw new RangeError(`wall time out of range: ${JSON.stringify(w)}`);
  const before = offsetAt(clampToDateRange(wall - DAY_MS), timeZone);
  const after = offsetAt(clampToDateRange(wall + DAY_MS), timeZone);
  let best: number | undefined;
  for (const offset of before === after ? [before] : [before, after]) {
    const t = wall - offset;
    if (offsetAt(t, timeZone) === offset && (best === undefined || t < best)) best = t;
  }
  if (best !== undefined) return best;
  // In the gap: local time jumped from `before` to `after` (after > before) somewhere in
  // (wall − after, wall − before]. Find the first instant whose local time is at or past `wall`.
  let lo = wall - after; // local time there: wall − (after − before) < wall
  let hi = wall - before; // local time there: wall + (after − before) > wall
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (mid + offsetAt(mid, timeZone) >= wall) hi = mid;
    else lo = mid;
  }
  return hi;
}

function clampToDateRange(ms: number): number {
  return Math.max(-8.64e15, Math.min(8.64e15, ms));
}

/**
 * The same local wall-clock date and time `months` calendar months after `ms`, in `timeZone`.
 * The day is clamped to the end of a shorter month; the time of day is kept across DST changes
 * (see the rules at the top of this file). `months` may be zero or negative.
 */
export function addCalendarMonths(ms: number, months: number, timeZone = 'Europe/Helsinki'): number {
  checkEpochMs(ms, 'ms');
  if (typeof months !== 'number' || !Number.isSafeInteger(months)) {
    throw new RangeError(`months must be a whole number, got ${String(months)}`);
  }
  const w = wallTimeAt(ms, timeZone);
  const index = w.year * 12 + (w.month - 1) + months;
  const year = Math.floor(index / 12);
  const month = index - year * 12 + 1;
  const day = Math.min(w.day, daysInMonth(year, month));
  const result = instantOfWallTime({ ...w, year, month, day }, timeZone);
  checkEpochMs(result, 'result');
  return result;
}
