// The access-request register's pages (issue 9, R10) in fi and en: whole, labelled, protected
// documents; every message of the access and registers parts used; every free-text field (name,
// contact, matter, echoed input, office, controller) escaped; overdue said in words; the search
// results without numbers; the refused driving licence explained. And the new-request form's
// checks, as the route applies them.
import t from 'tap';
import type { Translator } from '../../../src/central/console/i18n/catalogue.js';
import { accessCoverPage, type AccessCoverData } from '../../../src/central/console/pages/access-cover.js';
import {
  ACCESS_ERRORS, ACCESS_NOTICES, accessRequestPage, maskedHetu,
  type AccessRequestPageData, type AccessResultRow,
} from '../../../src/central/console/pages/access-request.js';
import {
  ACCESS_PROBLEMS, accessListPage, accessNewPage, fieldOfProblem,
  type AccessListPageData, type AccessNewPageData, type AccessProblem,
} from '../../../src/central/console/pages/access-requests.js';
import { errorPage } from '../../../src/central/console/pages/error.js';
import type { Viewer } from '../../../src/central/console/pages/types.js';
import { parseAccessForm } from '../../../src/central/console/routes/access-form.js';
import { BOX_REASONS } from '../../../src/central/console/pages/projects.js';
import { CSRF, DAY, keysOfPart, LANGS, NOW, tr, trackingTranslator, checkDocument } from './fixture.js';

const XSS = `<script>alert(1)</script>"'`;
const ESCAPED = '&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#39;';
const literally = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
const OFFICER: Viewer = { name: 'matti', role: 'privacy-officer' };
const ID = 'TP-2026-0007';
const OTHER_NUMBER = '+358409999999';

// ---------------------------------------------------------------------------------------------
// Data

function listData(extra: Partial<AccessListPageData> = {}): AccessListPageData {
  const row = { receivedOn: '2026-10-15', deadline: '2026-11-15', marks: 0, fee: false, overdue: false, name: 'Aune Ruusulampi' };
  return {
    user: OFFICER, csrf: CSRF,
    rows: [
      { ...row, id: 'TP-2026-0009', status: 'open', name: XSS, fee: true },
      { ...row, id: 'TP-2026-0008', status: 'open', overdue: true },
      { ...row, id: 'TP-2026-0007', status: 'booked', marks: 2 },
      { ...row, id: 'TP-2026-0006', status: 'closed', outcome: 'listened' },
      { ...row, id: 'TP-2026-0005', status: 'closed', outcome: 'copy-handed' },
      { ...row, id: 'TP-2026-0004', status: 'closed', outcome: 'nothing-found' },
    ],
    ...extra,
  };
}

function newData(extra: Partial<AccessNewPageData> = {}): AccessNewPageData {
  return { user: OFFICER, csrf: CSRF, today: '2026-11-28', ...extra };
}

const XSS_FORM = {
  receivedOn: XSS, signed: 'yes', name: XSS, contact: XSS, hetu: XSS, from: XSS, to: XSS, matter: XSS, numbers: XSS, document: XSS, issued: XSS, documentNumber: XSS,
};

function results(): AccessResultRow[] {
  const r = (n: number, extra: Partial<AccessResultRow> = {}) => ({
    id: `019ac9d2-0000-7000-8000-00000000000${n}`, site: 'kotka', box: 'kotka-1', line: 'line-1', start: NOW - n * DAY, durationMs: 60_000 * n, direction: 'incoming' as const, ...extra,
  });
  // What a careless route might pass along: the page must not show it.
  return [r(1), r(2, { direction: 'outgoing' }), r(3, { deleted: true }), { ...r(4), number: OTHER_NUMBER, calling: OTHER_NUMBER } as AccessResultRow];
}

function requestData(extra: Partial<AccessRequestPageData> = {}): AccessRequestPageData {
  const mark = { site: 'kotka', box: 'kotka-1', by: 'matti', at: NOW - DAY, until: NOW + 300 * DAY };
  return {
    user: OFFICER, csrf: CSRF,
    request: {
      id: ID, receivedOn: '2026-11-20', deadline: '2026-12-20', status: 'booked', overdue: false,
      window: { from: NOW - 10 * DAY, to: NOW - 2 * DAY }, recordedBy: 'matti', recordedAt: NOW - 8 * DAY,
      identity: { document: 'driving-licence', verifiedBy: 'matti', verifiedAt: NOW - 8 * DAY, last4: XSS, issued: '1990-10-02' },
      booking: { office: XSS, at: NOW + 2 * DAY, by: 'matti', bookedAt: NOW - DAY },
    },
    personal: { name: XSS, contact: `${XSS}\nKotka`, matter: XSS, numbers: ['+358405551234', '+358295020700'], hetu: '131052-308T' },
    fee: [
      { id: 'TP-2026-0003', receivedOn: '2026-06-01', by: ['phone', 'hetu'] },
      { id: 'TP-2026-0001', receivedOn: '2026-01-10', by: ['person'] },
    ],
    marks: [
      { ...mark, id: '019ac9d2-0000-7000-8000-000000000001', start: NOW - DAY, durationMs: 60_000, file: { sha256: 'ab'.repeat(32), bytes: 9_000 } },
      { ...mark, id: '019ac9d2-0000-7000-8000-000000000002', start: NOW - 2 * DAY, durationMs: 120_000 },
      { ...mark, id: '019ac9d2-0000-7000-8000-000000000005', start: NOW - 5 * DAY, durationMs: 120_000, deleted: true },
    ],
    offices: ['Kotkan toimipaikka', XSS],
    margin: '1h',
    search: { from: NOW - 10 * DAY - 3_600_000, to: NOW - 2 * DAY + 3_600_000, results: results(), truncated: false },
    ...extra,
  };
}

const closed = (kind: 'listened' | 'copy-handed' | 'nothing-found', marks = requestData().marks.map((m) => ({ ...m, released: NOW }))) => {
  const d = requestData();
  return requestData({ request: { ...d.request, status: 'closed', outcome: { kind, by: 'matti', at: NOW } }, marks });
};

function coverData(extra: Partial<AccessCoverData> = {}): AccessCoverData {
  return {
    user: OFFICER, csrf: CSRF,
    controller: { name: XSS, businessId: '2296962-1', address: XSS, registerName: XSS },
    request: { id: ID, receivedOn: '2026-11-20' },
    requester: XSS,
    files: [
      { name: '019ac9d2-0000-7000-8000-000000000001.opus', start: NOW - DAY, durationMs: 61_000, sha256: 'ab'.repeat(32), bytes: 9_000 },
      { name: '019ac9d2-0000-7000-8000-000000000002.opus', start: NOW - 2 * DAY, durationMs: 3_725_000 },
    ],
    preparedBy: 'matti', preparedAt: NOW,
    ...extra,
  };
}

/** Every refusal of the form, with what its message needs. */
const PROBLEMS: AccessProblem[] = ACCESS_PROBLEMS.map((code) => ({ code, ...(code === 'numbers-bad' ? { position: 2 } : {}) }));

type Render = (t: Translator) => string;
const PAGES: Record<string, Render> = {
  list: (t) => String(accessListPage(t, listData())),
  'list, none yet': (t) => String(accessListPage(t, listData({ rows: [] }))),
  'new request': (t) => String(accessNewPage(t, newData())),
  'new request, every problem, typed input echoed': (t) => String(accessNewPage(t, newData({ problems: PROBLEMS, form: XSS_FORM }))),
  ...Object.fromEntries(PROBLEMS.map((p) => [`new request, refused ${p.code}`, (t: Translator) => String(accessNewPage(t, newData({ problems: [p], form: { ...XSS_FORM, signed: undefined } })))])),
  'request, searched, booked, fee': (t) => String(accessRequestPage(t, requestData())),
  'request, not searched, no booking, no marks, first request, no hetu': (t) => {
    const d = requestData();
    return String(accessRequestPage(t, requestData({ request: { ...d.request, status: 'open', booking: undefined, identity: { ...d.request.identity, document: 'passport', issued: undefined } }, personal: { ...d.personal, hetu: undefined }, fee: [], marks: [], search: undefined })));
  },
  'request, searched, nothing found': (t) => String(accessRequestPage(t, requestData({ search: { from: NOW - DAY, to: NOW, results: [], truncated: false } }))),
  'request, searched, cut short': (t) => String(accessRequestPage(t, requestData({ search: { ...requestData().search!, truncated: true } }))),
  'request, overdue': (t) => String(accessRequestPage(t, requestData({ request: { ...requestData().request, overdue: true } }))),
  'request, no offices': (t) => String(accessRequestPage(t, requestData({ offices: [] }))),
  'request, closed: listened': (t) => String(accessRequestPage(t, closed('listened'))),
  'request, closed: copy handed over': (t) => String(accessRequestPage(t, closed('copy-handed'))),
  'request, closed: nothing found': (t) => String(accessRequestPage(t, closed('nothing-found', []))),
  'request, closed, holds still to release': (t) => String(accessRequestPage(t, closed('copy-handed', requestData().marks))),
  ...Object.fromEntries(ACCESS_NOTICES.map((n) => [`request, done ${n}`, (t: Translator) => String(accessRequestPage(t, requestData({ notice: n })))])),
  ...Object.fromEntries(
    ACCESS_ERRORS.flatMap((code) => (['hold-refused', 'release-refused'].includes(code) ? [...BOX_REASONS, 'TAL_OTHER'].map((reason) => ({ code, reason })) : [{ code, box: 'kotka-1' }])).map((e) => [
      `request, refused ${e.code}${'reason' in e ? ` ${e.reason}` : ''}`,
      (t: Translator) => String(accessRequestPage(t, requestData({ error: e, form: { office: XSS, at: XSS, outcome: XSS } }))),
    ]),
  ),
  'cover sheet': (t) => String(accessCoverPage(t, coverData())),
  'cover sheet, no controller configured, no files': (t) => String(accessCoverPage(t, coverData({ controller: undefined, files: [] }))),
  'error 404, request': (t) => String(errorPage(t, { status: 404, message: t('access.error.notFound'), user: OFFICER, csrf: CSRF })),
};

// ---------------------------------------------------------------------------------------------

t.test('every access-request page renders in fi and en as a whole, labelled, protected document', async (t) => {
  for (const lang of LANGS) {
    for (const [name, render] of Object.entries(PAGES)) checkDocument(t, render(tr(lang)), lang, `${name} (${lang})`);
  }
});

t.test('every message of the access and registers parts is used by the pages', async (t) => {
  for (const lang of LANGS) {
    const { t: tt, used } = trackingTranslator(lang);
    for (const render of Object.values(PAGES)) render(tt);
    t.same(keysOfPart('access').filter((k) => !used.has(k)), [], `${lang}: no access message left unused`);
    t.same(keysOfPart('registers').filter((k) => !used.has(k)), [], `${lang}: no registers message left unused`);
  }
});

t.test('free text typed by staff or configured is escaped everywhere: no stored XSS', async (t) => {
  for (const lang of LANGS) {
    const pages = {
      list: PAGES['list']!(tr(lang)),
      form: PAGES['new request, every problem, typed input echoed']!(tr(lang)),
      request: PAGES['request, searched, booked, fee']!(tr(lang)),
      refused: String(accessRequestPage(tr(lang), requestData({ error: { code: 'booking-at' }, form: { office: XSS, at: XSS, outcome: XSS } }))),
      cover: PAGES['cover sheet']!(tr(lang)),
    };
    for (const [name, p] of Object.entries(pages)) {
      t.notOk(p.includes('<script>alert(1)'), `${lang} ${name}: not as markup`);
      t.ok(p.includes(ESCAPED), `${lang} ${name}: shown escaped`);
    }
    for (const field of ['name', 'hetu', 'from', 'to', 'numbers', 'issued', 'documentNumber', 'receivedOn']) {
      t.match(pages.form, new RegExp(`<input id="[^"]+" name="${field}" type="[a-z-]+" value="${literally(ESCAPED)}"`), `${lang}: ${field} echoed into its field, escaped`);
    }
    for (const field of ['contact', 'matter']) t.ok(pages.form.includes(`name="${field}" rows="4" maxlength="`) && pages.form.includes(`>${ESCAPED}</textarea>`), `${lang}: ${field} echoed into its textarea, escaped`);
    t.match(pages.request, `<dd><span class="pre">${ESCAPED}\nKotka</span></dd>`, `${lang}: the contact's lines kept, escaped`);
    t.match(pages.request, `<option value="${ESCAPED}" selected>${ESCAPED}</option>`, `${lang}: a configured office (the one booked, chosen)`);
    t.match(pages.cover, `${ESCAPED} (2296962-1)`, `${lang}: the controller on the cover sheet`);
    t.notMatch(pages.request, /131052-308T/, `${lang}: the henkilötunnus is shown masked`);
    t.match(pages.request, maskedHetu('131052-308T'));
  }
});

t.test('overdue is said in words, not by colour alone, and the fee flag is text', async (t) => {
  for (const lang of LANGS) {
    const tt = tr(lang);
    const list = PAGES['list']!(tt);
    const overdueRow = /<tr class="overdue">[\s\S]*?<\/tr>/.exec(list)?.[0] ?? '';
    t.ok(overdueRow.includes('TP-2026-0008'), `${lang}: the overdue request's row is marked`);
    t.ok(overdueRow.includes(tt('access.overdue', { date: tt.fmt.date(Date.parse('2026-11-15T12:00:00Z')) })), `${lang}: and says so in words`);
    t.equal((list.match(/<tr class="overdue">/g) ?? []).length, 1, `${lang}: only that one`);
    t.ok(list.includes(tt('access.fee.short')), `${lang}: the second request's fee flag`);
    t.match(PAGES['request, overdue']!(tt), tt('access.overdue.long', { date: tt.fmt.date(Date.parse('2026-12-20T12:00:00Z')) }));
    t.match(PAGES['request, searched, booked, fee']!(tt), tt('access.deadline.long', { date: tt.fmt.date(Date.parse('2026-12-20T12:00:00Z')) }), `${lang}: an open request says its deadline`);
  }
});

t.test('the search results show no number, and only an open request has forms', async (t) => {
  for (const lang of LANGS) {
    const page = PAGES['request, searched, booked, fee']!(tr(lang));
    for (const n of [OTHER_NUMBER, '358409999999', '0409999999']) t.notOk(page.includes(n), `${lang}: no "${n}" from a result row`);
    const table = /<caption id="results-caption">[\s\S]*?<\/table>/.exec(page)![0];
    t.equal((table.match(/<tr>/g) ?? []).length, 5, `${lang}: every result listed`);
    t.equal((table.match(/action="\/console\/registers\/access\/TP-2026-0007\/marks"/g) ?? []).length, 1, `${lang}: the one neither marked nor destroyed can be marked`);
    t.equal((table.match(/action="\/console\/registers\/access\/TP-2026-0007\/marks\/remove"/g) ?? []).length, 2, `${lang}: the two marked can be unmarked`);
    t.match(page, /href="\/console\/registers\/access\/TP-2026-0007\/copy\/019ac9d2-0000-7000-8000-000000000001\.opus"/, `${lang}: a held recording's copy`);
    t.notMatch(page, /copy\/019ac9d2-0000-7000-8000-000000000005\.opus/, `${lang}: none of a destroyed one`);
    const done = PAGES['request, closed: copy handed over']!(tr(lang));
    t.notMatch(done, /method="post"[^>]*action="\/console\/registers/, `${lang}: a closed request has no forms left`);
    t.notMatch(done, /\/copy\//, `${lang}: nor copies to download`);
    t.match(PAGES['request, closed, holds still to release']!(tr(lang)), /action="\/console\/registers\/access\/TP-2026-0007\/release"/, `${lang}: but the holds still to release can be`);
  }
});

t.test('the refused driving licence says why', async (t) => {
  const tt = tr('fi');
  const page = String(accessNewPage(tt, newData({ problems: [{ code: 'issued-too-early' }] })));
  t.match(page, /tietosuojaseloste hyväksyy vain 1\.10\.1990 jälkeen myönnetyn ajokortin/);
  t.match(page, /<input id="ar-issued" name="issued" type="date"[^>]* aria-invalid="true" aria-describedby="access-errors ar-issued-hint">/, 'the field is marked and points at the message');
  t.match(String(accessNewPage(tr('en'), newData({ problems: [{ code: 'issued-too-early' }] }))), /accepts only driving licences issued after 1990-10-01/);
  for (const p of PROBLEMS) t.ok(fieldOfProblem(p.code), `${p.code} belongs to a field`);
});

// ---------------------------------------------------------------------------------------------
// The form's checks

const GOOD = {
  receivedOn: '2026-11-20', signed: 'yes', name: ' Aune Ruusulampi ', contact: 'Ruusulammentie 17\r\n48100 Kotka', hetu: '131052-308t',
  from: '2026-11-10T08:00', to: '2026-11-10T16:00', matter: 'Maksupäivä', numbers: '040 555 1234, +358 29 502 0700',
  document: 'driving-licence', issued: '1990-10-02', documentNumber: 'ab 123 4567',
};

t.test('a new request as the form gives it', async (t) => {
  const r = parseAccessForm(GOOD, NOW);
  t.match(r, {
    ok: true,
    request: {
      receivedOn: '2026-11-20', document: 'driving-licence', window: { from: Date.UTC(2026, 10, 10, 6), to: Date.UTC(2026, 10, 10, 14) },
      personal: { name: 'Aune Ruusulampi', contact: 'Ruusulammentie 17\n48100 Kotka', hetu: '131052-308T', matter: 'Maksupäivä', numbers: ['+358405551234', '+358295020700'], documentLast4: '4567', documentIssued: '1990-10-02' },
    },
  });
  t.notOk(JSON.stringify(r).includes('AB123'), 'the document number beyond its last four is not kept');
  const passport = parseAccessForm({ ...GOOD, document: 'passport', issued: '1970-01-01', hetu: '' }, NOW);
  t.ok(passport.ok && passport.request.personal.documentIssued === undefined && passport.request.personal.hetu === undefined, 'a passport keeps no issue day; no henkilötunnus, none kept');
  t.same(parseAccessForm({ ...GOOD, numbers: '040 555 1234; 0405551234' }, NOW).ok && (parseAccessForm({ ...GOOD, numbers: '040 555 1234; 0405551234' }, NOW) as { request: { personal: { numbers: string[] } } }).request.personal.numbers, ['+358405551234'], 'one number typed twice is one');
});

t.test('the form\'s refusals, all at once, each naming its field', async (t) => {
  const codes = (f: Record<string, string | undefined>) => {
    const r = parseAccessForm(f, NOW);
    return r.ok ? [] : r.problems.map((p) => p.code + (p.position ? `:${p.position}` : ''));
  };
  t.same(codes({ ...GOOD, issued: '1990-09-30' }), ['issued-too-early'], 'a licence of 30 September 1990');
  t.same(codes({ ...GOOD, issued: '1990-10-01' }), ['issued-too-early'], 'a licence of 1 October 1990');
  t.same(codes({ ...GOOD, issued: '' }), ['issued-missing']);
  t.same(codes({ ...GOOD, signed: undefined }), ['signed-missing'], 'not written and signed');
  t.same(codes({ ...GOOD, receivedOn: '2026-11-29' }), ['received-future']);
  t.same(codes({ ...GOOD, receivedOn: '2026-02-30' }), ['received-bad']);
  t.same(codes({ ...GOOD, from: '2026-11-10T16:00', to: '2026-11-10T08:00' }), ['window-order']);
  t.same(codes({ ...GOOD, from: '2026-11-21T08:00', to: '2026-11-21T09:00' }), ['window-after'], 'a call after the letter');
  t.same(codes({ ...GOOD, from: '2026-11-10', to: 'yesterday' }), ['from-bad', 'to-bad']);
  t.same(codes({ ...GOOD, numbers: '040 555 1234, 12ab' }), ['numbers-bad:2']);
  t.same(codes({ ...GOOD, numbers: ' , ' }), ['numbers-empty']);
  t.same(codes({ ...GOOD, numbers: '0401111111,0402222222,0403333333,0404444444,0405555555,0406666666' }), ['numbers-many']);
  t.same(codes({ ...GOOD, hetu: '131052-308U' }), ['hetu-bad'], 'a wrong check character');
  t.same(codes({ ...GOOD, name: 'A\u0000B', contact: ' ', matter: 'x'.repeat(2001) }), ['name-text', 'contact-empty', 'matter-long']);
  t.same(codes({ ...GOOD, document: 'bank-card' }), ['document-type']);
  t.same(codes({}), ['received-bad', 'signed-missing', 'name-empty', 'contact-empty', 'from-bad', 'to-bad', 'numbers-empty', 'matter-empty', 'document-type'], 'an empty form: every required field');
});
