// The access-request register's rules (R10): the identity documents the privacy notice accepts
// and the driving licence's issue-day rule, the one-month answer deadline across month ends, the
// 12-month fee flag, and the spellings that recognise the same person.
import t from 'tap';
import { addMonthsToDay, answerDeadline, checkIdentityDocument, dayOf, feeMatches, isDay, isOverdue, normaliseContact, normaliseName, personKey, statusOf } from '../../../src/central/registers/access-rules.js';
import { IDENTITY_DOCUMENTS, type AccessBlinds, type StoredAccessRequest } from '../../../src/central/registers/access-types.js';

const TODAY = '2026-11-28';

t.test('the four documents of the notice, and nothing else', async (t) => {
  for (const document of IDENTITY_DOCUMENTS) {
    const issued = document === 'driving-licence' ? '2015-06-01' : undefined;
    t.match(checkIdentityDocument({ document, issued, number: 'AB1234567' }, TODAY), { ok: true, document, last4: '4567' }, `${document} accepted`);
  }
  for (const document of ['', 'residence-permit', 'bank-card', 'PASSPORT', 'kela-card-without-photo', undefined]) {
    t.same(checkIdentityDocument({ document, number: '12345678' }, TODAY), { ok: false, problem: 'document-type' }, `${String(document)} refused`);
  }
});

t.test('a driving licence must be issued after 1 October 1990', async (t) => {
  const dl = (issued: string | undefined) => checkIdentityDocument({ document: 'driving-licence', issued, number: '123456789' }, TODAY);
  t.same(dl('1990-09-30'), { ok: false, problem: 'issued-too-early' }, '30 September 1990: refused');
  t.same(dl('1990-10-01'), { ok: false, problem: 'issued-too-early' }, '1 October 1990 itself: refused (the notice says after)');
  t.same(dl('1990-10-02'), { ok: true, document: 'driving-licence', last4: '6789', issued: '1990-10-02' }, '2 October 1990: accepted');
  t.same(dl('1975-01-01'), { ok: false, problem: 'issued-too-early' });
  t.same(dl(undefined), { ok: false, problem: 'issued-missing' }, 'the day is required');
  t.same(dl('  '), { ok: false, problem: 'issued-missing' });
  t.same(dl('1990-02-30'), { ok: false, problem: 'issued-bad' }, 'not a real day');
  t.same(dl('2.10.1990'), { ok: false, problem: 'issued-bad' }, 'not written YYYY-MM-DD');
  t.same(dl('2026-11-29'), { ok: false, problem: 'issued-future' }, 'tomorrow');
  t.same(dl(TODAY), { ok: true, document: 'driving-licence', last4: '6789', issued: TODAY }, 'issued today');
});

t.test('other documents take no issue-day rule, and a day typed for one is not kept', async (t) => {
  for (const document of ['passport', 'identity-card', 'kela-card']) {
    for (const issued of [undefined, '1980-01-01', '1990-10-01', 'nonsense', '2099-01-01']) {
      const r = checkIdentityDocument({ document, issued, number: 'XP 123 4567' }, TODAY);
      t.same(r, { ok: true, document, last4: '4567' }, `${document} with issue day ${String(issued)}: accepted, no day kept`);
    }
  }
});

t.test('of the document number only the last four characters are kept', async (t) => {
  const r = (number: string | undefined) => checkIdentityDocument({ document: 'passport', number }, TODAY);
  t.match(r('xp1234567'), { ok: true, last4: '4567' }, 'upper-cased, the last four');
  t.match(r('XP 123-4567'), { ok: true, last4: '4567' }, 'spaces and dashes dropped first');
  t.match(r('AB12'), { ok: true, last4: 'AB12' }, 'four typed: those four');
  t.same(r('123'), { ok: false, problem: 'number-bad' }, 'fewer than four');
  t.same(r(undefined), { ok: false, problem: 'number-bad' });
  t.same(r('12<script>34'), { ok: false, problem: 'number-bad' });
  t.same(r('1'.repeat(21)), { ok: false, problem: 'number-bad' }, 'longer than any document number');
  const ok = r('FI-9876543210');
  t.notOk(JSON.stringify(ok).includes('987654'), 'the rest of the number is nowhere in the result');
});

t.test('the answer is due one calendar month after the day received, clamped at a month end', async (t) => {
  t.equal(answerDeadline('2026-11-28'), '2026-12-28');
  t.equal(answerDeadline('2027-01-31'), '2027-02-28', '31 January → 28 February');
  t.equal(answerDeadline('2028-01-31'), '2028-02-29', '31 January → 29 February in a leap year');
  t.equal(answerDeadline('2028-01-29'), '2028-02-29');
  t.equal(answerDeadline('2027-03-31'), '2027-04-30', '31 March → 30 April');
  t.equal(answerDeadline('2026-12-15'), '2027-01-15', 'across the year');
  t.equal(answerDeadline('2027-02-28'), '2027-03-28', 'the end of February does not jump to the end of March');
  t.equal(addMonthsToDay('2028-02-29', -12), '2027-02-28', 'backwards too');
  t.equal(addMonthsToDay('2026-03-15', -12), '2025-03-15');
  t.throws(() => addMonthsToDay('2026-02-30', 1), RangeError);
  t.ok(isDay('2028-02-29'));
  t.notOk(isDay('2027-02-29'));
  t.notOk(isDay('2027-2-28'));
  t.equal(dayOf(Date.UTC(2026, 10, 27, 22, 30)), '2026-11-28', 'a day is Finland\'s: 00.30 in Helsinki');
  t.equal(dayOf(Date.UTC(2026, 6, 27, 21, 30)), '2026-07-28', 'in summer time too');
});

t.test('overdue: open past the deadline day, never once closed', async (t) => {
  const r = { receivedOn: '2027-01-31' };
  t.notOk(isOverdue(r, '2027-02-28'), 'on the deadline day: still in time');
  t.ok(isOverdue(r, '2027-03-01'), 'the day after: overdue');
  t.notOk(isOverdue({ ...r, outcome: { kind: 'listened', by: 'matti', at: 0 } }, '2027-06-01'), 'closed: not overdue');
  t.equal(statusOf({}), 'open');
  t.equal(statusOf({ booking: { office: 'Kotka', at: 1, by: 'matti', bookedAt: 1 } }), 'booked');
  t.equal(statusOf({ outcome: { kind: 'nothing-found', by: 'matti', at: 1 } }), 'closed');
});

t.test('a second request by the same person within 12 months is flagged', async (t) => {
  let n = 0;
  const req = (receivedOn: string, blinds: Partial<AccessBlinds>, recordedAt = ++n): StoredAccessRequest => ({
    v: 1, id: `TP-2026-${String(++n).padStart(4, '0')}`, receivedOn, signed: true, window: { from: 0, to: 1 }, recordedBy: 'matti', recordedAt,
    identity: { document: 'passport', verifiedBy: 'matti', verifiedAt: 0 }, personal: { wrappedKey: '', sealed: '' },
    blinds: { phones: [], person: `p${n}`, ...blinds }, numberCount: 1, marks: [],
  });
  const now = req('2026-03-01', { phones: ['ph-a'], hetu: 'h-1', person: 'same' });
  const cases: [string, StoredAccessRequest, boolean][] = [
    ['the same phone, a month earlier', req('2026-02-01', { phones: ['ph-x', 'ph-a'] }), true],
    ['the same henkilötunnus, 2 March a year earlier', req('2025-03-02', { hetu: 'h-1' }), true],
    ['the same name and contact', req('2025-12-24', { person: 'same' }), true],
    ['exactly 12 months earlier (last year\'s free one)', req('2025-03-01', { phones: ['ph-a'] }), false],
    ['13 months earlier', req('2025-02-01', { hetu: 'h-1' }), false],
    ['another person', req('2026-02-15', { phones: ['ph-b'], hetu: 'h-2' }), false],
    ['a later request by the same person', req('2026-04-01', { phones: ['ph-a'] }), false],
  ];
  for (const [what, earlier, flagged] of cases) {
    const found = feeMatches(now, [now, earlier]);
    t.equal(found.length > 0, flagged, `${what}: ${flagged ? 'flagged' : 'not flagged'}`);
  }
  const all = [now, ...cases.map((c) => c[1])];
  const found = feeMatches(now, all);
  t.same(found.map((f) => f.receivedOn), ['2026-02-01', '2025-12-24', '2025-03-02'], 'newest first');
  t.same(found.map((f) => f.by), [['phone'], ['person'], ['hetu']], 'each says what matched');
  t.same(feeMatches(req('2026-01-01', { phones: ['ph-a'] }), []), [], 'a first request is not flagged');
  // Two letters of one person received on the same day: the one recorded second is the second request.
  const a = req('2026-05-05', { phones: ['ph-z'] }, 100);
  const b = req('2026-05-05', { phones: ['ph-z'] }, 200);
  t.equal(feeMatches(a, [a, b]).length, 0, 'the first of the day is free');
  t.equal(feeMatches(b, [a, b]).length, 1, 'the second is flagged');
  // A leap day: 12 months before 29 February 2028 is 28 February 2027.
  const leap = req('2028-02-29', { phones: ['ph-l'] });
  t.equal(feeMatches(leap, [leap, req('2027-02-28', { phones: ['ph-l'] })]).length, 0);
  t.equal(feeMatches(leap, [leap, req('2027-03-01', { phones: ['ph-l'] })]).length, 1);
});

t.test('the same person, however the name and contact are written', async (t) => {
  t.equal(normaliseName('  Matti   VIRTANEN '), normaliseName('Virtanen, Matti'), 'case, spacing, commas and word order');
  t.equal(normaliseName('Renée Müller'), normaliseName('Renee Muller'), 'accents of other languages');
  t.not(normaliseName('Mäkinen'), normaliseName('Makinen'), 'ä is a letter of its own in Finnish');
  t.not(normaliseName('Åström'), normaliseName('Astrom'), 'so are å and ö');
  t.equal(normaliseName('Ｍａｔｔｉ'), normaliseName('Matti'), 'full-width letters');
  t.equal(normaliseContact('Matti.Virtanen@Example.FI '), normaliseContact('matti virtanen@example fi'));
  t.equal(personKey('Matti Virtanen', 'Kotikatu 1, 48100 Kotka'), personKey('virtanen matti', 'KOTIKATU 1 48100 KOTKA'));
  t.not(personKey('Matti Virtanen', 'Kotikatu 1'), personKey('Matti Virtanen', 'Kotikatu 2'), 'a namesake elsewhere is someone else');
});
