// R4: default 2 months, at most 12 months from call start, holds extend and are clamped.
import t from 'tap';
import {
  DEFAULT_RETENTION_MONTHS,
  MAX_RETENTION_MONTHS,
  RETENTION_TIME_ZONE,
  checkRetentionMonths,
  effectiveExpiry,
  expiryOf,
  holdUntil,
  isExpired,
  isRetentionMonths,
  maxExpiryOf,
} from '../../../src/core/retention/index.js';

const at = (iso: string): number => Date.parse(iso);
const iso = (ms: number): string => new Date(ms).toISOString();
const DAY = 86_400_000;

const start = at('2026-12-31T09:00+02:00');

t.test('the constants are the privacy notice\'s (R4)', async (t) => {
  t.equal(DEFAULT_RETENTION_MONTHS, 2);
  t.equal(MAX_RETENTION_MONTHS, 12);
  t.equal(RETENTION_TIME_ZONE, 'Europe/Helsinki');
});

t.test('R4: normal expiry is call start + 2 calendar months by default', async (t) => {
  t.equal(iso(expiryOf(start)), iso(at('2027-02-28T09:00+02:00')));
  t.equal(expiryOf(start), expiryOf(start, 2));
  t.equal(iso(expiryOf(start, 1)), iso(at('2027-01-31T09:00+02:00')));
  t.equal(iso(expiryOf(start, 6)), iso(at('2027-06-30T09:00+03:00')));
  t.equal(iso(expiryOf(start, 12)), iso(at('2027-12-31T09:00+02:00')));
  t.equal(expiryOf(start, 12), maxExpiryOf(start), '12 months is the limit itself');
  for (let m = 1; m < 12; m++) t.ok(expiryOf(start, m) < expiryOf(start, m + 1), `${m} < ${m + 1} months`);
});

t.test('R4: the configured retention must be a whole number of months 1–12', async (t) => {
  for (const bad of [0, 13, 2.5, -1, 24, Number.NaN, Infinity]) {
    t.notOk(isRetentionMonths(bad), `${bad} is not a retention`);
    t.throws(() => expiryOf(start, bad), RangeError, `${bad} months refused`);
    t.throws(() => checkRetentionMonths(bad), RangeError);
    t.throws(() => effectiveExpiry({ start, retentionMonths: bad }), RangeError);
  }
  for (const bad of ['2', null, {}]) {
    t.notOk(isRetentionMonths(bad));
    t.throws(() => checkRetentionMonths(bad), TypeError);
  }
  for (let m = 1; m <= 12; m++) {
    t.ok(isRetentionMonths(m));
    t.doesNotThrow(() => checkRetentionMonths(m));
  }
  // the message names the legal maximum, so whoever set 13 learns why
  t.throws(() => expiryOf(start, 13), { name: 'RangeError', message: /from 1 to 12 .*12 months is the legal maximum, R4.*got 13/ });
  t.throws(() => expiryOf(start, 0), { message: /got 0$/ });
  t.throws(() => expiryOf(start, 2.5), { message: /got 2\.5$/ });
});

t.test('the limit is call start + 12 calendar months, Helsinki time', async (t) => {
  t.equal(iso(maxExpiryOf(at('2028-02-29T12:00+02:00'))), iso(at('2029-02-28T12:00+02:00')));
  t.equal(iso(maxExpiryOf(at('2026-03-29T04:30+03:00'))), iso(at('2027-03-29T04:30+03:00')));
  // 28 Mar 2027 is the spring-forward day: 03:30 does not exist, the limit is 04:00 EEST
  t.equal(iso(maxExpiryOf(at('2026-03-28T03:30+02:00'))), iso(at('2027-03-28T04:00+03:00')));
  t.throws(() => maxExpiryOf(Number.NaN), RangeError);
});

t.test('R4: holds: asked 13 months is clamped to 12 and says so; asked 11 is honoured', async (t) => {
  const s = at('2026-05-10T10:00+03:00');
  const max = at('2027-05-10T10:00+03:00');
  const cases: [what: string, asked: number, until: number, clamped: boolean][] = [
    ['13 months', at('2027-06-10T10:00+03:00'), max, true],
    ['12 months and 1 ms', max + 1, max, true],
    ['exactly 12 months', max, max, false],
    ['11 months', at('2027-04-10T10:00+03:00'), at('2027-04-10T10:00+03:00'), false],
    ['3 months', at('2026-08-10T10:00+03:00'), at('2026-08-10T10:00+03:00'), false],
    ['1 month: before the normal expiry, accepted, shortens nothing', at('2026-06-10T10:00+03:00'), at('2026-06-10T10:00+03:00'), false],
    ['ten years', at('2036-05-10T10:00+03:00'), max, true],
  ];
  for (const [what, asked, until, clamped] of cases) {
    t.same(holdUntil(s, asked), { until, clamped, max }, what);
  }
  t.throws(() => holdUntil(s, Number.NaN), RangeError);
  t.throws(() => holdUntil(s, 1.5), RangeError);
});

t.test('effective expiry = min(max(normal, ...holds), limit)', async (t) => {
  const s = at('2026-05-10T10:00+03:00');
  const normal = at('2026-07-10T10:00+03:00');
  const max = at('2027-05-10T10:00+03:00');
  const m = (iso: string) => at(iso);
  const cases: [what: string, retentionMonths: number | undefined, holds: number[] | undefined, expected: number][] = [
    ['no holds, default 2 months', undefined, undefined, normal],
    ['empty holds', undefined, [], normal],
    ['a shorter hold shortens nothing', undefined, [m('2026-06-01T00:00+03:00')], normal],
    ['a hold before the call started shortens nothing', undefined, [s - DAY], normal],
    ['a longer hold extends', undefined, [m('2026-11-01T12:00+02:00')], m('2026-11-01T12:00+02:00')],
    ['the latest of several holds wins', undefined, [m('2026-09-01T12:00+03:00'), m('2027-01-15T12:00+02:00'), m('2026-08-01T12:00+03:00')], m('2027-01-15T12:00+02:00')],
    ['an unclamped hold past the limit is cut at the limit', undefined, [m('2028-01-01T00:00+02:00')], max],
    ['hold exactly at the limit', undefined, [max], max],
    ['configured 6 months, shorter hold', 6, [m('2026-08-01T00:00+03:00')], m('2026-11-10T10:00+02:00')],
    ['configured 12 months: nothing can go further', 12, [max + DAY], max],
  ];
  for (const [what, retentionMonths, holds, expected] of cases) {
    const rec = { start: s, ...(retentionMonths === undefined ? {} : { retentionMonths }), ...(holds === undefined ? {} : { holds: holds.map((until) => ({ until })) }) };
    t.equal(iso(effectiveExpiry(rec)), iso(expected), what);
  }
  t.throws(() => effectiveExpiry({ start: s, holds: [{ until: Number.NaN }] }), { name: 'RangeError', message: /holds\[0\]\.until/ });
  t.throws(() => effectiveExpiry({ start: Number.NaN }), RangeError);
});

t.test('isExpired: expired from the effective expiry instant on', async (t) => {
  const s = at('2026-12-31T09:00+02:00');
  const e = at('2027-02-28T09:00+02:00');
  t.notOk(isExpired({ start: s }, s));
  t.notOk(isExpired({ start: s }, e - 1), 'one ms before');
  t.ok(isExpired({ start: s }, e), 'at the instant');
  t.ok(isExpired({ start: s }, e + 1));
  const hold = { start: s, holds: [{ until: at('2027-06-01T00:00+03:00') }] };
  t.notOk(isExpired(hold, e), 'a hold keeps it past the normal expiry');
  t.ok(isExpired(hold, at('2027-06-01T00:00+03:00')));
  const forever = { start: s, retentionMonths: 12, holds: [{ until: at('2099-01-01T00:00Z') }] };
  t.ok(isExpired(forever, at('2027-12-31T09:00+02:00')), 'nothing keeps audio past start + 12 months');
  t.notOk(isExpired(forever, at('2027-12-31T09:00+02:00') - 1));
  t.throws(() => isExpired({ start: s }, Number.NaN), RangeError);
});
