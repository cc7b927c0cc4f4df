// Property test: 10,000 random call starts 2020–2040 × retention 1–12 months, plus 2,000 starts
// aimed at the hours and days where DST gaps, folds and month ends meet. Each result is checked
// against bounds, against Helsinki's calendar as ICU reports it, and against an oracle that knows
// nothing of Intl: the EU rule (summer time from 01:00 UTC on the last Sunday of March to 01:00
// UTC on the last Sunday of October; Helsinki is UTC+2, UTC+3 in summer).
import t from 'tap';
import { addCalendarMonths, daysInMonth, wallTimeAt } from '../../../src/core/retention/calendar.js';
import { expiryOf, maxExpiryOf } from '../../../src/core/retention/expiry.js';
import { mulberry32 } from '../../../src/core/dsp/generate.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const TZ = 'Europe/Helsinki';

// a fixed seed, so a failure reproduces
const rng = mulberry32;

// ---- the oracle: EU summer time, plain UTC Date arithmetic -------------------------------
function lastSundayUtc(year: number, month0: number): number {
  const last = new Date(Date.UTC(year, month0 + 1, 0));
  return Date.UTC(year, month0, last.getUTCDate() - last.getUTCDay(), 1); // 01:00 UTC
}
function euOffset(ms: number): number {
  const y = new Date(ms).getUTCFullYear();
  return ms >= lastSundayUtc(y, 2) && ms < lastSundayUtc(y, 9) ? 3 * HOUR : 2 * HOUR;
}
function oracleAddMonths(ms: number, months: number): number {
  const local = new Date(ms + euOffset(ms));
  const index = local.getUTCFullYear() * 12 + local.getUTCMonth() + months;
  const y = Math.floor(index / 12);
  const m0 = index % 12;
  const d = Math.min(local.getUTCDate(), new Date(Date.UTC(y, m0 + 1, 0)).getUTCDate());
  const wall = Date.UTC(y, m0, d, local.getUTCHours(), local.getUTCMinutes(), local.getUTCSeconds(), local.getUTCMilliseconds());
  const valid = [wall - 3 * HOUR, wall - 2 * HOUR].filter((c) => euOffset(c) === wall - c);
  if (valid.length > 0) return Math.min(...valid); // earlier of a fold
  return lastSundayUtc(y, 2); // the only gap: the moment summer time starts
}

// ---- the cases -----------------------------------------------------------------------------
const from = Date.UTC(2020, 0, 1) - 2 * HOUR; // 2020-01-01 00:00 Helsinki
const to = Date.UTC(2041, 0, 1) - 2 * HOUR; //   2041-01-01 00:00 Helsinki
const random = rng(0x7a11e0);

interface Case { start: number; months: number }
const cases: Case[] = [];
for (let i = 0; i < 10_000; i++) {
  cases.push({ start: from + Math.floor(random() * (to - from)), months: 1 + Math.floor(random() * 12) });
}
// aimed: local 02:30–04:30 on days 25–31 (DST days are the last Sunday, so 25–31), any month
for (let i = 0; i < 2_000; i++) {
  const year = 2020 + Math.floor(random() * 21);
  const month0 = Math.floor(random() * 12);
  const day = Math.min(25 + Math.floor(random() * 7), new Date(Date.UTC(year, month0 + 1, 0)).getUTCDate());
  const wallMs = Date.UTC(year, month0, day, 2, 30) + Math.floor(random() * 2 * HOUR);
  const start = wallMs - euOffset(wallMs - 2 * HOUR); // close enough: any instant near that wall time
  cases.push({ start, months: 1 + Math.floor(random() * 12) });
}

const timeOfDay = (w: { hour: number; minute: number; second: number; millisecond: number }) =>
  ((w.hour * 60 + w.minute) * 60 + w.second) * 1000 + w.millisecond;

t.test(`${cases.length} random starts × 1–12 months`, async (t) => {
  const failures: string[] = [];
  let gaps = 0;
  let folds = 0;
  let clampedDays = 0;
  for (const { start, months } of cases) {
    const r = addCalendarMonths(start, months, TZ);
    const label = `${new Date(start).toISOString()} + ${months}`;
    const fail = (why: string) => failures.length < 20 && failures.push(`${label} → ${new Date(r).toISOString()}: ${why}`);

    if (r < start + 28 * months * DAY - HOUR || r > start + 31 * months * DAY + HOUR) fail('out of bounds');

    const s = wallTimeAt(start, TZ);
    const w = wallTimeAt(r, TZ);
    const index = s.year * 12 + s.month - 1 + months;
    const ty = Math.floor(index / 12);
    const tm = (index % 12) + 1;
    if (w.year !== ty || w.month !== tm) fail(`month ${w.year}-${w.month}, want ${ty}-${tm}`);
    const wantDay = Math.min(s.day, daysInMonth(ty, tm));
    if (wantDay < s.day) clampedDays++;
    if (w.day !== wantDay) fail(`day ${w.day}, want ${wantDay}`);

    // the time of day is kept, except in the spring-forward gap, where it becomes 04:00
    const inGap = tm === 3 && s.hour === 3 && w.day === new Date(lastSundayUtc(ty, 2)).getUTCDate();
    if (inGap) {
      gaps++;
      if (timeOfDay(w) !== 4 * HOUR || r !== lastSundayUtc(ty, 2)) fail('gap not moved to the moment clocks jump');
    } else if (timeOfDay(w) !== timeOfDay(s)) fail('time of day changed');
    // in the autumn fold (03:00–03:59 local on the last Sunday of October) the earlier instant,
    // still summer time, is taken: the hour before the clocks go back at 01:00 UTC
    const inFold = tm === 10 && s.hour === 3 && w.day === new Date(lastSundayUtc(ty, 9)).getUTCDate();
    if (inFold) {
      folds++;
      if (!(r >= lastSundayUtc(ty, 9) - HOUR && r < lastSundayUtc(ty, 9))) fail('not the earlier of a fold');
    }
    const anHourBefore = wallTimeAt(r - HOUR, TZ);
    if (anHourBefore.day === w.day && timeOfDay(anHourBefore) === timeOfDay(w)) fail('the same wall time existed an hour earlier');

    if (r !== oracleAddMonths(start, months)) fail(`oracle says ${new Date(oracleAddMonths(start, months)).toISOString()}`);
    if (expiryOf(start, months) !== r) fail('expiryOf differs');
    if (r > maxExpiryOf(start)) fail('past the 12-month limit');
    if (months < 12 && addCalendarMonths(start, months + 1, TZ) <= r) fail('not increasing in months');
  }
  t.same(failures, [], 'every case holds');
  // the aimed cases must actually have exercised the hard parts
  t.ok(gaps >= 5, `spring-forward gaps hit: ${gaps}`);
  t.ok(folds >= 5, `autumn folds hit: ${folds}`);
  t.ok(clampedDays >= 100, `month-end clamps hit: ${clampedDays}`);
});
