// addCalendarMonths: month ends, leap years, both DST changes in Helsinki, and UTC/local day
// boundaries. Expected values are written as Helsinki wall time with its offset (+02:00 in
// winter, +03:00 in summer), so each row reads as a person would check it on a calendar.
import t from 'tap';
import {
  addCalendarMonths,
  daysInMonth,
  instantOfWallTime,
  offsetAt,
  wallTimeAt,
} from '../../../src/core/retention/calendar.js';

const at = (iso: string): number => {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) throw new Error(`bad test date ${iso}`);
  return ms;
};
const iso = (ms: number): string => new Date(ms).toISOString();
const HOUR = 3_600_000;

t.test('the EU DST dates this file relies on are what ICU says (Helsinki)', async (t) => {
  // Clocks go forward on the last Sunday of March at 03:00 local (01:00 UTC) and back on the last
  // Sunday of October at 04:00 local (01:00 UTC).
  for (const [spring, autumn] of [['2026-03-29', '2026-10-25'], ['2027-03-28', '2027-10-31'], ['2028-03-26', '2028-10-29']] as const) {
    t.equal(offsetAt(at(`${spring}T00:59:59.999Z`), 'Europe/Helsinki'), 2 * HOUR, `${spring} before`);
    t.equal(offsetAt(at(`${spring}T01:00:00Z`), 'Europe/Helsinki'), 3 * HOUR, `${spring} after`);
    t.equal(offsetAt(at(`${autumn}T00:59:59.999Z`), 'Europe/Helsinki'), 3 * HOUR, `${autumn} before`);
    t.equal(offsetAt(at(`${autumn}T01:00:00Z`), 'Europe/Helsinki'), 2 * HOUR, `${autumn} after`);
    t.equal(new Date(`${spring}T12:00Z`).getUTCDay(), 0, `${spring} is a Sunday`);
    t.equal(new Date(`${autumn}T12:00Z`).getUTCDay(), 0, `${autumn} is a Sunday`);
  }
});

const table: [what: string, start: string, months: number, expected: string][] = [
  // month ends
  ['31 Jan + 1 = 28 Feb (2026 is not a leap year)', '2026-01-31T10:00+02:00', 1, '2026-02-28T10:00+02:00'],
  ['31 Jan + 1 = 29 Feb (2028 is)', '2028-01-31T10:00+02:00', 1, '2028-02-29T10:00+02:00'],
  ['31 Jan + 2 = 31 Mar: clamping does not carry over', '2026-01-31T10:00+02:00', 2, '2026-03-31T10:00+03:00'],
  ['31 Mar + 2 = 31 May', '2026-03-31T14:15+03:00', 2, '2026-05-31T14:15+03:00'],
  ['31 Mar + 1 = 30 Apr', '2026-03-31T14:15+03:00', 1, '2026-04-30T14:15+03:00'],
  ['31 Aug + 1 = 30 Sep', '2026-08-31T08:00+03:00', 1, '2026-09-30T08:00+03:00'],
  ['30 Nov + 2 = 30 Jan, across the year', '2026-11-30T16:45+02:00', 2, '2027-01-30T16:45+02:00'],
  ['31 Dec + 2 = 28 Feb 2027', '2026-12-31T09:00+02:00', 2, '2027-02-28T09:00+02:00'],
  ['31 Dec + 2 = 29 Feb 2028', '2027-12-31T09:00+02:00', 2, '2028-02-29T09:00+02:00'],
  ['31 Dec + 12 = 31 Dec', '2026-12-31T23:59:59.999+02:00', 12, '2027-12-31T23:59:59.999+02:00'],
  ['1 Jan 00:00 + 2 = 1 Mar 00:00', '2027-01-01T00:00+02:00', 2, '2027-03-01T00:00+02:00'],
  // leap years
  ['29 Feb 2028 + 12 = 28 Feb 2029', '2028-02-29T12:00+02:00', 12, '2029-02-28T12:00+02:00'],
  ['29 Feb 2028 + 1 = 29 Mar 2028', '2028-02-29T12:00+02:00', 1, '2028-03-29T12:00+03:00'],
  ['29 Feb 2028 + 2 = 29 Apr 2028', '2028-02-29T12:00+02:00', 2, '2028-04-29T12:00+03:00'],
  ['28 Feb 2027 + 12 = 28 Feb 2028, not 29', '2027-02-28T12:00+02:00', 12, '2028-02-28T12:00+02:00'],
  ['31 Jan 2100 + 1 = 28 Feb 2100: not a leap year', '2100-01-31T12:00+02:00', 1, '2100-02-28T12:00+02:00'],
  ['31 Jan 2000 + 1 = 29 Feb 2000: a leap year', '2000-01-31T12:00+02:00', 1, '2000-02-29T12:00+02:00'],
  // across a DST change the local time of day is kept, not the elapsed hours
  ['winter → summer keeps 12:00', '2026-01-15T12:00+02:00', 6, '2026-07-15T12:00+03:00'],
  ['summer → winter keeps 12:00', '2026-09-15T12:00+03:00', 2, '2026-11-15T12:00+02:00'],
  // spring forward: 29 Mar 2026, local 03:00–03:59:59.999 does not exist
  ['in the gap (03:30) → 04:00 EEST, the first instant that exists', '2026-01-29T03:30+02:00', 2, '2026-03-29T04:00+03:00'],
  ['at the gap start (03:00) → 04:00 EEST', '2026-01-29T03:00+02:00', 2, '2026-03-29T04:00+03:00'],
  ['last ms of the gap → 04:00 EEST', '2026-01-29T03:59:59.999+02:00', 2, '2026-03-29T04:00+03:00'],
  ['just before the gap (02:59:59.999) is kept', '2026-01-29T02:59:59.999+02:00', 2, '2026-03-29T02:59:59.999+02:00'],
  ['just after the gap (04:00) is kept', '2026-01-29T04:00+02:00', 2, '2026-03-29T04:00+03:00'],
  ['02:30 on the last Sunday of March exists (the gap is 03–04 in Helsinki)', '2026-01-29T02:30+02:00', 2, '2026-03-29T02:30+02:00'],
  ['gap day reached from the last Sunday of January 2027', '2027-01-28T03:30+02:00', 2, '2027-03-28T04:00+03:00'],
  ['gap reached from 29 Feb 2028 + 1', '2028-02-26T03:10+02:00', 1, '2028-03-26T04:00+03:00'],
  // fall back: 25 Oct 2026, local 03:00–03:59:59.999 happens twice; the earlier (EEST) is taken
  ['in the fold (03:30) → the earlier, EEST', '2026-08-25T03:30+03:00', 2, '2026-10-25T03:30+03:00'],
  ['fold start (03:00) → the earlier', '2026-08-25T03:00+03:00', 2, '2026-10-25T03:00+03:00'],
  ['04:00 after the fold is unambiguous (EET)', '2026-08-25T04:00+03:00', 2, '2026-10-25T04:00+02:00'],
  ['02:59 before the fold is unambiguous (EEST)', '2026-08-25T02:59+03:00', 2, '2026-10-25T02:59+03:00'],
  ['from the fold\'s second 03:30 (EET) + 1 = 25 Nov 03:30', '2026-10-25T03:30+02:00', 1, '2026-11-25T03:30+02:00'],
  ['from the fold\'s first 03:30 (EEST) + 1 = 25 Nov 03:30', '2026-10-25T03:30+03:00', 1, '2026-11-25T03:30+02:00'],
  ['from the gap day\'s 04:00 + 12: same wall time a year on', '2026-03-29T04:00+03:00', 12, '2027-03-29T04:00+03:00'],
  // the day is Helsinki's, not UTC's
  ['30 Nov 23:30 UTC is 1 Dec in Helsinki: + 2 = 1 Feb 01:30 local', '2026-11-30T23:30Z', 2, '2027-02-01T01:30+02:00'],
  ['30 Apr 21:30 UTC is 1 May 00:30 local: + 1 = 1 Jun 00:30 local', '2026-04-30T21:30Z', 1, '2026-06-01T00:30+03:00'],
  ['31 Dec 23:30 UTC is 1 Jan 01:30 local: + 2 = 1 Mar 01:30 local', '2026-12-31T23:30Z', 2, '2027-03-01T01:30+02:00'],
  ['31 Jan 21:59 UTC is still 31 Jan local (23:59): + 1 = 28 Feb 23:59', '2026-01-31T21:59Z', 1, '2026-02-28T23:59+02:00'],
  // other counts
  ['0 months is the same instant', '2026-03-29T04:00+03:00', 0, '2026-03-29T04:00+03:00'],
  ['−1 month clamps too', '2026-03-31T10:00+03:00', -1, '2026-02-28T10:00+02:00'],
  ['seconds and milliseconds are kept', '2026-05-17T13:14:15.678+03:00', 3, '2026-08-17T13:14:15.678+03:00'],
];

t.test('addCalendarMonths, Europe/Helsinki (the default zone)', async (t) => {
  for (const [what, start, months, expected] of table) {
    t.equal(iso(addCalendarMonths(at(start), months)), iso(at(expected)), `${what}: ${start} + ${months}`);
  }
});

t.test('naive UTC arithmetic would give a different day for a late-evening call', async (t) => {
  const start = at('2026-11-30T23:30Z');
  const d = new Date(start);
  d.setUTCMonth(d.getUTCMonth() + 2); // 30 Jan 23:30 UTC
  t.not(addCalendarMonths(start, 2), d.getTime());
  t.equal(addCalendarMonths(start, 2) - d.getTime(), 24 * HOUR);
});

t.test('other zones, by name', async (t) => {
  t.equal(iso(addCalendarMonths(at('2026-12-31T09:00Z'), 2, 'UTC')), '2027-02-28T09:00:00.000Z');
  // New York: gap 02:00–03:00 on 8 Mar 2026; fold 01:00–02:00 on 1 Nov 2026
  t.equal(iso(addCalendarMonths(at('2026-01-08T02:30-05:00'), 2, 'America/New_York')), iso(at('2026-03-08T03:00-04:00')));
  t.equal(iso(addCalendarMonths(at('2026-09-01T01:30-04:00'), 2, 'America/New_York')), iso(at('2026-11-01T01:30-04:00')));
  // Lord Howe Island moves its clocks by 30 minutes: gap 02:00–02:30 on 4 Oct 2026
  t.equal(iso(addCalendarMonths(at('2026-08-04T02:15+10:30'), 2, 'Australia/Lord_Howe')), iso(at('2026-10-04T02:30+11:00')));
  // Kolkata has a fractional offset and no DST
  t.equal(iso(addCalendarMonths(at('2026-01-31T23:45+05:30'), 1, 'Asia/Kolkata')), iso(at('2026-02-28T23:45+05:30')));
  t.throws(() => addCalendarMonths(0, 1, 'Europe/Nowhere'), RangeError);
});

t.test('bad input is a programming error', async (t) => {
  t.throws(() => addCalendarMonths(Number.NaN, 1), RangeError);
  t.throws(() => addCalendarMonths(Infinity, 1), RangeError);
  t.throws(() => addCalendarMonths(1.5, 1), RangeError);
  t.throws(() => addCalendarMonths(9e15, 1), RangeError);
  t.throws(() => addCalendarMonths('2026-01-01' as unknown as number, 1), TypeError);
  t.throws(() => addCalendarMonths(0, 1.5), RangeError);
  t.throws(() => addCalendarMonths(0, Number.NaN), RangeError);
  t.throws(() => addCalendarMonths(8.64e15, 1), RangeError, 'a result past the Date range');
});

t.test('helpers', async (t) => {
  t.same(wallTimeAt(at('2026-03-29T01:00Z'), 'Europe/Helsinki'), { year: 2026, month: 3, day: 29, hour: 4, minute: 0, second: 0, millisecond: 0 });
  t.same(wallTimeAt(at('2026-12-31T22:00:00.001Z'), 'Europe/Helsinki'), { year: 2027, month: 1, day: 1, hour: 0, minute: 0, second: 0, millisecond: 1 });
  t.same(wallTimeAt(-1, 'UTC'), { year: 1969, month: 12, day: 31, hour: 23, minute: 59, second: 59, millisecond: 999 });
  t.equal(wallTimeAt(at('0050-06-01T00:00Z'), 'UTC').year, 50);
  t.equal(wallTimeAt(at('-000100-06-01T00:00Z'), 'UTC').year, -100, 'astronomical year numbering before year 1');
  t.equal(daysInMonth(2028, 2), 29);
  t.equal(daysInMonth(2027, 2), 28);
  t.equal(daysInMonth(1900, 2), 28);
  t.equal(daysInMonth(2026, 4), 30);
  t.equal(daysInMonth(2026, 12), 31);
  const fold = { year: 2026, month: 10, day: 25, hour: 3, minute: 30, second: 0, millisecond: 0 };
  t.equal(iso(instantOfWallTime(fold, 'Europe/Helsinki')), '2026-10-25T00:30:00.000Z');
  const gap = { ...fold, month: 3, day: 29 };
  t.equal(iso(instantOfWallTime(gap, 'Europe/Helsinki')), '2026-03-29T01:00:00.000Z');
});
